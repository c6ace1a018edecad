// Family benchmark in real Chromium (WASM, 2 threads, crossOriginIsolated): webclip against
// transformers.js on the same full-size family test model (random weights, written by
// scripts/fixtures/export_families.py --config full into bench/models/), images/s on 8 JPEG
// photos (600×400) and texts/s on 32 captions, q8 and fp32; interleaved rounds, per-round ratios.
// Run: npx tsx bench/families.ts --model mobileclip-s0-random --family mobileclip [--rounds N] [--dtype q8|fp32] [--workload images|texts]
import { existsSync, statSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { staticFolders } from '../scripts/vite-static-folders.ts';
import { CHROMIUM_ARGS, ROOT, writeReport } from './browser';
import { median } from './stats';

const arg = (name: string, fallback?: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`--${name} is needed`);
  return v;
};
const MODEL = arg('model');
const FAMILY = arg('family');
const ROUNDS = Number(arg('rounds', '5'));
const DTYPES = (process.argv.includes('--dtype') ? [arg('dtype')] : ['q8', 'fp32']) as ('q8' | 'fp32')[];
const WORKLOADS = (process.argv.includes('--workload') ? [arg('workload')] : ['images', 'texts']) as ('images' | 'texts')[];
const MODEL_DIR = join(ROOT, 'bench', 'models', MODEL);
if (!existsSync(join(MODEL_DIR, 'onnx'))) {
  console.error(`${MODEL_DIR} is missing: run scripts/fixtures/export_families.py --config full first`);
  process.exit(1);
}

function sizes(): string {
  const mb = (f: string) => (existsSync(join(MODEL_DIR, 'onnx', f)) ? (statSync(join(MODEL_DIR, 'onnx', f)).size / 1e6).toFixed(1) : '—');
  return readdirSync(join(MODEL_DIR, 'onnx')).length > 0
    ? `vision ${mb('vision_model.onnx')} / ${mb('vision_model_quantized.onnx')} MB, text ${mb('text_model.onnx')} / ${mb('text_model_quantized.onnx')} MB (fp32 / q8)`
    : '';
}

const require = createRequire(import.meta.url);
const tjsOrtDist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm', { paths: [join(ROOT, 'node_modules', '@huggingface', 'transformers')] }));
const server = await createServer({
  configFile: join(ROOT, 'vite.config.ts'),
  root: ROOT,
  logLevel: 'warn',
  server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
  plugins: [staticFolders([
    { urlPath: `models/${MODEL}`, dir: MODEL_DIR, include: () => true },
    { urlPath: 'tjs-ort', dir: tjsOrtDist, include: (f) => /^ort-wasm-[\w.-]+\.(wasm|mjs)$/.test(f) },
  ])],
  optimizeDeps: { include: ['comlink'], exclude: ['@huggingface/transformers'] },
});
await server.listen();
const base = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1/';
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
const lines = [
  `# ${MODEL} (${FAMILY}): webclip vs transformers.js`,
  '',
  `\`${['npx tsx bench/families.ts', ...process.argv.slice(2)].join(' ')}\`, ${browser.version()}, WASM, 2 threads; ${sizes()}; load at start ${loadavg()[0]!.toFixed(1)}`,
  '',
  '| dtype | workload | webclip /s (median) | transformers.js /s (median) | webclip ÷ transformers.js (median of rounds, min…max) | first round | last round | embeddings agree (min cosine) |',
  '|---|---|---:|---:|---:|---:|---:|---:|',
];
try {
  for (const dtype of DTYPES) {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(`${base}bench/families.html`);
    await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 120_000 });
    const setup = await page.evaluate((o) => window.familyBench.setup(o), { model: MODEL, family: FAMILY, dtype, threads: 2 });
    console.error(setup.detail);
    for (const what of WORKLOADS) {
      const count = what === 'images' ? 8 : 32;
      const ours: number[] = [];
      const theirs: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const order = r % 2 === 0 ? (['webclip', 'tjs'] as const) : (['tjs', 'webclip'] as const);
        for (const engine of order) {
          const ms = await page.evaluate(([e, w]) => window.familyBench.time(e, w), [engine, what] as const);
          (engine === 'webclip' ? ours : theirs).push((count * 1000) / ms);
        }
      }
      const ratios = ours.map((o, i) => o / theirs[i]!);
      const agree = what === 'images' ? setup.agreeImages : setup.agreeTexts;
      lines.push(`| ${dtype} | ${count} ${what} a call | ${median(ours).toFixed(2)} | ${median(theirs).toFixed(2)} | ${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}…${Math.max(...ratios).toFixed(2)}) | ${ratios[0]!.toFixed(2)}× | ${ratios.at(-1)!.toFixed(2)}× | ${agree.toFixed(5)} |`);
    }
    await page.evaluate(() => window.familyBench.teardown());
    await context.close();
  }
  lines.push('', `load at end ${loadavg()[0]!.toFixed(1)}`);
  writeReport(`families-${MODEL}`, lines.join('\n'));
} finally {
  await browser.close();
  await server.close();
}
