// The families beside CLIP through the public API in Chromium, each loaded from its folder in the
// public export's layout (tests/fixtures/tiny-{siglip,siglip2,mobileclip}): text and image
// embeddings against the PyTorch references (fp32: text cosine ≥ 0.9999, image ≥ 0.999 end to end
// from the PNG; q8 against the int8 simulation), each family's scoring rule, and libraries.
// WebGPU (SwiftShader) runs only the embedding tests, at fp32: the operators are what differ
// there; the score rules and libraries do not depend on the backend (@decode: WASM only). The
// tests of one configuration share a page and one engine per model and dtype (shared-engines.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type TestInfo } from '@playwright/test';
import type { ProjectMetadata } from '../../playwright.config';
import { cosine, fixtureDir } from './reference';
import { test, useClip } from './shared-engines';

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
const deviceOf = (info: TestInfo): 'webgpu' | 'wasm' => ((info.project.metadata as ProjectMetadata).device === 'webgpu' ? 'webgpu' : 'wasm');
const PAIR = { vision: '/models/test/', text: '/tests/fixtures/tiny-multilingual/' };

// SwiftShader runs WebGPU on the CPU, several times slower than WASM
test.beforeEach(({}, testInfo) => {
  if (deviceOf(testInfo) === 'webgpu') testInfo.setTimeout(400_000);
});

for (const family of FAMILIES) {
  const ref = refOf(family);
  const model = `/tests/fixtures/tiny-${family}/`;
  test.describe(`tiny-${family}`, () => {
    const variants = (device: string) =>
      device === 'webgpu' ? [{ dtype: 'fp32' as const, key: 'fp32', text: 0.9999, image: 0.999 }] : [
        { dtype: 'fp32' as const, key: 'fp32', text: 0.9999, image: 0.999 },
        { dtype: 'q8' as const, key: 'int8_sim', text: 0.999, image: 0.999 },
      ];

    test('loads from its folder and embeds texts and images as PyTorch does', async ({ shared }, testInfo) => {
      const device = deviceOf(testInfo);
      for (const { dtype, key, text: textMin, image: imageMin } of variants(device)) {
        const info = await useClip(shared, { model, device, dtype });
        const result = await shared.evaluate(
          async ({ texts, files }) => {
            const clip = window.clip!;
            const textVectors = (await clip.embedTexts(texts)).map((v) => Array.from(v));
            const images = await Promise.all(files.map((f) => window.webclip.fixtureImage('blob', f)));
            const imageVectors = (await clip.embedImages(images)).map((v) => Array.from(v));
            return { textVectors, imageVectors };
          },
          { texts: ref.texts.map((t) => t.text), files: ref.images.map((i) => i.file) },
        );
        expect(info).toMatchObject({ family, dim: ref.dim, device, dtype });
        result.textVectors.forEach((v, k) => expect(cosine(v, ref.texts[k]!.text_embeds[key]!), `${dtype} text ${k}`).toBeGreaterThanOrEqual(textMin));
        result.imageVectors.forEach((v, k) => expect(cosine(v, ref.images[k]!.image_embeds[key]!), `${dtype} image ${k}`).toBeGreaterThanOrEqual(imageMin));
      }
    });

    test(`classify follows the family's rule @decode`, async ({ shared }) => {
      const labels = ref.texts.map((t) => t.text).filter((t) => t !== '');
      const { scoring, duplicateThreshold } = await useClip(shared, { model, device: 'wasm', dtype: 'fp32' });
      const out = await shared.evaluate(
        async ({ labels, file }) => {
          const clip = window.clip!;
          const ranked = await clip.classify(await window.webclip.fixtureImage('blob', file), labels, { templates: ['{}'] });
          const fewer = await clip.classify(await window.webclip.fixtureImage('blob', file), labels.slice(0, 2), { templates: ['{}'] });
          return { ranked, fewer, scoring: clip.info.scoring };
        },
        { labels, file: ref.images[0]!.file },
      );
      expect(scoring).toEqual(out.scoring);
      // no family but CLIP has a measured duplicate level yet: CLIP's, and the info says so
      expect(duplicateThreshold).toBe(0.95);
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
  test('{vision, text} from two folders: texts through WordPiece, the graph, mean pooling and Dense; images through the image tower', async ({ shared }, testInfo) => {
    const device = deviceOf(testInfo);
    const variants = device === 'webgpu' ? [['fp32', 'fp32', 0.9999]] as const : [['fp32', 'fp32', 0.9999], ['q8', 'int8_sim', 0.999]] as const;
    for (const [dtype, key, min] of variants) {
      const info = await useClip(shared, { model: PAIR, device, dtype });
      const out = await shared.evaluate(
        async ({ texts, file }) => {
          const clip = window.clip!;
          const textVectors = (await clip.embedTexts(texts)).map((v) => Array.from(v));
          const [image] = await clip.embedImages([await window.webclip.fixtureImage('blob', file)]);
          return { textVectors, image: Array.from(image!) };
        },
        { texts: text.texts.map((t) => t.text), file: vision.images[0]!.file },
      );
      expect(info).toMatchObject({ family: 'clip', dim: 32, dtype, device });
      expect(info.textModel).toMatch(/tiny-multilingual\/$/);
      out.textVectors.forEach((v, k) => expect(cosine(v, text.texts[k]!.text_embeds[key]!), `${dtype} text ${k}`).toBeGreaterThanOrEqual(min));
      const visionKey = dtype === 'fp32' ? 'fp32' : 'int8_sim';
      expect(cosine(out.image, vision.images[0]!.image_embeds[visionKey]!)).toBeGreaterThanOrEqual(0.999);
    }
  });
});

test.describe('libraries across families', () => {
  test('a library indexed with an image tower is searched through a paired text tower without re-embedding; each records its family @decode', async ({ shared }) => {
    const file = vision.images[0]!.file;
    // the engines the tests above started (or now, when this test runs alone)
    await useClip(shared, { model: '/models/test/', device: 'wasm', dtype: 'fp32' });
    const before = await shared.evaluate(async (file) => {
      const lib = await window.clip!.library('families-pair');
      await lib.add([{ id: 'p1', image: await window.webclip.fixtureImage('blob', file) }]);
      return lib.info();
    }, file);
    await useClip(shared, { model: PAIR, device: 'wasm', dtype: 'fp32' });
    const paired = await shared.evaluate(async () => {
      const again = await window.clip!.library('families-pair');
      const after = await again.info();
      const hits = await again.search('ein Foto einer Katze', { k: 1 });
      const [query] = await window.clip!.embedTexts(['ein Foto einer Katze']);
      return { after, hits, query: Array.from(query!) };
    });
    await useClip(shared, { model: '/tests/fixtures/tiny-siglip/', device: 'wasm', dtype: 'fp32' });
    const sig = await shared.evaluate(async (file) => {
      const sigLib = await window.clip!.library('families-siglip');
      await sigLib.add([{ id: 'p1', image: await window.webclip.fixtureImage('blob', file) }]);
      const sigInfo = await sigLib.info();
      const tags = await sigLib.tag('p1', { vocabulary: ['a photo of a cat', 'a diagram'], threshold: 0, topK: 2 });
      return { sigInfo, tags };
    }, file);
    const out = { before, ...paired, ...sig };
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
