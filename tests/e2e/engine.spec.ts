// The engine through the public API, in three browser configurations (playwright.config.ts):
// WebGPU on SwiftShader, WASM forced, and `auto` without an adapter. Results are checked
// against the PyTorch references of the committed test model.
//
// Starting an engine is most of a test's time (on SwiftShader: WebGPU's start, the shaders and
// the WASM probe, about a minute), so the tests of one configuration share one page and one
// engine per {device, dtype}; a test that breaks its engine (a lost device, a hook) starts its
// own. A failed test restarts Playwright's worker, and with it the shared page.
import { expect, type Page, type TestInfo } from '@playwright/test';
import type { ProjectMetadata } from '../../playwright.config';
import { isJpeg, jpegHasIccProfile } from '../../src/core/image/jpeg-header';
import { cosine, reference, type Variant } from './reference';
import { dropClip, openHarness as open, test, useClip } from './shared-engines';

const deviceOf = (info: TestInfo): ProjectMetadata['device'] => (info.project.metadata as ProjectMetadata).device;

/** The dtypes each configuration checks, with the reference each is held to. */
function dtypesFor(device: ProjectMetadata['device']): { dtype: string; variant: Variant; min: number }[] {
  const fp32 = { dtype: 'fp32', variant: 'fp32' as const, min: 0.9999 };
  const q4 = { dtype: 'q4', variant: 'q4_sim' as const, min: 0.999 };
  const q8 = { dtype: 'q8', variant: 'int8_sim' as const, min: 0.999 };
  if (device === 'webgpu') return [fp32, q4]; // int8 is refused on WebGPU
  if (device === 'wasm') return [fp32, q8, q4];
  return [fp32, q8];
}

/** Creates `window.clip` afresh, for a test that breaks it; returns its info. */
async function createClip(page: Page, options: Record<string, unknown>) {
  return page.evaluate(async (o) => {
    window.clip = await window.webclip.createClip({ model: '/models/test/', ...o });
    return window.clip.info;
  }, options);
}

const images = reference.images;
const files = images.map((i) => i.file);

test.describe('engine', () => {
  test('info reports the backend and dtype actually used', async ({ shared }, testInfo) => {
    const device = deviceOf(testInfo);
    const info = await useClip(shared, { device });
    expect(info.dim).toBe(32);
    expect(info.model).toMatch(/\/models\/test\/$/);
    // config.json has only logit_scale_init_value (where training started): CLIP's trained 100.
    expect(info.logitScale).toBe(100);
    if (device === 'webgpu') {
      expect(info).toMatchObject({ device: 'webgpu', dtype: 'q4' });
      expect(info.adapter).not.toBeNull();
    } else if (device === 'wasm') {
      expect(info).toMatchObject({ device: 'wasm', dtype: 'q8', adapter: null });
      expect(info.threads).toBeGreaterThanOrEqual(1);
    } else {
      // No adapter in this browser: auto runs on WASM and says why.
      expect(info).toMatchObject({ device: 'wasm', dtype: 'q8' });
      expect(info.fallbackReason).toMatch(/adapter|WebGPU/i);
    }
  });

  test('forcing WebGPU without an adapter gives BACKEND_UNAVAILABLE; auto never picks SwiftShader', async ({ shared: page }, testInfo) => {
    const device = deviceOf(testInfo);
    if (device === 'auto') {
      const code = await page.evaluate(() =>
        window.webclip.createClip({ model: '/models/test/', device: 'webgpu' }).then(
          () => 'resolved',
          (e: unknown) => (window.webclip.isClipError(e) ? e.code : String(e)),
        ),
      );
      expect(code).toBe('BACKEND_UNAVAILABLE');
    } else if (device === 'webgpu') {
      const info = await useClip(page, { device: 'auto' });
      expect(info.device).toBe('wasm');
      expect(info.fallbackReason).toMatch(/software|swiftshader|fallback/i);
      const code = await page.evaluate(() =>
        window.webclip.createClip({ model: '/models/test/', device: 'webgpu', dtype: 'q8' }).then(
          () => 'resolved',
          (e: unknown) => (window.webclip.isClipError(e) ? e.code : String(e)),
        ),
      );
      expect(code).toBe('UNSUPPORTED');
    } else {
      const info = await useClip(page, { device: 'wasm', dtype: 'auto' });
      expect(info.device).toBe('wasm');
    }
  });

  test('embeddings of images as Blob, ImageBitmap, ImageData and URL, and of texts, match the references', async ({ shared: page }, testInfo) => {
    test.setTimeout(240_000);
    const device = deviceOf(testInfo);
    for (const { dtype, variant, min } of dtypesFor(device)) {
      const info = await useClip(page, { device, dtype });
      expect(info.dtype).toBe(dtype);
      for (const kind of ['blob', 'bitmap', 'imagedata', 'url'] as const) {
        const vectors = await page.evaluate(
          async ({ kind, files }) => {
            const inputs = await Promise.all(files.map((f) => window.webclip.fixtureImage(kind, f)));
            return (await window.clip!.embedImages(inputs)).map((v) => Array.from(v));
          },
          { kind, files },
        );
        vectors.forEach((v, i) => {
          expect(cosine(v, images[i]!.image_embeds[variant]), `${dtype} ${kind} ${files[i]}`).toBeGreaterThanOrEqual(min);
          expect(Math.hypot(...v)).toBeCloseTo(1, 5);
        });
      }
      const texts = reference.texts.map((t) => t.text);
      const textVectors = await page.evaluate(
        async (t) => (await window.clip!.embedTexts(t)).map((v) => Array.from(v)),
        texts,
      );
      textVectors.forEach((v, i) => {
        expect(cosine(v, reference.texts[i]!.text_embeds[variant]), `${dtype} text ${texts[i]}`).toBeGreaterThanOrEqual(min);
      });
    }
  });

  test('classify ranks labels as the references do and encodes each label once', async ({ shared: page }, testInfo) => {
    const device = deviceOf(testInfo);
    await useClip(page, { device, dtype: 'fp32' });
    // Template "{}" makes each prompt the label itself, so the references apply directly.
    const labels = reference.texts.slice(0, 4).map((t) => t.text);
    const scale = 100;
    for (const [i, image] of images.entries()) {
      const logits = reference.texts.slice(0, 4).map((t) => scale * cosine(image.image_embeds.fp32, t.text_embeds.fp32));
      const max = Math.max(...logits);
      const exp = logits.map((l) => Math.exp(l - max));
      const sum = exp.reduce((a, b) => a + b, 0);
      const expected = labels.map((label, k) => ({ label, score: exp[k]! / sum })).sort((a, b) => b.score - a.score);
      const ranked = await page.evaluate(
        async ({ file, labels }) =>
          window.clip!.classify(await window.webclip.fixtureImage('blob', file), labels, { templates: ['{}'] }),
        { file: files[i]!, labels },
      );
      expect(ranked.map((r) => r.label)).toEqual(expected.map((e) => e.label));
      ranked.forEach((r, k) => expect(r.score).toBeCloseTo(expected[k]!.score, 3));
      expect(ranked.reduce((s, r) => s + r.score, 0)).toBeCloseTo(1, 6);
    }
    const cached = await page.evaluate(() => window.webclip.access(window.clip!).cachedLabels());
    expect(cached).toBe(labels.length);
  });

  test('a corrupt file in a batch of ten fails alone, carrying the nine other embeddings', async ({ shared: page }, testInfo) => {
    const device = deviceOf(testInfo);
    await useClip(page, { device, dtype: 'fp32' });
    const result = await page.evaluate(async (files) => {
      const good = await Promise.all(
        Array.from({ length: 9 }, (_, i) => window.webclip.fixtureImage('blob', files[i % files.length]!)),
      );
      const batch: (Blob | string | ImageBitmap | ImageData)[] = [...good];
      batch.splice(4, 0, new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])], { type: 'image/png' }));
      const alone = (await window.clip!.embedImages(good)).map((v) => Array.from(v));
      try {
        await window.clip!.embedImages(batch);
        return { rejected: false as const };
      } catch (e) {
        if (!window.webclip.isClipError(e)) return { rejected: true as const, other: String(e) };
        return {
          rejected: true as const,
          code: e.code,
          message: e.message,
          failures: e.failures,
          embeddings: e.embeddings?.map((v) => (v ? Array.from(v) : null)),
          alone,
        };
      }
    }, files);
    expect(result.rejected).toBe(true);
    if (!('code' in result)) throw new Error(`not a ClipError: ${JSON.stringify(result)}`);
    expect(result.code).toBe('BAD_IMAGE');
    expect(result.message).toMatch(/#4/);
    expect(result.failures).toEqual([{ index: 4, code: 'BAD_IMAGE', message: expect.any(String) }]);
    expect(result.embeddings).toHaveLength(10);
    expect(result.embeddings![4]).toBeNull();
    const others = result.embeddings!.filter((v) => v !== null);
    others.forEach((v, i) => expect(cosine(v!, result.alone![i]!)).toBeGreaterThanOrEqual(0.99999));
  });

  test('aborting a batch of 50 images rejects with ABORTED within about one batch, and the next call works', async ({ shared: page }, testInfo) => {
    const device = deviceOf(testInfo);
    await useClip(page, { device, dtype: 'fp32' });
    const outcome = await page.evaluate(async (files) => {
      const inputs = await Promise.all(Array.from({ length: 50 }, (_, i) => window.webclip.fixtureImage('blob', files[i % files.length]!)));
      // One batch's time (8 images), measured first.
      const t0 = performance.now();
      await window.clip!.embedImages(inputs.slice(0, 8));
      const batchMs = performance.now() - t0;
      const controller = new AbortController();
      let abortedAt = 0;
      let progressAfterAbort = 0;
      let finished = 0;
      const call = window.clip!.embedImages(inputs, {
        signal: controller.signal,
        onProgress: (e) => {
          finished = e.loaded ?? 0;
          if (abortedAt) progressAfterAbort++;
          else if ((e.loaded ?? 0) >= 8) {
            abortedAt = performance.now();
            controller.abort();
          }
        },
      });
      const code = await call.then(
        () => 'resolved',
        (e: unknown) => (window.webclip.isClipError(e) ? e.code : String(e)),
      );
      const abortMs = performance.now() - abortedAt;
      const next = await window.clip!.embedTexts(['still working']);
      return { code, batchMs, abortMs, progressAfterAbort, finished, nextOk: next.length === 1 && next[0]!.length === 32 };
    }, files);
    expect(outcome.code).toBe('ABORTED');
    expect(outcome.finished).toBeLessThan(50);
    expect(outcome.progressAfterAbort).toBeLessThanOrEqual(1);
    expect(outcome.abortMs).toBeLessThanOrEqual(2 * outcome.batchMs + 500);
    expect(outcome.nextOk).toBe(true);
  });

  test('20 concurrent embedTexts and embedImages calls all settle with the right answers', async ({ shared: page }, testInfo) => {
    const device = deviceOf(testInfo);
    await useClip(page, { device, dtype: 'fp32' });
    const texts = reference.texts.map((t) => t.text);
    const results = await page.evaluate(
      async ({ texts, files }) => {
        const calls: Promise<{ kind: string; index: number; vector: number[] }>[] = [];
        for (let c = 0; c < 10; c++) {
          const t = c % texts.length;
          calls.push(window.clip!.embedTexts([texts[t]!]).then(([v]) => ({ kind: 'text', index: t, vector: Array.from(v!) })));
          const f = c % files.length;
          calls.push(
            window.webclip
              .fixtureImage('blob', files[f]!)
              .then((img) => window.clip!.embedImages([img]))
              .then(([v]) => ({ kind: 'image', index: f, vector: Array.from(v!) })),
          );
        }
        return Promise.all(calls);
      },
      { texts, files },
    );
    expect(results).toHaveLength(20);
    for (const r of results) {
      const ref = r.kind === 'text' ? reference.texts[r.index]!.text_embeds.fp32 : images[r.index]!.image_embeds.fp32;
      expect(cosine(r.vector, ref), `${r.kind} ${r.index}`).toBeGreaterThanOrEqual(0.9999);
    }
  });

  test('embedLabels gives the label vectors classify scores with, from the label cache', async ({ shared: page }, testInfo) => {
    const device = deviceOf(testInfo);
    await useClip(page, { device, dtype: 'fp32' });
    const labels = reference.texts.slice(0, 4).map((t) => t.text);
    const out = await page.evaluate(
      async ({ labels, file }) => {
        const clip = window.clip!;
        const access = window.webclip.access(clip);
        const asArrays = (vectors: Float32Array[]) => vectors.map((v) => Array.from(v));
        // Template "{}": each label's vector is the label's own text embedding. The labels are
        // encoded once (here, or by the classify test before); then only a new label runs.
        await clip.embedLabels(labels, { templates: ['{}'] });
        const encodedBefore = await access.encodedTexts();
        const first = await clip.embedLabels([`a label never asked for ${Math.random()}`, ...labels], { templates: ['{}'] });
        const encodedFirst = (await access.encodedTexts()) - encodedBefore;
        const again = await clip.embedLabels(labels, { templates: ['{}'] });
        const encodedAgain = (await access.encodedTexts()) - encodedBefore - encodedFirst;
        const image = await window.webclip.fixtureImage('blob', file);
        const [vector] = await clip.embedImages([image]);
        const ranked = window.webclip.rankLabels(vector!, labels, again, clip.info.logitScale);
        const classified = await clip.classify(await window.webclip.fixtureImage('blob', file), labels, { templates: ['{}'] });
        // The default template is classify's (and <clip-tagger>'s): "a photo of a {}."
        const defaults = await clip.embedLabels(['dog', 'cat']);
        const prompts = await clip.embedTexts(['a photo of a dog.', 'a photo of a cat.']);
        return {
          first: asArrays(first.slice(1)),
          again: asArrays(again),
          encodedFirst,
          encodedAgain,
          ranked,
          classified,
          defaults: asArrays(defaults),
          prompts: asArrays(prompts),
        };
      },
      { labels, file: files[0]! },
    );
    expect(out.encodedFirst).toBe(1);
    expect(out.encodedAgain).toBe(0);
    out.first.forEach((v, i) => {
      expect(cosine(v, reference.texts[i]!.text_embeds.fp32), labels[i]).toBeGreaterThanOrEqual(0.9999);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    });
    // Copies: the vectors a call takes away leave the cache whole for the next call.
    expect(out.again).toEqual(out.first);
    expect(out.ranked.map((r) => r.label)).toEqual(out.classified.map((r) => r.label));
    out.ranked.forEach((r, k) => expect(r.score).toBeCloseTo(out.classified[k]!.score, 5));
    out.defaults.forEach((v, i) => expect(cosine(v, out.prompts[i]!)).toBeGreaterThanOrEqual(0.99999));
  });
});

/** The JPEG without its APP2 ICC_PROFILE segments (everything else byte for byte). */
function withoutIccProfile(jpeg: Uint8Array): Uint8Array {
  const kept: number[] = [0xff, 0xd8];
  let p = 2;
  while (p + 4 <= jpeg.length && jpeg[p] === 0xff && jpeg[p + 1] !== 0xda) {
    const end = p + 2 + ((jpeg[p + 2]! << 8) | jpeg[p + 3]!);
    const isIcc = jpeg[p + 1] === 0xe2 && String.fromCharCode(...jpeg.subarray(p + 4, p + 15)) === 'ICC_PROFILE';
    if (!isIcc) kept.push(...jpeg.subarray(p, end));
    p = end;
  }
  return new Uint8Array([...kept, ...jpeg.subarray(p)]);
}

// Decoding does not depend on the backend: this runs in the wasm project only (@decode).
test('a JPEG without an ICC profile takes the fast decode path and embeds exactly like its careful decode @decode', async ({ shared: page }) => {
  await useClip(page, { device: 'wasm', dtype: 'fp32' });
  const encoded = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(640, 480);
    const context = canvas.getContext('2d')!;
    const gradient = context.createLinearGradient(0, 0, 640, 480);
    gradient.addColorStop(0, '#2a6');
    gradient.addColorStop(1, '#e52');
    context.fillStyle = gradient;
    context.fillRect(0, 0, 640, 480);
    for (let i = 0; i < 200; i++) {
      context.fillStyle = `hsl(${(i * 47) % 360} 70% 50%)`;
      context.fillRect((i * 7919) % 620, (i * 104729) % 460, 20, 20);
    }
    const jpeg = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    return Array.from(new Uint8Array(await jpeg.arrayBuffer()));
  });
  // Chromium's encoder tags its JPEGs with an sRGB profile; cameras often write none.
  const original = new Uint8Array(encoded);
  expect(jpegHasIccProfile(original)).toBe(true);
  const bare = withoutIccProfile(original);
  expect(isJpeg(bare)).toBe(true);
  expect(jpegHasIccProfile(bare)).toBe(false);
  const result = await page.evaluate(async (bytes) => {
    const jpeg = new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' });
    const read = async (options: ImageBitmapOptions) => {
      const bitmap = await createImageBitmap(jpeg, options);
      const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      return context.getImageData(0, 0, bitmap.width, bitmap.height);
    };
    const careful = await read({ premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
    const fast = await read({});
    let differing = 0;
    for (let i = 0; i < careful.data.length; i++) if (careful.data[i] !== fast.data[i]) differing++;
    const [fromFile, fromCareful] = await window.clip!.embedImages([jpeg, careful]);
    return { differing, fromFile: Array.from(fromFile!), fromCareful: Array.from(fromCareful!) };
  }, Array.from(bare));
  // The premise of the fast path: without a profile the browser's defaults change no pixel.
  expect(result.differing).toBe(0);
  expect(result.fromFile).toEqual(result.fromCareful);
});

// Needs a WebGPU adapter: runs in the webgpu project only (@webgpu).
test.describe('WebGPU faults @webgpu', () => {
  test('q4 on WebGPU agrees with q4 on WASM', async ({ shared: page }) => {
    const vectors: number[][][] = [];
    for (const device of ['webgpu', 'wasm'] as const) {
      expect(await useClip(page, { device, dtype: 'q4' })).toMatchObject({ device, dtype: 'q4' });
      vectors.push(
        await page.evaluate(async (files) => {
          const inputs = await Promise.all(files.map((f) => window.webclip.fixtureImage('blob', f)));
          const clip = window.clip!;
          return [...(await clip.embedImages(inputs)), ...(await clip.embedTexts(['a photo of a cat', 'naïve café']))].map((v) => Array.from(v));
        }, files),
      );
    }
    vectors[0]!.forEach((v, i) => expect(cosine(v, vectors[1]![i]!)).toBeGreaterThanOrEqual(0.999));
  });

  test('a device lost mid-batch still answers every image, then runs on WASM', async ({ shared: page }) => {
    // The shared q4 engine (another WebGPU start costs as much again): this test leaves it on
    // WASM, so it is dropped from the shared engines at the end.
    expect(await useClip(page, { device: 'webgpu', dtype: 'q4' })).toMatchObject({ device: 'webgpu', dtype: 'q4' });
    const result = await page.evaluate(async (files) => {
      const inputs = await Promise.all(Array.from({ length: 24 }, (_, i) => window.webclip.fixtureImage('blob', files[i % files.length]!)));
      const call = window.clip!.embedImages(inputs, {
        onProgress: (e) => {
          if (e.loaded === 8) void window.webclip.access(window.clip!).loseDevice();
        },
      });
      const vectors = (await call).map((v) => Array.from(v));
      const after = (await window.clip!.embedTexts(['a photo of a cat'])).map((v) => Array.from(v));
      return { vectors, after, info: window.clip!.info };
    }, files);
    expect(result.vectors).toHaveLength(24);
    result.vectors.forEach((v, i) => expect(cosine(v, images[i % images.length]!.image_embeds.q4_sim)).toBeGreaterThanOrEqual(0.999));
    expect(cosine(result.after[0]!, reference.texts[0]!.text_embeds.q4_sim)).toBeGreaterThanOrEqual(0.999);
    expect(result.info.device).toBe('wasm');
    expect(result.info.fallbackReason).toMatch(/lost/i);
    await dropClip(page);
  });

  test('a wrong WebGPU result is caught by the probe and the engine runs on WASM', async ({ shared: page }) => {
    // The probe must catch it although this page remembers an earlier start's good verdict.
    const info = await createClip(page, { device: 'webgpu', dtype: 'q4', testHooks: { corruptWebGpuOutput: true } });
    expect(info.device).toBe('wasm');
    expect(info.fallbackReason).toMatch(/probe|mismatch|differ/i);
    const v = await page.evaluate(async () => Array.from((await window.clip!.embedTexts(['a photo of a cat']))[0]!));
    expect(cosine(v, reference.texts[0]!.text_embeds.q4_sim)).toBeGreaterThanOrEqual(0.999);
    await page.evaluate(() => window.clip!.dispose());
  });
});
