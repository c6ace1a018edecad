// transformers.js on a family's export, as its docs run each: SigLIP with SiglipVisionModel /
// SiglipTextModel (pooler_output, texts padded to max_length), MobileCLIP and CLIP with the CLIP
// *WithProjection classes (MobileCLIP's texts padded to max_length, CLIP's to the longest), the
// multilingual text tower with the feature-extraction pipeline (mean pooling) and its 2_Dense
// projection through transformers.js's matmul (the pipeline has no Dense step). Own bundled
// onnxruntime-web, served locally.
import * as Comlink from 'comlink';
import {
  AutoProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  env,
  matmul,
  pipeline,
  RawImage,
  SiglipTextModel,
  SiglipVisionModel,
  Tensor,
  type FeatureExtractionPipeline,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type Processor,
} from '@huggingface/transformers';
import { readSafetensor } from '../../src/core/model/safetensors';

let processor: Processor | undefined;
let tokenizer: PreTrainedTokenizer | undefined;
let vision: PreTrainedModel | undefined;
let text: PreTrainedModel | undefined;
let siglip = false;
let extractor: FeatureExtractionPipeline | undefined;
/** 2_Dense's weight transposed to [in, out], for pooled [n, in] × it. */
let dense: Tensor | undefined;
/** CLIP pads to the batch's longest text (its docs); SigLIP and MobileCLIP to max_length (theirs). */
let padding: true | 'max_length' = 'max_length';

function rows(embeds: Tensor): Float32Array[] {
  const normalized = embeds.normalize(2, -1);
  const [n, dim] = normalized.dims as [number, number];
  const data = normalized.data as Float32Array;
  return Array.from({ length: n }, (_, i) => data.slice(i * dim, (i + 1) * dim));
}

const api = {
  async load(o: { localModelPath: string; modelId: string; family: string; dtype: 'q8' | 'fp32'; ortUrl: string; threads: number }): Promise<string> {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = o.localModelPath;
    const wasm = env.backends.onnx.wasm!;
    wasm.wasmPaths = { mjs: `${o.ortUrl}ort-wasm-simd-threaded.asyncify.mjs`, wasm: `${o.ortUrl}ort-wasm-simd-threaded.asyncify.wasm` };
    wasm.numThreads = o.threads;
    siglip = o.family.startsWith('siglip');
    padding = o.family === 'clip' ? true : 'max_length';
    const options = { dtype: o.dtype, device: 'wasm' as const };
    if (o.family === 'multilingual') return loadSentenceTransformer(o);
    const [Vision, Text] = siglip ? [SiglipVisionModel, SiglipTextModel] : [CLIPVisionModelWithProjection, CLIPTextModelWithProjection];
    [processor, tokenizer, vision, text] = await Promise.all([
      AutoProcessor.from_pretrained(o.modelId),
      AutoTokenizer.from_pretrained(o.modelId),
      Vision.from_pretrained(o.modelId, options),
      Text.from_pretrained(o.modelId, options),
    ]);
    return `transformers.js ${env.version}`;
  },

  async embedImages(blobs: Blob[]): Promise<Float32Array[]> {
    const inputs = await processor!(await Promise.all(blobs.map((b) => RawImage.fromBlob(b))));
    const out = (await vision!(inputs)) as Record<string, Tensor>;
    return rows(siglip ? out['pooler_output']! : out['image_embeds']!);
  },

  async embedTexts(texts: string[]): Promise<Float32Array[]> {
    if (extractor) return rows(await matmul(await extractor(texts, { pooling: 'mean', normalize: false }), dense!));
    const inputs = tokenizer!(texts, { padding, truncation: true });
    const out = (await text!(inputs)) as Record<string, Tensor>;
    return rows(siglip ? out['pooler_output']! : out['text_embeds']!);
  },

  async dispose(): Promise<void> {
    await Promise.all([vision?.dispose(), text?.dispose(), extractor?.dispose()]);
  },
};

/**
 * sentence-transformers' layout: onnx/model.onnx (fp32) and onnx/model_qint8_avx512.onnx (its
 * int8 file, named by model_file_name: no transformers.js dtype suffix names it), then 2_Dense.
 */
async function loadSentenceTransformer(o: { localModelPath: string; modelId: string; dtype: 'q8' | 'fp32' }): Promise<string> {
  extractor = await pipeline('feature-extraction', o.modelId, {
    device: 'wasm',
    dtype: 'fp32',
    model_file_name: o.dtype === 'q8' ? 'model_qint8_avx512' : 'model',
  });
  const bytes = new Uint8Array(await (await fetch(`${o.localModelPath}${o.modelId}/2_Dense/model.safetensors`)).arrayBuffer());
  const weight = readSafetensor(bytes, 'linear.weight');
  const [out, inp] = weight.shape as [number, number];
  const t = new Float32Array(inp * out);
  for (let r = 0; r < out; r++) for (let c = 0; c < inp; c++) t[c * out + r] = weight.data[r * inp + c]!;
  dense = new Tensor('float32', t, [inp, out]);
  return `transformers.js ${env.version} (feature-extraction pipeline, ${o.dtype === 'q8' ? 'model_qint8_avx512' : 'model'}.onnx)`;
}

export type FamilyTransformersApi = typeof api;
Comlink.expose(api);
