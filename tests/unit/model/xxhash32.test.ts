// XXH32 against the reference implementation's published values, every tail length, and an
// unaligned view.
import { describe, expect, it } from 'vitest';
import { xxhash32 } from '../../../src/core/model/xxhash32';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('xxhash32', () => {
  it('matches the reference values', () => {
    expect(xxhash32(ascii(''))).toBe(0x02cc5d05);
    expect(xxhash32(ascii('a'))).toBe(0x550d7456);
    expect(xxhash32(ascii('abc'))).toBe(0x32d153ff);
    expect(xxhash32(ascii('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
  });

  it('gives the same value for a view at any byte offset', () => {
    const data = new Uint8Array(203).map((_, i) => (i * 131 + 7) & 0xff);
    for (let len = 0; len <= 70; len++) {
      const expected = xxhash32(data.slice(0, len));
      const shifted = new Uint8Array(data.length + 3);
      shifted.set(data.subarray(0, len), 3);
      expect(xxhash32(shifted.subarray(3, 3 + len))).toBe(expected);
    }
  });

  it('changes when any single byte changes', () => {
    const data = new Uint8Array(4096).map((_, i) => (i * 37) & 0xff);
    const base = xxhash32(data);
    for (const at of [0, 1, 15, 16, 2047, 4093, 4095]) {
      const copy = data.slice();
      copy[at] = copy[at]! ^ 1;
      expect(xxhash32(copy)).not.toBe(base);
    }
  });
});
