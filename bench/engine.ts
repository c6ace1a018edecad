// Engine benchmark in real Chromium (Playwright, Debian's /usr/bin/chromium, WASM): webclip
// from JPEG Blobs and captions to normalized embeddings, against raw onnxruntime-web on ready
// tensors (webclip's overhead) and transformers.js (the peer), on the full-size ViT-B/32 export
// with random weights. Interleaved rounds, medians, ratios paired per round.
// Run: npx tsx bench/engine.ts [--quick] [--dtype q8|fp32] [--rounds N] [--only text,small,...]
//   --quick: batch 8, one round, 2-thread engines only: a smoke run. --dtype: that phase only.
//   --rounds: N timed rounds at every batch size. --only: those workloads (pixels, small, large,
//   text; raw ORT's `image` goes with pixels) and no cold starts: a focused run.
// Writes bench/out/engine.md.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { createServer } from 'vite';
import { staticFolders } from '../scripts/vite-static-folders.ts';
import type { EngineBench } from './engine/page';
import { withOthersShare } from './engine/cpu-share';
import type { BenchDtype, ColdStart, EngineName, Timed, Timing, Workload } from './engine/protocol';
import { renderReport, type PhaseResult, type RunSettings, type Samples } from './engine/report';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench', 'out', 'engine.md');
const MODEL_DIR = join(ROOT, 'bench', 'models', 'clip-vit-b-32-random');
const QUICK = process.argv.includes('--quick');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ALL_ENGINES: EngineName[] = ['webclip', 'ort-2t', 'ort-default', 'tjs-2t', 'tjs-default'];

/**
 * What runs, sized to stay near 15 minutes on a busy 2-core machine: q8 in full; fp32 at batch 8
 * against the 2-thread engines only; engines at their default thread count up to batch 8; 12 MP
 * photos at batch 32 in one round only.
 */
interface Phase {
  dtype: BenchDtype;
  engines: EngineName[];
  /** Timed rounds per batch size. */
  rounds: Record<number, number>;
}
const dtypeArg = process.argv.indexOf('--dtype');
const ONLY_DTYPE = dtypeArg > 0 ? (process.argv[dtypeArg + 1] as BenchDtype) : undefined;
const PHASES: Phase[] = (
  (QUICK
    ? [
        { dtype: 'q8', engines: ['webclip', 'ort-2t', 'tjs-2t'], rounds: { 8: 1 } },
        { dtype: 'fp32', engines: ['webclip', 'ort-2t', 'tjs-2t'], rounds: { 8: 1 } },
      ]
    : [
        { dtype: 'q8', engines: ALL_ENGINES, rounds: { 1: 3, 8: 6, 32: 2 } },
        { dtype: 'fp32', engines: ['webclip', 'ort-2t', 'tjs-2t'], rounds: { 8: 2 } },
      ]) as Phase[]
).filter((p: Phase) => (ONLY_DTYPE ? p.dtype === ONLY_DTYPE : !QUICK || p.dtype === 'q8'));
if (PHASES.length === 0) throw new Error(`--dtype must be q8 or fp32`);
const roundsArg = process.argv.indexOf('--rounds');
if (roundsArg > 0) {
  const n = Number(process.argv[roundsArg + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error('--rounds takes a positive integer');
  for (const phase of PHASES) for (const batch of Object.keys(phase.rounds)) phase.rounds[Number(batch)] = n;
}
const DTYPES = PHASES.map((p) => p.dtype);
const onlyArg = process.argv.indexOf('--only');
const ONLY_WORKLOADS = onlyArg > 0 ? new Set(process.argv[onlyArg + 1]!.split(',') as Workload[]) : undefined;
if (ONLY_WORKLOADS?.has('pixels')) ONLY_WORKLOADS.add('image');
for (const w of ONLY_WORKLOADS ?? []) {
  if (!['pixels', 'image', 'small', 'large', 'text'].includes(w)) throw new Error(`--only: unknown workload ${w}`);
}
/**
 * Engines at their default thread count (1 on 2 cores) only up to this batch, and not on 12 MP
 * photos, whose decode and resize don't use ORT's threads anyway: they are slow.
 */
const DEFAULTS_UP_TO = 8;
/** 12 MP photos at batches above this run in the first round only. */
const LARGE_ALL_ROUNDS_UP_TO = 8;
const COLD_ROUNDS: Record<BenchDtype, number> = QUICK ? { q8: 1, fp32: 1 } : { q8: 2, fp32: 1 };
/** Decode and preprocessing are timed alone in the first rounds of this batch size, first phase. */
const BREAKDOWN_BATCH = 8;
const BREAKDOWN_ROUNDS = 2;
const LARGE_COUNT = QUICK ? 2 : 4;

/** The calls timed in one round, grouped by workload so the engines of a group alternate. */
function plan(phase: Phase, batch: number, round: number): [Timed, Workload][][] {
  const has = (t: Timed) => {
    if (t === 'probe-webclip' || t === 'probe-tjs') {
      return phase === PHASES[0] && batch === BREAKDOWN_BATCH && round < BREAKDOWN_ROUNDS && phase.engines.includes('tjs-2t');
    }
    return phase.engines.includes(t) && (!t.endsWith('-default') || batch <= DEFAULTS_UP_TO);
  };
  const pick = (entries: [Timed, Workload][]) => entries.filter(([t]) => has(t));
  const photos = (w: Workload) =>
    pick([['webclip', w], ['tjs-2t', w], ...(w === 'large' ? [] : ([['tjs-default', w]] as [Timed, Workload][])), ['probe-webclip', w], ['probe-tjs', w]]);
  const groups = [
    pick([
      ['ort-2t', 'image'],
      ['webclip', 'pixels'],
      ['ort-default', 'image'],
      ...(batch === 8 ? ([['tjs-2t', 'pixels']] as [Timed, Workload][]) : []),
    ]),
    photos('small'),
    batch <= LARGE_ALL_ROUNDS_UP_TO || round === 0 ? photos('large') : [],
    pick([['ort-2t', 'text'], ['webclip', 'text'], ['tjs-2t', 'text'], ['ort-default', 'text'], ['tjs-default', 'text']]),
  ];
  return groups.map((g) => g.filter(([, w]) => !ONLY_WORKLOADS || ONLY_WORKLOADS.has(w))).filter((g) => g.length > 0);
}

const rotate = <T>(xs: T[], by: number): T[] => xs.map((_, i) => xs[(i + by) % xs.length]!);

async function openPage(browser: Browser, url: string): Promise<{ page: Page; close: () => Promise<void>; offsite: string[] }> {
  const context = await browser.newContext();
  const offsite: string[] = [];
  // Watch, don't intercept (interception would slow every fetch): nothing may leave localhost.
  context.on('request', (request) => {
    const u = new URL(request.url());
    if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !['blob:', 'data:'].includes(u.protocol)) offsite.push(request.url());
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  page.on('console', (m) => {
    // transformers.js reads canvases back without willReadFrequently; Chromium warns each time.
    if (m.type() === 'error' || (m.type() === 'warning' && !m.text().startsWith('Canvas2D:'))) {
      console.error(`[page ${m.type()}] ${m.text()}`);
    }
  });
  context.on('response', (response) => {
    if (response.status() >= 400) console.error(`[http ${response.status()}] ${response.url()}`);
  });
  await page.goto(url);
  await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 120_000 });
  return { page, close: () => context.close(), offsite };
}

async function runPhase(browser: Browser, base: string, phase: Phase, offsite: string[]): Promise<PhaseResult> {
  const { dtype } = phase;
  const started = Date.now();
  const opened = await openPage(browser, `${base}bench/engine.html`);
  const { page } = opened;
  try {
    const batches = Object.keys(phase.rounds).map(Number);
    const maxBatch = Math.max(...batches);
    const engines = phase.engines;
    const setup = await page.evaluate(
      (o) => (globalThis as unknown as { engineBench: EngineBench }).engineBench.setup(o),
      { dtype, maxBatch, largeCount: LARGE_COUNT, engines },
    );
    console.log(`[${dtype}] set up in ${((Date.now() - started) / 1000).toFixed(0)} s:`, JSON.stringify(setup));
    const time = (timed: Timed, workload: Workload, batch: number, round = 0): Promise<Timing> =>
      page.evaluate(
        ([e, w, b, r]) => (globalThis as unknown as { engineBench: EngineBench }).engineBench.time(e, w, b, r),
        [timed, workload, batch, round] as const,
      );
    const samples = new Map<number, Samples>();
    for (const batch of batches) {
      const t = Date.now();
      // Warm-up: each engine's first run at a new batch shape allocates; decode paths warmed at setup.
      const seen = new Set<string>();
      for (const group of plan(phase, batch, 0)) {
        for (const [timed, workload] of group) {
          const kind = `${timed}|${workload === 'text' ? 'text' : 'image'}`;
          if (seen.has(kind) || timed.startsWith('probe-')) continue;
          seen.add(kind);
          await time(timed, workload, batch);
        }
      }
      const s: Samples = new Map();
      samples.set(batch, s);
      const rounds = phase.rounds[batch]!;
      for (let round = 0; round < rounds; round++) {
        for (const group of plan(phase, batch, round)) {
          for (const [timed, workload] of rotate(group, round)) {
            const [timing, others] = await withOthersShare(() => time(timed, workload, batch, round));
            for (const [part, ms] of Object.entries({ ...timing, others })) {
              const key = `${timed}|${workload}|${part}`;
              s.set(key, [...(s.get(key) ?? []), ms]);
            }
          }
        }
      }
      console.log(`[${dtype}] batch ${batch}: ${rounds} rounds in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    }
    await page.evaluate(() => (globalThis as unknown as { engineBench: EngineBench }).engineBench.teardown());
    return { dtype, setup, samples, seconds: (Date.now() - started) / 1000 };
  } finally {
    offsite.push(...opened.offsite);
    await opened.close();
  }
}

async function runColdStarts(browser: Browser, base: string, offsite: string[]): Promise<ColdStart[]> {
  const results: ColdStart[] = [];
  const engines: ColdStart['engine'][] = ['webclip', 'ort', 'tjs'];
  for (const dtype of DTYPES) {
    for (let round = 0; round < COLD_ROUNDS[dtype]; round++) {
      for (const engine of rotate(engines, round)) {
        // A fresh context: no HTTP cache, no Cache Storage, a first visit.
        const opened = await openPage(browser, `${base}bench/engine.html`);
        try {
          results.push(
            await opened.page.evaluate(
              ([e, d]) => (globalThis as unknown as { engineBench: EngineBench }).engineBench.coldStart(e, d),
              [engine, dtype] as const,
            ),
          );
        } finally {
          offsite.push(...opened.offsite);
          await opened.close();
        }
      }
    }
  }
  return results;
}

async function main(): Promise<void> {
  if (!existsSync(join(MODEL_DIR, 'onnx', 'vision_model_quantized.onnx'))) {
    console.error(`No benchmark model at ${MODEL_DIR}: run \`npm run fixtures:full\` first.`);
    process.exit(1);
  }
  const started = Date.now();
  const loadAtStart = loadavg()[0]!;
  const require = createRequire(import.meta.url);
  // transformers.js bundles its own onnxruntime-web (a 1.31 dev build): serve that one's files.
  // The package exports its .wasm files but not package.json: locate dist/ through one of them.
  const tjsOrtDist = dirname(
    require.resolve('onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm', {
      paths: [join(ROOT, 'node_modules', '@huggingface', 'transformers')],
    }),
  );
  const server = await createServer({
    configFile: join(ROOT, 'vite.config.ts'),
    root: ROOT,
    logLevel: 'warn',
    // No file watching, no HMR: others edit src/ while this runs, and a reload mid-run would
    // both kill the page and mix two versions of webclip in one table.
    server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
    plugins: [
      {
        // Which files 404 (transformers.js probes for optional ones): said once each.
        name: 'bench:report-missing',
        configureServer(server) {
          const seen = new Set<string>();
          server.middlewares.use((req, res, next) => {
            res.on('finish', () => {
              const key = `${res.statusCode} ${req.url}`;
              if (res.statusCode >= 400 && !seen.has(key)) {
                seen.add(key);
                console.error(`[server] ${key}`);
              }
            });
            next();
          });
        },
      },
      staticFolders([
        { urlPath: 'models/bench', dir: MODEL_DIR, include: () => true },
        { urlPath: 'tjs-ort', dir: tjsOrtDist, include: (f) => /^ort-wasm-[\w.-]+\.(wasm|mjs)$/.test(f) },
      ]),
    ],
    // transformers.js is one ES module: served as is, its `onnxruntime-web` import resolves to
    // the copy it bundles, not ours. Pre-bundling comlink up front avoids a mid-run reload.
    optimizeDeps: { include: ['comlink'], exclude: ['@huggingface/transformers'] },
  });
  await server.listen();
  const base = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1/';
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const offsite: string[] = [];
  try {
    const run: RunSettings = {
      command: ['npx tsx bench/engine.ts', ...process.argv.slice(2)].join(' '),
      version: `Chromium ${browser.version()}`,
      dtypes: DTYPES,
      defaultsUpTo: DEFAULTS_UP_TO,
      fp32Batches: Object.keys(PHASES.find((p) => p.dtype === 'fp32')?.rounds ?? {}).map(Number),
      breakdownBatch: BREAKDOWN_BATCH,
      coldRounds: COLD_ROUNDS,
      largeCount: LARGE_COUNT,
    };
    const results: PhaseResult[] = [];
    let cold: ColdStart[] = [];
    // Written after each phase, so a failure late in the run keeps what was measured.
    const write = (): string => {
      const load = `${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`;
      const text = renderReport(run, results, cold, offsite, (Date.now() - started) / 1000, load);
      mkdirSync(dirname(OUT), { recursive: true });
      writeFileSync(OUT, text);
      return text;
    };
    for (const phase of PHASES) {
      results.push(await runPhase(browser, base, phase, offsite));
      write();
    }
    const tCold = Date.now();
    if (!ONLY_WORKLOADS) cold = await runColdStarts(browser, base, offsite);
    console.log(`cold starts in ${((Date.now() - tCold) / 1000).toFixed(0)} s`);
    console.log(write());
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
