// The committed test models of the families beside CLIP (tests/fixtures/tiny-{siglip,siglip2,
// mobileclip,multilingual}, written by scripts/fixtures/export_families.py) run end to end in Node
// with onnxruntime-web's WASM backend: PNG → webclip's preprocessing (from each model's
// preprocessor_config.json) → vision graph, and text → the family's tokenizer → text graph (→ mean
// pooling + Dense for the multilingual tower), against the PyTorch reference outputs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { parsePreprocessorConfig } from '../../../src/core/image/preprocess-config';
import { preprocessImage, preprocessedSize } from '../../../src/core/image/preprocess';
import { meanPoolProject } from '../../../src/core/model/mean-pool';
import { readSafetensor } from '../../../src/core/model/safetensors';
import { FamilyTokenizer } from '../../../src/core/text/family-tokenizer';
import { ClipTokenizer } from '../../../src/core/text/tokenizer';
import { huggingFaceTokenizer } from '../../../src/runtime/engine/huggingface-tokenizer';
import { decodePng } from '../image/preprocess-fixtures';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

const dir = (name: string): string => fileURLToPath(new URL(`../../fixtures/${name}/`, import.meta.url));
const json = (name: string, file: string): unknown => JSON.parse(readFileSync(dir(name) + file, 'utf8'));
const INPUTS = fileURLToPath(new URL('../../fixtures/tiny-clip-inputs/', import.meta.url));

type Embeds = Record<'fp32' | 'int8_sim' | 'q4_sim', number[] | undefined>;
interface Reference {
  dim: number;
  pad_token_id: number;
  texts: { text: string; input_ids: number[]; text_embeds: Embeds }[];
  images?: { file: string; image_embeds: Embeds }[];
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number, y = b[i] as number;
    ab += x * y; aa += x * x; bb += y * y;
  }
  return ab / Math.sqrt(aa * bb);
}

const session = (name: string, file: string) => ort.InferenceSession.create(readFileSync(`${dir(name)}onnx/${file}`));
const ids64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0]!.length]);

const VARIANTS = [
  { suffix: '', sim: 'fp32', text: 0.9999, image: 0.999 },
  { suffix: '_quantized', sim: 'int8_sim', text: 0.999, image: 0.999 },
  { suffix: '_q4', sim: 'q4_sim', text: 0.999, image: 0.999 },
] as const;

const FAMILIES = [
  { name: 'tiny-siglip', pooled: 'pooler_output', inputs: ['input_ids'], outputs: ['last_hidden_state', 'pooler_output'] },
  { name: 'tiny-siglip2', pooled: 'pooler_output', inputs: ['input_ids'], outputs: ['last_hidden_state', 'pooler_output'] },
  { name: 'tiny-mobileclip', pooled: null, inputs: ['input_ids'], outputs: ['text_embeds'] },
] as const;

describe.each(FAMILIES)('$name', ({ name, pooled, inputs, outputs }) => {
  const ref = json(name, 'reference.json') as Reference;
  const config = parsePreprocessorConfig(json(name, 'preprocessor_config.json'));
  const isSiglip = pooled !== null;
  const tokenizer = isSiglip
    ? FamilyTokenizer.fromJSON(json(name, 'tokenizer.json'), json(name, 'tokenizer_config.json'), huggingFaceTokenizer)
    : ClipTokenizer.fromJSON(json(name, 'tokenizer.json'), json(name, 'tokenizer_config.json'));
  const textIds = (texts: string[]): number[][] => {
    const ids = tokenizer instanceof FamilyTokenizer ? tokenizer.encodeBatchWithInfo(texts).ids : tokenizer.encodeBatch(texts);
    const width = ids.length / texts.length;
    return texts.map((_, r) => Array.from(ids.subarray(r * width, (r + 1) * width), Number));
  };

  it('has the public export\'s graph inputs and outputs', async () => {
    const text = await session(name, 'text_model.onnx');
    const vision = await session(name, 'vision_model.onnx');
    expect(text.inputNames).toEqual(inputs);
    expect(text.outputNames).toEqual(outputs);
    expect(vision.inputNames).toEqual(['pixel_values']);
    expect(vision.outputNames).toEqual(isSiglip ? outputs : ['image_embeds']);
  });

  it('tokenizes to the reference input_ids: fixed length, the checkpoint\'s pad id', () => {
    const rows = textIds(ref.texts.map((t) => t.text));
    expect(rows).toEqual(ref.texts.map((t) => t.input_ids));
    expect(rows[0]!.at(-1)).toBe(ref.pad_token_id);
    expect(rows[0]!.length).toBe(isSiglip ? 64 : 77);
  });

  describe.each(VARIANTS)('$suffix', ({ suffix, sim, text: textMin, image: imageMin }) => {
    it(`text embeddings match PyTorch (cosine ≥ ${textMin})`, async () => {
      const s = await session(name, `text_model${suffix}.onnx`);
      const rows = textIds(ref.texts.map((t) => t.text));
      for (const [k, t] of ref.texts.entries()) {
        const out = (await s.run({ input_ids: ids64([rows[k]!]) }))[pooled ?? 'text_embeds']!;
        expect(out.dims).toEqual([1, ref.dim]);
        expect(cosine(out.data as Float32Array, t.text_embeds[sim]!)).toBeGreaterThanOrEqual(textMin);
      }
    });

    it(`image embeddings match PyTorch end to end from the PNG (cosine ≥ ${imageMin})`, async () => {
      const s = await session(name, `vision_model${suffix}.onnx`);
      for (const image of ref.images ?? []) {
        const rgba = decodePng(readFileSync(INPUTS + image.file));
        const { width, height } = preprocessedSize(config, rgba.width, rgba.height);
        const pixels = new ort.Tensor('float32', preprocessImage(rgba, config), [1, 3, height, width]);
        const out = (await s.run({ pixel_values: pixels }))[pooled ?? 'image_embeds']!;
        expect(cosine(out.data as Float32Array, image.image_embeds[sim]!)).toBeGreaterThanOrEqual(imageMin);
      }
    });
  });

  if (isSiglip) {
    it('pads with the checkpoint\'s pad id: another id moves the embedding far', async () => {
      const s = await session(name, 'text_model.onnx');
      const [row] = textIds([ref.texts[0]!.text]);
      const wrongPad = ref.pad_token_id === 0 ? 1 : 0;
      const wrong = row!.map((id, i) => (i >= row!.indexOf(id) && id === ref.pad_token_id && i > 5 ? wrongPad : id));
      const out = (await s.run({ input_ids: ids64([wrong]) }))['pooler_output']!;
      expect(cosine(out.data as Float32Array, ref.texts[0]!.text_embeds.fp32!)).toBeLessThan(0.9);
    });
  }
});

describe('tiny-multilingual', () => {
  const name = 'tiny-multilingual';
  const ref = json(name, 'reference.json') as Reference;
  const tokenizer = FamilyTokenizer.fromJSON(json(name, 'tokenizer.json'), json(name, 'tokenizer_config.json'), huggingFaceTokenizer,
    { maxLength: (json(name, 'sentence_bert_config.json') as { max_seq_length: number }).max_seq_length });
  const dense = readSafetensor(readFileSync(dir(name) + '2_Dense/model.safetensors'), 'linear.weight');

  async function embed(file: string, texts: string[]): Promise<Float32Array[]> {
    const s = await session(name, file);
    expect(s.inputNames).toEqual(['input_ids', 'attention_mask']);
    expect(s.outputNames).toEqual(['last_hidden_state']);
    const enc = tokenizer.encodeBatchWithInfo(texts);
    const dims = [texts.length, enc.width];
    const out = await s.run({ input_ids: new ort.Tensor('int64', enc.ids, dims), attention_mask: new ort.Tensor('int64', enc.attentionMask!, dims) });
    const hidden = out['last_hidden_state']!;
    return meanPoolProject(hidden.data as Float32Array, enc.attentionMask!, texts.length, enc.width, dense);
  }

  it.each([['model.onnx', 'fp32', 0.9999], ['model_qint8_avx512.onnx', 'int8_sim', 0.999]] as const)(
    '%s + mean pooling + Dense, one text at a time, match PyTorch (%s, cosine ≥ %s)',
    async (file, sim, min) => {
      for (const t of ref.texts) {
        const [e] = await embed(file, [t.text]);
        expect(e!.length).toBe(ref.dim);
        expect(cosine(e!, t.text_embeds[sim]!)).toBeGreaterThanOrEqual(min);
      }
    },
  );

  it('gives the same embeddings in one batch padded to its longest text (the mask keeps padding out)', async () => {
    const texts = ref.texts.map((t) => t.text);
    const batch = await embed('model.onnx', texts);
    batch.forEach((e, k) => expect(cosine(e, ref.texts[k]!.text_embeds.fp32!)).toBeGreaterThanOrEqual(0.9999));
  });
});
