// Photo library benchmark in real Chromium (Playwright, Debian's /usr/bin/chromium, WASM, 2
// threads) on the full-size ViT-B/32 with random weights: tagAll over 10,000 photos against 500
// tags — the first call (the 500 × 8 prompts encoded) and later ones (cached) — against the same
// scoring in plain JS loops in the same page; and search latency through the worker.
// Run: npx tsx bench/library.ts [--photos N] [--tags N] [--rounds N] [--search-only]   (npm run fixtures:full first;
//   --search-only: the search and similar timings alone, without the 80 s of encoding the tags)
// Writes bench/out/library.md.
import { requireBenchModel, startBenchBrowser, writeReport } from './browser';
import type { LibraryBench } from './library/page';
import { median } from './stats';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const PHOTOS = arg('--photos', 10_000);
const TAGS = arg('--tags', 500);
const ROUNDS = arg('--rounds', 3);
const SEARCH_ONLY = process.argv.includes('--search-only');

requireBenchModel('onnx/text_model_quantized.onnx');

async function main(): Promise<void> {
  const { base, browser, close } = await startBenchBrowser({ withModel: true });
  try {
    const page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(`${base}bench/library.html`);
    await page.waitForFunction(() => document.title === 'ready');
    const bench = <K extends keyof LibraryBench>(name: K, ...args: Parameters<LibraryBench[K]>) =>
      page.evaluate(
        ([n, a]) => ((globalThis as unknown as { libraryBench: Record<string, (...x: unknown[]) => unknown> }).libraryBench[n]!(...a)),
        [name, args] as const,
      ) as Promise<Awaited<ReturnType<LibraryBench[K]>>>;
    const setup = await bench('setup', PHOTOS);
    console.log(`set up: model ${setup.loadMs.toFixed(0)} ms, import of ${PHOTOS} photos ${setup.importMs.toFixed(0)} ms`);
    const warm: number[] = [];
    const naive: number[] = [];
    const ratios: number[] = [];
    const first = SEARCH_ONLY ? null : await bench('tagAll', TAGS);
    if (first) {
      console.log(`tagAll, first call: ${first.ms.toFixed(0)} ms`);
      for (let round = 0; round < ROUNDS; round++) {
        const ours = (await bench('tagAll', TAGS)).ms;
        const theirs = (await bench('naiveTagAll', PHOTOS, TAGS, setup.dim)).ms;
        warm.push(ours);
        naive.push(theirs);
        ratios.push(theirs / ours);
        console.log(`round ${round + 1}: tagAll ${ours.toFixed(0)} ms, plain JS ${theirs.toFixed(0)} ms`);
      }
    }
    const searches = await bench('search', 30);
    const int8Searches = await bench('search', 30, 'bench-int8');
    const similarFloat = await bench('similar', 30, 'bench');
    const similarInt8 = await bench('similar', 30, 'bench-int8');
    const perSecond = (ms: number) => ((PHOTOS / ms) * 1000).toFixed(0);
    const report = [
      '# Photo library benchmark',
      '',
      `\`npx tsx bench/library.ts --photos ${PHOTOS} --tags ${TAGS} --rounds ${ROUNDS}${SEARCH_ONLY ? ' --search-only' : ''}\` — Chromium ${browser.version()} headless, WASM q8, ` +
        `2 threads; full-size ViT-B/32 (random weights), ${setup.dim}-d float32 vectors; ${new Date().toISOString()}.`,
      '',
      `Import of the ${PHOTOS}-photo library file: ${(setup.importMs / 1000).toFixed(2)} s.`,
      '',
      ...(first
        ? [
            '| | ms | photos/s |',
            '|---|---:|---:|',
            `| tagAll, first call (encodes ${TAGS} tags × 8 prompts + 7 background prompts) | ${first.ms.toFixed(0)} | ${perSecond(first.ms)} |`,
            `| tagAll, tags cached (median of ${ROUNDS}) | ${median(warm).toFixed(0)} | ${perSecond(median(warm))} |`,
            `| plain JS loops, same scoring, page thread (median of ${ROUNDS}) | ${median(naive).toFixed(0)} | ${perSecond(median(naive))} |`,
            '',
            `tagAll over plain JS: **${median(ratios).toFixed(2)}×** (${Math.min(...ratios).toFixed(2)}…${Math.max(...ratios).toFixed(2)}).`,
            '',
          ]
        : []),
      `search (text encoded, then top-10 of ${PHOTOS}), through the worker: median ${median(searches).toFixed(1)} ms over ${searches.length} queries ` +
        `(first ${searches[0]!.toFixed(1)} ms); the same photos in an int8 library (re-ranked with residuals read from IndexedDB): ` +
        `median ${median(int8Searches).toFixed(1)} ms.`,
      '',
      `similar(id), k = 10, no text to encode, through the worker: float32 median ${median(similarFloat).toFixed(2)} ms, ` +
        `int8 with the re-ranking (${PHOTOS.toLocaleString('en-US')} photos, 40 records read back) median ${median(similarInt8).toFixed(2)} ms, over 30 queries each.`,
      '',
    ].join('\n');
    writeReport('library', report);
  } finally {
    await close();
  }
}

await main();
