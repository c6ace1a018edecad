// Runs the preprocessing benchmark in real Chromium (Playwright, Debian's /usr/bin/chromium)
// against a Vite dev server, so transformers.js takes its browser path (canvas resize).
// Run: npx tsx bench/preprocess-browser.ts [--rounds N] after preprocess.bench.ts (which makes
// the photo); appends its table to bench/out/preprocess.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import {
  CLIP_PREPROCESSOR_JSON,
  loadSource,
  readManifest,
  readPng,
  referenceTensor,
  tensorDifference,
} from '../tests/unit/image/preprocess-fixtures';
import { median } from './stats';

const ROOT = join(import.meta.dirname, '..');
const OUT_DIR = join(ROOT, 'bench', 'out');
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 15;
const WARMUP = 3;



function accuracy(actual: number[], expected: Float32Array): string {
  const { max, mean, differing } = tensorDifference(actual, expected);
  const fmt = (x: number) => x.toFixed(x < 0.01 ? 4 : 3);
  return `${fmt(max)} / ${fmt(mean)} (${differing} differ)`;
}

async function main(): Promise<void> {
  const photo = join(OUT_DIR, 'photo-4000x3000');
  if (!existsSync(`${photo}.rgba`)) throw new Error('run npx tsx bench/preprocess.bench.ts first (it makes the photo)');
  // The synthetic case is written out raw so the page can fetch it like the photo.
  const manifest = readManifest();
  const synth = manifest.cases.find((c) => c.name === 'synth-4000x3000')!;
  writeFileSync(join(OUT_DIR, 'synth-4000x3000.rgba'), loadSource(synth.source).data);
  const references = {
    'photo 4000×3000': referenceTensor(readFileSync(`${photo}.ref.rgb`), 3),
    'synthetic 4000×3000 (noise)': referenceTensor(readPng(synth.rgb).data, 4),
  };

  const server = await createServer({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0 },
    optimizeDeps: { exclude: ['onnxruntime-web'] },
  });
  await server.listen();
  const base = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1/';
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--headless'],
  });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(`${base}bench/preprocess-browser.html`);
    await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 120_000 });
    const version = await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? navigator.userAgent);
    const results = await page.evaluate(
      ([config, warmup, rounds]) =>
        (window as unknown as { runPreprocessBench: (...a: unknown[]) => Promise<{ name: string; oursMs: number[]; theirsMs: number[]; ours: number[]; theirs: number[] }[]> })
          .runPreprocessBench(
            config,
            [
              { name: 'photo 4000×3000', url: '/bench/out/photo-4000x3000.rgba', width: 4000, height: 3000 },
              { name: 'synthetic 4000×3000 (noise)', url: '/bench/out/synth-4000x3000.rgba', width: 4000, height: 3000 },
            ],
            warmup,
            rounds,
          ),
      [CLIP_PREPROCESSOR_JSON, WARMUP, ROUNDS] as const,
    );
    const rows = results.map((r) => {
      const ratios = r.oursMs.map((a, i) => r.theirsMs[i]! / a);
      const ref = references[r.name as keyof typeof references];
      return (
        `| ${r.name} | ${median(r.oursMs).toFixed(1)} | ${median(r.theirsMs).toFixed(1)} | **${median(ratios).toFixed(2)}×** | ` +
        `${accuracy(r.ours, ref)} | ${accuracy(r.theirs, ref)} |`
      );
    });
    const report = [
      ``,
      `## In Chromium`,
      ``,
      `\`npx tsx bench/preprocess-browser.ts\` — ${version} (headless, /usr/bin/chromium), page main thread,`,
      `${ROUNDS} interleaved rounds after ${WARMUP} warm-up, medians. transformers.js resizes with canvas here.`,
      ``,
      `| image | webclip ms | transformers.js ms | speed-up | webclip max / mean abs diff | transformers.js max / mean abs diff |`,
      `|---|---:|---:|---:|---|---|`,
      ...rows,
      ``,
    ].join('\n');
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(join(OUT_DIR, 'preprocess-browser.md'), report);
    // Also append to the Node report (bench/out/preprocess.md), replacing an older section.
    const nodeReport = join(OUT_DIR, 'preprocess.md');
    if (existsSync(nodeReport)) {
      const text = readFileSync(nodeReport, 'utf8');
      const cut = text.indexOf('\n## In Chromium');
      writeFileSync(nodeReport, (cut >= 0 ? text.slice(0, cut) : text.trimEnd() + '\n') + report);
    }
    console.log(report);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
