// The parameters of the SimHash LSH duplicate search, chosen per input by a cost model so that a
// pair at the threshold is found with probability ≥ 0.99 (docs/internals.md#duplicates).

const TARGET_RECALL = 0.99;
const PREFILTER_PASS = 0.999;
const MAX_TABLES = 256;
const MIN_BITS = 8;
const MAX_BITS = 32;
const CENTERINGS = [0, 0.5, 0.75, 0.9, 1];
/** Shares of rows nearest αμ that may be compared exactly, to loosen the hashing bound for the rest. */
const CENTRAL_SHARES = [0, 0.001, 0.003, 0.01, 0.03];

export interface HashPlan extends TablePlan {
  readonly centering: number;
  /** Rows whose |x − αμ|² is below this are compared with every row instead of hashed. */
  readonly centralBelow: number;
  readonly cost: number;
}

export interface TablePlan {
  readonly bits: number;
  readonly tables: number;
  readonly hammingBound: number;
  readonly recall: number;
  readonly cost: number;
}

/** What the plan is chosen from: the rows' squared norms, and per α their residuals and sample. */
export interface PlanInput {
  readonly n: number;
  readonly dim: number;
  readonly sqNorm: Float64Array;
  readonly threshold: number;
  /** |x − αμ|² of every row. */
  residualSq(alpha: number): Float64Array;
  /** Share of sampled row pairs at each Hamming distance of their sketches. */
  sampleHistogram(alpha: number): Float64Array;
}

/** The cheapest plan with recall ≥ 0.99, or null when comparing all pairs (`exactCost`) is cheaper. */
export function planHashing(input: PlanInput, exactCost: number): HashPlan | null {
  const { n, dim, sqNorm } = input;
  let maxSq = 0;
  for (let i = 0; i < n; i++) maxSq = Math.max(maxSq, sqNorm[i]!);
  const deltaSq = Math.max(0, 2 * maxSq - 2 * input.threshold);
  let best: HashPlan | null = null;
  for (const alpha of CENTERINGS) {
    const sorted = input.residualSq(alpha).sort();
    const hist = input.sampleHistogram(alpha);
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
