// Model cache benchmark in real Chromium (Playwright, Debian's /usr/bin/chromium, WASM): time
// from createClip to ready with the full-size ViT-B/32's files from the local server (cold: a
// fresh profile downloads and stores them), from IndexedDB (warm: a reload) and from Blobs in
// memory with the cache off (floor), plus the store's IndexedDB write and read throughput.
// Run: npx tsx bench/cache.ts [--rounds N] [--dtype q8|fp32]   (npm run fixtures:full first)
// Writes bench/out/cache.md.
import type { Browser, Page } from '@playwright/test';
import { requireBenchModel, startBenchBrowser, writeReport } from './browser';
import type { CacheBench, StartTiming, Throughput } from './cache/page';
import { median } from './stats';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const ROUNDS = Number(arg('--rounds') ?? 3);
const DTYPES = (arg('--dtype') ? [arg('--dtype')] : ['q8', 'fp32']) as ('q8' | 'fp32')[];

requireBenchModel('onnx/vision_model_quantized.onnx');

const bench = (page: Page) => ({
  start: (dtype: string, from: 'url' | 'memory') =>
    page.evaluate(([d, f]) => (globalThis as unknown as { cacheBench: CacheBench }).cacheBench.start(d as 'q8', f), [dtype, from] as const),
  throughput: (dtype: string) =>
    page.evaluate((d) => (globalThis as unknown as { cacheBench: CacheBench }).cacheBench.throughput(d as 'q8'), dtype),
});

async function openPage(browser: Browser, base: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${base}bench/cache.html`);
  await page.waitForFunction(() => document.title === 'ready');
  return { context, page };
}

async function main(): Promise<void> {
  const { base, browser, close } = await startBenchBrowser({ withModel: true });
  const lines: string[] = [];
  try {
    for (const dtype of DTYPES) {
      const cold: number[] = [];
      const warm: number[] = [];
      const floor: number[] = [];
      const ratios: number[] = [];
      const puts: Throughput[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // A fresh profile: the first start downloads; a reload starts from IndexedDB.
        const { context, page } = await openPage(browser, base);
        const c: StartTiming = await bench(page).start(dtype, 'url');
        await page.reload();
        await page.waitForFunction(() => document.title === 'ready');
        // Floor and warm back to back, order alternating per round.
        const pair: Record<string, number> = {};
        for (const from of round % 2 === 0 ? (['memory', 'url'] as const) : (['url', 'memory'] as const)) {
          pair[from] = (await bench(page).start(dtype, from)).readyMs;
        }
        puts.push(await bench(page).throughput(dtype));
        await context.close();
        cold.push(c.readyMs);
        warm.push(pair.url!);
        floor.push(pair.memory!);
        ratios.push(pair.url! / pair.memory!);
        console.log(`[${dtype}] round ${round + 1}: cold ${c.readyMs.toFixed(0)} ms, warm ${pair.url!.toFixed(0)} ms, floor ${pair.memory!.toFixed(0)} ms`);
      }
      const mb = (bytes: number, ms: number) => (bytes / 1e6 / (ms / 1000)).toFixed(0);
      lines.push(
        `| ${dtype} | ${(median(cold) / 1000).toFixed(2)} | ${(median(warm) / 1000).toFixed(2)} | ${(median(floor) / 1000).toFixed(2)} | ` +
          `**${median(ratios).toFixed(2)}×** (${Math.min(...ratios).toFixed(2)}…${Math.max(...ratios).toFixed(2)}) | ` +
          `${(puts[0]!.bytes / 1e6).toFixed(0)} MB | ${mb(puts[0]!.bytes, median(puts.map((p) => p.writeMs)))} | ${mb(puts[0]!.bytes, median(puts.map((p) => p.readMs)))} |`,
      );
    }
  } finally {
    await close();
  }
  const report = [
    '# Model cache benchmark',
    '',
    `\`npx tsx bench/cache.ts --rounds ${ROUNDS}\` — Chromium headless, WASM, 2 threads; full-size ViT-B/32 with random weights; ${new Date().toISOString()}.`,
    '',
    '| dtype | cold: download + store (s) | warm: from IndexedDB (s) | floor: from memory, cache off (s) | warm / floor | both towers | store write MB/s | store read MB/s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...lines,
    '',
  ].join('\n');
  writeReport('cache', report);
}

await main();
