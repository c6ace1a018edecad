// Worker side of bench/search.ts: builds a VectorIndex from seeded, clustered random vectors,
// times top-10 queries against it and against a naive JS scan of the same data, and measures
// int8 recall against an exact float64 top-10 of the float vectors. Vectors are generated in
// chunks so the exact answers for all queries are computed while the chunk is at hand: at 1M
// vectors the float data (2 GB) never exists at once.
import { mulberry32Uint32 } from '../../src/core/vectors/seeded-random';
import * as Comlink from 'comlink';
import { int8Residual, refineDepth, refineHits } from '../../src/core/vectors/int8-refine';
import { VectorIndex } from '../../src/core/vectors/vector-index';
import { quantizeInt8 } from '../../src/core/vectors/int8-quantize';
import type { VectorStorage } from '../../src/shared/library';

export interface CaseSpec {
  n: number;
  dim: number;
  storage: VectorStorage;
  k: number;
  /** Timed index queries (after 3 untimed warm-ups). */
  queries: number;
  /** Timed naive JS queries (the first ones of the same set). */
  naiveQueries: number;
  /** Data seed: the same seed and dim give the same vectors whatever n or storage. */
  seed: number;
  clusters: number;
}

export interface CaseResult {
  spec: CaseSpec;
  kernel: string;
  /** Milliseconds spent in upsert, all vectors. */
  buildMs: number;
  /** Bytes of the rows (plus scales) in the index. */
  storedBytes: number;
  indexMs: number[];
  naiveMs: number[];
  /** Mean |index top-k ∩ exact float64 top-k| / k over all queries. */
  recall: number;
  /** Whether the naive scan's top-k ids equal the index's on the queries both ran. */
  naiveAgrees: boolean;
  /** int8: the index's refineDepth(k) candidates re-ranked with their 4-bit residuals (held in memory here, as the library reads them from IndexedDB). */
  refinedMs: number[];
  refinedRecall: number | null;
}

const CHUNK = 8192;


/** 65,536 Gaussian draws (Box–Muller); two 16-bit indices per random word make "Gaussian-ish" noise cheaply. */
const GAUSS = (() => {
  const next = mulberry32Uint32(0x9e3779b9);
  const table = new Float32Array(65536);
  for (let i = 0; i < table.length; i++) {
    const u1 = (next() + 1) / 4294967297;
    const u2 = next() / 4294967296;
    table[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  return table;
})();

/** Unit vectors, each a random one of `clusters` centers plus noise of the same length. */
class ClusteredVectors {
  private readonly next: () => number;
  private readonly centers: Float32Array;
  /** The centers come from `centerSeed`, the draws from `streamSeed`. */
  constructor(
    private readonly dim: number,
    private readonly clusters: number,
    centerSeed: number,
    streamSeed: number,
  ) {
    this.centers = new Float32Array(clusters * dim);
    this.next = mulberry32Uint32(centerSeed);
    for (let c = 0; c < clusters; c++) this.gaussianUnit(this.centers, c * dim, -1);
    this.next = mulberry32Uint32(streamSeed);
  }

  fill(out: Float32Array, count: number): void {
    for (let r = 0; r < count; r++) this.gaussianUnit(out, r * this.dim, (this.next() % this.clusters) * this.dim);
  }

  /** out[at..] = normalize(center + g / sqrt(dim)); a plain random direction for center -1. */
  private gaussianUnit(out: Float32Array, at: number, center: number): void {
    const { dim, centers } = this;
    const sigma = 1 / Math.sqrt(dim);
    let sum = 0;
    let word = 0;
    for (let i = 0; i < dim; i++) {
      // Two 16-bit table indices a random word.
      if ((i & 1) === 0) word = this.next();
      const g = GAUSS[i & 1 ? word >>> 16 : word & 0xffff]!;
      const x = g * sigma + (center < 0 ? 0 : centers[center + i]!);
      out[at + i] = x;
      sum += x * x;
    }
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < dim; i++) out[at + i] = out[at + i]! * inv;
  }
}

/** The k best (score, row) pairs seen so far, best first: what a careful plain-JS scan keeps. */
class RunningTopK {
  readonly scores: number[] = [];
  readonly rows: number[] = [];
  constructor(private readonly k: number) {}
  offer(score: number, row: number): void {
    const { scores, rows, k } = this;
    if (scores.length === k && !(score > scores[k - 1]!)) return;
    let i = scores.length === k ? k - 1 : scores.length;
    while (i > 0 && scores[i - 1]! < score) {
      scores[i] = scores[i - 1]!;
      rows[i] = rows[i - 1]!;
      i--;
    }
    scores[i] = score;
    rows[i] = row;
  }
}

const log = (message: string) => console.log(`[search worker] ${message}`);

async function runCase(spec: CaseSpec): Promise<CaseResult> {
  const { n, dim, storage, k } = spec;
  const index = await VectorIndex.create(dim, storage);
  const totalQueries = spec.queries + 3;
  // Queries: fresh draws from the same clusters (same centers, another stream).
  const data = new ClusteredVectors(dim, spec.clusters, spec.seed, spec.seed + 1);
  const queries = new Float32Array(totalQueries * dim);
  new ClusteredVectors(dim, spec.clusters, spec.seed, spec.seed ^ 0x5bd1e995).fill(queries, totalQueries);
  const exact = Array.from({ length: totalQueries }, () => new RunningTopK(k));
  // What the naive scan reads: all float rows (float32 storage) or all codes and scales (int8).
  const keepFloat = storage === 'float32';
  const floats = keepFloat ? new Float32Array(n * dim) : undefined;
  const codes = keepFloat ? undefined : new Int8Array(n * dim);
  const scales = keepFloat ? undefined : new Float32Array(n);
  const half = (dim + 1) >> 1;
  const nibbles = keepFloat ? undefined : new Uint8Array(n * half);
  const residualScales = keepFloat ? undefined : new Float32Array(n);
  const chunk = new Float32Array(CHUNK * dim);
  let buildMs = 0;
  for (let start = 0; start < n; start += CHUNK) {
    const count = Math.min(CHUNK, n - start);
    const rows = floats ? floats.subarray(start * dim, (start + count) * dim) : chunk;
    data.fill(rows, count);
    const t0 = performance.now();
    for (let r = 0; r < count; r++) index.upsert(String(start + r), rows.subarray(r * dim, (r + 1) * dim));
    buildMs += performance.now() - t0;
    if (codes && scales) {
      for (let r = 0; r < count; r++) {
        const stored = index.getQuantized(String(start + r))!;
        codes.set(stored.codes, (start + r) * dim);
        scales[start + r] = stored.scale;
        const residual = int8Residual(rows.subarray(r * dim, (r + 1) * dim), stored.codes, stored.scale);
        nibbles!.set(residual.nibbles, (start + r) * half);
        residualScales![start + r] = residual.scale;
      }
    }
    // Exact float64 top-k of this chunk for every query.
    for (let q = 0; q < totalQueries; q++) {
      const top = exact[q]!;
      const qo = q * dim;
      for (let r = 0; r < count; r++) {
        let s = 0;
        const ro = r * dim;
        for (let i = 0; i < dim; i++) s += queries[qo + i]! * rows[ro + i]!;
        top.offer(s, start + r);
      }
    }
    if (((start / CHUNK) & 15) === 15) log(`${storage} n=${n}: ${start + count} vectors in`);
  }

  const indexMs: number[] = [];
  let found = 0;
  const indexTop: string[][] = [];
  for (let q = 0; q < totalQueries; q++) {
    const query = queries.subarray(q * dim, (q + 1) * dim);
    const t0 = performance.now();
    const hits = index.search(query, k);
    const ms = performance.now() - t0;
    indexTop.push(hits.map((h) => h.id));
    if (q < 3) continue;
    indexMs.push(ms);
    const truth = new Set(exact[q]!.rows.map(String));
    found += hits.filter((h) => truth.has(h.id)).length;
  }

  const refinedMs: number[] = [];
  let refinedFound = 0;
  if (codes && scales && nibbles && residualScales) {
    const lookup = (id: string) => {
      const r = Number(id);
      return {
        codes: codes.subarray(r * dim, (r + 1) * dim),
        scale: scales[r]!,
        residual: { nibbles: nibbles.subarray(r * half, (r + 1) * half), scale: residualScales[r]! },
      };
    };
    for (let q = 0; q < totalQueries; q++) {
      const query = queries.subarray(q * dim, (q + 1) * dim);
      const t0 = performance.now();
      const hits = refineHits(query, index.search(query, refineDepth(k)), lookup, k);
      const ms = performance.now() - t0;
      if (q < 3) continue;
      refinedMs.push(ms);
      const truth = new Set(exact[q]!.rows.map(String));
      refinedFound += hits.filter((h) => truth.has(h.id)).length;
    }
  }

  const naiveMs: number[] = [];
  let naiveAgrees = true;
  for (let q = 3; q < 3 + spec.naiveQueries; q++) {
    const query = queries.subarray(q * dim, (q + 1) * dim);
    const t0 = performance.now();
    const rows = floats ? naiveFloat(query, floats, n, dim, k) : naiveInt8(query, codes!, scales!, n, dim, k);
    naiveMs.push(performance.now() - t0);
    if (rows.map(String).join() !== indexTop[q]!.join()) naiveAgrees = false;
  }
  const result: CaseResult = {
    spec,
    kernel: index.kernel,
    buildMs,
    storedBytes: n * (storage === 'int8' ? Math.ceil(dim / 16) * 16 + 4 : Math.ceil(dim / 16) * 64),
    indexMs,
    naiveMs,
    recall: found / (spec.queries * k),
    naiveAgrees,
    refinedMs,
    refinedRecall: codes ? refinedFound / (spec.queries * k) : null,
  };
  index.dispose();
  return result;
}

/** The baseline: normalize, one plain loop per row, keep the k best. */
function naiveFloat(query: Float32Array, rows: Float32Array, n: number, dim: number, k: number): number[] {
  let norm = 0;
  for (let i = 0; i < dim; i++) norm += query[i]! * query[i]!;
  const q = query.map((x) => x / Math.sqrt(norm));
  const top = new RunningTopK(k);
  for (let r = 0, o = 0; r < n; r++, o += dim) {
    let s = 0;
    for (let i = 0; i < dim; i++) s += q[i]! * rows[o + i]!;
    top.offer(s, r);
  }
  return top.rows;
}

/** The int8 baseline: the query quantized too, integer dots, times the two scales. */
function naiveInt8(query: Float32Array, codes: Int8Array, scales: Float32Array, n: number, dim: number, k: number): number[] {
  let norm = 0;
  for (let i = 0; i < dim; i++) norm += query[i]! * query[i]!;
  const q = quantizeInt8(query.map((x) => x / Math.sqrt(norm)));
  const top = new RunningTopK(k);
  for (let r = 0, o = 0; r < n; r++, o += dim) {
    let s = 0;
    for (let i = 0; i < dim; i++) s += q.codes[i]! * codes[o + i]!;
    top.offer(s * scales[r]! * q.scale, r);
  }
  return top.rows;
}

const api = { runCase };
export type SearchWorkerApi = typeof api;
Comlink.expose(api);
