// Sustained-throughput benchmark in real Chromium (Playwright, Debian's /usr/bin/chromium, WASM,
// 2 threads) on the full-size ViT-B/32 with random weights: 100+ consecutive calls per dtype and
// workload, webclip and transformers.js alternating call by call in one page (the engine page,
// bench/engine/page.ts), to catch a speed that drifts with use (issue 15: fp32 halved after a
// minute). Reports the median of the first and of the last calls, their ratio, webclip against
// transformers.js in each window, and each worker's memory at both ends. With --library N: one
// lib.add of N distinct photos per dtype instead, its first and last batches' throughput.
// Run: npx tsx bench/sustained.ts [--dtype q8,fp32] [--workload small,large,text] [--calls N]
//   [--window N] [--idle ms] [--engines webclip,tjs-2t,ort-2t] [--large-batch N] [--threads N]
//   [--no-ua-memory] [--library N] [--webclip-device wasm|auto] [--webclip-module URL] [--no-heap-probe]
//   --calls: calls per engine (default 100); --window: calls in the first and last windows
//   (default 10); --idle: pause between calls (default 300 ms, as the report);
//   --threads: webclip's thread count (default its own: 2 here); --no-ua-memory: skip
//   measureUserAgentSpecificMemory (about a minute each while ORT's threads sleep);
//   --webclip-module: bench a built webclip instead of the sources, e.g. /pkg/browser/webclip.js
//   (the package's lib/browser after `npm run build:lib`, served as a static site serves it);
//   --no-heap-probe: webclip's own worker, not the heap-reading one (a built module always).
//   BENCH_JS_FLAGS='--no-wasm-deopt …' passes V8 flags to Chromium (bench/browser.ts).
// Writes bench/out/sustained.md (--library: bench/out/sustained-library.md).
import { loadavg } from 'node:os';
import type { Browser, Page } from '@playwright/test';
import { requireBenchModel, startBenchBrowser, writeReport } from './browser';
import { withCpuUse } from './engine/cpu-share';
import type { EngineBench } from './engine/page';
import type { BenchDtype, EngineName, HeapSizes, UaMemory, Workload } from './engine/protocol';
import type { SustainedBench } from './sustained/page';
import { renderLibrary, renderSustained, type LibraryRun, type MemoryAt, type SustainedRun } from './sustained/report';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const list = <T extends string>(name: string, fallback: T[], allowed: readonly T[]): T[] => {
  const values = (arg(name)?.split(',') ?? fallback) as T[];
  for (const v of values) if (!allowed.includes(v)) throw new Error(`${name}: ${v} is not one of ${allowed.join(', ')}`);
  return values;
};
const count = (name: string, fallback: number): number => {
  const n = Number(arg(name) ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} takes a positive integer`);
  return n;
};

const DTYPES = list<BenchDtype>('--dtype', ['q8', 'fp32'], ['q8', 'fp32']);
const WORKLOADS = list<Workload>('--workload', ['small', 'large', 'text'], ['small', 'large', 'text', 'pixels']);
const ENGINES = list<EngineName>('--engines', ['webclip', 'tjs-2t'], ['webclip', 'tjs-2t', 'tjs-main', 'ort-2t']);
const CALLS = count('--calls', 100);
const WINDOW = Math.min(count('--window', 10), CALLS);
const IDLE_MS = Number(arg('--idle') ?? 300);
const THREADS = arg('--threads') ? count('--threads', 2) : undefined;
const UA_MEMORY = !process.argv.includes('--no-ua-memory');
const LIBRARY = arg('--library') ? count('--library', 2000) : undefined;
/** --webclip-module URL: bench a built webclip (e.g. /pkg/browser/webclip.js) instead of the sources. */
const WEBCLIP_MODULE = arg('--webclip-module');
const WEBCLIP_DEVICE = list<'wasm' | 'auto'>('--webclip-device', ['wasm'], ['wasm', 'auto'])[0]!;
/** Items per call: 8 photos of 600×400 or 8 captions; 12 MP photos 2 at a time, or a run of 100 calls takes half an hour. */
const BATCH: Record<Workload, number> = { small: 8, pixels: 8, text: 8, image: 8, large: count('--large-batch', 2) };

requireBenchModel('onnx/vision_model.onnx');

type Call = <K extends keyof EngineBench>(name: K, ...args: Parameters<EngineBench[K]>) => Promise<Awaited<ReturnType<EngineBench[K]>>>;

async function openPage(browser: Browser, base: string): Promise<{ page: Page; engine: Call; close: () => Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  page.on('console', (m) => {
    if (m.type() === 'error' || (m.type() === 'warning' && !m.text().startsWith('Canvas2D:'))) console.error(`[page ${m.type()}] ${m.text()}`);
    // webclip's stack-depth moves (issue 15), with the time they happened at
    else if (m.text().startsWith('webclip: ORT runs now start')) console.error(`[page ${m.type()} ${new Date().toISOString().slice(11, 19)}] ${m.text()}`);
  });
  await page.goto(`${base}bench/sustained.html`);
  await page.waitForFunction(() => document.title === 'sustained ready', undefined, { timeout: 120_000 });
  const engine: Call = (name, ...args) =>
    page.evaluate(
      ([n, a]) => (globalThis as unknown as { engineBench: Record<string, (...x: unknown[]) => unknown> }).engineBench[n]!(...a),
      [name, args] as const,
    ) as never;
  return { page, engine, close: () => context.close() };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function memoryAt(engine: Call): Promise<MemoryAt> {
  const heap: HeapSizes = await engine('wasmHeap');
  const ua: UaMemory | undefined = UA_MEMORY ? await engine('uaMemory') : undefined;
  return { heap, ...(ua ? { ua } : {}), load: loadavg()[0]! };
}

async function setUp(engine: Call, dtype: BenchDtype, engines: EngineName[]): Promise<void> {
  const t = Date.now();
  const setup = await engine('setup', {
    dtype,
    maxBatch: 8,
    largeCount: 2,
    engines,
    heapProbe: WEBCLIP_MODULE === undefined && !process.argv.includes('--no-heap-probe'),
    webclipDevice: WEBCLIP_DEVICE,
    ...(WEBCLIP_MODULE ? { webclipModule: WEBCLIP_MODULE } : {}),
    ...(THREADS ? { webclipThreads: THREADS } : {}),
  });
  const loads = setup.loads.map((l) => `${l.engine} ${(l.loadMs / 1000).toFixed(1)} s, ${l.threads} thr`).join('; ');
  console.log(`[${dtype}] set up in ${((Date.now() - t) / 1000).toFixed(0)} s (${loads})`);
}

/** N calls per engine on one workload in a fresh page, engines alternating, order rotating per round. */
async function sustained(browser: Browser, base: string, dtype: BenchDtype, workload: Workload): Promise<SustainedRun> {
  const { engine, close } = await openPage(browser, base);
  try {
    await setUp(engine, dtype, ENGINES);
    const batch = BATCH[workload];
    const timed = (e: EngineName) => engine('time', e, e === 'ort-2t' && workload !== 'text' ? 'image' : workload, batch, 0);
    // One untimed call each: the first run at a batch shape allocates.
    for (const e of ENGINES) await timed(e);
    const start = await memoryAt(engine);
    const ms = new Map<EngineName, number[]>(ENGINES.map((e) => [e, []]));
    const cpu = new Map<EngineName, number[]>(ENGINES.map((e) => [e, []]));
    const others: number[] = [];
    const t0 = Date.now();
    for (let round = 0; round < CALLS; round++) {
      for (let k = 0; k < ENGINES.length; k++) {
        const e = ENGINES[(round + k) % ENGINES.length]!;
        const [timing, use] = await withCpuUse(() => timed(e));
        ms.get(e)!.push(timing.total!);
        cpu.get(e)!.push(use.ownSeconds);
        if (e === 'webclip') others.push(use.others);
        await pause(IDLE_MS);
      }
      if (round % 10 === 9 || round === CALLS - 1) {
        const row = ENGINES.map((e) => `${e} ${ms.get(e)!.at(-1)!.toFixed(0)} ms (${cpu.get(e)!.at(-1)!.toFixed(1)} CPU s)`).join(', ');
        console.log(`[${dtype} ${workload}] call ${round + 1}/${CALLS} at ${((Date.now() - t0) / 1000).toFixed(0)} s: ${row}; load ${loadavg()[0]!.toFixed(1)}`);
      }
    }
    const end = await memoryAt(engine);
    await engine('teardown');
    return { dtype, workload, batch, ms, cpu, others, start, end, seconds: (Date.now() - t0) / 1000 };
  } finally {
    await close();
  }
}

/** One lib.add of LIBRARY distinct photos, with transformers.js timed on small photos before and after. */
async function libraryAdd(browser: Browser, base: string, dtype: BenchDtype, photos: number): Promise<LibraryRun> {
  const { page, engine, close } = await openPage(browser, base);
  const sustainedCall = <K extends keyof SustainedBench>(name: K, ...args: Parameters<SustainedBench[K]>) =>
    page.evaluate(
      ([n, a]) => (globalThis as unknown as { sustainedBench: Record<string, (...x: unknown[]) => unknown> }).sustainedBench[n]!(...a),
      [name, args] as const,
    ) as Promise<Awaited<ReturnType<SustainedBench[K]>>>;
  try {
    const makeMs = await sustainedCall('makePhotos', photos);
    console.log(`[${dtype} library] ${photos} distinct JPEGs made in ${(makeMs / 1000).toFixed(0)} s`);
    const peers = ENGINES.filter((e) => e !== 'webclip');
    await setUp(engine, dtype, ['webclip', ...peers]);
    const peerCalls = async (): Promise<Partial<Record<EngineName, number[]>>> => {
      const out: Partial<Record<EngineName, number[]>> = {};
      for (const e of peers) {
        await engine('time', e, e === 'ort-2t' ? 'image' : 'small', 8, 0);
        const xs: number[] = [];
        for (let i = 0; i < WINDOW; i++) xs.push((await engine('time', e, e === 'ort-2t' ? 'image' : 'small', 8, 0)).total!);
        out[e] = xs;
      }
      return out;
    };
    const peersBefore = await peerCalls();
    const start = await memoryAt(engine);
    const loadBefore = loadavg()[0]!;
    const add = await sustainedCall('libraryAdd', `sustained-${dtype}`);
    const loadAfter = loadavg()[0]!;
    console.log(`[${dtype} library] ${add.added} added, ${add.failed} failed in ${(add.ms / 1000).toFixed(0)} s; load ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}`);
    const end = await memoryAt(engine);
    const peersAfter = await peerCalls();
    await engine('teardown');
    return { dtype, photos, add, peersBefore, peersAfter, start, end };
  } finally {
    await close();
  }
}

async function main(): Promise<void> {
  const { base, browser, close } = await startBenchBrowser({ withModel: true, withTransformers: true });
  const loadAtStart = loadavg()[0]!;
  const started = Date.now();
  const settings = {
    command: ['npx tsx bench/sustained.ts', ...process.argv.slice(2)].join(' '),
    chromium: `Chromium ${browser.version()}`,
    calls: CALLS,
    window: WINDOW,
    idleMs: IDLE_MS,
    engines: ENGINES,
    threads: THREADS,
  };
  const load = () => `${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`;
  const minutes = () => (Date.now() - started) / 60_000;
  try {
    if (LIBRARY) {
      const runs: LibraryRun[] = [];
      for (const dtype of DTYPES) {
        runs.push(await libraryAdd(browser, base, dtype, LIBRARY));
        writeReport('sustained-library', renderLibrary(settings, runs, load(), minutes()));
      }
      return;
    }
    const runs: SustainedRun[] = [];
    for (const dtype of DTYPES) {
      for (const workload of WORKLOADS) {
        runs.push(await sustained(browser, base, dtype, workload));
        // Written after each run, so a failure late in a long run keeps what was measured.
        writeReport('sustained', renderSustained(settings, runs, load(), minutes()));
      }
    }
  } finally {
    await close();
  }
}

await main();
