// The model cache and downloads, in Chromium, against a cross-origin model host that counts
// requests and misbehaves on demand (tests/e2e/model-server.ts): what is downloaded once is
// never downloaded again, survives reloads and offline starts, is checked on every load, and a
// failure of any kind leaves nothing half-written.
import { expect, test, type Page } from '@playwright/test';
import { modelServerPort } from '../../playwright.config';
import type { Faults, LoggedRequest } from './model-server';
import { cosine, reference } from './reference';

const HOST = `http://127.0.0.1:${modelServerPort}`;
const VISION = 'onnx/vision_model_quantized.onnx';
const TEXT = 'onnx/text_model_quantized.onnx';
/** The files a q8 load reads. */
const Q8_FILES = ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json', VISION, TEXT];
/** Small chunks, so the tiny model's files span several. */
const CHUNK_BYTES = 64 * 1024;
const FAST = { chunkBytes: CHUNK_BYTES, retries: 3, backoffMs: 20 };

async function faults(value: Faults = {}): Promise<void> {
  await fetch(`${HOST}/control`, { method: 'POST', body: JSON.stringify(value) });
}
async function requests(): Promise<LoggedRequest[]> {
  return (await fetch(`${HOST}/log`)).json() as Promise<LoggedRequest[]>;
}

interface Loaded {
  id: string;
  vectors: number[][];
  events: { file?: string; loaded?: number; total?: number; overall?: { loaded: number; total?: number } }[];
}
type Failed = { code: string; message: string };

async function open(page: Page): Promise<void> {
  await page.goto('/tests/e2e/harness.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
}

/** Loads the model from the host under `name` (its cache id), embeds the test images and a text. */
function load(page: Page, name: string, hooks: Record<string, unknown> = FAST): Promise<Loaded | Failed> {
  return page.evaluate(
    async ({ model, hooks, files }) => {
      const events: Loaded['events'] = [];
      try {
        const clip = await window.webclip.createClip({
          model,
          device: 'wasm',
          dtype: 'q8',
          testHooks: hooks,
          onProgress: (e) => {
            if (e.phase === 'download') events.push({ ...e });
          },
        });
        const images = await Promise.all(files.map((f) => window.webclip.fixtureImage('blob', f)));
        const vectors = [...(await clip.embedImages(images)), ...(await clip.embedTexts(['a photo of a cat']))].map((v) => Array.from(v));
        const id = clip.info.model;
        await clip.dispose();
        return { id, vectors, events };
      } catch (error) {
        const e = error as { code?: string; message?: string };
        return { code: e.code ?? 'none', message: e.message ?? String(error) };
      }
    },
    { model: `${HOST}/m/${name}/`, hooks, files: reference.images.map((i) => i.file) },
  );
}

function loaded(result: Loaded | Failed): Loaded {
  if ('code' in result) throw new Error(`load failed: ${result.code}: ${result.message}`);
  return result;
}

/** The vectors agree with the PyTorch reference of the int8 arithmetic. */
function expectReference(vectors: number[][]): void {
  reference.images.forEach((image, i) => expect(cosine(vectors[i]!, image.image_embeds.int8_sim)).toBeGreaterThanOrEqual(0.999));
}

/** Chunks the cache holds for a model id (and one file), read from IndexedDB directly. */
function chunkCount(page: Page, id: string, path?: string): Promise<number> {
  return page.evaluate(
    ({ id, path }) =>
      new Promise<number>((resolve, reject) => {
        const request = indexedDB.open('webclip-model-chunks');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains('chunks')) return resolve(0);
          const range = path === undefined ? IDBKeyRange.bound([id], [id, []]) : IDBKeyRange.bound([id, path], [id, path, []]);
          const count = db.transaction('chunks').objectStore('chunks').count(range);
          count.onsuccess = () => {
            resolve(count.result);
            db.close();
          };
          count.onerror = () => reject(count.error);
        };
      }),
    { id, ...(path === undefined ? {} : { path }) },
  );
}

interface ChunkEdit {
  key: [model: string, path: string, index: number];
  /** flip: one byte of the chunk inverted, size unchanged; delete: gone; junk: 1,000 zero bytes written there. */
  edit: 'flip' | 'delete' | 'junk';
}

/**
 * Changes chunks in IndexedDB directly, as a bad disk or a killed page would: the chunks to flip
 * are read first, then every edit is written in one transaction. Chunks are stored as Blobs;
 * a flipped one is written back as one, with the same size.
 */
function editChunks(page: Page, edits: ChunkEdit[]): Promise<void> {
  return page.evaluate(async (edits) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('webclip-model-chunks');
      request.onerror = () => reject(request.error);
      request.onsuccess = () => resolve(request.result);
    });
    const done = (tx: IDBTransaction) =>
      new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = tx.onabort = () => reject(tx.error);
      });
    const flipped = new Map<number, Blob>();
    const reading = db.transaction('chunks');
    const values = edits.map(({ key, edit }) => {
      if (edit !== 'flip') return null;
      const get = reading.objectStore('chunks').get(key);
      return new Promise<Blob | ArrayBuffer>((resolve) => (get.onsuccess = () => resolve(get.result as Blob | ArrayBuffer)));
    });
    await done(reading);
    for (const [i, value] of values.entries()) {
      if (!value) continue;
      const stored = await value;
      const bytes = new Uint8Array(stored instanceof Blob ? await stored.arrayBuffer() : stored.slice(0));
      bytes[100] = bytes[100]! ^ 0xff;
      flipped.set(i, new Blob([bytes]));
    }
    const writing = db.transaction('chunks', 'readwrite');
    const store = writing.objectStore('chunks');
    edits.forEach(({ key, edit }, i) => {
      if (edit === 'delete') store.delete(key);
      else if (edit === 'junk') store.put(new Blob([new Uint8Array(1000)]), key);
      else store.put(flipped.get(i)!, key);
    });
    await done(writing);
    db.close();
  }, edits);
}

const cachedIds = (page: Page) => page.evaluate(async () => (await window.webclip.modelCache.list()).map((m) => m.id));

test.describe('model store', () => {
  test.beforeEach(async ({ page }) => {
    await faults();
    await open(page);
  });

  test('first load downloads each file once with overall progress to the total; a reload downloads nothing and embeds the same', async ({ page }) => {
    const first = loaded(await load(page, 'reload'));
    expectReference(first.vectors);
    const log = await requests();
    expect(log.map((r) => r.path).sort()).toEqual([...Q8_FILES].sort());
    // Overall progress only grows and ends at the sum of the files' sizes.
    const overall = first.events.map((e) => e.overall!);
    for (let i = 1; i < overall.length; i++) expect(overall[i]!.loaded).toBeGreaterThanOrEqual(overall[i - 1]!.loaded);
    const last = overall.at(-1)!;
    expect(last.total).toBeDefined();
    expect(last.loaded).toBe(last.total);
    const list = await page.evaluate(() => window.webclip.modelCache.list());
    const entry = list.find((m) => m.id === first.id)!;
    expect(entry.dtypes).toEqual(['q8']);
    expect(entry.bytes).toBe(last.total);
    expect(entry.files).toBe(Q8_FILES.length);

    await page.reload();
    await faults();
    // Once cached, the page asks no other origin for anything.
    const foreign: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).origin !== new URL(page.url()).origin) foreign.push(request.url());
    });
    const second = loaded(await load(page, 'reload'));
    expect(await requests()).toEqual([]);
    expect(foreign).toEqual([]);
    expect(second.events).toEqual([]);
    expect(second.vectors).toEqual(first.vectors);
  });

  test('once cached, the model starts with the host unreachable', async ({ page }) => {
    const first = loaded(await load(page, 'offline'));
    await page.reload();
    await faults({ offline: true });
    const second = loaded(await load(page, 'offline'));
    expect(second.vectors).toEqual(first.vectors);
    expect(await requests()).toEqual([]);
  });

  test('after one visit under the service worker, the page reloads with the browser offline and the model starts from the cache', async ({ page, context }) => {
    await page.goto('/tests/e2e/harness.html?shell');
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
    await expect(page.locator('body')).toHaveAttribute('data-shell', 'ready');
    const first = loaded(await load(page, 'browser-offline'));
    await faults();
    await context.setOffline(true);
    try {
      await page.reload();
      await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
      expect(await page.evaluate(() => [navigator.onLine, crossOriginIsolated])).toEqual([false, true]);
      // The network is gone for the service worker too: an address it never cached fails.
      const uncached = await page.evaluate(() => fetch(`/tests/e2e/harness.html?never-cached=${Math.random()}`).then(() => 'fetched', () => 'failed'));
      expect(uncached).toBe('failed');
      const second = loaded(await load(page, 'browser-offline'));
      expect(second.vectors).toEqual(first.vectors);
      expect(second.events).toEqual([]);
    } finally {
      await context.setOffline(false);
    }
    expect(await requests()).toEqual([]);
  });

  test('a corrupt chunk and a missing chunk are caught on load; only those files are fetched again', async ({ page }) => {
    const first = loaded(await load(page, 'corrupt'));
    expect(await chunkCount(page, first.id, VISION)).toBeGreaterThan(2);
    await editChunks(page, [
      { key: [first.id, VISION, 1], edit: 'flip' },
      { key: [first.id, 'tokenizer.json', 0], edit: 'delete' },
    ]);
    await page.reload();
    await faults();
    const second = loaded(await load(page, 'corrupt'));
    expect(second.vectors).toEqual(first.vectors);
    expect((await requests()).map((r) => r.path).sort()).toEqual([VISION, 'tokenizer.json'].sort());
    // Repaired: the next start needs nothing.
    await page.reload();
    await faults();
    loaded(await load(page, 'corrupt'));
    expect(await requests()).toEqual([]);
  });

  test('chunks a closed page left behind are swept by the next load; the model stays whole', async ({ page }) => {
    const first = loaded(await load(page, 'sweep'));
    const visionChunks = await chunkCount(page, first.id, VISION);
    const all = await chunkCount(page, first.id);
    // What a page closed mid-download leaves: chunks no manifest lists, and one past a file's end.
    await editChunks(page, [
      { key: [first.id, 'onnx/vision_model_fp16.onnx', 0], edit: 'junk' },
      { key: [first.id, 'onnx/vision_model_fp16.onnx', 1], edit: 'junk' },
      { key: [first.id, VISION, 9999], edit: 'junk' },
    ]);
    expect(await chunkCount(page, first.id)).toBe(all + 3);
    await page.reload();
    await faults();
    const second = loaded(await load(page, 'sweep'));
    expect(await requests()).toEqual([]);
    expect(second.vectors).toEqual(first.vectors);
    await expect.poll(() => chunkCount(page, first.id)).toBe(all);
    expect(await chunkCount(page, first.id, VISION)).toBe(visionChunks);
    expect(await chunkCount(page, first.id, 'onnx/vision_model_fp16.onnx')).toBe(0);
  });

  test('a connection dropped mid-file resumes with a Range request', async ({ page }) => {
    await faults({ drop: { file: VISION, dropAfter: 150_000, drops: 2 } });
    const result = loaded(await load(page, 'drop'));
    expectReference(result.vectors);
    const vision = (await requests()).filter((r) => r.path === VISION);
    expect(vision[0]).toEqual({ path: VISION, status: 200 });
    expect(vision.length).toBe(3);
    for (const r of vision.slice(1)) {
      expect(r.status).toBe(206);
      expect(Number(/^bytes=(\d+)-$/.exec(r.range!)![1])).toBeGreaterThan(0);
    }
  });

  test('a host that refuses Range is downloaded again from the start, correctly', async ({ page }) => {
    await faults({ drop: { file: VISION, dropAfter: 150_000, drops: 1 }, refuseRange: true });
    const result = loaded(await load(page, 'norange'));
    expectReference(result.vectors);
    expect((await requests()).filter((r) => r.path === VISION).map((r) => r.status)).toEqual([200, 200]);
  });

  test('404 is MODEL_NOT_FOUND; a lasting 500 is DOWNLOAD_FAILED after the retries; each in bounded time; nothing is cached', async ({ page }) => {
    await faults({ status: { file: 'config.json', code: 404 } });
    let started = Date.now();
    expect(await load(page, 'missing')).toMatchObject({ code: 'MODEL_NOT_FOUND' });
    expect(Date.now() - started).toBeLessThan(10_000);
    await faults({ status: { file: TEXT, code: 500 } });
    started = Date.now();
    const failed = await load(page, 'broken');
    expect(failed).toMatchObject({ code: 'DOWNLOAD_FAILED' });
    // Backoff 20, 40, 80 ms here; with the default 0.5 s doubling, five retries take 15.5 s.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await requests()).filter((r) => r.path === TEXT)).toHaveLength(FAST.retries + 1);
    const ids = await cachedIds(page);
    expect(ids.some((id) => id.includes('/m/missing/') || id.includes('/m/broken/'))).toBe(false);
    expect(await chunkCount(page, `${HOST}/m/broken/`)).toBe(0);
  });

  // The room check reads navigator.storage.estimate(); a test hook answers for it here, because
  // CDP's Storage.overrideQuotaForOrigin has no effect in Playwright's off-the-record contexts
  // (Chromium 156: estimate() keeps reporting the default quota, from page and browser sessions).
  test('not enough room gives QUOTA before a byte is stored, and leaves the cache as it was', async ({ page }) => {
    const kept = loaded(await load(page, 'quota-kept'));
    const before = await page.evaluate(() => window.webclip.modelCache.list());
    const result = await load(page, 'quota-tight', { ...FAST, storageEstimate: { quota: 300_000, usage: 250_000 } });
    expect(result).toMatchObject({ code: 'QUOTA' });
    expect((result as Failed).message).toMatch(/needs \d+ bytes of storage, but only 50000 are available/);
    expect(await chunkCount(page, `${HOST}/m/quota-tight/`)).toBe(0);
    expect(await page.evaluate(() => window.webclip.modelCache.list())).toEqual(before);
    // The model cached before still starts, from the cache alone.
    await faults();
    expect(loaded(await load(page, 'quota-kept')).vectors).toEqual(kept.vectors);
    expect(await requests()).toEqual([]);
  });

  test('a disk that fills up mid-write leaves nothing half-written, and the next load recovers', async ({ page }) => {
    const result = await load(page, 'diskfull', { ...FAST, failWritesAfter: 5 });
    expect(result).toMatchObject({ code: 'QUOTA' });
    expect(await chunkCount(page, `${HOST}/m/diskfull/`)).toBe(0);
    expect(await cachedIds(page)).not.toContain(`${HOST}/m/diskfull/`);
    expectReference(loaded(await load(page, 'diskfull')).vectors);
    expect(await cachedIds(page)).toContain(`${HOST}/m/diskfull/`);
  });

  test('modelCache lists, measures, deletes and clears', async ({ page }) => {
    const a = loaded(await load(page, 'cache-a'));
    const b = loaded(await load(page, 'cache-b'));
    const usage = await page.evaluate(() => window.webclip.modelCache.usage());
    const list = await page.evaluate(() => window.webclip.modelCache.list());
    expect(list.map((m) => m.id).sort()).toEqual([a.id, b.id].sort());
    expect(usage.models).toBe(2);
    expect(usage.bytes).toBe(list.reduce((n, m) => n + m.bytes, 0));
    await page.evaluate((id) => window.webclip.modelCache.delete(id), a.id);
    expect(await cachedIds(page)).toEqual([b.id]);
    expect(await chunkCount(page, a.id)).toBe(0);
    expect(await chunkCount(page, b.id)).toBeGreaterThan(0);
    await page.evaluate(() => window.webclip.modelCache.clear());
    expect(await cachedIds(page)).toEqual([]);
    expect(await chunkCount(page, b.id)).toBe(0);
  });

  test('a model folder picked from disk loads, is stored like a download, and makes no request', async ({ page }) => {
    await page.setInputFiles('#model-folder', 'tests/fixtures/tiny-clip');
    const result = await page.evaluate(async (files) => {
      const input = document.querySelector<HTMLInputElement>('#model-folder')!;
      const clip = await window.webclip.createClip({ model: input.files!, device: 'wasm', dtype: 'q8' });
      const images = await Promise.all(files.map((f) => window.webclip.fixtureImage('blob', f)));
      const vectors = (await clip.embedImages(images)).map((v) => Array.from(v));
      const id = clip.info.model;
      await clip.dispose();
      return { id, vectors, list: await window.webclip.modelCache.list() };
    }, reference.images.map((i) => i.file));
    expect(result.id).toMatch(/^local:tiny-clip:/);
    expectReference(result.vectors);
    expect(result.list.find((m) => m.id === result.id)).toMatchObject({ source: 'local', dtypes: ['q8'] });
    expect(await requests()).toEqual([]);
  });
});
