// What the browser benchmark drivers share: the repository served by Vite (its own config, no
// watching or HMR, so an edit mid-run cannot reload the page), Debian's Chromium, the full-size
// benchmark model, and where reports go.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { createServer } from 'vite';
import { staticFolders, type StaticFolder } from '../scripts/vite-static-folders.ts';

export const ROOT = join(import.meta.dirname, '..');
export const BENCH_MODEL_DIR = join(ROOT, 'bench', 'models', 'clip-vit-b-32-random');
// BENCH_JS_FLAGS: V8 flags for the page (e.g. '--no-wasm-deopt --trace-deopt', issue 15).
export const CHROMIUM_ARGS = [...(process.env.EAGER ? ['--enable-blink-features=ForceEagerMeasureMemory'] : []), ...(process.env.BENCH_JS_FLAGS ? [`--js-flags=${process.env.BENCH_JS_FLAGS}`] : []), '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Stops the run unless `npm run fixtures:full` has written the benchmark model's `file`. */
export function requireBenchModel(file: string): void {
  if (!existsSync(join(BENCH_MODEL_DIR, file))) {
    console.error('bench/models/clip-vit-b-32-random is missing: run `npm run fixtures:full` first');
    process.exit(1);
  }
}

export interface BenchBrowser {
  /** The server's root URL, ending in '/'. */
  readonly base: string;
  readonly browser: Browser;
  close(): Promise<void>;
}

/**
 * transformers.js bundles its own onnxruntime-web (a 1.31 dev build): its runtime files, served
 * at /tjs-ort/. The package exports its .wasm files but not package.json: found through one.
 */
export function transformersOrtFolder(): StaticFolder {
  const require = createRequire(import.meta.url);
  const dir = dirname(
    require.resolve('onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm', {
      paths: [join(ROOT, 'node_modules', '@huggingface', 'transformers')],
    }),
  );
  return { urlPath: 'tjs-ort', dir, include: (f) => /^ort-wasm-[\w.-]+\.(wasm|mjs)$/.test(f) };
}

/**
 * Vite on a free port (the benchmark model at /models/bench/ with `withModel`; transformers.js's
 * own ORT files at /tjs-ort/ with `withTransformers`) and Chromium.
 */
export async function startBenchBrowser({ withModel = false, withTransformers = false } = {}): Promise<BenchBrowser> {
  const folders: StaticFolder[] = [
    ...(withModel ? [{ urlPath: 'models/bench', dir: BENCH_MODEL_DIR, include: () => true }] : []),
    ...(withTransformers ? [transformersOrtFolder()] : []),
    // The package's browser build (after `npm run build:lib`) as a static site serves it: Vite
    // would transform its modules.
    ...(existsSync(join(ROOT, 'lib', 'browser')) ? [{ urlPath: 'pkg/browser', dir: join(ROOT, 'lib', 'browser'), include: () => true }] : []),
  ];
  const server = await createServer({
    configFile: join(ROOT, 'vite.config.ts'),
    root: ROOT,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
    plugins: folders.length > 0 ? [staticFolders(folders)] : [],
    // transformers.js is one ES module: served as is, its `onnxruntime-web` import resolves to
    // the copy it bundles, not ours.
    ...(withTransformers ? { optimizeDeps: { include: ['comlink'], exclude: ['@huggingface/transformers'] } } : {}),
  });
  await server.listen();
  const { port } = server.httpServer!.address() as { port: number };
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  return {
    base: `http://127.0.0.1:${port}/`,
    browser,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Writes bench/out/<name>.md and prints it. */
export function writeReport(name: string, report: string): void {
  mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'out', `${name}.md`), report);
  console.log(report);
}
