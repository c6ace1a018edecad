import { describe, expect, it } from 'vitest';
import { ClipError } from '../../../src/shared/errors';
import { cosine, dot, l2Normalize, normalizeRows, softmax } from '../../../src/core/vectors/similarity';

describe('similarity maths', () => {
  it('normalizes to unit length and keeps a zero vector zero', () => {
    const v = l2Normalize([3, 4]);
    expect(Array.from(v)).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
    expect(Array.from(l2Normalize([0, 0, 0]))).toEqual([0, 0, 0]);
  });

  it('splits a [rows, dim] block into normalized rows', () => {
    const rows = normalizeRows(new Float32Array([2, 0, 0, -5]), 2);
    expect(rows.map((r) => Array.from(r))).toEqual([[1, 0], [0, -1]]);
    expect(() => normalizeRows(new Float32Array(5), 2)).toThrow(ClipError);
  });

  it('computes dot and cosine, rejecting mismatched lengths', () => {
    expect(dot([1, 2, 3], [4, 5, 6])).toBe(32);
    expect(cosine([1, 0], [10, 0])).toBeCloseTo(1, 12);
    expect(cosine([1, 0], [0, 3])).toBe(0);
    expect(cosine([0, 0], [1, 1])).toBe(0);
    expect(() => dot([1], [1, 2])).toThrow(/differ in length/);
  });

  it('softmax with a logit scale sums to 1 and survives large logits', () => {
    const p = softmax([0.3, 0.2, 0.1], 100);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[0]! / p[1]!).toBeCloseTo(Math.exp(10), 6);
    const big = softmax([1000, 999], 1);
    expect(Number.isFinite(big[0]!)).toBe(true);
    expect(big[0]! + big[1]!).toBeCloseTo(1, 12);
  });
});
