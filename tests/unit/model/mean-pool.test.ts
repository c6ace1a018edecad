import { describe, expect, it } from 'vitest';
import { meanPoolProject } from '../../../src/core/model/mean-pool';

/** A seeded generator of floats in [-1, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

/** The projection one output at a time, as torch's float32 mean then a float64 dot product. */
function oneByOne(hidden: Float32Array, mask: BigInt64Array, rows: number, seq: number, weight: Float32Array, out: number, width: number): Float32Array[] {
  const result: Float32Array[] = [];
  for (let r = 0; r < rows; r++) {
    const pooled = new Float64Array(width);
    let count = 0;
    for (let t = 0; t < seq; t++) {
      if (mask[r * seq + t] === 0n) continue;
      count++;
      for (let k = 0; k < width; k++) pooled[k]! += hidden[(r * seq + t) * width + k]!;
    }
    const embedding = new Float32Array(out);
    for (let o = 0; o < out; o++) {
      let sum = 0;
      for (let k = 0; k < width; k++) sum += weight[o * width + k]! * Math.fround(pooled[k]! / Math.max(count, 1e-9));
      embedding[o] = sum;
    }
    result.push(embedding);
  }
  return result;
}

describe('meanPoolProject', () => {
  it('gives, bit for bit, what one output at a time gives, also where outputs are not a multiple of four', () => {
    const next = random(7);
    const rows = 3;
    const seq = 5;
    const width = 16;
    for (const out of [7, 8, 1]) {
      const hidden = Float32Array.from({ length: rows * seq * width }, next);
      const mask = BigInt64Array.from({ length: rows * seq }, (_, i) => (i % seq < 2 + (i % 3) ? 1n : 0n));
      const weight = Float32Array.from({ length: out * width }, next);
      const got = meanPoolProject(hidden, mask, rows, seq, { shape: [out, width], data: weight });
      expect(got).toEqual(oneByOne(hidden, mask, rows, seq, weight, out, width));
    }
  });
});
