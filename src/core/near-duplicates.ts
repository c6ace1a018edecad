// Groups of near-identical photos (cosine ≥ threshold, linked in chains) without comparing every
// pair: small inputs compare all pairs; large ones find candidates by SimHash LSH, verified exactly.
//
// The hashing. Each row gets a 64-bit sign sketch (64 seeded Gaussian projections of the row, less
// a fraction α of the mean row, see "centering"). A table keys rows by b of those bits; rows sharing
// a bucket in any of L tables are candidates; a candidate whose sketches differ in more than h bits
// is dropped; the rest are verified with the exact dot product. A random hyperplane splits two
// vectors at angle θ with probability θ/π, so for a pair at the threshold t each bit differs with
// r = acos(t)/π and the textbook recall is 1 − (1 − (1 − r)^b)^L. That formula assumes independent
// tables, which tables sampling one 64-bit sketch are not: a pair whose sketches differ in k bits
// shares a table's key with c_k = C(64−k, b)/C(64, b), so the recall used here is
//   recall = Σ_{k≤h} Binom(k; 64, r) · (1 − (1 − c_k)^L)
// (prefilter included). At t = 0.95 (r = 0.1011): h = 15 passes a pair at the threshold with
// probability 0.9995 (h = 14: 0.9985); the textbook b = 16, L = 23 (0.990 on paper) finds only 0.901
// of such pairs, so b = 16 needs L = 87, b = 12 needs L = 32, b = 20 needs L = 269 for ≥ 0.99.
// Among the (b, L) with recall ≥ 0.99, the cheapest for this input is picked by a cost model fed
// by the Hamming distances of 256 sampled rows' pairs; when no plan beats comparing all pairs, all
// pairs are compared. On 3,000–5,000 unrelated 512-d rows at t = 0.95 it picks b = 9–10, L = 16–20,
// h = 15 (~3 % of pairs looked at, ~0.001 % verified); measured: 0.990 of 12,000 pairs at cosine
// 0.9502 found. The model also says
// why misses never vanish: a pair at 0.96 is still missed with ~0.5 % (one at 0.97: ~0.25 %).
//
// Centering. CLIP photo embeddings share a large common direction (unrelated photos at cosine
// ~0.5–0.7), which leaves SimHash bits nearly useless: most bits agree for every pair. Hashing
// x − αμ (μ the mean row) spreads the rows out, and the recall guarantee survives: for two rows at
// dot ≥ t, |x − y|² ≤ 2·max|x|² − 2t =: δ², and if both |x − αμ|, |y − αμ| ≥ ρ their angle
// after centering has cosine ≥ 1 − δ²/(2ρ²), the bound the parameters are then chosen for. The few rows
// nearest αμ would drag ρ (and so the bound) down for everyone: up to 3 % of the rows are instead
// compared with every row, which keeps every pair covered. α = 0 is plain SimHash (bound t for
// unit rows). α, that share, b and L are picked per input by the cost model.
//
// No bucket is dropped or truncated (that would lose pairs): one above BUCKET_CAP rows is compared
// in full, but ordered by group first so that pairs already joined are skipped wholesale.
import { abortError } from './errors';

/** Rows fetched on demand (e.g. dequantized int8); `row` may reuse its array between calls. */
export interface VectorSource {
  readonly length: number;
  row(index: number): Float32Array;
}

export type DuplicateInput = readonly Float32Array[] | VectorSource;

export interface DuplicateOptions {
  /** Cosine similarity at or above which two photos count as the same. */
  readonly threshold: number;
  /** Seed of the random projections (deterministic results). Default a fixed constant. */
  readonly seed?: number;
  /**
   * Below this many vectors every pair is compared exactly. Default 500: measured in Node on 512-d
   * rows, all pairs and hashing both take ~0.1 s there (hashing's fixed part: 64 projections a row,
   * a 256-row sample, the plan), below it all pairs are cheaper, and they never miss. Above it,
   * all pairs are still compared when the cost model says hashing would not pay (e.g. a low threshold).
   */
  readonly exactUpTo?: number;
  readonly signal?: AbortSignal;
}

export interface DuplicateStats {
  readonly method: 'exact' | 'lsh';
  /** Exact dot products computed. */
  readonly comparisons: number;
  readonly tables?: number;
  readonly bits?: number;
  /** Candidate pairs looked at (sketch XOR), once per table whose bucket they share. */
  readonly candidates?: number;
  /** Candidates whose sketches differ in more bits are dropped unverified. */
  readonly hammingBound?: number;
  /** Fraction α of the mean row subtracted before hashing (0: plain SimHash). */
  readonly centering?: number;
  /** Rows too near the mean for the centered bound, compared with every row instead. */
  readonly exactRows?: number;
  /** Probability, under the model above, that a pair at the threshold is found. */
  readonly recall?: number;
}

const TARGET_RECALL = 0.99;
const PREFILTER_PASS = 0.999;
const MAX_TABLES = 256;
const MIN_BITS = 8;
const MAX_BITS = 32;
const CENTERINGS = [0, 0.5, 0.75, 0.9, 1];
const SAMPLE_ROWS = 256;
/** Shares of rows nearest αμ that may be compared exactly, to loosen the hashing bound for the rest. */
const CENTRAL_SHARES = [0, 0.001, 0.003, 0.01, 0.03];
/** Buckets above this size are ordered by group first (see groupByRoot). */
const BUCKET_CAP = 32;
const DEFAULT_SEED = 0x5eed1e55;
const DEFAULT_EXACT_UP_TO = 500;

interface Rows {
  readonly n: number;
  at(i: number): Float32Array;
  /** Whether `at` returns arrays that stay valid (an array input) or may be reused (a source). */
  readonly stable: boolean;
}

interface HashPlan extends TablePlan {
  readonly centering: number;
  /** Rows whose |x − αμ|² is below this are compared with every row instead of hashed. */
  readonly centralBelow: number;
  readonly cost: number;
}

interface TablePlan {
  readonly bits: number;
  readonly tables: number;
  readonly hammingBound: number;
  readonly recall: number;
  readonly cost: number;
}

/** Groups (rows ascending, groups by first row) of rows linked by pairs with dot ≥ threshold. */
export function findDuplicateGroups(
  vectors: DuplicateInput,
  dim: number,
  options: DuplicateOptions,
): { groups: number[][]; stats: DuplicateStats } {
  const { threshold, signal } = options;
  const seed = options.seed ?? DEFAULT_SEED;
  const exactUpTo = options.exactUpTo ?? DEFAULT_EXACT_UP_TO;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1)) {
    throw new RangeError(`threshold must be in (0, 1], got ${String(threshold)}`);
  }
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be a positive integer, got ${String(dim)}`);
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${String(seed)}`);
  if (!(exactUpTo >= 0)) throw new RangeError(`exactUpTo must be ≥ 0, got ${String(exactUpTo)}`);
  const rows = rowsOf(vectors);
  const { n } = rows;
  const lsh = n >= exactUpTo && n >= 2;

  // One pass validates every row and gathers what the hashing plan needs.
  const sqNorm = new Float64Array(n);
  const sum = new Float64Array(lsh ? dim : 0);
  for (let i = 0; i < n; i++) {
    if (signal?.aborted && i % 1024 === 0) throw abortError(signal, 'duplicate search');
    const v = rows.at(i);
    if (v?.length !== dim) throw new RangeError(`vectors[${i}] has length ${String(v?.length)}, expected ${dim}`);
    let s = 0;
    for (let k = 0; k < dim; k++) {
      const x = v[k]!;
      if (!Number.isFinite(x)) throw new RangeError(`vectors[${i}][${k}] is not finite`);
      s += x * x;
      if (lsh) sum[k]! += x;
    }
    sqNorm[i] = s;
  }

  const uf = new UnionFind(n);
  const pairs = n < 2 ? 0 : (n * (n - 1)) / 2;
  if (lsh) {
    const hashing = new Hashing(rows, dim, sqNorm, sum, threshold, seed >>> 0, signal);
    const plan = hashing.plan(pairs * dim);
    if (plan) {
      const { comparisons, candidates, exactRows } = hashing.run(plan, uf);
      const stats: DuplicateStats = {
        method: 'lsh', comparisons, candidates, tables: plan.tables, bits: plan.bits,
        hammingBound: plan.hammingBound, centering: plan.centering, exactRows, recall: plan.recall,
      };
      return { groups: uf.groups(), stats };
    }
  }
  comparePairs(rows, threshold, uf, signal);
  return { groups: uf.groups(), stats: { method: 'exact', comparisons: pairs } };
}

function rowsOf(vectors: DuplicateInput): Rows {
  const source = vectors as Partial<VectorSource>;
  if (typeof source.row === 'function') {
    const s = vectors as VectorSource;
    if (!Number.isInteger(s.length) || s.length < 0) throw new RangeError(`bad vector count ${String(s.length)}`);
    return { n: s.length, at: (i) => s.row(i), stable: false };
  }
  const list = vectors as readonly Float32Array[];
  return { n: list.length, at: (i) => list[i]!, stable: true };
}

function dot(a: Float32Array, b: Float32Array): number {
  // Four accumulators: ~1.4× faster in V8 than one.
  const n = a.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += a[k]! * b[k]!;
    s1 += a[k + 1]! * b[k + 1]!;
    s2 += a[k + 2]! * b[k + 2]!;
    s3 += a[k + 3]! * b[k + 3]!;
  }
  for (; k < n; k++) s0 += a[k]! * b[k]!;
  return s0 + s1 + s2 + s3;
}

function comparePairs(rows: Rows, threshold: number, uf: UnionFind, signal: AbortSignal | undefined): void {
  const list: Float32Array[] = [];
  for (let i = 0; i < rows.n; i++) list.push(rows.stable ? rows.at(i) : rows.at(i).slice());
  for (let i = 0; i < list.length; i++) {
    if (signal?.aborted) throw abortError(signal, 'duplicate search');
    const a = list[i]!;
    for (let j = i + 1; j < list.length; j++) if (dot(a, list[j]!) >= threshold) uf.union(i, j);
  }
}

class Hashing {
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
    const { n, dim, sqNorm } = this;
    let maxSq = 0;
    for (let i = 0; i < n; i++) maxSq = Math.max(maxSq, sqNorm[i]!);
    const deltaSq = Math.max(0, 2 * maxSq - 2 * this.threshold);
    let best: HashPlan | null = null;
    for (const alpha of CENTERINGS) {
      const sorted = this.residualSq(alpha).sort();
      const hist = this.sampleHistogram(alpha);
      let previous = -1;
      for (const share of CENTRAL_SHARES) {
        const central = Math.ceil(share * n);
        if (central === previous || central >= n - 1) continue;
        previous = central;
        // Rows below this residual are compared with every row; the rest hash with this bound.
        const rhoSq = sorted[central]!;
        const cosBound = 1 - deltaSq / (2 * rhoSq);
        if (!(rhoSq > 0 && cosBound > 0)) continue;
        const tables = cheapestTables(Math.acos(Math.min(1, cosBound)) / Math.PI, hist, n - central, dim);
        if (!tables) continue;
        // Centering must win by 10 %: on inputs it does not help, its estimate is noise.
        const cost = (alpha === 0 ? 1 : 1.1) * (n * 64 * dim + tables.cost + central * n * dim);
        if (!best || cost < best.cost) best = { ...tables, centering: alpha, centralBelow: rhoSq, cost };
      }
    }
    return best && best.cost < exactCost ? best : null;
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
 * The (b, L, h) with recall ≥ 0.99 for pairs whose bits differ with probability ≤ r, cheapest for
 * m hashed rows whose sampled pairs have Hamming distances `hist`; null when none reaches 0.99.
 */
function cheapestTables(r: number, hist: Float64Array, m: number, dim: number): TablePlan | null {
  const pmf = binomialPmf(r);
  let h = 0;
  for (let cdf = pmf[0]!; cdf < PREFILTER_PASS && h < 64; cdf += pmf[++h]!);
  const pairs = (m * (m - 1)) / 2;
  let best: TablePlan | null = null;
  for (let b = MIN_BITS; b <= MAX_BITS; b++) {
    const collide = Float64Array.from({ length: 65 }, (_, k) => keyCollision(k, b));
    const recallAt = (L: number): number => {
      let s = 0;
      for (let k = 0; k <= h; k++) s += pmf[k]! * (1 - (1 - collide[k]!) ** L);
      return s;
    };
    if (recallAt(MAX_TABLES) < TARGET_RECALL) continue;
    let L = 1;
    for (let top = MAX_TABLES; L < top; ) {
      const mid = (L + top) >> 1;
      if (recallAt(mid) >= TARGET_RECALL) top = mid;
      else L = mid + 1;
    }
    // Expected per pair: bucket sharings looked at, those passing the prefilter, dot products.
    let examined = 0;
    let passing = 0;
    let verified = 0;
    for (let k = 0; k <= 64; k++) {
      examined += hist[k]! * L * collide[k]!;
      if (k <= h) {
        passing += hist[k]! * L * collide[k]!;
        verified += hist[k]! * (1 - (1 - collide[k]!) ** L);
      }
    }
    // In multiply-adds: keying and sorting L tables, then the pairs.
    const cost = L * m * (b + 2 * Math.log2(m) + 4) + pairs * (examined * 8 + passing * (L / 2 + 4) + verified * dim);
    if (!best || cost < best.cost) best = { bits: b, tables: L, hammingBound: h, recall: recallAt(L), cost };
  }
  return best;
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

class UnionFind {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;

  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
    this.size = new Int32Array(n).fill(1);
  }

  find(i: number): number {
    const { parent } = this;
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  }

  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
  }

  /** Components of two or more rows; rows ascending, groups in order of their first row. */
  groups(): number[][] {
    const n = this.parent.length;
    const slot = new Int32Array(n).fill(-1);
    const out: number[][] = [];
    for (let i = 0; i < n; i++) {
      const r = this.find(i);
      if (this.size[r]! < 2) continue;
      if (slot[r]! < 0) {
        slot[r] = out.length;
        out.push([]);
      }
      out[slot[r]!]!.push(i);
    }
    return out;
  }
}

const LOG_FACTORIAL = Float64Array.from({ length: 65 }, (_, k) => {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
});
const logChoose = (n: number, k: number): number => LOG_FACTORIAL[n]! - LOG_FACTORIAL[k]! - LOG_FACTORIAL[n - k]!;

/** Probability that b bits drawn from 64 miss all k bits where two sketches differ. */
function keyCollision(k: number, b: number): number {
  return 64 - k < b ? 0 : Math.exp(logChoose(64 - k, b) - logChoose(64, b));
}

/** Binom(k; 64, r) for k = 0…64. */
function binomialPmf(r: number): Float64Array {
  if (r <= 0) return Float64Array.from({ length: 65 }, (_, k) => (k === 0 ? 1 : 0));
  const logPmf = (k: number): number => logChoose(64, k) + k * Math.log(r) + (64 - k) * Math.log1p(-r);
  return Float64Array.from({ length: 65 }, (_, k) => Math.exp(logPmf(k)));
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
