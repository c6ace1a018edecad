// The families beside CLIP through the public API in Chromium, each loaded from its folder in the
// public export's layout (tests/fixtures/tiny-{siglip,siglip2,mobileclip}): text and image
// embeddings against the PyTorch references (fp32: text cosine ≥ 0.9999, image ≥ 0.999 end to end
// from the PNG; q8 against the int8 simulation), and each family's scoring rule. Runs on WASM and
// on WebGPU (SwiftShader).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import type { ProjectMetadata } from '../../playwright.config';
import { cosine, fixtureDir } from './reference';

type Embeds = Record<string, number[]>;
interface FamilyReference {
  family: string;
  dim: number;
  texts: { text: string; text_embeds: Embeds }[];
  images: { file: string; image_embeds: Embeds }[];
  probabilities?: number[][];
}

const FAMILIES = ['siglip', 'siglip2', 'mobileclip'] as const;
const refOf = (family: string): FamilyReference =>
  JSON.parse(readFileSync(join(fixtureDir, `tiny-${family}`, 'reference.json'), 'utf8')) as FamilyReference;
const deviceOf = (info: TestInfo): ProjectMetadata['device'] => (info.project.metadata as ProjectMetadata).device;

async function open(page: Page): Promise<void> {
  await page.goto('/tests/e2e/harness.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
}

// SwiftShader runs WebGPU on the CPU, several times slower than WASM
test.beforeEach(({}, testInfo) => {
  if (deviceOf(testInfo) === 'webgpu') testInfo.setTimeout(400_000);
});

for (const family of FAMILIES) {
  const ref = refOf(family);
  test.describe(`tiny-${family}`, () => {
    test.beforeEach(async ({ page }) => open(page));

    const variants = (device: string) =>
      device === 'webgpu' ? [{ dtype: 'fp32' as const, key: 'fp32', text: 0.9999, image: 0.999 }] : [
        { dtype: 'fp32' as const, key: 'fp32', text: 0.9999, image: 0.999 },
        { dtype: 'q8' as const, key: 'int8_sim', text: 0.999, image: 0.999 },
      ];

    test('loads from its folder and embeds texts and images as PyTorch does', async ({ page }, testInfo) => {
      const device: 'webgpu' | 'wasm' = deviceOf(testInfo) === 'webgpu' ? 'webgpu' : 'wasm';
      for (const { dtype, key, text: textMin, image: imageMin } of variants(device)) {
        const result = await page.evaluate(
          async ({ family, dtype, device, texts, files }) => {
            const clip = await window.webclip.createClip({ model: `/tests/fixtures/tiny-${family}/`, device, dtype });
            const info = clip.info;
            const textVectors = (await clip.embedTexts(texts)).map((v) => Array.from(v));
            const images = await Promise.all(files.map((f) => window.webclip.fixtureImage('blob', f)));
            const imageVectors = (await clip.embedImages(images)).map((v) => Array.from(v));
            await clip.dispose();
            return { info, textVectors, imageVectors };
          },
          { family, dtype, device, texts: ref.texts.map((t) => t.text), files: ref.images.map((i) => i.file) },
        );
        expect(result.info).toMatchObject({ family, dim: ref.dim, device, dtype });
        result.textVectors.forEach((v, k) => expect(cosine(v, ref.texts[k]!.text_embeds[key]!), `${dtype} text ${k}`).toBeGreaterThanOrEqual(textMin));
        result.imageVectors.forEach((v, k) => expect(cosine(v, ref.images[k]!.image_embeds[key]!), `${dtype} image ${k}`).toBeGreaterThanOrEqual(imageMin));
      }
    });

    test(`classify follows the family's rule`, async ({ page }, testInfo) => {
      const device: 'webgpu' | 'wasm' = deviceOf(testInfo) === 'webgpu' ? 'webgpu' : 'wasm';
      const labels = ref.texts.map((t) => t.text).filter((t) => t !== '');
      const out = await page.evaluate(
        async ({ family, device, labels, file }) => {
          const clip = await window.webclip.createClip({ model: `/tests/fixtures/tiny-${family}/`, device, dtype: 'fp32' });
          const ranked = await clip.classify(await window.webclip.fixtureImage('blob', file), labels, { templates: ['{}'] });
          const fewer = await clip.classify(await window.webclip.fixtureImage('blob', file), labels.slice(0, 2), { templates: ['{}'] });
          const scoring = clip.info.scoring;
          await clip.dispose();
          return { ranked, fewer, scoring };
        },
        { family, device, labels, file: ref.images[0]!.file },
      );
      const score = (list: { label: string; score: number }[], label: string) => list.find((s) => s.label === label)!.score;
      if (ref.probabilities) {
        // SigLIP: sigmoid(exp(logit_scale)·cos + logit_bias) per label, with config.json's constants
        expect(out.scoring).toMatchObject({ kind: 'sigmoid', source: 'config.json' });
        for (const label of labels) {
          const k = ref.texts.findIndex((t) => t.text === label);
          expect(score(out.ranked, label)).toBeCloseTo(ref.probabilities[0]![k]!, 3);
        }
        // independent: fewer labels leave each score as it was
        for (const { label, score: s } of out.fewer) expect(s).toBeCloseTo(score(out.ranked, label), 6);
      } else {
        expect(out.scoring).toEqual({ kind: 'softmax', scale: 100 });
        expect(out.ranked.reduce((a, s) => a + s.score, 0)).toBeCloseTo(1, 5);
        expect(out.fewer.reduce((a, s) => a + s.score, 0)).toBeCloseTo(1, 5);
      }
    });
  });
}

const text = JSON.parse(readFileSync(join(fixtureDir, 'tiny-multilingual', 'reference.json'), 'utf8')) as FamilyReference;
const vision = JSON.parse(readFileSync(join(fixtureDir, 'tiny-clip', 'reference.json'), 'utf8')) as FamilyReference;

test.describe('a multilingual text tower paired with an image tower', () => {
  test.beforeEach(async ({ page }) => open(page));

  test('{vision, text} from two folders: texts through WordPiece, the graph, mean pooling and Dense; images through the image tower', async ({ page }, testInfo) => {
    const device: 'webgpu' | 'wasm' = deviceOf(testInfo) === 'webgpu' ? 'webgpu' : 'wasm';
    const variants = device === 'webgpu' ? [['fp32', 'fp32', 0.9999]] as const : [['fp32', 'fp32', 0.9999], ['q8', 'int8_sim', 0.999]] as const;
    for (const [dtype, key, min] of variants) {
      const out = await page.evaluate(
        async ({ device, dtype, texts, file }) => {
          const clip = await window.webclip.createClip({
            model: { vision: '/models/test/', text: '/tests/fixtures/tiny-multilingual/' }, device, dtype,
          });
          const info = clip.info;
          const textVectors = (await clip.embedTexts(texts)).map((v) => Array.from(v));
          const [image] = await clip.embedImages([await window.webclip.fixtureImage('blob', file)]);
          await clip.dispose();
          return { info, textVectors, image: Array.from(image!) };
        },
        { device, dtype, texts: text.texts.map((t) => t.text), file: vision.images[0]!.file },
      );
      expect(out.info).toMatchObject({ family: 'clip', dim: 32, dtype, device });
      expect(out.info.textModel).toMatch(/tiny-multilingual\/$/);
      out.textVectors.forEach((v, k) => expect(cosine(v, text.texts[k]!.text_embeds[key]!), `${dtype} text ${k}`).toBeGreaterThanOrEqual(min));
      const visionKey = dtype === 'fp32' ? 'fp32' : 'int8_sim';
      expect(cosine(out.image, vision.images[0]!.image_embeds[visionKey]!)).toBeGreaterThanOrEqual(0.999);
    }
  });
});

test.describe('libraries across families', () => {
  test.beforeEach(async ({ page }) => open(page));

  test('a library indexed with an image tower is searched through a paired text tower without re-embedding; each records its family', async ({ page }, testInfo) => {
    test.skip(deviceOf(testInfo) === 'webgpu', 'the library is backend-independent; WASM covers it');
    const out = await page.evaluate(async (file) => {
      const photo = await window.webclip.fixtureImage('blob', file);
      const clip = await window.webclip.createClip({ model: '/models/test/', device: 'wasm' });
      const lib = await clip.library('families-pair');
      await lib.add([{ id: 'p1', image: photo }]);
      const before = await lib.info();
      await clip.dispose();
      const paired = await window.webclip.createClip({ model: { vision: '/models/test/', text: '/tests/fixtures/tiny-multilingual/' }, device: 'wasm', dtype: 'fp32' });
      const again = await paired.library('families-pair');
      const after = await again.info();
      const hits = await again.search('ein Foto einer Katze', { k: 1 });
      const [query] = await paired.embedTexts(['ein Foto einer Katze']);
      await paired.dispose();
      const siglip = await window.webclip.createClip({ model: '/tests/fixtures/tiny-siglip/', device: 'wasm' });
      const sigLib = await siglip.library('families-siglip');
      await sigLib.add([{ id: 'p1', image: photo }]);
      const sigInfo = await sigLib.info();
      const tags = await sigLib.tag('p1', { vocabulary: ['a photo of a cat', 'a diagram'], threshold: 0, topK: 2 });
      await siglip.dispose();
      return { before, after, hits, query: Array.from(query!), sigInfo, tags };
    }, vision.images[0]!.file);
    expect(out.before).toMatchObject({ family: 'clip', count: 1 });
    // the same image space: nothing stale, nothing embedded again, searchable in another language
    expect(out.after).toMatchObject({ family: 'clip', count: 1, stale: 0 });
    expect(out.after.textModel).toMatch(/tiny-multilingual\/$/);
    expect(out.hits.map((h) => h.id)).toEqual(['p1']);
    expect(cosine(out.query, text.texts.find((t) => t.text === 'ein Foto einer Katze')!.text_embeds['fp32']!)).toBeGreaterThanOrEqual(0.9999);
    expect(out.sigInfo).toMatchObject({ family: 'siglip', count: 1 });
    // SigLIP tags: each its own sigmoid probability, not calibrated against background prompts
    expect(out.tags).toHaveLength(2);
    for (const t of out.tags) expect(t.score).toBeGreaterThanOrEqual(0);
  });
});
