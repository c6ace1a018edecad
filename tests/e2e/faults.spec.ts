// Faults (issue 8): the worker killed or closed mid-call. The client notices (a Web Lock the
// worker holds is released), starts a new worker that loads the model from the cache, runs
// again what is safe to run again, and rejects the rest with WORKER_CRASHED; a library write
// cut short leaves whole photos only.
import { expect, test, type Page } from '@playwright/test';
import { cosine, reference } from './reference';

async function open(page: Page): Promise<void> {
  await page.goto('/tests/e2e/harness.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
  await page.evaluate(async () => {
    window.clip = await window.webclip.createClip({ model: '/models/test/', device: 'wasm', dtype: 'fp32' });
    window.kept = {};
  });
}

const URLS = reference.images.map((i) => `/tests/fixtures/tiny-clip-inputs/${i.file}`);

test.describe('a worker that dies mid-call', () => {
  test('killed: the call in flight runs again on a new worker, loaded from the cache without a download', async ({ page }) => {
    await open(page);
    const modelRequests: string[] = [];
    page.on('request', (r) => {
      if (/\/models\/test\/.*\.onnx/.test(r.url())) modelRequests.push(r.url());
    });
    const out = await page.evaluate(async (urls) => {
      const clip = window.clip!;
      const access = window.webclip.access(clip);
      // 40 images by URL (nothing transferred, so safe to send again), killed at the first progress.
      const many = Array.from({ length: 40 }, (_, i) => urls[i % urls.length]!);
      let killed = false;
      const vectors = await clip.embedImages(many, {
        onProgress: () => {
          if (!killed) void access.crashWorker();
          killed = true;
        },
      });
      const texts = await clip.embedTexts(['a photo of a cat']);
      return { killed, restarts: access.restarts(), vectors: vectors.map((v) => Array.from(v)), text: Array.from(texts[0]!), info: clip.info };
    }, URLS);
    expect(out.killed).toBe(true);
    expect(out.restarts).toBe(1);
    out.vectors.forEach((v, i) => expect(cosine(v, reference.images[i % reference.images.length]!.image_embeds.fp32)).toBeGreaterThan(0.9999));
    expect(out.info).toMatchObject({ device: 'wasm', dtype: 'fp32' });
    expect(modelRequests).toEqual([]); // the new worker read the model from IndexedDB
  });

  test('closed from inside, with calls queued: reads are answered, a transferred image and a write reject with WORKER_CRASHED', async ({ page }) => {
    await open(page);
    const out = await page.evaluate(async (urls) => {
      const clip = window.clip!;
      const access = window.webclip.access(clip);
      const bitmap = await createImageBitmap(await (await fetch(urls[0]!)).blob());
      const settle = <T>(p: Promise<T>) =>
        p.then(
          (value) => ({ ok: true as const, value }),
          (error: { code?: string }) => ({ ok: false as const, code: error.code }),
        );
      const lib = await clip.library(`crash-${Date.now()}`);
      const calls = [
        settle(clip.embedImages(Array.from({ length: 30 }, (_, i) => urls[i % urls.length]!)).then((v) => v.length)),
        settle(clip.embedImages([bitmap]).then((v) => v.length)), // moved to the worker that dies
        settle(clip.classify(urls[1]!, ['cat', 'dog']).then((r) => r.length)),
        settle(lib.add(Array.from({ length: 30 }, (_, i) => ({ id: `p${i}`, image: urls[i % urls.length]! }))).then((r) => r.added.length)),
      ];
      await access.exitWorker();
      const results = await Promise.all(calls);
      return { results, restarts: access.restarts(), after: await clip.embedTexts(['still here']).then((v) => v.length) };
    }, URLS);
    expect(out.restarts).toBe(1);
    expect(out.results[0]).toEqual({ ok: true, value: 30 });
    expect(out.results[1]).toEqual({ ok: false, code: 'WORKER_CRASHED' });
    expect(out.results[2]).toEqual({ ok: true, value: 2 });
    expect(out.results[3]).toEqual({ ok: false, code: 'WORKER_CRASHED' });
    expect(out.after).toBe(1);
  });

  test('an add cut short by the crash keeps whole photos only; adding again stores each photo once', async ({ page }) => {
    test.setTimeout(180_000);
    await open(page);
    const total = 120;
    const out = await page.evaluate(async (total) => {
      const clip = window.clip!;
      const access = window.webclip.access(clip);
      const blobs = await window.webclip.distinctPhotos(total, 11);
      const photos = blobs.map((image, i) => ({ id: `photo-${String(i).padStart(3, '0')}`, image }));
      const lib = await clip.library(`half-${Date.now()}`);
      let crashed = false;
      const first = await lib
        .add(photos, {
          onProgress: (e) => {
            if (!crashed && (e.loaded ?? 0) >= 16) {
              crashed = true;
              void access.crashWorker();
            }
          },
        })
        .then(
          () => 'finished',
          (error: { code?: string }) => error.code,
        );
      const ids = await lib.ids();
      // Every stored vector is whole: each kept photo finds itself first at cosine 1.
      const self = await Promise.all(ids.slice(0, 10).map(async (id) => (await lib.similar(photos.find((p) => p.id === id)!.image, { k: 1 }))[0]!));
      const again = await lib.add(photos);
      return { first, kept: ids.length, ids, self, again: { added: again.added.length, unchanged: again.unchanged.length }, count: await lib.count() };
    }, total);
    expect(out.first).toBe('WORKER_CRASHED');
    expect(out.kept).toBeGreaterThanOrEqual(16);
    expect(out.kept).toBeLessThan(total);
    out.self.forEach((hit, i) => {
      expect(hit.id).toBe(out.ids[i]);
      expect(hit.score).toBeGreaterThan(0.9999);
    });
    expect(out.again).toEqual({ added: total - out.kept, unchanged: out.kept });
    expect(out.count).toBe(total);
  });
});

test.describe('storage that fails', () => {
  test('a full disk mid-add: the add fails with QUOTA, nothing of it is stored, reads go on, and the same add succeeds once there is room', async ({ page }) => {
    test.setTimeout(180_000);
    await open(page);
    const out = await page.evaluate(async () => {
      const clip = window.clip!;
      const access = window.webclip.access(clip);
      const lib = await clip.library(`quota-${Date.now()}`);
      await lib.add(window.webclip.PHOTO_FILES.slice(0, 2).map((url, i) => ({ id: `before-${i}`, image: url })));
      const photos = (await window.webclip.distinctPhotos(40, 5)).map((image, i) => ({ id: `during-${i}`, image }));
      // The third write transaction of the add (its third group of photos) is refused by the "disk".
      await access.failLibraryWrites(0);
      let groups = 0;
      const error = await lib
        .add(photos, {
          onProgress: () => {
            if (++groups === 2) void access.failLibraryWrites(1);
          },
        })
        .then(
          () => null,
          (e: { code?: string; message?: string }) => ({ code: e.code, message: e.message }),
        );
      const during = { count: await lib.count(), ids: await lib.ids(), hits: (await lib.search('a cat', { k: 100 })).length };
      const result = await lib.add(photos);
      return { error, during, again: { added: result.added.length, unchanged: result.unchanged.length }, count: await lib.count() };
    });
    expect(out.error?.code).toBe('QUOTA');
    expect(out.error?.message).toMatch(/no room left to store photos/);
    // The groups before the full disk are stored whole; the refused group left nothing.
    const kept = out.during.count - 2;
    expect(kept % 16).toBe(0);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(40);
    expect(out.during.hits).toBe(out.during.count);
    expect(out.again).toEqual({ added: 40 - kept, unchanged: kept });
    expect(out.count).toBe(42);
  });
});
