// Node and the browser give the same vectors: every fixture image and text embedded by
// webclip/node (onnxruntime-node's CPU kernels, sharp's decoding) in this test process and by
// the page (onnxruntime-web's WASM, the browser's decoding), at the same dtype, against each other
// and PyTorch's references. Then a library the `webclip` command wrote here, imported by a page
// that started the text tower only, answers searches as the command does.
// The WASM project only (playwright.config.ts runs no other on this file); one page per file.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, mkdtempSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCommand } from '../../src/cli/main';
import { createClip } from '../../src/node/index';
import { cosine, fixtureDir, reference, type Variant } from './reference';

const MODEL = join(fixtureDir, 'tiny-clip');
const decodeCases = (JSON.parse(readFileSync(join(fixtureDir, 'decode', 'manifest.json'), 'utf8')) as { cases: { file: string }[] }).cases;
/** Every fixture photo, by its folder under tests/fixtures (the page fetches the same files). */
const IMAGES = [
  ...reference.images.map((i) => `tiny-clip-inputs/${i.file}`),
  ...decodeCases.map((c) => `decode/${c.file}`),
  ...['camera.png', 'chelsea.png', 'coffee.png'].map((f) => `images/${f}`),
];
const TEXTS = reference.texts.map((t) => t.text);
const DTYPES: { dtype: 'fp32' | 'q8'; variant: Variant; min: number }[] = [
  { dtype: 'fp32', variant: 'fp32', min: 0.9999 },
  { dtype: 'q8', variant: 'int8_sim', min: 0.999 },
];

let page: Page;
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  await page.goto('/tests/e2e/harness.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
});
test.afterAll(() => page.close());

/** The page's embeddings of the fixture photos and texts, on WASM at `dtype`. */
function browserEmbeddings(dtype: string, images: string[], texts: string[]) {
  return page.evaluate(
    async ({ dtype, images, texts }) => {
      const clip = await window.webclip.createClip({ model: '/models/test/', device: 'wasm', dtype: dtype as 'fp32' });
      try {
        const vectors = await clip.embedImages(images.map((f) => `/tests/fixtures/${f}`));
        const textVectors = await clip.embedTexts(texts);
        return { info: clip.info, images: vectors.map((v) => Array.from(v)), texts: textVectors.map((v) => Array.from(v)) };
      } finally {
        await clip.dispose();
      }
    },
    { dtype, images, texts },
  );
}

for (const { dtype, variant, min } of DTYPES) {
  test(`${dtype}: Node's embedding of every fixture photo and text equals the browser's (cosine ≥ 0.9999) and PyTorch's`, async () => {
    const browser = await browserEmbeddings(dtype, IMAGES, TEXTS);
    const clip = await createClip({ model: MODEL, dtype });
    let node;
    try {
      node = { info: clip.info, images: await clip.embedImages(IMAGES.map((f) => join(fixtureDir, f))), texts: await clip.embedTexts(TEXTS) };
    } finally {
      await clip.dispose();
    }
    expect(node.info).toMatchObject({ device: 'cpu', dtype, dim: 32 });
    expect(browser.info).toMatchObject({ device: 'wasm', dtype, dim: 32 });
    IMAGES.forEach((file, i) => expect(cosine(Array.from(node.images[i]!), browser.images[i]!), file).toBeGreaterThanOrEqual(0.9999));
    TEXTS.forEach((text, i) => expect(cosine(Array.from(node.texts[i]!), browser.texts[i]!), JSON.stringify(text)).toBeGreaterThanOrEqual(0.9999));
    reference.images.forEach((r, i) => expect(cosine(Array.from(node.images[i]!), r.image_embeds[variant]), r.file).toBeGreaterThan(min));
    reference.texts.forEach((r, i) => expect(cosine(Array.from(node.texts[i]!), r.text_embeds[variant]), JSON.stringify(r.text)).toBeGreaterThan(min));
  });
}

test('a library written by `webclip index` imports into a page started with the text tower only, which searches it as the command does', async ({ browser, baseURL }) => {
  const dir = mkdtempSync(join(tmpdir(), 'webclip-parity-'));
  try {
    for (const folder of ['tiny-clip-inputs', 'decode', 'images']) {
      cpSync(join(fixtureDir, folder), join(dir, 'photos', folder), { recursive: true, filter: (f) => !/\.(json|f32|gz)$|\.rgb\.png$/.test(f) });
    }
    const file = join(dir, 'photos.webclip');
    // The page loads the model from /models/test/: the library records that id.
    const modelId = new URL('/models/test/', baseURL).href;
    const quiet = new Writable({ write: (_c, _e, done) => done() });
    const command = async (...argv: string[]) => {
      let out = '';
      const stdout = new Writable({ write: (chunk, _e, done) => ((out += String(chunk)), done()) });
      expect(await runCommand(argv, { stdout, stderr: quiet }, new AbortController().signal)).toBe(0);
      return JSON.parse(out) as unknown;
    };
    expect(await command('index', join(dir, 'photos'), '--model', MODEL, '--model-id', modelId, '--dtype', 'fp32', '--out', file, '--json')).toMatchObject({ photos: IMAGES.length });
    const queries = TEXTS.filter((t) => t.trim() !== '').slice(0, 4);
    const expected: { id: string; score: number }[][] = [];
    for (const q of queries) expected.push((await command('search', file, q, '-k', '5', '--model', MODEL, '--dtype', 'fp32', '--json')) as { id: string; score: number }[]);

    // A fresh context: nothing cached, so the requests show which towers' files the page loads.
    const context = await browser.newContext(baseURL === undefined ? {} : { baseURL });
    const fresh = await context.newPage();
    await fresh.goto('/tests/e2e/harness.html');
    await expect(fresh.locator('body')).toHaveAttribute('data-ready', 'true');
    const requests: string[] = [];
    fresh.on('request', (r) => requests.push(r.url()));
    const found = await fresh.evaluate(
      async ({ bytes, queries }) => {
        const clip = await window.webclip.createClip({ model: '/models/test/', device: 'wasm', dtype: 'fp32', towers: ['text'] });
        try {
          const library = await clip.importLibrary(new Blob([new Uint8Array(bytes)]), { name: 'imported' });
          const hits = [];
          for (const q of queries) hits.push(await library.search(q, { k: 5 }));
          const count = await library.count();
          await clip.deleteLibrary('imported');
          return { hits, count };
        } finally {
          await clip.dispose();
        }
      },
      { bytes: Array.from(readFileSync(file)), queries },
    );
    await context.close();
    expect(found.count).toBe(IMAGES.length);
    queries.forEach((q, i) => {
      expect(found.hits[i]!.map((h) => h.id), JSON.stringify(q)).toEqual(expected[i]!.map((h) => h.id));
      found.hits[i]!.forEach((h, j) => expect(h.score).toBeCloseTo(expected[i]![j]!.score, 4));
    });
    // The text tower only: the page never fetched the image tower's weights.
    expect(requests.filter((u) => u.includes('/models/test/onnx/text_model'))).not.toEqual([]);
    expect(requests.filter((u) => u.includes('vision_model'))).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
