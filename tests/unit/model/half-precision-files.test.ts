// The tiny model's fp16 and q4f16 files (scripts/fixtures/half_precision.py), which only WebGPU
// with shader-f16 runs in the browser, checked on onnxruntime-node's CPU kernels: float32 in and
// out, float16 inside, and the same embeddings as PyTorch (fp32, or its 4-bit simulation).
import { readFileSync } from 'node:fs';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { cosine } from '../../../src/core/vectors/similarity';

const MODEL = 'tests/fixtures/tiny-clip';
const INPUTS = 'tests/fixtures/tiny-clip-inputs';
type Kind = 'fp32' | 'q4_sim';
interface Reference {
  eos_token_id: number;
  texts: { input_ids: number[]; text_embeds: Record<Kind, number[]> }[];
  images: { pixel_values_file?: string; image_embeds: Record<Kind, number[]> }[];
}
const reference = JSON.parse(readFileSync(`${MODEL}/reference.json`, 'utf8')) as Reference;

async function embedAll(file: string) {
  const vision = await InferenceSession.create(`${MODEL}/onnx/vision_model${file}.onnx`);
  const text = await InferenceSession.create(`${MODEL}/onnx/text_model${file}.onnx`);
  const images = [];
  for (const img of reference.images.filter((i) => i.pixel_values_file)) {
    const bytes = readFileSync(`${INPUTS}/${img.pixel_values_file}`);
    const pixels = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const out = (await vision.run({ pixel_values: new Tensor('float32', pixels, [1, 3, 224, 224]) })).image_embeds!;
    images.push({ out, ref: img.image_embeds });
  }
  const texts = [];
  for (const t of reference.texts) {
    const ids = t.input_ids.slice(0, t.input_ids.indexOf(reference.eos_token_id) + 1);
    const out = (await text.run({ input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]) })).text_embeds!;
    texts.push({ out, ref: t.text_embeds });
  }
  return { vision, text, images, texts };
}

// q4f16 rounds the activations of 4-bit products to float16 as well: a little further off.
describe.each([
  ['_fp16', 'fp32', 0.9999],
  ['_q4f16', 'q4_sim', 0.999],
] as const)('tiny-clip %s', (file, kind, least) => {
  it(`keeps float32 inputs and outputs and agrees with PyTorch ${kind} (cosine ≥ ${least})`, async () => {
    const { vision, text, images, texts } = await embedAll(file);
    expect(vision.inputMetadata[0]).toMatchObject({ name: 'pixel_values', type: 'float32' });
    expect(text.outputMetadata[0]).toMatchObject({ name: 'text_embeds', type: 'float32' });
    expect(images.length).toBe(2);
    expect(texts.length).toBe(6);
    for (const { out, ref } of [...images, ...texts]) {
      expect(out.type).toBe('float32');
      expect(cosine(out.data as Float32Array, ref[kind])).toBeGreaterThanOrEqual(least);
    }
  });

  it('computes in float16 inside: its file is about half the fp32 one (or less, with 4-bit weights)', () => {
    const size = (f: string) => readFileSync(`${MODEL}/onnx/${f}.onnx`).byteLength;
    expect(size(`vision_model${file}`)).toBeLessThan(0.55 * size('vision_model'));
    expect(size(`text_model${file}`)).toBeLessThan(0.55 * size('text_model'));
  });
});
