// A paired sentence-transformers text tower (src/runtime/engine/sentence-transformer-tower.ts): which
// export file each dtype reads, and what of 1_Pooling / 2_Dense webclip refuses to run.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSentenceTransformerTower, sentenceTransformerFile } from '../../../../src/runtime/engine/sentence-transformer-tower';

const dir = fileURLToPath(new URL('../../../fixtures/tiny-multilingual/', import.meta.url));
const json = (file: string): unknown => JSON.parse(readFileSync(dir + file, 'utf8'));
const bytes = (file: string): Promise<Uint8Array> => Promise.resolve(new Uint8Array(readFileSync(dir + file)));

function load(overrides: Record<string, unknown> = {}) {
  const read = (path: string) => Promise.resolve(path in overrides ? overrides[path] : json(path));
  return loadSentenceTransformerTower(read, read, bytes, json('tokenizer.json'), json('tokenizer_config.json'));
}

describe('sentence-transformers text tower', () => {
  it('maps the layout\'s text-tower files to the export\'s: fp32 model.onnx, q8 model_qint8_avx512.onnx', () => {
    expect(sentenceTransformerFile('onnx/text_model.onnx')).toBe('onnx/model.onnx');
    expect(sentenceTransformerFile('onnx/text_model_quantized.onnx')).toBe('onnx/model_qint8_avx512.onnx');
    expect(sentenceTransformerFile('onnx/text_model_q4.onnx')).toMatch(/no such file/);
    expect(sentenceTransformerFile('onnx/vision_model.onnx')).toBeNull();
    expect(sentenceTransformerFile('tokenizer.json')).toBeNull();
  });

  it('reads the tokenizer (max_seq_length 128) and the Dense weight', async () => {
    const tower = await load();
    expect(tower.tokenizer.recipe).toBe('wordpiece');
    expect(tower.tokenizer.contextLength).toBe(128);
    expect(tower.dense.shape).toEqual([32, 64]);
  });

  it('refuses pooling other than mean, and a Dense with a bias (MODEL_INCOMPATIBLE)', async () => {
    const pooling = { ...(json('1_Pooling/config.json') as object), pooling_mode_mean_tokens: false, pooling_mode_cls_token: true };
    await expect(load({ '1_Pooling/config.json': pooling })).rejects.toMatchObject({ code: 'MODEL_INCOMPATIBLE', message: /pooling_mode_cls_token/ });
    const dense = { ...(json('2_Dense/config.json') as object), bias: true };
    await expect(load({ '2_Dense/config.json': dense })).rejects.toMatchObject({ code: 'MODEL_INCOMPATIBLE' });
    const shape = { ...(json('2_Dense/config.json') as object), out_features: 16 };
    await expect(load({ '2_Dense/config.json': shape })).rejects.toMatchObject({ code: 'BAD_CONFIG' });
  });
});
