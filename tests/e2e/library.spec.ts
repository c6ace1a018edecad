// The photo library through the public API in Chromium, with the committed test model: add,
// search, similar, tag, duplicates, remove, export/import, persistence across reloads,
// kill-and-resume, and bad input. Answers are checked against the same quantities computed from
// the engine's own embeddings (embedImages / embedTexts), which engine.spec.ts holds to PyTorch.
import { expect, type Page } from '@playwright/test';
import { modelServerPort } from '../../playwright.config';
import { test, useClip } from './shared-engines';

/** The same model under another id (another URL): a different model as far as a library knows. */
const OTHER_MODEL = `http://127.0.0.1:${modelServerPort}/m/other/`;

async function open(page: Page, { model = '/models/test/', dtype = 'q8' } = {}): Promise<void> {
  await page.goto('/tests/e2e/harness.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await page.evaluate(
    async ({ model, dtype }) => {
      window.clip = await window.webclip.createClip({ model, device: 'wasm', dtype: dtype as 'q8' | 'fp32' });
      window.kept = {};
    },
    { model, dtype },
  );
}

/**
 * For a test that neither reloads nor changes its engine: the worker's shared page and engine
 * (shared-engines.ts), with every library earlier tests left there deleted, through each engine
 * started in the page (so none keeps one open in memory).
 */
async function useShared(page: Page, dtype: 'q8' | 'fp32' = 'q8'): Promise<void> {
  await useClip(page, { device: 'wasm', dtype });
  await page.evaluate(async () => {
    const engines = [...new Set(await Promise.all(Object.values(window.clips ?? {}).map((started) => started.catch(() => undefined))))];
    const names = (await window.clip!.libraries()).map((l) => l.name);
    for (const clip of engines) for (const name of names) await clip?.deleteLibrary(name);
    window.kept = {};
  });
}

interface Failed {
  code: string;
  message: string;
}

/** Runs `body` in the page; a rejection comes back as {code, message} instead of failing the test. */
async function attempt<A>(page: Page, body: string, arg?: A): Promise<Failed | { ok: unknown }> {
  return page.evaluate(
    async ({ body, arg }) => {
      try {
        return { ok: await (new Function('arg', `return (async () => { ${body} })()`) as (a: unknown) => Promise<unknown>)(arg) };
      } catch (error) {
        const e = error as { code?: string; message?: string };
        return { code: e.code ?? 'none', message: e.message ?? String(error) };
      }
    },
    { body, arg },
  );
}

/** Adds the six fixture photos as `p0`…`p5` to library `name`; returns add's result. */
function addFixtures(page: Page, name = 'holiday', storage?: 'float32' | 'int8') {
  return page.evaluate(
    async ({ name, storage }) => {
      const w = window.webclip;
      const lib = await window.clip!.library(name, storage ? { storage } : {});
      const photos = await Promise.all(w.PHOTO_FILES.map(async (f, i) => ({ id: `p${i}`, image: await w.photo(f) })));
      const events: number[] = [];
      const result = await lib.add(photos, { onProgress: (e) => events.push(e.loaded ?? -1) });
      return { result, events };
    },
    { name, storage },
  );
}

/** Cosine of every fixture photo with each text, and with each other photo, from the engine itself. */
function engineScores(page: Page, texts: string[]) {
  return page.evaluate(async (texts) => {
    const w = window.webclip;
    const images = await Promise.all(w.PHOTO_FILES.map((f) => w.photo(f)));
    const photos = await window.clip!.embedImages(images);
    // One text per call, as search encodes its query: with int8 dynamic quantization an
    // embedding depends (at the 1e-3 level) on what else shares its batch.
    const words = (await Promise.all(texts.map((t) => window.clip!.embedTexts([t])))).flat();
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
    return {
      text: words.map((t) => photos.map((p) => dot(p, t))),
      photo: photos.map((a) => photos.map((b) => dot(a, b))),
    };
  }, texts);
}

/** Connected components of the pairs at or above the threshold (ids sorted, groups by first id); singletons left out. */
function naiveGroups(pairs: Record<string, number>, threshold: number): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    while (parent.get(x)! !== x) x = parent.get(x)!;
    return x;
  };
  for (const key of Object.keys(pairs)) for (const id of key.split('|')) parent.set(id, id);
  for (const [key, score] of Object.entries(pairs)) {
    const [a, b] = key.split('|') as [string, string];
    if (score >= threshold) parent.set(find(a), find(b));
  }
  const groups = new Map<string, string[]>();
  for (const id of parent.keys()) groups.set(find(id), [...(groups.get(find(id)) ?? []), id]);
  return [...groups.values()]
    .filter((g) => g.length > 1)
    .map((g) => g.sort())
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/** Ids ranked by score, best first (ties by id), from a row of scores over p0…p5. */
const ranking = (scores: number[]): string[] =>
  scores
    .map((score, i) => ({ id: `p${i}`, score }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .map((h) => h.id);

test.describe('photo library', () => {
  test('add indexes every photo with progress; search and similar rank as the embeddings say', async ({ shared: page }) => {
    await useShared(page);
    const { result, events } = await addFixtures(page);
    expect(result.added.sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
    expect(result.unchanged).toEqual([]);
    expect(result.failed).toEqual([]);
    expect(events.at(-1)).toBe(6);
    for (let i = 1; i < events.length; i++) expect(events[i]!).toBeGreaterThan(events[i - 1]!);

    const texts = ['a dog on the beach', 'a cup of coffee'];
    const expected = await engineScores(page, texts);
    const answers = await page.evaluate(async (texts) => {
      const lib = await window.clip!.library('holiday');
      return {
        count: await lib.count(),
        search: await Promise.all(texts.map((t) => lib.search(t, { k: 6 }))),
        top2: await lib.search(texts[0]!, { k: 2 }),
        similar: await lib.similar('p1', { k: 10 }),
        similarImage: await lib.similar(await window.webclip.photo(window.webclip.PHOTO_FILES[1]), { k: 3 }),
        info: await lib.info(),
      };
    }, texts);
    expect(answers.count).toBe(6);
    expect(answers.info).toMatchObject({ name: 'holiday', dim: 32, storage: 'float32', count: 6, stale: 0, kernel: 'wasm-simd' });
    answers.search.forEach((hits, t) => {
      expect(hits.map((h) => h.id)).toEqual(ranking(expected.text[t]!));
      for (const h of hits) expect(h.score).toBeCloseTo(expected.text[t]![Number(h.id.slice(1))]!, 5);
    });
    expect(answers.top2.map((h) => h.id)).toEqual(ranking(expected.text[0]!).slice(0, 2));
    // similar(id) leaves the photo itself out.
    expect(answers.similar.map((h) => h.id)).toEqual(ranking(expected.photo[1]!).filter((id) => id !== 'p1'));
    // similar(image): the same photo as an image finds itself first, at cosine 1 (to the 1e-4
    // that int8 dynamic quantization allows between a photo alone and in a batch).
    expect(answers.similarImage[0]).toMatchObject({ id: 'p1' });
    expect(answers.similarImage[0]!.score).toBeGreaterThan(0.9995);
  });

  test('the library persists across reloads; adding the same photos again embeds nothing', async ({ page }) => {
    await open(page);
    await addFixtures(page);
    const before = await page.evaluate(async () => (await window.clip!.library('holiday')).search('a red car', { k: 6 }));
    await page.reload();
    await open(page);
    const after = await page.evaluate(async () => {
      const lib = await window.clip!.library('holiday');
      const listed = await window.clip!.libraries();
      return { count: await lib.count(), ids: (await lib.ids()).sort(), hits: await lib.search('a red car', { k: 6 }), listed };
    });
    expect(after.count).toBe(6);
    expect(after.ids).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
    expect(after.hits).toEqual(before);
    expect(after.listed.map((l) => l.name)).toEqual(['holiday']);
    const again = await addFixtures(page);
    expect(again.result.added).toEqual([]);
    expect(again.result.unchanged.sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
  });

  test('a photo whose bytes are already indexed under another id costs no inference', async ({ shared: page }) => {
    await useShared(page);
    await addFixtures(page);
    const out = await page.evaluate(async () => {
      const w = window.webclip;
      const lib = await window.clip!.library('holiday');
      const started = performance.now();
      const result = await lib.add([{ id: 'copy-of-p0', image: await w.photo(w.PHOTO_FILES[0]) }]);
      const ms = performance.now() - started;
      const hits = await lib.similar('p0', { k: 1 });
      return { result, hits, ms };
    });
    expect(out.result.added).toEqual(['copy-of-p0']);
    expect(out.hits[0]!.id).toBe('copy-of-p0');
    // The very vector of p0 (copied, not recomputed): cosine 1 to float precision. Embedded again,
    // alone rather than in p0's batch of six, int8 dynamic quantization would move it by ~1e-4.
    expect(out.hits[0]!.score).toBeCloseTo(1, 6);
  });

  test('tag scores are calibrated against the background prompts; tagAll agrees with tag', async ({ shared: page }) => {
    // fp32: a text's embedding does not depend on its batch there (int8 dynamic quantization
    // moves it by ~1e-3, which logitScale 100 turns into a few hundredths of a tag score).
    await useShared(page, 'fp32');
    await addFixtures(page);
    const vocabulary = ['cat', 'coffee', 'camera', 'beach', 'document'];
    const out = await page.evaluate(async (vocabulary) => {
      const { TAG_TEMPLATES, BACKGROUND_PROMPTS } = window.webclip;
      const clip = window.clip!;
      const lib = await clip.library('holiday');
      const [p0] = await clip.embedImages([await window.webclip.photo(window.webclip.PHOTO_FILES[0])]);
      const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
      const mean = (vs: Float32Array[]) => {
        const m = new Float32Array(vs[0]!.length);
        for (const v of vs) v.forEach((x, i) => (m[i]! += x));
        const n = Math.hypot(...m);
        return m.map((x) => x / n);
      };
      const background = mean(await clip.embedTexts(BACKGROUND_PROMPTS));
      const expected: Record<string, number> = {};
      for (const tag of vocabulary) {
        const t = mean(await clip.embedTexts(TAG_TEMPLATES.map((tpl) => tpl.replace('{}', tag))));
        expected[tag] = 1 / (1 + Math.exp(-clip.info.logitScale * (dot(p0!, t) - dot(p0!, background))));
      }
      return {
        expected,
        all: await lib.tag('p0', { vocabulary, topK: 5, threshold: 0 }),
        top2: await lib.tag('p0', { vocabulary, topK: 2, threshold: 0 }),
        strict: await lib.tag('p0', { vocabulary, topK: 5, threshold: 0.999999 }),
        byImage: await lib.tag(await window.webclip.photo(window.webclip.PHOTO_FILES[0]), { vocabulary, topK: 5, threshold: 0 }),
        every: await lib.tagAll({ vocabulary, topK: 3, threshold: 0 }),
        one: await lib.tag('p3', { vocabulary, topK: 3, threshold: 0 }),
        defaults: await lib.tag('p0'),
      };
    }, vocabulary);
    expect(out.all.map((t) => t.tag).sort()).toEqual([...vocabulary].sort());
    for (const { tag, score } of out.all) expect(score).toBeCloseTo(out.expected[tag]!, 4);
    for (let i = 1; i < out.all.length; i++) expect(out.all[i]!.score).toBeLessThanOrEqual(out.all[i - 1]!.score);
    expect(out.top2).toEqual(out.all.slice(0, 2));
    for (const t of out.strict) expect(t.score).toBeGreaterThanOrEqual(0.999999);
    expect(out.strict).toEqual(out.all.filter((t) => t.score >= 0.999999));
    expect(out.byImage).toEqual(out.all);
    expect(out.every).toHaveLength(6);
    expect(out.every.find((e) => e.id === 'p3')!.tags).toEqual(out.one);
    // The default vocabulary: at most 5 tags, each at or above 0.5.
    expect(out.defaults.length).toBeLessThanOrEqual(5);
    for (const t of out.defaults) expect(t.score).toBeGreaterThanOrEqual(0.5);
  });

  test('a tag vocabulary is encoded once per model, also across visits; deleting the model drops it', async ({ page }) => {
    await open(page);
    await addFixtures(page);
    const vocabulary = ['cat', 'coffee', 'camera', 'beach', 'document'];
    const encoded = () => page.evaluate(() => window.webclip.access(window.clip!).encodedTexts());
    const tag = () => page.evaluate(async (v) => (await window.clip!.library('holiday')).tag('p0', { vocabulary: v, threshold: 0 }), vocabulary);
    const before = await encoded();
    const first = await tag();
    const prompts = vocabulary.length * 8 + 7; // TAG_TEMPLATES per tag, BACKGROUND_PROMPTS once
    expect((await encoded()) - before).toBe(prompts);
    expect(await tag()).toEqual(first);
    expect((await encoded()) - before).toBe(prompts);

    await page.reload();
    await open(page);
    expect(await tag()).toEqual(first);
    expect(await encoded()).toBe(0);

    // Deleting the model from the cache takes its stored labels along.
    await page.evaluate(async () => {
      const id = window.clip!.info.model;
      await window.clip!.dispose();
      await window.webclip.modelCache.delete(id);
    });
    await open(page);
    expect(await tag()).toEqual(first);
    expect(await encoded()).toBe(prompts);
  });

  test('duplicates groups resized, re-encoded and cropped copies, and nothing else', async ({ shared: page }) => {
    await useShared(page);
    const out = await page.evaluate(async () => {
      const w = window.webclip;
      const lib = await window.clip!.library('dups');
      const originals = await Promise.all(w.PHOTO_FILES.map((f) => w.photo(f)));
      const photos = originals.map((image, i) => ({ id: `p${i}`, image }));
      photos.push({ id: 'p0-small', image: await w.reencode(originals[0]!, { scale: 0.5, quality: 0.8 }) });
      photos.push({ id: 'p0-crop', image: await w.reencode(originals[0]!, { crop: 0.03, quality: 0.9 }) });
      photos.push({ id: 'p1-webp', image: await w.reencode(originals[1]!, { scale: 0.7, type: 'image/webp', quality: 0.8 }) });
      const added = await lib.add(photos);
      const vectors = await window.clip!.embedImages(photos.map((p) => p.image));
      const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
      const pairs: Record<string, number> = {};
      photos.forEach((a, i) => photos.forEach((b, j) => j > i && (pairs[`${a.id}|${b.id}`] = dot(vectors[i]!, vectors[j]!))));
      return { added, groups: await lib.duplicates(), level: window.clip!.info.duplicateThreshold, pairs, strictest: await lib.duplicates({ threshold: 1 }) };
    });
    expect(out.added.failed).toEqual([]);
    // The test model has random weights: check that its copies really are its nearest (so the
    // expectation is the library's grouping, not a lucky threshold).
    const copies = ['p0|p0-small', 'p0|p0-crop', 'p0-small|p0-crop', 'p1|p1-webp'];
    const others = Object.entries(out.pairs).filter(([k]) => !copies.includes(k) && !copies.includes(k.split('|').reverse().join('|')));
    const copyMin = Math.min(...copies.map((k) => out.pairs[k] ?? out.pairs[k.split('|').reverse().join('|')]!));
    const otherMax = Math.max(...others.map(([, v]) => v));
    expect(copyMin, 'copies are closer than any two different photos').toBeGreaterThan(otherMax);
    // Random weights put photos near one direction (different photos up to cosine ~0.997 here), so
    // CLIP's default 0.95 links unrelated photos too: there the groups must be what linking every
    // pair at ≥ 0.95 gives (a naive reference); the copies are told apart at a threshold between
    // the copies' and the others' cosines.
    // The default is the model's level (CLIP's 0.95).
    expect(out.level).toBe(0.95);
    expect(out.groups).toEqual(naiveGroups(out.pairs, out.level));
    const threshold = (copyMin + otherMax) / 2;
    const atThreshold = await page.evaluate(async (t) => (await window.clip!.library('dups')).duplicates({ threshold: t }), threshold);
    expect(atThreshold).toEqual([['p0', 'p0-crop', 'p0-small'], ['p1', 'p1-webp']]);
    expect(out.strictest).toEqual([]);
  });

  test('remove takes photos out of every answer and out of storage', async ({ page }) => {
    await open(page);
    await addFixtures(page);
    const out = await page.evaluate(async () => {
      const lib = await window.clip!.library('holiday');
      const removed = await lib.remove(['p1', 'p2', 'nope']);
      const again = await lib.remove(['p1']);
      return { removed, again, count: await lib.count(), hits: await lib.search('anything', { k: 10 }) };
    });
    expect(out).toMatchObject({ removed: 2, again: 0, count: 4 });
    expect(out.hits.map((h) => h.id).sort()).toEqual(['p0', 'p3', 'p4', 'p5']);
    await page.reload();
    await open(page);
    const missing = await attempt(page, `return (await window.clip.library('holiday')).similar('p1')`);
    expect(missing).toMatchObject({ code: 'NOT_FOUND' });
    expect(await page.evaluate(async () => (await window.clip!.library('holiday')).count())).toBe(4);
  });

  test('int8 storage: the ranking and scores of float32 (re-ranked with the residual), 4× smaller vectors in memory', async ({ shared: page }) => {
    await useShared(page);
    await addFixtures(page, 'f32', 'float32');
    await addFixtures(page, 'i8', 'int8');
    const out = await page.evaluate(async () => {
      const f = await window.clip!.library('f32');
      const q = await window.clip!.library('i8');
      const texts = ['a dog', 'a city at night', 'a cup of coffee'];
      return {
        info: await q.info(),
        float: await Promise.all(texts.map((t) => f.search(t, { k: 6 }))),
        int8: await Promise.all(texts.map((t) => q.search(t, { k: 6 }))),
        similar: [await f.similar('p2', { k: 5 }), await q.similar('p2', { k: 5 })],
      };
    });
    expect(out.info.storage).toBe('int8');
    // int8 codes alone move a score by up to ~1e-2 in this 32-d model; with the residual
    // re-ranking the scores agree with float32's to ~1e-3 (src/core/vectors/int8-refine.ts).
    out.float.forEach((hits, t) => {
      const quantized = out.int8[t]!;
      expect(quantized.map((h) => h.id).sort()).toEqual(hits.map((h) => h.id).sort());
      hits.forEach((h) => expect(Math.abs(quantized.find((x) => x.id === h.id)!.score - h.score)).toBeLessThan(1e-3));
    });
    expect(out.similar[1]!.map((h) => h.id)).toEqual(out.similar[0]!.map((h) => h.id));
  });

  test('export and import round-trip; bad files are rejected and nothing is touched', async ({ page }) => {
    await open(page);
    await addFixtures(page, 'trip', 'int8');
    const out = await page.evaluate(async () => {
      const clip = window.clip!;
      const lib = await clip.library('trip');
      const file = await lib.export();
      const before = await lib.search('mountains', { k: 6 });
      const copy = await clip.importLibrary(file, { name: 'trip-copy' });
      const bytes = new Uint8Array(await file.arrayBuffer());
      const damaged = bytes.slice();
      damaged[damaged.length - 40] = damaged[damaged.length - 40]! ^ 0xff;
      const tryImport = async (blob: Blob, name: string) => {
        try {
          await clip.importLibrary(blob, { name });
          return 'imported';
        } catch (error) {
          return (error as { code?: string }).code ?? String(error);
        }
      };
      window.kept!.file = file;
      return {
        size: file.size,
        before,
        after: await copy.search('mountains', { k: 6 }),
        copyInfo: await copy.info(),
        truncated: await tryImport(file.slice(0, file.size - 100), 'bad-1'),
        damaged: await tryImport(new Blob([damaged]), 'bad-2'),
        notExport: await tryImport(new Blob(['hello, world: not a library at all']), 'bad-3'),
        png: await tryImport(await window.webclip.photo(window.webclip.PHOTO_FILES[0]), 'bad-4'),
        sameName: await tryImport(file, 'trip'),
        libraries: (await clip.libraries()).map((l) => l.name).sort(),
        tripCount: await lib.count(),
      };
    });
    expect(out.after).toEqual(out.before);
    expect(out.copyInfo).toMatchObject({ name: 'trip-copy', count: 6, storage: 'int8' });
    expect(out.truncated).toBe('BAD_LIBRARY_FILE');
    expect(out.damaged).toBe('BAD_LIBRARY_FILE');
    expect(out.notExport).toBe('BAD_LIBRARY_FILE');
    expect(out.png).toBe('BAD_LIBRARY_FILE');
    expect(out.sameName).toBe('BAD_INPUT');
    expect(out.libraries).toEqual(['trip', 'trip-copy']);
    expect(out.tripCount).toBe(6);

    // A file from another model: rejected with MODEL_MISMATCH, nothing created.
    await page.evaluate(async (model) => {
      await window.clip!.dispose();
      window.clip = await window.webclip.createClip({ model, device: 'wasm' });
    }, OTHER_MODEL);
    const other = await page.evaluate(async () => {
      try {
        await window.clip!.importLibrary(window.kept!.file as Blob, { name: 'elsewhere' });
        return 'imported';
      } catch (error) {
        return (error as { code?: string }).code;
      }
    });
    expect(other).toBe('MODEL_MISMATCH');
    expect((await page.evaluate(async () => window.clip!.libraries())).map((l) => l.name).sort()).toEqual(['trip', 'trip-copy']);
  });

  test('another model: MODEL_MISMATCH, or with allowStale nothing searched until reindexed', async ({ page }) => {
    await open(page);
    await addFixtures(page);
    await page.evaluate(async (model) => {
      await window.clip!.dispose();
      window.clip = await window.webclip.createClip({ model, device: 'wasm' });
    }, OTHER_MODEL);
    expect(await attempt(page, `return (await window.clip.library('holiday')).count()`)).toMatchObject({ code: 'MODEL_MISMATCH' });
    const out = await page.evaluate(async () => {
      const w = window.webclip;
      const lib = await window.clip!.library('holiday', { allowStale: true });
      const stale = (await lib.staleIds()).sort();
      const searched = await lib.search('a cat', { k: 10 });
      const photos = await Promise.all(w.PHOTO_FILES.slice(0, 4).map(async (f, i) => ({ id: `p${i}`, image: await w.photo(f) })));
      const reindexed = await lib.reindex([...photos, { id: 'unknown', image: photos[0]!.image }]);
      return { stale, searched, reindexed, left: (await lib.staleIds()).sort(), count: await lib.count(), info: await lib.info() };
    });
    expect(out.stale).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
    expect(out.searched).toEqual([]);
    expect(out.reindexed.added.sort()).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect(out.reindexed.unchanged).toEqual(['unknown']);
    expect(out.left).toEqual(['p4', 'p5']);
    expect(out.count).toBe(4);
    expect(out.info).toMatchObject({ model: OTHER_MODEL, stale: 2 });
  });

  test('a bad photo is reported and the others are indexed', async ({ shared: page }) => {
    await useShared(page);
    const out = await page.evaluate(async () => {
      const w = window.webclip;
      const lib = await window.clip!.library('mixed');
      return lib.add([
        { id: 'good', image: await w.photo(w.PHOTO_FILES[1]) },
        { id: 'text', image: new Blob(['this is not an image'], { type: 'image/jpeg' }) },
        { id: 'empty', image: new Blob([]) },
        { id: '', image: await w.photo(w.PHOTO_FILES[2]) },
        { id: 'good', image: await w.photo(w.PHOTO_FILES[2]) },
        { id: 'also-good', image: await w.photo(w.PHOTO_FILES[3]) },
      ]);
    });
    expect(out.added.sort()).toEqual(['also-good', 'good']);
    const codes = Object.fromEntries(out.failed.map((f) => [f.id, f.code]));
    expect(codes).toEqual({ text: 'BAD_IMAGE', empty: 'BAD_IMAGE', '#3': 'BAD_INPUT', good: 'BAD_INPUT' });
    expect(await page.evaluate(async () => (await window.clip!.library('mixed')).count())).toBe(2);
  });

  test('closing the page mid-add keeps whole photos only; adding again finishes the job, each photo once', async ({ page, context }) => {
    await open(page);
    const total = 160;
    await page.evaluate(async (total) => {
      const blobs = await window.webclip.distinctPhotos(total, 7);
      window.kept!.photos = blobs.map((image, i) => ({ id: `photo-${String(i).padStart(3, '0')}`, image }));
      const lib = await window.clip!.library('big');
      document.title = '0';
      // Not awaited: the page is closed while this runs.
      void lib.add(window.kept!.photos as { id: string; image: Blob }[], { onProgress: (e) => (document.title = String(e.loaded)) });
    }, total);
    // Closed as soon as the first group is stored: the worker dies with the page, mid-add.
    await page.waitForFunction(() => Number(document.title) >= 16, undefined, { polling: 'raf', timeout: 60_000 });
    await page.close();

    const second = await context.newPage();
    await open(second);
    const out = await second.evaluate(async (total) => {
      const lib = await window.clip!.library('big');
      const kept = await lib.count();
      const ids = await lib.ids();
      // Every stored vector is whole: each kept photo finds itself first, at cosine 1 (to the
      // 1e-4 that int8 dynamic quantization allows between a photo alone and in a batch).
      const blobs = await window.webclip.distinctPhotos(total, 7);
      const photos = blobs.map((image, i) => ({ id: `photo-${String(i).padStart(3, '0')}`, image }));
      const selfScores = await Promise.all(
        ids.slice(0, 8).map(async (id) => (await lib.similar(photos.find((p) => p.id === id)!.image, { k: 1 }))[0]!),
      );
      const result = await lib.add(photos);
      return { kept, ids, selfScores, result, count: await lib.count(), all: (await lib.ids()).sort() };
    }, total);
    expect(out.kept).toBeGreaterThanOrEqual(16);
    expect(out.kept).toBeLessThan(total);
    out.selfScores.forEach((hit, i) => {
      expect(hit.id).toBe(out.ids[i]);
      expect(hit.score).toBeGreaterThan(0.9995);
    });
    expect(out.result.unchanged.sort()).toEqual([...out.ids].sort());
    expect(out.result.added.length + out.result.unchanged.length).toBe(total);
    expect(out.count).toBe(total);
    expect(out.all).toEqual(Array.from({ length: total }, (_, i) => `photo-${String(i).padStart(3, '0')}`));
  });

  test('two tabs adding the same photos to one library at once: every photo once, nothing lost', async ({ page, context }) => {
    await open(page);
    const second = await context.newPage();
    await open(second);
    const add = (p: Page) =>
      p.evaluate(async () => {
        const w = window.webclip;
        const blobs = [...(await Promise.all(w.PHOTO_FILES.map((f) => w.photo(f)))), ...(await w.distinctPhotos(26, 3))];
        const lib = await window.clip!.library('shared');
        return lib.add(blobs.map((image, i) => ({ id: `s${i}`, image })));
      });
    const [a, b] = await Promise.all([add(page), add(second)]);
    for (const r of [a, b]) {
      expect(r.failed).toEqual([]);
      expect(r.added.length + r.unchanged.length).toBe(32);
    }
    const third = await context.newPage();
    await open(third);
    const out = await third.evaluate(async () => {
      const lib = await window.clip!.library('shared');
      const ids = await lib.ids();
      const blob = await window.webclip.photo(window.webclip.PHOTO_FILES[2]);
      return { count: await lib.count(), ids: ids.sort(), self: (await lib.similar(blob, { k: 1 }))[0] };
    });
    expect(out.count).toBe(32);
    expect(out.ids).toEqual(Array.from({ length: 32 }, (_, i) => `s${i}`).sort());
    expect(out.self!.id).toBe('s2');
    expect(out.self!.score).toBeGreaterThan(0.9995);
  });

  test('the database deleted by another tab: the library reopens from what is stored and works on', async ({ page, context }) => {
    await open(page);
    await addFixtures(page, 'gone');
    const other = await context.newPage();
    await other.goto('/tests/e2e/harness.html');
    await other.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const request = indexedDB.deleteDatabase('webclip-libraries');
          request.onsuccess = () => resolve();
          request.onerror = () => reject(request.error);
        }),
    );
    const out = await page.evaluate(async () => {
      const w = window.webclip;
      const lib = await window.clip!.library('gone');
      // The in-memory index went with the database: the library reopens from what is stored.
      const count = await lib.count();
      const added = await lib.add([{ id: 'again', image: await w.photo(w.PHOTO_FILES[1]) }]);
      return { count, added, after: await lib.count(), listed: (await window.clip!.libraries()).map((l) => l.name) };
    });
    expect(out.count).toBe(0);
    expect(out.added.added).toEqual(['again']);
    expect(out.after).toBe(1);
    expect(out.listed).toEqual(['gone']);
  });

  test('bad arguments give typed errors', async ({ shared: page }) => {
    await useShared(page);
    await addFixtures(page);
    const lib = `const lib = await window.clip.library('holiday');`;
    expect(await attempt(page, `${lib} return lib.search('', {k: 3})`)).toMatchObject({ code: 'BAD_INPUT' });
    expect(await attempt(page, `${lib} return lib.search('x', {k: 0})`)).toMatchObject({ code: 'BAD_INPUT' });
    expect(await attempt(page, `${lib} return lib.similar('no-such-photo')`)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await attempt(page, `${lib} return lib.tag('p0', {threshold: 2})`)).toMatchObject({ code: 'BAD_INPUT' });
    expect(await attempt(page, `${lib} return lib.tag('p0', {vocabulary: []})`)).toMatchObject({ code: 'BAD_INPUT' });
    expect(await attempt(page, `${lib} return lib.duplicates({threshold: 0})`)).toMatchObject({ code: 'BAD_INPUT' });
    expect(await attempt(page, `return window.clip.library('')`)).toMatchObject({ code: 'BAD_INPUT' });
    expect(await attempt(page, `return window.clip.library('x', {storage: 'float16'})`)).toMatchObject({ code: 'BAD_INPUT' });
    expect(await attempt(page, `return window.clip.importLibrary('not a blob')`)).toMatchObject({ code: 'BAD_INPUT' });
    // The worker still answers.
    expect(await page.evaluate(async () => (await window.clip!.library('holiday')).count())).toBe(6);
  });
});
