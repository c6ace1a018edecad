// `npm run bench:index:browser`: webclip in Chromium on WASM over the same photo folders as
// bench/node-index.ts (the full-size ViT-B/32, random weights): photos/s, start included (the
// model from IndexedDB after the first round, as the command reads it from disk). Then what a
// search-only page saves by starting the text tower only (`towers: ['text']`): bytes fetched and
// start time from an empty cache, both ways alternated in fresh browser contexts.
// Options: --rounds N (3), --small N (48), --large N (16), --dtypes q8,fp32, --starts N (3).
import { relative } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Browser, Page } from '@playwright/test';
import { requireBenchModel, ROOT, startBenchBrowser, writeReport } from './browser';
import { photoFolder, type PhotoSize } from './index-photos';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    small: { type: 'string', default: '48' },
    large: { type: 'string', default: '16' },
    dtypes: { type: 'string', default: 'q8,fp32' },
    starts: { type: 'string', default: '3' },
  },
});
requireBenchModel('onnx/vision_model_quantized.onnx');
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

async function openPage(browser: Browser, base: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${base}bench/index.html`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  return page;
}

/** Start + embedding of every photo URL, in the page: seconds. */
function embedAll(page: Page, urls: string[], dtype: string): Promise<number> {
  return page.evaluate(
    async ({ urls, dtype }) => {
      const started = performance.now();
      const clip = await window.indexBench.createClip({ model: '/models/bench/', device: 'wasm', dtype: dtype as 'q8' });
      try {
        // Fetched as an app holding files would: a Blob each, eight at a time (the engine's batch).
        for (let i = 0; i < urls.length; i += 8) {
          const blobs = await Promise.all(urls.slice(i, i + 8).map(async (u) => (await fetch(u)).blob()));
          await clip.embedImages(blobs);
        }
        return (performance.now() - started) / 1000;
      } finally {
        await clip.dispose();
      }
    },
    { urls, dtype },
  );
}

/** From an empty cache: the start's seconds and the model bytes fetched, both towers or text only. */
async function start(browser: Browser, base: string, towers: 'both' | 'text'): Promise<{ seconds: number; bytes: number }> {
  const page = await openPage(browser, base);
  let bytes = 0;
  page.on('response', (r) => {
    if (r.url().includes('/models/bench/')) bytes += Number(r.headers()['content-length'] ?? 0);
  });
  try {
    const seconds = await page.evaluate(async (towers) => {
      const started = performance.now();
      const clip = await window.indexBench.createClip({ model: '/models/bench/', device: 'wasm', dtype: 'q8', ...(towers === 'text' ? { towers: ['text'] as const } : {}) });
      const took = (performance.now() - started) / 1000;
      await clip.embedTexts(['a dog on the beach']);
      await clip.dispose();
      return took;
    }, towers);
    return { seconds, bytes };
  } finally {
    await page.context().close();
  }
}

const { base, browser, close } = await startBenchBrowser({ withModel: true });
const loadBefore = load();
const lines: string[] = [];
try {
  const page = await openPage(browser, base);
  const sets: [PhotoSize, number][] = [['small', Number(args.small)], ['12mp', Number(args.large)]];
  for (const [size, count] of sets) {
    const { files } = await photoFolder(size, count);
    const urls = files.map((f) => `/${relative(ROOT, f)}`);
    for (const dtype of args.dtypes!.split(',')) {
      const rates: number[] = [];
      for (let r = 0; r < Number(args.rounds); r++) {
        const seconds = await embedAll(page, urls, dtype);
        rates.push(count / seconds);
        console.log(`chromium wasm ${size} ${dtype} round ${r + 1}: ${(count / seconds).toFixed(2)} photos/s (${seconds.toFixed(1)} s; load ${load()})`);
      }
      lines.push(`| ${size} (${count}) | ${dtype} | ${rates.map((x) => x.toFixed(2)).join(', ')} |`);
    }
  }
  await page.context().close();
  const starts: string[] = [];
  for (let r = 0; r < Number(args.starts); r++) {
    for (const towers of r % 2 === 0 ? (['both', 'text'] as const) : (['text', 'both'] as const)) {
      const s = await start(browser, base, towers);
      console.log(`start ${towers} round ${r + 1}: ${s.seconds.toFixed(2)} s, ${(s.bytes / 1e6).toFixed(1)} MB (load ${load()})`);
      starts.push(`| ${r + 1} | ${towers === 'both' ? 'both towers' : "towers: ['text']"} | ${(s.bytes / 1e6).toFixed(1)} MB | ${s.seconds.toFixed(2)} s |`);
    }
  }
  writeReport(
    'browser-index',
    [
      `webclip in Chromium, WASM, photos/s per round (start included); load before ${loadBefore}, after ${load()}`,
      '',
      '| photos | dtype | photos/s per round |',
      '|---|---|---|',
      ...lines,
      '',
      'Start from an empty cache, q8, served from localhost (the bytes are what a network would carry):',
      '',
      '| round | towers | model bytes fetched | createClip → ready |',
      '|---|---|---|---|',
      ...starts,
    ].join('\n'),
  );
} finally {
  await close();
}
