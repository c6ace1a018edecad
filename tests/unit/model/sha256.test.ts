import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256, sha256Hex } from '../../../src/core/model/sha256';

/** Deterministic bytes (a 32-bit LCG): the same test data on every run. */
function bytes(length: number, seed: number): Uint8Array {
  let x = seed >>> 0;
  return Uint8Array.from({ length }, () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) >>> 24));
}

const nodeHash = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('Sha256', () => {
  it('gives the FIPS 180-4 test vectors', () => {
    const ascii = (s: string) => new TextEncoder().encode(s);
    expect(sha256Hex(ascii(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(ascii('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with node:crypto on every length around the block and padding edges', () => {
    const data = bytes(300, 5);
    for (let n = 0; n <= 300; n++) expect(sha256Hex(data.subarray(0, n)), `length ${n}`).toBe(nodeHash(data.subarray(0, n)));
  });

  it('hashes the same however the input is split into updates', () => {
    const data = bytes(100_003, 9);
    const want = nodeHash(data);
    for (const piece of [1, 7, 63, 64, 65, 4096, 65_537]) {
      const hash = new Sha256();
      for (let p = 0; p < data.length; p += piece) hash.update(data.subarray(p, p + piece));
      expect(hash.hex(), `pieces of ${piece}`).toBe(want);
    }
  });

  it('refuses to be used after its digest', () => {
    const hash = new Sha256().update(new Uint8Array(3));
    hash.hex();
    expect(() => hash.update(new Uint8Array(1))).toThrow();
    expect(() => hash.hex()).toThrow();
  });
});
