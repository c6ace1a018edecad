// SimHash LSH over rows: 64-bit sign sketches, tables keyed by sampled bits, a Hamming prefilter,
// candidates verified exactly; no bucket dropped (docs/internals.md#duplicates).
import { gaussian, mulberry32 } from '../seeded-random';
import { abortError } from '../../../shared/errors';
import { planHashing, type HashPlan } from './lsh-plan';
import type { UnionFind } from './union-find';
import { dot } from '../similarity';
import type { Rows } from './vector-rows';

const SAMPLE_ROWS = 256;
/** Buckets above this size are ordered by group first (see groupByRoot). */
const BUCKET_CAP = 32;

/** One input's projections, mean and sample: plans the tables (lsh-plan.ts), then runs them. */
export class Hashing {
  private readonly n: number;
  /** 64 Gaussian projections, row-major [64, dim]. */
  private readonly projections: Float64Array;
  private readonly mean: Float64Array;
  private readonly meanProjection = new Float64Array(64);
  private readonly sampleProjections: Float64Array;
  private readonly sampleCount: number;
  /** Per row: x·μ, for the smallest |x − αμ| of every α. */
  private readonly meanDots: Float64Array;
  private readonly bitRandom: () => number;

  constructor(
    private readonly rows: Rows,
    private readonly dim: number,
    private readonly sqNorm: Float64Array,
    sum: Float64Array,
    private readonly threshold: number,
    seed: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    const n = (this.n = rows.n);
    const random = mulberry32(seed);
    this.bitRandom = mulberry32(seed ^ 0x9e3779b9);
    this.projections = new Float64Array(64 * dim);
    for (let i = 0; i < this.projections.length; i++) this.projections[i] = gaussian(random);
    this.mean = sum.map((s) => s / n);
    this.project(this.mean, this.meanProjection, 0);
    // Sampled rows (seeded shuffle) estimate how often unrelated rows share buckets.
    const order = Array.from({ length: n }, (_, i) => i);
    this.sampleCount = Math.min(n, SAMPLE_ROWS);
    for (let i = 0; i < this.sampleCount; i++) {
      const j = i + Math.floor(this.bitRandom() * (n - i));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    this.sampleProjections = new Float64Array(this.sampleCount * 64);
    for (let s = 0; s < this.sampleCount; s++) this.project(rows.at(order[s]!), this.sampleProjections, s * 64);
    this.meanDots = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (signal?.aborted && i % 1024 === 0) throw abortError(signal, 'duplicate search');
      const v = rows.at(i);
      let s = 0;
      for (let k = 0; k < dim; k++) s += v[k]! * this.mean[k]!;
      this.meanDots[i] = s;
    }
  }

  private project(v: ArrayLike<number>, out: Float64Array, offset: number): void {
    const { dim, projections } = this;
    for (let j = 0; j < 64; j++) {
      let s = 0;
      for (let k = 0, p = j * dim; k < dim; k++, p++) s += projections[p]! * v[k]!;
      out[offset + j] = s;
    }
  }

  /** Sign sketch of (x − αμ) from x's projections: bit j set when projection j is ≥ 0. */
  private sketch(projected: Float64Array, offset: number, alpha: number): [number, number] {
    let lo = 0;
    let hi = 0;
    const mean = this.meanProjection;
    for (let j = 0; j < 32; j++) if (projected[offset + j]! - alpha * mean[j]! >= 0) lo |= 1 << j;
    for (let j = 0; j < 32; j++) if (projected[offset + 32 + j]! - alpha * mean[32 + j]! >= 0) hi |= 1 << j;
    return [lo, hi];
  }

  /** The cheapest plan with recall ≥ 0.99, or null when comparing all pairs (`exactCost`) is cheaper. */
  plan(exactCost: number): HashPlan | null {
    const { n, dim, sqNorm, threshold } = this;
    const residualSq = (alpha: number): Float64Array => this.residualSq(alpha);
    const sampleHistogram = (alpha: number): Float64Array => this.sampleHistogram(alpha);
    return planHashing({ n, dim, sqNorm, threshold, residualSq, sampleHistogram }, exactCost);
  }

  /** |x − αμ|² of every row. */
  private residualSq(alpha: number): Float64Array {
    const meanSq = this.mean.reduce((s, x) => s + x * x, 0);
    return this.sqNorm.map((sq, i) => sq - 2 * alpha * this.meanDots[i]! + alpha * alpha * meanSq);
  }

  /** Share of sampled row pairs at each Hamming distance of their sketches. */
  private sampleHistogram(alpha: number): Float64Array {
    const m = this.sampleCount;
    const lo = new Int32Array(m);
    const hi = new Int32Array(m);
    for (let s = 0; s < m; s++) [lo[s], hi[s]] = this.sketch(this.sampleProjections, s * 64, alpha);
    const hist = new Float64Array(65);
    const share = 2 / Math.max(1, m * (m - 1));
    for (let a = 0; a < m; a++) {
      for (let c = a + 1; c < m; c++) hist[popcount(lo[a]! ^ lo[c]!) + popcount(hi[a]! ^ hi[c]!)]! += share;
    }
    return hist;
  }

  run(plan: HashPlan, uf: UnionFind): { comparisons: number; candidates: number; exactRows: number } {
    const { n, rows, dim, threshold, signal } = this;
    const { bits, tables, hammingBound } = plan;
    const scratch = new Float32Array(dim);
    const dotRows = rows.stable
      ? (i: number, j: number): number => dot(rows.at(i), rows.at(j))
      : (i: number, j: number): number => (scratch.set(rows.at(i)), dot(scratch, rows.at(j)));
    let comparisons = 0;
    let candidates = 0;

    // Rows too close to αμ for the hashing bound: compared with every row.
    const residual = this.residualSq(plan.centering);
    const members: number[] = [];
    const central: number[] = [];
    const rank = new Int32Array(n).fill(n);
    for (let i = 0; i < n; i++) {
      if (residual[i]! < plan.centralBelow) rank[i] = central.push(i) - 1;
      else members.push(i);
    }
    for (const [c, i] of central.entries()) {
      if (signal?.aborted) throw abortError(signal, 'duplicate search');
      for (let j = 0; j < n; j++) {
        if (rank[j]! <= c) continue; // itself, or a central row that already compared with i
        comparisons++;
        if (dotRows(i, j) >= threshold) uf.union(i, j);
      }
    }

    const m = members.length;
    const lo = new Int32Array(n);
    const hi = new Int32Array(n);
    const projected = new Float64Array(64);
    for (const [a, i] of members.entries()) {
      if (signal?.aborted && a % 256 === 0) throw abortError(signal, 'duplicate search');
      this.project(rows.at(i), projected, 0);
      [lo[i], hi[i]] = this.sketch(projected, 0, plan.centering);
    }
    const maskLo = new Int32Array(tables);
    const maskHi = new Int32Array(tables);
    const positions = Uint8Array.from({ length: 64 }, (_, i) => i);
    const keys = new Float64Array(m);
    const sortedKeys = new Float64Array(m);
    const runEnd = new Uint32Array(m);
    for (let t = 0; t < tables; t++) {
      if (signal?.aborted) throw abortError(signal, 'duplicate search');
      for (let q = 0; q < bits; q++) {
        const j = q + Math.floor(this.bitRandom() * (64 - q));
        [positions[q], positions[j]] = [positions[j]!, positions[q]!];
        const p = positions[q]!;
        if (p < 32) maskLo[t]! |= 1 << p;
        else maskHi[t]! |= 1 << (p - 32);
      }
      for (let a = 0; a < m; a++) {
        const i = members[a]!;
        let key = 0;
        for (let q = 0; q < bits; q++) {
          const p = positions[q]!;
          key = key * 2 + (p < 32 ? (lo[i]! >>> p) & 1 : (hi[i]! >>> (p - 32)) & 1);
        }
        keys[a] = key;
      }
      const order = sortByKey(keys);
      for (let a = 0; a < m; a++) {
        sortedKeys[a] = keys[order[a]!]!;
        order[a] = members[order[a]!]!; // from member positions to rows
      }
      for (let start = 0; start < m; ) {
        let end = start + 1;
        while (end < m && sortedKeys[end] === sortedKeys[start]) end++;
        const big = end - start > BUCKET_CAP;
        if (big) groupByRoot(order, start, end, uf, runEnd, n);
        for (let a = start; a < end; a++) {
          const i = order[a]!;
          const li = lo[i]!;
          const hiI = hi[i]!;
          for (let c = big ? runEnd[a]! : a + 1; c < end; c++) {
            const j = order[c]!;
            candidates++;
            const xl = li ^ lo[j]!;
            const xh = hiI ^ hi[j]!;
            if (popcount(xl) + popcount(xh) > hammingBound) continue;
            const ri = uf.find(i);
            const rj = uf.find(j);
            if (ri === rj) continue;
            // Verified in the first table where the pair shares a bucket: skip it in the others.
            let seen = false;
            for (let s = 0; s < t && !seen; s++) seen = (xl & maskLo[s]!) === 0 && (xh & maskHi[s]!) === 0;
            if (seen) continue;
            comparisons++;
            if (dotRows(i, j) >= threshold) uf.union(ri, rj);
          }
        }
        start = end;
      }
    }
    return { comparisons, candidates, exactRows: central.length };
  }
}

/**
 * Orders a big bucket's rows by their group and sets runEnd[a] to where a's group ends, so that
 * pairs already joined (e.g. hundreds of copies of one photo) are skipped wholesale.
 */
function groupByRoot(
  order: Uint32Array,
  start: number,
  end: number,
  uf: UnionFind,
  runEnd: Uint32Array,
  n: number,
): void {
  const packed = new Float64Array(end - start);
  for (let a = start; a < end; a++) packed[a - start] = uf.find(order[a]!) * n + order[a]!;
  packed.sort();
  for (let a = start; a < end; a++) order[a] = packed[a - start]! % n;
  runEnd[end - 1] = end;
  for (let a = end - 2; a >= start; a--) {
    const sameRoot = Math.floor(packed[a - start]! / n) === Math.floor(packed[a + 1 - start]! / n);
    runEnd[a] = sameRoot ? runEnd[a + 1]! : a + 1;
  }
}

/** Row indices ordered by key (ties by index). */
function sortByKey(keys: Float64Array): Uint32Array {
  const n = keys.length;
  const order = new Uint32Array(n);
  // key·n + i stays an exact double while keys < 2^32 and n ≤ 2^21: a plain numeric sort.
  if (n <= 2 ** 21) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = keys[i]! * n + i;
    packed.sort();
    for (let a = 0; a < n; a++) order[a] = packed[a]! % n;
    return order;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((a, b) => keys[a]! - keys[b]! || a - b);
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
