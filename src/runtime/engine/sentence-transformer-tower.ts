// A text tower in sentence-transformers' layout (clip-ViT-B-32-multilingual-v1), paired with
// another model's image tower: its graph (onnx/model*.onnx) gives last_hidden_state, and the
// modules after it -- mean Pooling (1_Pooling/), a Dense projection (2_Dense/) -- are read here
// and run in core/model/mean-pool.ts, as sentence-transformers runs them.
import type { Dtype } from '../../shared/clip';
import { ClipError } from '../../shared/errors';
import { readSafetensor, type Tensor32 } from '../../core/model/safetensors';
import { FamilyTokenizer } from '../../core/text/family-tokenizer';
import { huggingFaceTokenizer } from './huggingface-tokenizer';

export interface SentenceTransformerTower {
  readonly tokenizer: FamilyTokenizer;
  /** 2_Dense's linear.weight [out, in]. */
  readonly dense: Tensor32;
}

// The exports' file for each dtype webclip asks for (the _O1.._O4 files are graph-optimized for
// ORT's CPU provider, with fused operators; the avx512 int8 file is the plain dynamic layout).
const FILES: Partial<Record<Dtype, string>> = { fp32: 'onnx/model.onnx', q8: 'onnx/model_qint8_avx512.onnx' };
const TEXT_MODEL = /^onnx\/text_model(_quantized|_fp16|_q4|_q4f16)?\.onnx$/;
const SUFFIX_DTYPE: Record<string, Dtype> = { '': 'fp32', _quantized: 'q8', _fp16: 'fp16', _q4: 'q4', _q4f16: 'q4f16' };

/**
 * Where a text-tower path of the Hugging Face layout ('onnx/text_model_quantized.onnx') lives in
 * the sentence-transformers folder; null for another path. A dtype the export lacks maps to a
 * path that does not exist, which reads as MODEL_NOT_FOUND (the next dtype is then tried).
 */
export function sentenceTransformerFile(path: string): string | null {
  const m = TEXT_MODEL.exec(path);
  if (!m) return null;
  const dtype = SUFFIX_DTYPE[m[1] ?? ''] as Dtype;
  return FILES[dtype] ?? `onnx/model_${dtype}.onnx (no such file in sentence-transformers exports)`;
}

type JsonReader = (path: string) => Promise<unknown>;
type OptionalJsonReader = (path: string) => Promise<unknown>;

/** Reads the tokenizer and the modules after the graph; BAD_CONFIG / MODEL_INCOMPATIBLE naming what does not fit. */
export async function loadSentenceTransformerTower(
  readJson: JsonReader,
  readOptionalJson: OptionalJsonReader,
  readBytes: (path: string) => Promise<Uint8Array>,
  tokenizerJson: unknown,
  tokenizerConfig: unknown,
): Promise<SentenceTransformerTower> {
  const [bertConfig, pooling, denseConfig, denseBytes] = await Promise.all([
    readOptionalJson('sentence_bert_config.json'),
    readJson('1_Pooling/config.json'),
    readJson('2_Dense/config.json'),
    readBytes('2_Dense/model.safetensors'),
  ]);
  const p = (pooling ?? {}) as Record<string, unknown>;
  const modes = ['pooling_mode_cls_token', 'pooling_mode_max_tokens', 'pooling_mode_mean_sqrt_len_tokens'].filter((k) => p[k] === true);
  if (p['pooling_mode_mean_tokens'] !== true || modes.length > 0) {
    throw new ClipError('MODEL_INCOMPATIBLE', `1_Pooling/config.json asks for ${modes.join(', ') || 'no'} pooling; webclip runs mean pooling only`);
  }
  const d = (denseConfig ?? {}) as Record<string, unknown>;
  if (d['bias'] === true || (d['activation_function'] !== undefined && !String(d['activation_function']).endsWith('Identity'))) {
    throw new ClipError('MODEL_INCOMPATIBLE', '2_Dense/config.json has a bias or an activation; webclip runs a bias-free linear projection');
  }
  const dense = readSafetensor(denseBytes, 'linear.weight');
  if (dense.shape[0] !== d['out_features'] || dense.shape[1] !== d['in_features']) {
    throw new ClipError('BAD_CONFIG', `2_Dense/model.safetensors' linear.weight is [${dense.shape.join(', ')}], not [out_features, in_features]`);
  }
  const max = (bertConfig as { max_seq_length?: unknown } | null)?.max_seq_length;
  const tokenizer = FamilyTokenizer.fromJSON(tokenizerJson, tokenizerConfig, huggingFaceTokenizer, {
    maxLength: typeof max === 'number' && Number.isInteger(max) && max >= 2 ? max : undefined,
  });
  if (tokenizer.recipe !== 'wordpiece') {
    throw new ClipError('MODEL_INCOMPATIBLE', 'the paired text tower\'s tokenizer is not WordPiece; webclip pairs BERT-style sentence-transformers towers');
  }
  return { tokenizer, dense };
}
