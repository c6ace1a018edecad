// Family benchmark in real Chromium (WASM, 2 threads, crossOriginIsolated): webclip against
// transformers.js on the same full-size family test models (random weights, written by
// scripts/fixtures/export_families.py --config full into bench/models/), images/s on 8 JPEG
// photos (600×400) and texts/s on 32 captions, q8 and fp32; interleaved rounds, per-round ratios.
// Several models in one run (--model a,b --family x,y) share the page and the rounds, so what
// each family costs against the first is measured under the same load. Beside wall time, the CPU
// seconds the browser spent on each call (/proc): a figure the machine's load barely moves.
// Run: npx tsx bench/families.ts --model mobileclip-s0-random --family mobileclip [--rounds N] [--dtype q8|fp32] [--workload images|texts]
//      npx tsx bench/families.ts --model clip-vit-b-32-random,siglip-base-patch16-224-random --family clip,siglip --dtype q8
// Family `multilingual`: a sentence-transformers text tower (texts only), paired in webclip with
// --pair-vision's image tower (default clip-vit-b-32-random).
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { staticFolders } from '../scripts/vite-static-folders.ts';
import { CHROMIUM_ARGS, ROOT, transformersOrtFolder, writeReport } from './browser';
import { withCpuUse } from './engine/cpu-share';
import type { BenchModel } from './families/page';
import { median } from './stats';

type Workload = 'images' | 'texts';
type Engine = 'webclip' | 'tjs';

const arg = (name: string, fallback?: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`--${name} is needed`);
  return v;
};
const FOLDERS = arg('model').split(',');
const FAMILIES = arg('family').split(',');
if (FAMILIES.length !== FOLDERS.length) throw new Error('--family needs one family per --model folder');
const PAIR_VISION = arg('pair-vision', 'clip-vit-b-32-random');
const MODELS: BenchModel[] = FOLDERS.map((folder, i) => ({ folder, family: FAMILIES[i]!, ...(FAMILIES[i] === 'multilingual' ? { pairVision: PAIR_VISION } : {}) }));
const ROUNDS = Number(arg('rounds', '5'));
const DTYPES = (process.argv.includes('--dtype') ? [arg('dtype')] : ['q8', 'fp32']) as ('q8' | 'fp32')[];
const WORKLOADS = (process.argv.includes('--workload') ? [arg('workload')] : ['images', 'texts']) as Workload[];
const MODELS_DIR = join(ROOT, 'bench', 'models');
for (const folder of [...FOLDERS, ...(MODELS.some((m) => m.pairVision) ? [PAIR_VISION] : [])]) {
  if (!existsSync(join(MODELS_DIR, folder, 'onnx'))) {
    console.error(`${join(MODELS_DIR, folder)} is missing: run scripts/fixtures/export_families.py --config full first`);
    process.exit(1);
  }
}
const workloadsOf = (m: BenchModel): Workload[] => WORKLOADS.filter((w) => w === 'texts' || m.family !== 'multilingual');

/** Every graph file of a model folder and its size, e.g. 'text_model_quantized 111.0'. */
function sizes(folder: string): string {
  const dir = join(MODELS_DIR, folder, 'onnx');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.onnx'))
    .map((f) => `${f.replace(/\.onnx$/, '')} ${(statSync(join(dir, f)).size / 1e6).toFixed(1)}`)
    .join(', ');
}

const range = (xs: number[]): string => `${median(xs).toFixed(2)}× (${Math.min(...xs).toFixed(2)}…${Math.max(...xs).toFixed(2)})`;
const edges = (xs: number[]): string => `${xs[0]!.toFixed(2)} / ${xs.at(-1)!.toFixed(2)}×`;

const server = await createServer({
  configFile: join(ROOT, 'vite.config.ts'),
  root: ROOT,
  logLevel: 'warn',
  server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
  plugins: [staticFolders([{ urlPath: 'models', dir: MODELS_DIR, include: () => true }, transformersOrtFolder()])],
  optimizeDeps: { include: ['comlink'], exclude: ['@huggingface/transformers'] },
});
await server.listen();
const base = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1/';
// A profile on disk: an incognito context's in-memory IndexedDB quota refuses a 1.1 GB tower
// (SigLIP 2's fp32 text model) with QUOTA, and webclip caches every file it loads.
const profile = mkdtempSync(join(tmpdir(), 'webclip-families-'));
const context = await chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
const version = (await context.pages()[0]!.evaluate(() => navigator.userAgent)).match(/Chrome\/([\d.]+)/)?.[1] ?? '?';
const started = new Date();
const lines = [
  `# ${FOLDERS.join(', ')}: webclip vs transformers.js`,
  '',
  `\`${['npx tsx bench/families.ts', ...process.argv.slice(2)].join(' ')}\`, Chromium ${version}, WASM, 2 threads, ${ROUNDS} rounds; ${started.toISOString()}; load at start ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  '',
  ...MODELS.map((m) => `- ${m.folder} (${m.family}${m.pairVision ? ` paired with ${m.pairVision}'s image tower` : ''}): ${sizes(m.folder)} MB`),
  '',
  '| model | dtype | workload | webclip /s (median) | transformers.js /s (median) | webclip ÷ transformers.js (median of rounds, min…max) | first / last round | CPU s a call, webclip / transformers.js (medians) | transformers.js ÷ webclip CPU s (median, min…max) | embeddings agree (min cosine) |',
  '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
];
const cross: string[] = [];
/** Every call's rate and CPU seconds, by dtype, model, workload and engine: bench/out/families-*.json. */
const raw: Record<string, unknown> = {};
try {
  for (const dtype of DTYPES) {
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    page.on('crash', () => console.error('the page crashed'));
    await page.goto(`${base}bench/families.html`);
    await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 120_000 });
    const agree = new Map<string, { agreeImages: number; agreeTexts: number }>();
    for (const m of MODELS) {
      const setup = await page.evaluate(([model, o]) => window.familyBench.setup(model, o), [m, { dtype, threads: 2 }] as const);
      console.error(setup.detail);
      agree.set(m.folder, setup);
    }
    // rates[folder][workload][engine]: one per round; cpu: the CPU seconds of the same calls
    const perRound = () => new Map(MODELS.map((m) => [m.folder, new Map(WORKLOADS.map((w) => [w, { webclip: [] as number[], tjs: [] as number[] }]))]));
    const rates = perRound();
    const cpu = perRound();
    const asJson = (m: typeof rates) => Object.fromEntries([...m].map(([f, w]) => [f, Object.fromEntries(w)]));
    for (let r = 0; r < ROUNDS; r++) {
      // the models' order rotates and the engines' alternates, so neither always goes first
      const order = MODELS.map((_, i) => MODELS[(i + r) % MODELS.length]!);
      const engines: Engine[] = r % 2 === 0 ? ['webclip', 'tjs'] : ['tjs', 'webclip'];
      for (const what of WORKLOADS) {
        const count = what === 'images' ? 8 : 32;
        for (const m of order.filter((x) => workloadsOf(x).includes(what))) {
          for (const engine of engines) {
            const [ms, { ownSeconds }] = await withCpuUse(() => page.evaluate(([f, e, w]) => window.familyBench.time(f, e, w), [m.folder, engine, what] as const));
            rates.get(m.folder)!.get(what)![engine].push((count * 1000) / ms);
            cpu.get(m.folder)!.get(what)![engine].push(ownSeconds);
          }
        }
      }
      console.error(`${dtype} round ${r + 1}/${ROUNDS} done, load ${loadavg()[0]!.toFixed(1)}`);
    }
    const firstRow = lines.length;
    for (const m of MODELS) {
      for (const what of workloadsOf(m)) {
        const { webclip, tjs } = rates.get(m.folder)!.get(what)!;
        const ratios = webclip.map((o, i) => o / tjs[i]!);
        const c = cpu.get(m.folder)!.get(what)!;
        const cpuRatios = c.tjs.map((t, i) => t / c.webclip[i]!);
        const a = agree.get(m.folder)!;
        lines.push(`| ${m.folder} | ${dtype} | ${what === 'images' ? 8 : 32} ${what} a call | ${median(webclip).toFixed(2)} | ${median(tjs).toFixed(2)} | ${range(ratios)} | ${edges(ratios)} | ${median(c.webclip).toFixed(2)} / ${median(c.tjs).toFixed(2)} | ${range(cpuRatios)} | ${(what === 'images' ? a.agreeImages : a.agreeTexts).toFixed(5)} |`);
      }
    }
    // what each model costs against the first, round by round, in each engine
    if (MODELS.length > 1) {
      const first = MODELS[0]!;
      for (const m of MODELS.slice(1)) {
        for (const what of workloadsOf(m).filter((w) => workloadsOf(first).includes(w))) {
          const per = (engine: Engine) => rates.get(m.folder)!.get(what)![engine].map((v, i) => v / rates.get(first.folder)!.get(what)![engine][i]!);
          const perCpu = cpu.get(first.folder)!.get(what)!.webclip.map((v, i) => v / cpu.get(m.folder)!.get(what)!.webclip[i]!);
          cross.push(`| ${m.folder} | ${dtype} | ${what} | ${range(per('webclip'))} | ${edges(per('webclip'))} | ${range(perCpu)} | ${range(per('tjs'))} | ${edges(per('tjs'))} |`);
        }
      }
    }
    raw[dtype] = { rates: asJson(rates), cpuSeconds: asJson(cpu) };
    await page.evaluate(() => window.familyBench.teardown());
    await page.close();
    console.error(lines.slice(firstRow).join('\n'));
  }
  if (cross.length > 0) {
    lines.push('', `Rate of each model ÷ ${FOLDERS[0]}'s in the same round (> 1: faster):`, '',
      '| model | dtype | workload | webclip: rate ÷ first model\'s (median, min…max) | first / last round | webclip by CPU s: first model\'s ÷ this one\'s | transformers.js: rate ÷ first model\'s | first / last round |',
      '|---|---|---|---:|---:|---:|---:|---:|', ...cross);
  }
  lines.push('', `${new Date().toISOString()}, load at end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  writeReport(`families-${FOLDERS.join('+')}`, lines.join('\n'));
  writeFileSync(join(ROOT, 'bench', 'out', `families-${FOLDERS.join('+')}.json`), JSON.stringify(raw));
} finally {
  await context.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
