// Groups of near-identical photos (cosine ≥ threshold, chained): all pairs for small inputs,
// SimHash LSH candidates verified exactly for large ones (docs/internals.md#duplicates).
import { abortError } from '../../../shared/errors';
import { Hashing } from './simhash-tables';
import { UnionFind } from './union-find';
import { dot } from '../similarity';
import type { Rows } from './vector-rows';

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
  /** Probability, under the model in lsh-plan.ts, that a pair at the threshold is found. */
  readonly recall?: number;
}

const DEFAULT_SEED = 0x5eed1e55;
const DEFAULT_EXACT_UP_TO = 500;

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

function comparePairs(rows: Rows, threshold: number, uf: UnionFind, signal: AbortSignal | undefined): void {
  const list: Float32Array[] = [];
  for (let i = 0; i < rows.n; i++) list.push(rows.stable ? rows.at(i) : rows.at(i).slice());
  for (let i = 0; i < list.length; i++) {
    if (signal?.aborted) throw abortError(signal, 'duplicate search');
    const a = list[i]!;
    for (let j = i + 1; j < list.length; j++) if (dot(a, list[j]!) >= threshold) uf.union(i, j);
  }
}
