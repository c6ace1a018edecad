// Engine benchmark in real Chromium (Playwright, Debian's /usr/bin/chromium, WASM): webclip
// from JPEG Blobs and captions to normalized embeddings, against raw onnxruntime-web on ready
// tensors (webclip's overhead) and transformers.js (the peer), on the full-size ViT-B/32 export
// with random weights. Interleaved rounds, medians, ratios paired per round.
// Run: npx tsx bench/engine.ts [--quick] [--dtype q8|fp32]
//   --quick: batch 8, one round, 2-thread engines only: a smoke run. --dtype: that phase only.
// Writes bench/out/engine.md.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { createServer } from 'vite';
import { staticFolders } from '../scripts/vite-static-folders.ts';
import type { EngineBench } from './engine/page';
import type { BenchDtype, ColdStart, EngineName, SetupResult, Timed, Timing, Workload } from './engine/protocol';

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
const DTYPES = PHASES.map((p) => p.dtype);
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

/**
 * `${timed}|${workload}|${part}` → ms per call, one per round; `${timed}|${workload}|others` →
 * the share of both CPUs that processes other than this run's used during that call.
 */
type Samples = Map<string, number[]>;

/** CPU jiffies of the whole machine (busy, all) and of this process and its descendants. */
function cpuNow(): { busy: number; all: number; ours: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const all = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  const busy = all - fields[3]! - fields[4]!;
  const parent = new Map<number, number>();
  const used = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(rest[1]));
      used.set(Number(name), Number(rest[11]) + Number(rest[12]));
    } catch {
      // The process ended while we looked.
    }
  }
  let ours = 0;
  for (const [pid, jiffies] of used) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) {
      if (p === process.pid) {
        ours += jiffies;
        break;
      }
    }
  }
  return { busy, all, ours };
}

/** Runs `call` and says what share of the machine's CPUs others used meanwhile (0 to 1). */
async function withOthersShare<R>(call: () => Promise<R>): Promise<[R, number]> {
  const before = cpuNow();
  const result = await call();
  const after = cpuNow();
  const all = after.all - before.all;
  const others = all > 0 ? Math.max(0, (after.busy - before.busy - (after.ours - before.ours)) / all) : NaN;
  return [result, others];
}

const median = (xs: number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

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
  return groups.filter((g) => g.length > 0);
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

interface DtypeResult {
  dtype: BenchDtype;
  setup: SetupResult;
  samples: Map<number, Samples>;
  seconds: number;
}

async function runPhase(browser: Browser, base: string, phase: Phase, offsite: string[]): Promise<DtypeResult> {
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

// ----- report -------------------------------------------------------------------------------

const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const perSecond = (batch: number, ms: number) => (batch * 1000) / ms;

function pairedRatios(a: number[] | undefined, b: number[] | undefined, f: (x: number, y: number) => number): number[] {
  if (!a || !b) return [];
  return a.slice(0, Math.min(a.length, b.length)).map((x, i) => f(x, b[i]!));
}

/** Median of per-round ratios, with their range when there are several. */
function ratioCell(ratios: number[], show: (x: number) => string): string {
  if (ratios.length === 0) return '—';
  const range = ratios.length > 1 ? ` (${show(Math.min(...ratios))}…${show(Math.max(...ratios))})` : '';
  return `${show(median(ratios))}${range}`;
}
const percent = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(0)} %`;
const times = (x: number) => `${x.toFixed(2)}×`;

const WORKLOADS: { workload: Workload; label: string; ort: Workload }[] = [
  { workload: 'small', label: 'photo 600×400 JPEG', ort: 'image' },
  { workload: 'large', label: 'photo 4000×3000 JPEG (12 MP)', ort: 'image' },
  { workload: 'pixels', label: 'ImageData 224×224 (no decode)', ort: 'image' },
  { workload: 'text', label: 'short caption', ort: 'text' },
];

function throughputTable(result: DtypeResult): string[] {
  const lines = [
    `| workload | batch | rounds | webclip /s | raw ORT 2 thr /s | raw ORT default /s | transformers.js 2 thr /s | transformers.js default /s | webclip over raw ORT 2 thr | webclip vs transformers.js 2 thr | webclip vs transformers.js default | others' CPU |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
  ];
  for (const { workload, label, ort } of WORKLOADS) {
    for (const batch of result.samples.keys()) {
      const s = result.samples.get(batch)!;
      const get = (e: EngineName, w: Workload) => s.get(`${e}|${w}|total`);
      const rate = (e: EngineName, w: Workload) => {
        const xs = get(e, w);
        return xs ? fmt(perSecond(batch, median(xs)), 2) : '—';
      };
      const ours = get('webclip', workload);
      const overhead = pairedRatios(ours, get('ort-2t', ort), (a, b) => (a / b - 1) * 100);
      const vs2 = pairedRatios(ours, get('tjs-2t', workload), (a, b) => b / a);
      const vsDefault = pairedRatios(ours, get('tjs-default', workload), (a, b) => b / a);
      const others = s.get(`webclip|${workload}|others`);
      lines.push(
        `| ${label} | ${batch} | ${ours?.length ?? 0} | ${rate('webclip', workload)} | ${rate('ort-2t', ort)} | ${rate('ort-default', ort)} | ` +
          `${rate('tjs-2t', workload)} | ${rate('tjs-default', workload)} | ` +
          `${ratioCell(overhead, percent)} | ${ratioCell(vs2, times)} | ${ratioCell(vsDefault, times)} | ` +
          `${others ? `${(median(others) * 100).toFixed(0)} %` : '—'} |`,
      );
    }
  }
  return lines;
}

/** Every sample, for whoever wants to check a median. */
function rawSamples(result: DtypeResult): string[] {
  const lines = [`<details><summary>Raw samples (${result.dtype}), ms per call in round order</summary>`, ``, '```'];
  for (const [batch, s] of result.samples) {
    for (const [key, xs] of s) {
      const show = key.endsWith('|others') ? (x: number) => `${(x * 100).toFixed(0)}%` : (x: number) => x.toFixed(0);
      lines.push(`batch ${batch} ${key}: ${xs.map(show).join(' ')}`);
    }
  }
  lines.push('```', ``, `</details>`, ``);
  return lines;
}

function breakdownTable(result: DtypeResult): string[] {
  const batch = BREAKDOWN_BATCH;
  const s = result.samples.get(batch);
  if (!s?.has('probe-webclip|small|decode')) return [];
  /** ms per image, median over rounds. */
  const per = (key: string) => median(s.get(key) ?? []) / batch;
  const rounds = s.get('probe-webclip|small|decode')!.length;
  const model = per('ort-2t|image|total');
  // transformers.js's own model time: its ImageData 224×224 path, whose preprocessing is near free.
  const tjsModel = per('tjs-2t|pixels|total');
  const rows: string[] = [
    `| ms per image, batch ${batch} | decode | preprocess | model | sum | measured end to end | rest |`,
    `|---|---:|---:|---:|---:|---:|---:|`,
  ];
  for (const kind of ['small', 'large'] as const) {
    const label = kind === 'small' ? '600×400' : '4000×3000';
    for (const [who, name, m] of [
      ['webclip', 'webclip', model],
      ['tjs', 'transformers.js 2 thr', tjsModel],
    ] as const) {
      const decode = per(`probe-${who}|${kind}|decode`);
      const preprocess = per(`probe-${who}|${kind}|preprocess`);
      const total = per(`${who === 'tjs' ? 'tjs-2t' : 'webclip'}|${kind}|total`);
      const sum = decode + preprocess + m;
      rows.push(`| ${name}, ${label} | ${fmt(decode)} | ${fmt(preprocess)} | ${fmt(m)} | ${fmt(sum)} | ${fmt(total)} | ${fmt(total - sum)} |`);
    }
  }
  const alt = (part: string, kind: 'small' | 'large') => fmt(per(`probe-webclip|${kind}|${part}`));
  const altRounds = s.get('probe-webclip|small|decodeDefault')?.length ?? 0;
  const pct = (part: string) => {
    const r = pairedRatios(s.get(`probe-webclip|large|${part}`), s.get('probe-webclip|large|decode'), (a, b) => a / b);
    return ratioCell(r, times);
  };
  rows.push(
    ``,
    `Model: raw ORT 2 thr \`session.run\` for webclip; transformers.js's own ImageData 224×224 path for it (its ORT 1.31-dev`,
    `asyncify build). Decode and preprocess: timed alone, each in a worker, inside the same ${rounds} rounds (medians), a batch`,
    `decoded all at once as both engines do — webclip's own \`decodeImage\` and \`preprocessImageInto\`; transformers.js's`,
    `\`RawImage.fromBlob\` and \`AutoProcessor\`. "rest" is what the parts don't explain: message passing, batching, contention`,
    `between parts that overlap (negative where decode overlaps inference).`,
    ``,
    `Decode alternatives (${altRounds} rounds, order rotating), ms per image (decode + RGBA readback), 600×400 / 12 MP, and`,
    `for 12 MP the time relative to webclip's decode (paired): webclip's options (premultiplyAlpha and colorSpaceConversion`,
    `'none') ${alt('decode', 'small')} / ${alt('decode', 'large')}; createImageBitmap's defaults ${alt('decodeDefault', 'small')} / `,
    `${alt('decodeDefault', 'large')} (${pct('decodeDefault')}); colorSpaceConversion 'none' alone ${alt('decodeColorNone', 'small')} / `,
    `${alt('decodeColorNone', 'large')} (${pct('decodeColorNone')}); scaled by createImageBitmap to a 224 shortest edge (resizeQuality 'high') `,
    `${alt('decodeReduced', 'small')} / ${alt('decodeReduced', 'large')} (${pct('decodeReduced')}).`,
  );
  return rows;
}

function coldTable(cold: ColdStart[]): string[] {
  const lines = [
    `| dtype | engine | image tower ready (s) | first image embedding (s) | both towers ready (s) | runs |`,
    `|---|---|---:|---:|---:|---:|`,
  ];
  const names = { webclip: 'webclip (createClip: both towers)', ort: 'raw ORT 2 thr (session.create)', tjs: 'transformers.js default (1 thr)' };
  for (const dtype of DTYPES) {
    for (const engine of ['webclip', 'ort', 'tjs'] as const) {
      const runs = cold.filter((c) => c.dtype === dtype && c.engine === engine);
      const m = (pick: (c: ColdStart) => number) => fmt(median(runs.map(pick)) / 1000, 2);
      lines.push(`| ${dtype} | ${names[engine]} | ${m((c) => c.imageReadyMs)} | ${m((c) => c.firstImageMs)} | ${m((c) => c.bothReadyMs)} | ${runs.length} |`);
    }
  }
  return lines;
}

function report(
  results: DtypeResult[],
  cold: ColdStart[],
  version: string,
  offsite: string[],
  totalSeconds: number,
  load: string,
): string {
  const first = results[0]!.setup;
  const coldLines = cold.length === 0 ? [`## Cold start`, ``, `(not run yet)`, ``] : undefined;
  const loads = (r: DtypeResult) =>
    r.setup.loads.map((l) => `${l.engine} ${fmt(l.loadMs / 1000, 1)} s (${l.threads} thr)`).join(', ');
  const lines = [
    `# Engine benchmark`,
    ``,
    `\`npx tsx bench/engine.ts${process.argv.slice(2).map((a) => ` ${a}`).join('')}\` — ${version} (headless, /usr/bin/chromium), WASM, ` +
      `navigator.hardwareConcurrency ${first.hardwareConcurrency}, crossOriginIsolated ${first.crossOriginIsolated}; ` +
      `full-size ViT-B/32 with random weights (bench/models/clip-vit-b-32-random); total run ${fmt(totalSeconds / 60, 1)} min.`,
    ``,
    `Machine load (1-min load average, 2 cores, shared with other work) ${load}: absolute rates move with it; compare the`,
    `ratios, which pair engines run back to back in the same round.`,
    ``,
    `- webclip: \`createClip({model, device: 'wasm', dtype})\` from the page, timed around \`embedImages\`/\`embedTexts\` ` +
      `(worker round trip included). info: \`${JSON.stringify(first.webclipInfo)}\`.`,
    `- raw ORT: onnxruntime-web (the package webclip uses, same session options) in its own worker, \`session.run\` on ` +
      `ready tensors, timed inside the worker; every image workload compares against the same pixel_values run.`,
    `- transformers.js: ${first.loads.find((l) => l.engine.startsWith('tjs'))?.detail ?? '?'} (its asyncify build, served locally), ` +
      `\`CLIPVisionModelWithProjection\` + \`AutoProcessor\` from \`RawImage.fromBlob\`, \`CLIPTextModelWithProjection\` + ` +
      `\`AutoTokenizer\` (padding: true), \`device: 'wasm'\`, \`.normalize()\`; timed around the call to its worker.`,
    `- "2 thr": \`numThreads = 2\` (webclip's own choice here); "default": left unset, which ORT makes ` +
      `min(4, ceil(cores / 2)) = 1 thread on this machine. Default-thread engines were timed up to batch ${DEFAULTS_UP_TO} only, ` +
      `and not on 12 MP photos. fp32: batch ${Object.keys(PHASES.find((p) => p.dtype === 'fp32')?.rounds ?? {}).join(', ') || '—'}, 2-thread engines only.`,
    `- Each engine in its own worker (own WASM instance and thread pool), one call at a time; within each round the ` +
      `engines of a workload alternate, their order rotating per round; one untimed warm-up per engine and batch shape. ` +
      `12 MP photos at batch 32: one round. ` +
      `Medians; ratios are medians of per-round pairs, (min…max) over the rounds. Throughput is items per second ` +
      `(batch / call time). "others' CPU": the share of both cores used by other processes during webclip's calls ` +
      `(median; from /proc/stat minus this run's process tree).`,
    `- Photos: tests/fixtures/images/coffee.png (CC0) scaled and cropped with seeded noise, JPEG quality 0.9 via ` +
      `OffscreenCanvas: ${fmt(first.smallJpegKB, 0)} KB per 600×400, ${fmt(first.largeJpegKB, 0)} KB per 12 MP ` +
      `(${LARGE_COUNT} distinct 12 MP files, cycled for batch 32). Captions: "a photo of a dog." and longer (7–12 tokens).`,
    `- Same input, same files: webclip vs transformers.js cosine, small photo ${fmt(first.agreement.smallPhoto, 4)}, ` +
      `12 MP photo ${fmt(first.agreement.largePhoto, 4)}, caption ${fmt(first.agreement.text, 6)} (q8).`,
    `- Requests that left localhost: ${offsite.length === 0 ? 'none' : offsite.join(', ')}.`,
    ``,
  ];
  for (const r of results) {
    lines.push(
      `## ${r.dtype} (${r.dtype === 'q8' ? 'onnx/*_quantized.onnx, int8 MatMulInteger' : 'onnx/*_model.onnx'})`,
      ``,
      `Load (warm HTTP cache not guaranteed, sequential): ${loads(r)}. Phase took ${fmt(r.seconds / 60, 1)} min.`,
      ``,
      ...throughputTable(r),
      ``,
    );
    const breakdown = breakdownTable(r);
    if (breakdown.length > 0) lines.push(`### Where the time goes (${r.dtype})`, ``, ...breakdown, ``);
    lines.push(...rawSamples(r));
  }
  if (coldLines) return [...lines, ...coldLines].join('\n');
  lines.push(
    `## Cold start`,
    ``,
    `Fresh browser context each (nothing cached: a first visit), one small photo; medians of ${Object.entries(COLD_ROUNDS)
      .filter(([d]) => DTYPES.includes(d as BenchDtype))
      .map(([d, n]) => `${n} (${d})`)
      .join(', ')}, engines rotated.`,
    ``,
  );
  lines.push(
    `Timed from just before \`createClip\` / \`new Worker\` in the page. transformers.js and raw ORT load the text`,
    `tower after the first image embedding; webclip's createClip loads both towers before it answers.`,
    ``,
    ...coldTable(cold),
    ``,
  );
  return lines.join('\n');
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
    const version = browser.version();
    const results: DtypeResult[] = [];
    let cold: ColdStart[] = [];
    // Written after each phase, so a failure late in the run keeps what was measured.
    const write = (): string => {
      const load = `${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`;
      const text = report(results, cold, `Chromium ${version}`, offsite, (Date.now() - started) / 1000, load);
      mkdirSync(dirname(OUT), { recursive: true });
      writeFileSync(OUT, text);
      return text;
    };
    for (const phase of PHASES) {
      results.push(await runPhase(browser, base, phase, offsite));
      write();
    }
    const tCold = Date.now();
    cold = await runColdStarts(browser, base, offsite);
    console.log(`cold starts in ${((Date.now() - tCold) / 1000).toFixed(0)} s`);
    console.log(write());
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
