// The package as a user gets it: `npm pack` (which builds lib/), the tarball installed offline
// (npm cache + tarball) into a fresh Vite app in a temporary folder, type-checked, built, served
// and run in Chromium: an embedding that matches PyTorch's, a BAD_IMAGE, and <clip-tagger>.
// Then the same from a plain HTML page with `<script type="module">`, no bundler, using the
// package's self-contained folder (lib/browser/). And in Node, from the same app with webclip's
// optional peers: `npx webclip index` + `search` + `export`, and `import { createClip } from
// 'webclip/node'`.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { appLockfile } from './package/lockfile-subset';
import { pageBundle } from './package/page-bundle';
import { cosine, fixtureDir, reference } from './reference';
import { serveStatic, STRICT_CSP } from './static-server';

const ROOT = join(import.meta.dirname, '..', '..');
const TEMPLATES = join(import.meta.dirname, 'package');
const IMAGE = reference.images[1]!;

let work: string;
let tarball: string;
let app: string;

const sh = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, npm_config_update_notifier: 'false' } });

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The committed test model and one reference photo, where a site serves its files. */
function addModelAndPhoto(dir: string): void {
  cpSync(join(fixtureDir, 'tiny-clip'), join(dir, 'models', 'test'), { recursive: true, filter: (f) => !f.endsWith('reference.json') });
  cpSync(join(fixtureDir, 'tiny-clip-inputs', IMAGE.file), join(dir, IMAGE.file));
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(600_000);
  work = mkdtempSync(join(tmpdir(), 'webclip-package-'));
  // `npm pack` runs the package's prepack script: the library build.
  const packed = sh('npm', ['pack', '--silent', '--pack-destination', work], ROOT).trim().split('\n').pop()!;
  tarball = join(work, packed);
  app = join(work, 'app');
  cpSync(join(TEMPLATES, 'vite-app'), app, { recursive: true });
  cpSync(tarball, join(app, packed));
  const { packageJson, lock } = appLockfile({
    lock: JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')),
    // webclip's optional peers for Node (webclip/node, the command): a site indexes its photos
    // at build time with the same install.
    dependencies: ['sharp', 'apache-arrow', 'parquet-wasm'],
    devDependencies: ['vite', 'typescript'],
    tarball: join(app, packed),
  });
  writeFileSync(join(app, 'package.json'), JSON.stringify(packageJson, null, 2));
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify(lock, null, 2));
  // --offline: every tarball from the npm cache webclip's own install filled, or the install fails.
  sh('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
  addModelAndPhoto(join(app, 'public'));
});

test.afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Loads `url`, records every request and console message, and embeds the reference photo. */
async function runPage(page: Page, url: string) {
  const requests: string[] = [];
  const warnings: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text());
  });
  await page.goto(url);
  await page.waitForFunction(() => window.app !== undefined);
  const embedded = await page.evaluate((file) => window.app.embed(`./${file}`), IMAGE.file);
  return { requests, warnings, embedded };
}

/** <clip-tagger> on the page: a photo and a non-photo through its file input. */
async function tagWithElement(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { tagEvents: unknown[]; errorEvents: unknown[] };
    w.tagEvents = [];
    w.errorEvents = [];
    document.addEventListener('clip-tags', (e) => w.tagEvents.push((e as CustomEvent).detail));
    document.addEventListener('clip-error', (e) => w.errorEvents.push((e as CustomEvent).detail));
  });
  await page.evaluate(() => window.app.tagger.ready);
  await page.locator('clip-tagger input[type="file"]').setInputFiles([
    { name: IMAGE.file, mimeType: 'image/png', buffer: readFileSync(join(fixtureDir, 'tiny-clip-inputs', IMAGE.file)) },
    { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('text, not a JPEG') },
  ]);
  await expect.poll(() => page.evaluate(() => (window as unknown as { tagEvents: unknown[] }).tagEvents.length), { timeout: 60_000 }).toBe(2);
  const results = await page.evaluate(() => window.app.tagger.results);
  expect(results[0]!.name).toBe(IMAGE.file);
  expect(results[0]!.tags.map((t) => t.label).every((l) => ['gradient', 'checkerboard', 'circle'].includes(l))).toBe(true);
  expect(results[0]!.tags).toHaveLength(2);
  expect(results[1]).toMatchObject({ name: 'notes.jpg', error: 'BAD_IMAGE', tags: [] });
  expect(await page.evaluate(() => (window as unknown as { errorEvents: { code: string }[] }).errorEvents.map((e) => e.code))).toEqual(['BAD_IMAGE']);
  await expect(page.locator('clip-tagger [part="tag"]')).toHaveCount(2);
}

function expectOwnOrigin(requests: string[], origin: string): void {
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual([]);
}

/**
 * What every installed page must do: embed like PyTorch on WASM threads, refuse a bad image,
 * run the element, stay on its own origin, log no warning. Returns the page's requests.
 */
async function expectWorkingPage(page: Page, url: string): Promise<string[]> {
  const { requests, warnings, embedded } = await runPage(page, url);
  expect(embedded.info).toMatchObject({ device: 'wasm', dtype: 'fp32', dim: 32 });
  expect(embedded.info.threads).toBeGreaterThan(1);
  expect(cosine(embedded.vector, IMAGE.image_embeds.fp32)).toBeGreaterThan(0.9999);
  expect(await page.evaluate(() => window.app.badImage())).toBe('BAD_IMAGE');
  await tagWithElement(page);
  expectOwnOrigin(requests, url.slice(0, -1));
  expect(warnings).toEqual([]);
  return requests;
}

test('the tarball holds the built modules, types and the self-contained folder; dependencies stay imports', () => {
  const files = sh('tar', ['-tzf', tarball], work).split('\n').filter(Boolean);
  for (const f of ['package/lib/webclip.js', 'package/lib/element.js', 'package/lib/clip.worker.js', 'package/lib/chunk-reader.worker.js',
    'package/lib/types/src/index.d.ts', 'package/lib/types/src/element/index.d.ts', 'package/lib/types/src/shared/worker-api.d.ts',
    'package/lib/browser/element.js', 'package/lib/browser/webclip.js', 'package/lib/browser/ort/ort-wasm-simd-threaded.wasm',
    'package/lib/browser/ort/ort-wasm-simd-threaded.asyncify.wasm', 'package/README.md',
    'package/lib/node/index.js', 'package/lib/node/webclip.js', 'package/lib/node/image-worker.js', 'package/lib/types/src/node/index.d.ts']) {
    expect(files).toContain(f);
  }
  expect(files.filter((f) => /^package\/(src|tests|workers|bench|scripts)\//.test(f))).toEqual([]);
  // The bundler build imports onnxruntime-web, comlink and idb-keyval; it carries no copy of them.
  const installed = join(app, 'node_modules', 'webclip', 'lib');
  const modules = readdirSync(installed).filter((f) => f.endsWith('.js'));
  const code = modules.map((f) => readFileSync(join(installed, f), 'utf8')).join('\n');
  expect(code).toContain('from "comlink"');
  expect(code).toContain('from "idb-keyval"');
  expect(code).toContain('import("onnxruntime-web/wasm")');
  expect(code).not.toContain('Microsoft Corporation'); // ORT's licence header
  expect(code).not.toContain('Copyright 2019 Google LLC'); // comlink's
  // Workers are started by the literal pattern an app's bundler emits.
  expect(code).toContain('new Worker(new URL("./clip.worker.js", import.meta.url)');
  expect(code).toContain('new Worker(new URL("./chunk-reader.worker.js", import.meta.url)');
});

test('the published types hold no test hook, and none of the runtime behind the worker', () => {
  const types = join(app, 'node_modules', 'webclip', 'lib', 'types');
  const files = readdirSync(types, { recursive: true }).map(String).filter((f) => f.endsWith('.d.ts'));
  expect(files).toContain(join('src', 'index.d.ts'));
  expect(files.filter((f) => /^src[\\/](runtime|worker|testing)[\\/]/.test(f))).toEqual([]);
  const hooks = /testHooks|ForTest|corruptWebGpuOutput|failWritesAfter|storageEstimate|noCache|peakHeldImages|encodedTexts|cachedLabels|testAccess|restarts/;
  expect(files.filter((f) => hooks.test(readFileSync(join(types, f), 'utf8')))).toEqual([]);
});

test('a page loads no worker-side module: the runtime, IndexedDB and onnxruntime stay in the workers', () => {
  const installed = join(app, 'node_modules', 'webclip');
  for (const folder of ['lib', 'lib/browser']) {
    for (const entry of ['webclip.js', 'element.js']) {
      const bundle = pageBundle(join(installed, folder), entry, installed);
      const where = `${folder}/${entry}`;
      expect(bundle.modules, where).toContain('src/page/create-clip.ts');
      // The page side, the contract, the pure core it exports (registry, tags, similarity), comlink.
      const pageSide = (m: string) => /^src\/(index\.ts|page\/|shared\/|element\/|core\/)/.test(m) || m.startsWith('node_modules/comlink/');
      expect(bundle.modules.filter((m) => !pageSide(m)), where).toEqual([]);
      // What reached the page before the worker-side code moved behind the worker (issue 16).
      for (const worker of ['chunk-store', 'label-store', 'model-cache', 'sha256', 'xxhash32', 'model-manifest', 'idb-keyval', 'onnxruntime']) {
        expect(bundle.modules.filter((m) => !m.startsWith('src/page/') && m.includes(worker)), `${where}: ${worker}`).toEqual([]);
      }
      expect(bundle.packageImports, where).toEqual(folder === 'lib' ? ['comlink'] : []);
    }
  }
});

test('a fresh Vite app: the types check, it builds, and its page embeds like PyTorch, on WASM threads, with the element', async ({ page }) => {
  test.setTimeout(240_000);
  // The app's own strict type check against the installed declarations, under both resolutions,
  // with the public surface's type test (tests/types/) as one of the app's files.
  cpSync(join(ROOT, 'tests', 'types', 'public-api.ts'), join(app, 'src', 'public-api.ts'));
  sh(join(app, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], app);
  sh(join(app, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.nodenext.json'], app);
  sh(join(app, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], app);
  const assets = readdirSync(join(app, 'dist', 'assets'));
  // The app's bundler emitted the workers and ORT's runtime (found beside ORT's module).
  expect(assets.some((f) => /^clip\.worker-.*\.js$/.test(f))).toBe(true);
  expect(assets.some((f) => /^chunk-reader\.worker-.*\.js$/.test(f))).toBe(true);
  expect(assets.some((f) => /^ort-wasm-simd-threaded-.*\.wasm$/.test(f))).toBe(true);

  const server = await serveStatic(join(app, 'dist'), { isolate: true });
  try {
    const requests = await expectWorkingPage(page, server.url);
    expect(requests.some((u) => /\/assets\/ort-wasm-simd-threaded-.*\.wasm$/.test(u))).toBe(true);
  } finally {
    await server.close();
  }
});

test('the same app on Vite\'s dev server: the installed package works unbuilt too', async ({ page }) => {
  test.setTimeout(240_000);
  const port = await freePort();
  const dev = spawn(join(app, 'node_modules', '.bin', 'vite'), ['--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: app, stdio: 'ignore' });
  try {
    const url = `http://127.0.0.1:${port}/`;
    await expect.poll(() => fetch(url).then((r) => r.ok, () => false), { timeout: 60_000 }).toBe(true);
    const { embedded } = await runPage(page, url);
    expect(embedded.info.threads).toBeGreaterThan(1);
    expect(cosine(embedded.vector, IMAGE.image_embeds.fp32)).toBeGreaterThan(0.9999);
  } finally {
    dev.kill();
  }
});

test('the same app with Vite\'s default worker format: ORT inlined into the worker runs on one thread and says so, no hang', async ({ page }) => {
  test.setTimeout(240_000);
  rmSync(join(app, 'vite.config.ts'));
  sh(join(app, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], app);
  const server = await serveStatic(join(app, 'dist'), { isolate: true });
  try {
    const { warnings, embedded } = await runPage(page, server.url);
    expect(embedded.info.threads).toBe(1);
    expect(cosine(embedded.vector, IMAGE.image_embeds.fp32)).toBeGreaterThan(0.9999);
    expect(warnings.some((w) => w.includes('worker: { format: "es" }'))).toBe(true);
  } finally {
    await server.close();
  }
});

test('a plain HTML page with <script type="module"> and the self-contained folder, under a strict CSP: the element and the API, all from its own origin', async ({ page }) => {
  test.setTimeout(240_000);
  const site = join(work, 'plain-site');
  cpSync(join(TEMPLATES, 'plain-page'), site, { recursive: true });
  const browserBuild = join(app, 'node_modules', 'webclip', 'lib', 'browser');
  expect(existsSync(join(browserBuild, 'element.js'))).toBe(true);
  cpSync(browserBuild, join(site, 'webclip'), { recursive: true });
  addModelAndPhoto(site);
  const server = await serveStatic(site, { isolate: true, headers: { 'Content-Security-Policy': STRICT_CSP } });
  try {
    const requests = await expectWorkingPage(page, server.url);
    // ORT's runtime came from the ort/ folder beside webclip's module.
    expect(requests.some((u) => u.endsWith('/webclip/ort/ort-wasm-simd-threaded.wasm'))).toBe(true);
  } finally {
    await server.close();
  }
});

test('in Node, from the same install: npx webclip index, search and export, and createClip from webclip/node, as PyTorch embeds', () => {
  test.setTimeout(240_000);
  // onnxruntime-node's 288 MB (every platform's binaries) took over a minute to unpack here, so
  // the app gets a link to webclip's own copy, which Node finds as an installed package.
  symlinkSync(join(ROOT, 'node_modules', 'onnxruntime-node'), join(app, 'node_modules', 'onnxruntime-node'), 'dir');
  const dir = join(app, 'index-check');
  cpSync(join(TEMPLATES, 'node-app'), dir, { recursive: true });
  cpSync(join(fixtureDir, 'tiny-clip'), join(dir, 'model'), { recursive: true, filter: (f) => !f.endsWith('reference.json') });
  cpSync(join(fixtureDir, 'tiny-clip-inputs'), join(dir, 'photos', 'inputs'), { recursive: true, filter: (f) => !f.endsWith('.json') });

  const webclip = (...args: string[]) => sh('npx', ['--no-install', 'webclip', ...args], dir);
  const index = spawnSync('npx', ['--no-install', 'webclip', 'index', 'photos', '--model', 'model', '--dtype', 'fp32', '--out', 'photos.webclip', '--json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  expect(index.status, index.stderr).toBe(0);
  // The installed package starts its image worker (lib/node/image-worker.js), not the fallback on the main thread.
  expect(index.stderr).not.toMatch(/image worker could not start/);
  const indexed = JSON.parse(index.stdout);
  expect(indexed).toMatchObject({ added: reference.images.length, photos: reference.images.length, failed: [] });
  const query = reference.texts[0]!;
  const hits = JSON.parse(webclip('search', 'photos.webclip', query.text, '-k', '2', '--json')) as { id: string; score: number }[];
  expect(hits).toHaveLength(2);
  // The top hit is the photo PyTorch's embeddings rank first for the sentence.
  const byReference = (i: (typeof reference.images)[number]) => cosine(i.image_embeds.fp32, query.text_embeds.fp32);
  const best = [...reference.images].sort((a, b) => byReference(b) - byReference(a))[0]!;
  expect(hits[0]!.id).toBe(`inputs/${best.file}`);
  webclip('export', 'photos.webclip', '--format', 'parquet', '--out', 'photos.parquet', '--quiet');
  expect(readFileSync(join(dir, 'photos.parquet')).subarray(0, 4).toString()).toBe('PAR1');

  const embedded = JSON.parse(sh('node', ['embed.mjs', join('photos', 'inputs', IMAGE.file)], dir)) as { dim: number; vector: number[] };
  expect(embedded.dim).toBe(32);
  expect(cosine(embedded.vector, IMAGE.image_embeds.fp32)).toBeGreaterThan(0.9999);
});

declare global {
  interface Window {
    app: {
      embed(url: string): Promise<{ info: { device: string; dtype: string; dim: number; threads: number }; vector: number[] }>;
      badImage(): Promise<string>;
      tagger: import('../../src/element/clip-tagger').ClipTagger;
    };
  }
}
