// Load (issue 8): ten callers with 1,000 mixed calls at once get the answers the same calls get
// one at a time, and memory stays bounded; an add of 2,000 photos streams them through the
// engine instead of holding them all decoded.
import { expect, test, type Page } from '@playwright/test';
import { baseArgs, executablePath } from '../../playwright.config';

// performance.measureUserAgentSpecificMemory() otherwise waits for a garbage collection the
// browser schedules (about a minute); this flag measures at once, the same way.
test.use({ launchOptions: { executablePath, args: [...baseArgs, '--enable-blink-features=ForceEagerMeasureMemory'] } });

async function open(page: Page): Promise<void> {
  await page.goto('/tests/e2e/harness.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
  await page.evaluate(async () => {
    // One ORT thread: a page whose WASM threads sit in Atomics.wait cannot answer a memory
    // measurement until its one-minute timeout. What is measured here is the callers' load.
    window.clip = await window.webclip.createClip({ model: '/models/test/', device: 'wasm', dtype: 'fp32', threads: 1 });
  });
}

test('ten callers issue 1,000 mixed calls at once: all settle with the one-at-a-time answers; memory stays bounded', async ({ page }) => {
  test.setTimeout(300_000);
  await open(page);
  const out = await page.evaluate(async () => {
    const clip = window.clip!;
    const lib = await clip.library(`load-${Date.now()}`);
    const photos = await window.webclip.distinctPhotos(12, 3);
    await lib.add(photos.map((image, i) => ({ id: `p${i}`, image })));
    const urls = window.webclip.PHOTO_FILES.slice(0, 4);
    const texts = Array.from({ length: 20 }, (_, i) => `a photo of thing number ${i}`);
    const labels = ['cat', 'dog', 'city', 'beach'];
    type Call = { key: string; run: () => Promise<unknown> };
    const describe = (n: number): Call => {
      const text = texts[n % texts.length]!;
      const url = urls[n % urls.length]!;
      switch (n % 4) {
        case 0:
          return { key: `text:${text}`, run: async () => Array.from((await clip.embedTexts([text]))[0]!) };
        case 1:
          return { key: `image:${url}`, run: async () => Array.from((await clip.embedImages([url]))[0]!) };
        case 2:
          return { key: `classify:${url}`, run: () => clip.classify(url, labels) };
        default:
          return { key: `search:${text}`, run: () => lib.search(text, { k: 5 }) };
      }
    };
    // One at a time: the answer of every distinct call.
    const alone = new Map<string, unknown>();
    for (let n = 0; n < 1000; n++) {
      const call = describe(n);
      if (!alone.has(call.key)) alone.set(call.key, await call.run());
    }
    const memory = async () => ((await (performance as unknown as { measureUserAgentSpecificMemory(): Promise<{ bytes: number }> }).measureUserAgentSpecificMemory()).bytes);
    const before = await memory();
    // Ten callers, each firing its 100 calls without waiting for any.
    const t0 = performance.now();
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, (_, caller) => Array.from({ length: 100 }, (_, j) => describe(caller * 100 + j))).flat().map(async (call) => ({ key: call.key, value: await call.run() })),
    );
    const ms = performance.now() - t0;
    const after = await memory();
    const rejected = settled.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason));
    const answers = settled.filter((s) => s.status === 'fulfilled').map((s) => (s as PromiseFulfilledResult<{ key: string; value: unknown }>).value);
    return { rejected, answers, alone: Object.fromEntries(alone), before, after, ms };
  });
  expect(out.rejected).toEqual([]);
  expect(out.answers).toHaveLength(1000);
  const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
  for (const { key, value } of out.answers) {
    const expected = out.alone[key];
    if (key.startsWith('text:') || key.startsWith('image:')) {
      // fp32 in a batch of other calls' inputs differs from alone by rounding only.
      expect(dot(value as number[], expected as number[]), key).toBeGreaterThan(0.99999);
    } else if (key.startsWith('classify:')) {
      const got = value as { label: string; score: number }[];
      const want = expected as { label: string; score: number }[];
      expect(got.map((r) => r.label), key).toEqual(want.map((r) => r.label));
      got.forEach((r, i) => expect(Math.abs(r.score - want[i]!.score), key).toBeLessThan(1e-4));
    } else {
      const got = value as { id: string; score: number }[];
      const want = expected as { id: string; score: number }[];
      expect(got.map((r) => r.id), key).toEqual(want.map((r) => r.id));
      got.forEach((r, i) => expect(Math.abs(r.score - want[i]!.score), key).toBeLessThan(1e-5));
    }
  }
  console.log(`1,000 calls in ${(out.ms / 1000).toFixed(1)} s; page + workers memory ${(out.before / 2 ** 20).toFixed(1)} MB before, ${(out.after / 2 ** 20).toFixed(1)} MB after`);
  // Nothing accumulates per call: what the answers themselves hold is a few hundred kB.
  expect(out.after - out.before).toBeLessThan(32 * 2 ** 20);
});

test('an add of 2,000 photos streams: at most two batches of images are held decoded at once, and all 2,000 are indexed; one call of 600 photos does not grow memory', async ({ page }) => {
  test.setTimeout(600_000);
  await open(page);
  const out = await page.evaluate(async () => {
    const clip = window.clip!;
    const access = window.webclip.access(clip);
    // 2,000 different small photos: coloured shapes on a gradient, as JPEG.
    const photos: { id: string; image: Blob }[] = [];
    const canvas = new OffscreenCanvas(96, 72);
    const context = canvas.getContext('2d')!;
    for (let i = 0; i < 2000; i++) {
      const gradient = context.createLinearGradient(0, 0, 96, 72);
      gradient.addColorStop(0, `hsl(${(i * 37) % 360} 70% 50%)`);
      gradient.addColorStop(1, `hsl(${(i * 91) % 360} 60% 30%)`);
      context.fillStyle = gradient;
      context.fillRect(0, 0, 96, 72);
      context.fillStyle = `hsl(${(i * 13) % 360} 90% 60%)`;
      context.fillRect(i % 60, (i * 7) % 40, 20 + (i % 17), 20 + (i % 13));
      photos.push({ id: `photo-${i}`, image: await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 }) });
    }
    const lib = await clip.library(`stream-${Date.now()}`);
    await access.peakHeldImages(); // reset
    const t0 = performance.now();
    const result = await lib.add(photos);
    const added = { ms: performance.now() - t0, added: result.added.length, failed: result.failed.length, count: await lib.count(), peak: await access.peakHeldImages() };
    // One embedImages call of 600 photos: memory measured halfway through it. Each waiting
    // 224×224 tensor is 602 kB, so 300 of them held would be 180 MB more.
    const memory = async () => (await (performance as unknown as { measureUserAgentSpecificMemory(): Promise<{ bytes: number }> }).measureUserAgentSpecificMemory()).bytes;
    const before = await memory();
    let halfway: Promise<number> | undefined;
    await clip.embedImages(photos.slice(0, 600).map((p) => p.image), {
      onProgress: (e) => {
        if (!halfway && (e.loaded ?? 0) >= 300) halfway = memory();
      },
    });
    return { ...added, before, halfway: await halfway!, callPeak: await access.peakHeldImages() };
  });
  console.log(`one call of 600 photos: ${(out.before / 2 ** 20).toFixed(1)} MB before, ${(out.halfway / 2 ** 20).toFixed(1)} MB halfway`);
  expect(out.callPeak).toBeLessThanOrEqual(16);
  expect(out.halfway - out.before).toBeLessThan(64 * 2 ** 20);
  console.log(`2,000 photos added in ${(out.ms / 1000).toFixed(1)} s; at most ${out.peak} held decoded at once`);
  expect(out.failed).toBe(0);
  expect(out.added).toBe(2000);
  expect(out.count).toBe(2000);
  expect(out.peak).toBeGreaterThan(0);
  expect(out.peak).toBeLessThanOrEqual(16); // two batches of 8, not 2,000
});
