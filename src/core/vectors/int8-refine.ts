// Re-ranking of int8 search results with a 4-bit residual per value, read for the best few only:
// ~14× less error at 1 byte a value in memory (docs/internals.md#int8-storage).
import { l2Normalize } from './similarity';

export interface Int8Residual {
  /** Two 4-bit codes a byte, low nibble first, each stored as code + 8 (code in −7…7). */
  readonly nibbles: Uint8Array;
  /** Value = code × scale (0 when the int8 codes were exact). */
  readonly scale: number;
}

export interface Int8Stored {
  readonly codes: Int8Array;
  readonly scale: number;
  readonly residual?: Int8Residual | undefined;
}

const LEVELS = 7;

/** The residual of `vector` (the one `codes`/`scale` quantized) as 4-bit codes. */
export function int8Residual(vector: Float32Array, codes: Int8Array, scale: number): Int8Residual {
  const n = vector.length;
  if (codes.length !== n) throw new RangeError(`codes have length ${codes.length}, the vector ${n}`);
  const rest = new Float32Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) {
    rest[i] = vector[i]! - codes[i]! * scale;
    const a = Math.abs(rest[i]!);
    if (!(a <= Number.MAX_VALUE)) throw new RangeError(`vector has a non-finite value at ${i}`);
    if (a > max) max = a;
  }
  const residualScale = Math.fround(max / LEVELS);
  const nibbles = new Uint8Array((n + 1) >> 1);
  for (let i = 0; i < n; i++) {
    let c = 0;
    if (residualScale > 0) {
      const x = rest[i]! / residualScale;
      c = Math.max(-LEVELS, Math.min(LEVELS, x < 0 ? -Math.round(-x) : Math.round(x)));
    }
    nibbles[i >> 1] = nibbles[i >> 1]! | ((c + 8) << ((i & 1) * 4));
  }
  return { nibbles, scale: residualScale };
}

/** query · (codes × scale + residual), the query already of unit length. */
export function refinedScore(query: Float32Array, stored: Int8Stored): number {
  const { codes, scale, residual } = stored;
  let main = 0;
  for (let i = 0; i < codes.length; i++) main += query[i]! * codes[i]!;
  if (!residual || residual.scale === 0) return main * scale;
  let fine = 0;
  const { nibbles } = residual;
  for (let i = 0; i < codes.length; i++) fine += query[i]! * (((nibbles[i >> 1]! >> ((i & 1) * 4)) & 15) - 8);
  return main * scale + fine * residual.scale;
}

/**
 * How many int8 candidates to re-rank for a top-k: k plus a margin that, on the benchmark's
 * 1M clustered vectors, leaves no true top-10 behind (bench/search.ts), bounded so a large k
 * does not read thousands of records.
 */
export function refineDepth(k: number): number {
  return k + Math.min(200, Math.max(30, k));
}

/**
 * The best `k` of `candidates` (what VectorIndex.search gave for `query`, which it checked)
 * scored again with their residuals, best first. A candidate
 * `lookup` no longer finds (removed meanwhile) is dropped; one stored without a residual keeps
 * its int8 score.
 */
export function refineHits<H extends { readonly id: string; readonly score: number }>(
  query: Float32Array,
  candidates: readonly H[],
  lookup: (id: string) => Int8Stored | undefined,
  k: number,
): { id: string; score: number }[] {
  const unit = l2Normalize(query);
  const scored: { id: string; score: number }[] = [];
  for (const hit of candidates) {
    const stored = lookup(hit.id);
    if (stored) scored.push({ id: hit.id, score: stored.residual ? refinedScore(unit, stored) : hit.score });
  }
  // Ties keep the int8 order (Array.prototype.sort is stable).
  return scored.sort((a, b) => b.score - a.score).slice(0, k);
}

/** The float32 vector an int8 photo stands for (codes × scale + residual), of unit length. */
export function dequantizeInt8({ codes, scale, residual }: Int8Stored): Float32Array {
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const fine = residual ? (((residual.nibbles[i >> 1]! >> ((i & 1) * 4)) & 15) - 8) * residual.scale : 0;
    out[i] = codes[i]! * scale + fine;
  }
  return l2Normalize(out);
}
