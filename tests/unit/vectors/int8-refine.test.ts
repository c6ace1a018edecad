// The 4-bit residual that re-ranks int8 search results: what it stores, how close the refined
// score comes to the exact cosine, and the re-ranking itself.
import { describe, expect, it } from 'vitest';
import { int8Residual, refineDepth, refinedScore, refineHits, type Int8Stored } from '../../../src/core/vectors/int8-refine';
import { l2Normalize } from '../../../src/core/vectors/similarity';
import { mulberry32 } from '../../../src/core/vectors/seeded-random';
import { quantizeInt8 } from '../../../src/core/vectors/int8-quantize';

function randomUnit(random: () => number, dim: number): Float32Array {
  const v = Float32Array.from({ length: dim }, () => random() * 2 - 1);
  return l2Normalize(v);
}
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const store = (v: Float32Array): Int8Stored => {
  const { codes, scale } = quantizeInt8(v);
  return { codes, scale, residual: int8Residual(v, codes, scale) };
};

describe('int8 residual', () => {
  it('packs one 4-bit code per value, low nibble first, and reconstructs within half a residual step', () => {
    const random = mulberry32(7);
    for (const dim of [1, 2, 7, 512]) {
      const v = randomUnit(random, dim);
      const { codes, scale, residual } = store(v);
      expect(residual!.nibbles.length).toBe(Math.ceil(dim / 2));
      for (let i = 0; i < dim; i++) {
        const nibble = ((residual!.nibbles[i >> 1]! >> ((i & 1) * 4)) & 15) - 8;
        expect(Math.abs(nibble)).toBeLessThanOrEqual(7);
        const back = codes[i]! * scale + nibble * residual!.scale;
        expect(Math.abs(back - v[i]!)).toBeLessThanOrEqual(residual!.scale / 2 + 1e-7);
      }
    }
  });

  it('brings the score far closer to the exact cosine than int8 alone', () => {
    const random = mulberry32(11);
    let int8Error = 0;
    let refinedError = 0;
    for (let t = 0; t < 200; t++) {
      const v = randomUnit(random, 512);
      const q = randomUnit(random, 512);
      const exact = dot(q, v);
      const stored = store(v);
      int8Error = Math.max(int8Error, Math.abs(refinedScore(q, { codes: stored.codes, scale: stored.scale }) - exact));
      refinedError = Math.max(refinedError, Math.abs(refinedScore(q, stored) - exact));
    }
    expect(refinedError).toBeLessThan(int8Error / 8);
    expect(refinedError).toBeLessThan(1e-4);
  });

  it('is all zero with scale 0 when nothing is left over (a zero vector)', () => {
    const v = new Float32Array(4);
    const { codes, scale } = quantizeInt8(v);
    const residual = int8Residual(v, codes, scale);
    expect(residual.scale).toBe(0);
    expect(Array.from(residual.nibbles)).toEqual([0x88, 0x88]); // code 0 stored as 8
    expect(refinedScore(Float32Array.of(1, 0, 0, 0), { codes, scale, residual })).toBe(0);
  });

  it('rejects codes of another length and non-finite vectors', () => {
    expect(() => int8Residual(new Float32Array(4), new Int8Array(3), 1)).toThrow(RangeError);
    expect(() => int8Residual(Float32Array.of(NaN, 0), new Int8Array(2), 1)).toThrow(RangeError);
  });
});

describe('refineHits', () => {
  it('re-orders candidates by their refined scores, drops the vanished, keeps int8 scores without a residual', () => {
    const random = mulberry32(3);
    const q = randomUnit(random, 64);
    const vectors = new Map(Array.from({ length: 6 }, (_, i) => [`p${i}`, randomUnit(random, 64)]));
    const stored = new Map([...vectors].map(([id, v]) => [id, store(v)]));
    // Candidates in a wrong order with wrong scores, one of them no longer stored.
    const candidates = ['p5', 'p4', 'p3', 'p2', 'p1', 'p0', 'gone'].map((id, i) => ({ id, score: 1 - i / 10 }));
    const refined = refineHits(q, candidates, (id) => stored.get(id), 4);
    const exact = [...vectors].map(([id, v]) => ({ id, score: dot(q, v) })).sort((a, b) => b.score - a.score);
    expect(refined.map((h) => h.id)).toEqual(exact.slice(0, 4).map((h) => h.id));
    refined.forEach((h, i) => expect(h.score).toBeCloseTo(exact[i]!.score, 3));

    const withoutResidual = refineHits(q, [{ id: 'p0', score: 0.5 }], () => ({ codes: new Int8Array(64), scale: 0 }), 1);
    expect(withoutResidual).toEqual([{ id: 'p0', score: 0.5 }]);
  });

  it('asks for k plus a bounded margin', () => {
    expect(refineDepth(10)).toBe(40);
    expect(refineDepth(100)).toBe(200);
    expect(refineDepth(1000)).toBe(1200);
    expect(refineDepth(0)).toBe(30);
  });
});
