// webclip/node's createClip on the committed test model: embeddings against PyTorch's, on
// onnxruntime-node's CPU kernels and on onnxruntime-web's WASM build (the browser's); bad inputs
// failing alone; a text-only Clip that never reads the image tower, an image-only one that never
// reads the tokenizer; photos prepared on worker threads as on the calling thread.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClip, cosine, isClipError, rankLabels, type NodeClip } from '../../../src/node/index';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const MODEL = join(FIXTURES, 'tiny-clip');
const INPUTS = join(FIXTURES, 'tiny-clip-inputs');
type Embeds = { fp32: number[]; int8_sim: number[]; q4_sim: number[] };
const ref = JSON.parse(readFileSync(join(MODEL, 'reference.json'), 'utf8')) as {
  texts: { text: string; text_embeds: Embeds }[];
  images: { file: string; image_embeds: Embeds }[];
};
const imagePaths = ref.images.map((i) => join(INPUTS, i.file));
const texts = ref.texts.map((t) => t.text);

async function failureOf(call: Promise<unknown>): Promise<{ code: string; failures?: { index: number; code: string }[]; embeddings?: unknown[] }> {
  try {
    await call;
  } catch (error) {
    if (isClipError(error)) return { code: error.code, failures: error.failures as never, embeddings: error.embeddings as never };
    throw error;
  }
  throw new Error('the call did not fail');
}

describe('webclip/node createClip', () => {
  const clips: NodeClip[] = [];
  let cpu: NodeClip;
  beforeAll(async () => {
    cpu = await createClip({ model: MODEL, dtype: 'fp32' });
    clips.push(cpu);
  });
  afterAll(async () => {
    await Promise.all(clips.map((c) => c.dispose()));
  });

  it("embeds images (paths, Buffers, Blobs) and texts as PyTorch does, on onnxruntime-node's CPU kernels", async () => {
    expect(cpu.info).toMatchObject({ device: 'cpu', dtype: 'fp32', dim: 32 });
    const bytes = readFileSync(imagePaths[1]!);
    const vectors = await cpu.embedImages([...imagePaths, bytes, new Blob([bytes])]);
    ref.images.forEach((image, i) => expect(cosine(vectors[i]!, Float32Array.from(image.image_embeds.fp32)), image.file).toBeGreaterThan(0.9999));
    expect([...vectors[4]!]).toEqual([...vectors[1]!]);
    expect([...vectors[5]!]).toEqual([...vectors[1]!]);
    const textVectors = await cpu.embedTexts(texts);
    ref.texts.forEach((t, i) => expect(cosine(textVectors[i]!, Float32Array.from(t.text_embeds.fp32)), t.text).toBeGreaterThan(0.9999));
    expect(textVectors.truncated).toEqual([4]);
  });

  it("classify scores as rankLabels does with the label vectors, and device 'wasm' (the browser's kernels) agrees with the CPU", async () => {
    const labels = ['a cat', 'a dog', 'a car'];
    const [scores, labelVectors, [image]] = await Promise.all([
      cpu.classify(imagePaths[1]!, labels),
      cpu.embedLabels(labels),
      cpu.embedImages([imagePaths[1]!]),
    ]);
    expect(scores).toEqual(rankLabels(image!, labels, labelVectors, cpu.info.logitScale));
    const wasm = await createClip({ model: MODEL, dtype: 'fp32', device: 'wasm', threads: 1 });
    clips.push(wasm);
    expect(wasm.info.device).toBe('wasm');
    const [a, b] = await Promise.all([cpu.embedImages(imagePaths), wasm.embedImages(imagePaths)]);
    a.forEach((v, i) => expect(cosine(v, b[i]!)).toBeGreaterThan(0.99999));
  });

  it('at q8, matches the PyTorch simulation of the int8 graphs', async () => {
    const q8 = await createClip({ model: MODEL, dtype: 'q8' });
    clips.push(q8);
    expect(q8.info.dtype).toBe('q8');
    for (const [i, image] of ref.images.entries()) {
      const [v] = await q8.embedImages([imagePaths[i]!]); // one at a time: int8 activations are quantized per batch
      expect(cosine(v!, Float32Array.from(image.image_embeds.int8_sim)), image.file).toBeGreaterThan(0.999);
    }
  });

  it('a bad image fails alone, with its reason; the others are answered', async () => {
    const failure = await failureOf(cpu.embedImages([imagePaths[0]!, join(INPUTS, 'no-such.png'), Buffer.from('not an image'), imagePaths[2]!]));
    expect(failure.code).toBe('BAD_IMAGE');
    expect(failure.failures!.map((f) => f.index)).toEqual([1, 2]);
    expect(failure.embeddings!.map((e) => e instanceof Float32Array)).toEqual([true, false, false, true]);
    expect((await failureOf(cpu.embedTexts('a cat' as never))).code).toBe('BAD_INPUT');
    expect((await failureOf(createClip({ model: join(FIXTURES, 'no-such-model') }))).code).toBe('MODEL_NOT_FOUND');
    expect((await failureOf(createClip({ model: MODEL, device: 'webgpu' as never }))).code).toBe('BAD_INPUT');
  });

  it("towers: ['vision'] starts without the tokenizer, and images prepared on worker threads or on this one embed alike", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'webclip-vision-only-'));
    try {
      cpSync(MODEL, folder, { recursive: true, filter: (src) => !/text_model|tokenizer\.json/.test(src) });
      const [vision, here] = await Promise.all([
        createClip({ model: folder, dtype: 'fp32', towers: ['vision'], imageThreads: 2 }),
        createClip({ model: MODEL, dtype: 'fp32', imageThreads: 0 }),
      ]);
      clips.push(vision, here);
      const [a, b, c] = await Promise.all([vision.embedImages(imagePaths), here.embedImages(imagePaths), cpu.embedImages(imagePaths)]);
      a.forEach((v, i) => {
        expect([...v]).toEqual([...b[i]!]);
        expect([...v]).toEqual([...c[i]!]);
      });
      expect((await failureOf(vision.embedTexts(['a cat']))).code).toBe('UNSUPPORTED');
      expect((await failureOf(createClip({ model: MODEL, imageThreads: -1 }))).code).toBe('BAD_INPUT');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("towers: ['text'] starts without the image tower's file, embeds texts, refuses images", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'webclip-text-only-'));
    try {
      cpSync(MODEL, folder, { recursive: true, filter: (src) => !src.includes('vision_model') });
      const text = await createClip({ model: folder, dtype: 'fp32', towers: ['text'] });
      clips.push(text);
      const [v] = await text.embedTexts([texts[0]!]);
      expect(cosine(v!, Float32Array.from(ref.texts[0]!.text_embeds.fp32))).toBeGreaterThan(0.9999);
      expect((await failureOf(text.embedImages([imagePaths[0]!]))).code).toBe('UNSUPPORTED');
      expect((await failureOf(createClip({ model: folder, dtype: 'fp32' }))).code).toBe('MODEL_NOT_FOUND');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
