// The text tower's rows: a batch is cut to its longest text, each row keeping its own ids and
// padding, and a batch already at full length is passed through untouched.
import { describe, expect, it } from 'vitest';
import { trimToLongest } from '../../../src/core/text/text-rows';

const padded = (rows: number[][], width: number, pad: number): BigInt64Array =>
  BigInt64Array.from(rows.flatMap((r) => [...r, ...Array<number>(width - r.length).fill(pad)]), BigInt);

describe('trimToLongest', () => {
  it('cuts every row to the longest row, keeping the shorter rows padded', () => {
    const ids = padded([[7, 1, 2, 9], [7, 3, 9], [7, 9]], 6, 0);
    const { ids: out, dims } = trimToLongest(ids, [4, 3, 2], 6);
    expect(dims).toEqual([3, 4]);
    expect(Array.from(out, Number)).toEqual([7, 1, 2, 9, 7, 3, 9, 0, 7, 9, 0, 0]);
  });

  it('passes a batch whose longest row fills the width through as it is', () => {
    const ids = padded([[7, 1, 2, 9], [7, 9]], 4, 0);
    const rows = trimToLongest(ids, [4, 2], 4);
    expect(rows.ids).toBe(ids);
    expect(rows.dims).toEqual([2, 4]);
  });

  it('handles a single row', () => {
    const { ids, dims } = trimToLongest(padded([[5, 6, 9]], 8, 0), [3], 8);
    expect(dims).toEqual([1, 3]);
    expect(Array.from(ids, Number)).toEqual([5, 6, 9]);
  });
});
