// Timings and agreement figures for the check: throughput after warm-up with first and last
// calls kept (a speed can drift within a run), and cosine statistics that count NaN as failure.
import { cosine } from '../../src/core/vectors/similarity';

export interface Throughput {
  batch: number;
  /** Inputs per second over the timed calls. */
  perSecond: number;
  /** The first call at this shape (on WebGPU: its shaders compile here), ms. */
  firstCallMs: number;
  /** Timed calls, ms each, in order. */
  callsMs: number[];
}

/**
 * Runs `call` once untimed (warm-up), then timed until `seconds` have passed and at least
 * `minCalls` calls were made.
 */
export async function throughput(batch: number, call: () => Promise<unknown>, seconds: number, minCalls = 3): Promise<Throughput> {
  let t = performance.now();
  await call();
  const firstCallMs = performance.now() - t;
  const callsMs: number[] = [];
  const start = performance.now();
  while (callsMs.length < minCalls || performance.now() - start < seconds * 1000) {
    t = performance.now();
    await call();
    callsMs.push(performance.now() - t);
    if (callsMs.length >= 200) break;
  }
  const total = callsMs.reduce((a, b) => a + b, 0);
  return { batch, perSecond: (batch * callsMs.length * 1000) / total, firstCallMs, callsMs: callsMs.map(round) };
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

export interface Agreement {
  min: number;
  mean: number;
  /** Per input, in order. */
  each: number[];
}

/** Cosine of each row of `rows` (n × dim) with its reference; a NaN counts as -1. */
export function agreement(rows: Float32Array, references: readonly ArrayLike<number>[]): Agreement {
  const dim = rows.length / references.length;
  const each = references.map((ref, i) => {
    const c = cosine(rows.subarray(i * dim, (i + 1) * dim), ref);
    return Number.isFinite(c) ? c : -1;
  });
  return { min: Math.min(...each), mean: each.reduce((a, b) => a + b, 0) / each.length, each };
}

export function nonFinite(values: Float32Array): number {
  let n = 0;
  for (const v of values) if (!Number.isFinite(v)) n++;
  return n;
}

/** `rows` rows of `rowLength` taken cyclically from `source` (n × rowLength): a batch of any size. */
export function cycleRows<T extends Float32Array | BigInt64Array>(source: T, rowLength: number, rows: number): T {
  const have = source.length / rowLength;
  const out = new (source.constructor as new (n: number) => T)(rows * rowLength);
  for (let r = 0; r < rows; r++) out.set(source.subarray((r % have) * rowLength, ((r % have) + 1) * rowLength) as never, r * rowLength);
  return out;
}
