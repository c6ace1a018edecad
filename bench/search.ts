// Vector search benchmark in real Chromium (Playwright, Debian's /usr/bin/chromium): VectorIndex
// top-10 cosine search in a dedicated worker over seeded, clustered random 512-d vectors
// (1000 centers plus noise), float32 and int8, against a naive JS scan of the same data in the
// same worker, with int8 recall@10 against an exact float64 top-10 of the float vectors.
// Run: npx tsx bench/search.ts [--quick] [--queries N]   (--quick: 10k and 100k only, fewer queries;
//   --queries: timed queries per case, default 30; recall@10 is measured over them)
// Writes bench/out/search.md.
import { startBenchBrowser, writeReport } from './browser';
import type { SearchBench } from './search/page';
import type { CaseResult, CaseSpec } from './search/search.worker';
import { median } from './stats';

const QUICK = process.argv.includes('--quick');
const queriesArg = process.argv.indexOf('--queries');
const QUERIES = queriesArg > 0 ? Number(process.argv[queriesArg + 1]) : 30;
if (!Number.isInteger(QUERIES) || QUERIES < 1) throw new Error('--queries takes a positive integer');

const caseBase = { dim: 512, k: 10, seed: 20240601, clusters: 1000 };
/** The naive scan runs on the first few of the timed queries (it is slow at 1M). */
const naive = (n: number): number => Math.min(n, QUERIES);
const CASES: CaseSpec[] = [
  { ...caseBase, n: 10_000, storage: 'float32', queries: QUERIES, naiveQueries: naive(10) },
  { ...caseBase, n: 100_000, storage: 'float32', queries: QUERIES, naiveQueries: naive(QUICK ? 3 : 5) },
  { ...caseBase, n: 100_000, storage: 'int8', queries: QUERIES, naiveQueries: naive(QUICK ? 3 : 5) },
  ...(QUICK ? [] : [{ ...caseBase, n: 1_000_000, storage: 'int8' as const, queries: QUERIES, naiveQueries: naive(3) }]),
];
/** The aims: ms per query at the median. */
const AIMS: Record<string, number> = { 'float32:100000': 20, 'int8:1000000': 150 };

/** The nearest-rank percentile. */
const percentile = (xs: readonly number[], p: number) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)]!;

function row(r: CaseResult): string {
  const { n, storage, queries, naiveQueries } = r.spec;
  const med = median(r.indexMs);
  const naive = median(r.naiveMs);
  const aim = AIMS[`${storage}:${n}`];
  const agree = storage === 'float32' ? (r.naiveAgrees ? 'yes' : 'no') : '—';
  return (
    `| ${n.toLocaleString('en-US')} | ${storage} | ${r.kernel} | ${(r.storedBytes / 2 ** 20).toFixed(0)} | ` +
    `${Math.round(n / (r.buildMs / 1000)).toLocaleString('en-US')} | ` +
    `**${med.toFixed(2)}** | ${percentile(r.indexMs, 95).toFixed(2)} | ${aim ? `≤ ${aim}: ${med <= aim ? 'met' : 'missed'}` : ''} | ` +
    `${naive.toFixed(1)} | **${(naive / med).toFixed(1)}×** | ${r.recall.toFixed(4)} | ` +
    `${r.refinedRecall === null ? '—' : `${median(r.refinedMs).toFixed(2)} ms: **${r.refinedRecall.toFixed(4)}**`} | ${agree} | ${queries} / ${naiveQueries} |`
  );
}

async function main(): Promise<void> {
  const { base, browser, close } = await startBenchBrowser();
  const version = browser.version();
  const results: CaseResult[] = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    page.on('console', (m) => console.log(m.text()));
    await page.goto(`${base}bench/search.html`);
    await page.waitForFunction(() => document.title === 'ready');
    const isolated = await page.evaluate(() => (globalThis as unknown as { searchBench: SearchBench }).searchBench.crossOriginIsolated());
    console.log(`crossOriginIsolated: ${isolated} (timer resolution ${isolated ? '5 µs' : '100 µs'})`);
    for (const spec of CASES) {
      console.log(`${spec.storage} n=${spec.n}: building…`);
      const result = await page.evaluate((s) => (globalThis as unknown as { searchBench: SearchBench }).searchBench.runCase(s), spec);
      console.log(row(result));
      results.push(result);
    }
  } finally {
    await close();
  }
  const report = [
    '# Vector search benchmark',
    '',
    `\`npx tsx bench/search.ts${QUICK ? ' --quick' : ''}${queriesArg > 0 ? ` --queries ${QUERIES}` : ''}\` — Chromium ${version} headless, one dedicated worker; ` +
      `D=${caseBase.dim}, k=${caseBase.k}; clustered random unit vectors (${caseBase.clusters} centers + noise of equal length, seeded); ${new Date().toISOString()}.`,
    '',
    '| N | storage | kernel | stored MB | build (vectors/s) | median ms/query | p95 ms | aim | naive JS median ms | speed-up | recall@10 vs exact | int8 re-ranked: median ms, recall@10 | naive = index top-10 | queries (index / naive) |',
    '|---:|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---|',
    ...results.map(row),
    '',
    'Per query: normalize (and for int8 quantize) the query, score every row in the WASM SIMD kernel, top-10 by a bounded heap, ids. ' +
      'Naive JS: the same data in plain typed arrays in the same worker, one loop per row (float64 sum; int8: integer dot × scales, query quantized to int8), ' +
      'the k best kept by insertion. Recall: the index top-10 against an exact top-10 in float64 over the float vectors ' +
      '(for int8 at 1M computed chunk by chunk while the codes go in). Build: upsert time only (normalize, quantize, store), not generation. ' +
      'int8 re-ranked (src/core/vectors/int8-refine.ts, what a library search does): the index top-(k + max(30, k)) re-scored from codes plus a 4-bit residual, ' +
      'best k kept; the time is the scan plus the re-scoring with the residuals in memory (a library reads those few records from IndexedDB: bench/library.ts).',
    '',
  ].join('\n');
  writeReport('search', report);
}

await main();
