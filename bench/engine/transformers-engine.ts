// The peer of the engine benchmark: transformers.js (its own bundled onnxruntime-web, loaded
// from our server, never a CDN) from the same JPEG Blobs and captions to normalized embeddings,
// the way its docs do it: CLIPVisionModelWithProjection + AutoProcessor, and
// CLIPTextModelWithProjection + AutoTokenizer. Runs in a worker (transformers.worker.ts) or, as
// many apps run it, on the page's main thread.
// First: it notes the WASM memory its ORT makes.
import { wasmHeapBytes } from './wasm-heap';
import {
  AutoProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  env,
  RawImage,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type Processor,
  type Tensor,
} from '@huggingface/transformers';
import type { BenchDtype } from './protocol';

let processor: Processor | undefined;
let tokenizer: PreTrainedTokenizer | undefined;
let vision: PreTrainedModel | undefined;
let text: PreTrainedModel | undefined;

interface Options {
  /** Folder above the model folder, e.g. `/models/`; the model id is the folder's name. */
  localModelPath: string;
  modelId: string;
  dtype: BenchDtype;
  /** Where its own onnxruntime-web's ort-wasm-* files are served. */
  ortUrl: string;
  /** 0 leaves its default (ORT's: half the cores, at most 4). */
  threads: number;
}

function configure(options: Options): number {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = options.localModelPath;
  const wasm = env.backends.onnx.wasm!;
  // Its default points at jsDelivr; the same files (the asyncify build it picks) from our server.
  wasm.wasmPaths = {
    mjs: `${options.ortUrl}ort-wasm-simd-threaded.asyncify.mjs`,
    wasm: `${options.ortUrl}ort-wasm-simd-threaded.asyncify.wasm`,
  };
  if (options.threads > 0) wasm.numThreads = options.threads;
  return options.threads > 0 ? options.threads : Math.min(4, Math.ceil((navigator.hardwareConcurrency || 1) / 2));
}

const modelOptions = (dtype: BenchDtype) => ({ dtype, device: 'wasm' as const });

function rows(embeds: Tensor): Float32Array[] {
  const normalized = embeds.normalize(2, -1);
  const [n, dim] = normalized.dims as [number, number];
  const data = normalized.data as Float32Array;
  return Array.from({ length: n }, (_, i) => data.slice(i * dim, (i + 1) * dim));
}

async function embedRawImages(images: RawImage[]): Promise<Float32Array[]> {
  const inputs = await processor!(images);
  const { image_embeds } = (await vision!(inputs)) as { image_embeds: Tensor };
  return rows(image_embeds);
}

export const transformersEngine = {
  async load(options: Options): Promise<{ loadMs: number; threads: number; detail: string }> {
    const t0 = performance.now();
    const threads = configure(options);
    [processor, tokenizer, vision, text] = await Promise.all([
      AutoProcessor.from_pretrained(options.modelId),
      AutoTokenizer.from_pretrained(options.modelId),
      CLIPVisionModelWithProjection.from_pretrained(options.modelId, modelOptions(options.dtype)),
      CLIPTextModelWithProjection.from_pretrained(options.modelId, modelOptions(options.dtype)),
    ]);
    return { loadMs: performance.now() - t0, threads, detail: `transformers.js ${env.version}, onnxruntime-web ${env.backends.onnx.versions?.web ?? '?'}` };
  },

  async embedImages(blobs: Blob[]): Promise<Float32Array[]> {
    return embedRawImages(await Promise.all(blobs.map((b) => RawImage.fromBlob(b))));
  },

  async embedPixels(images: ImageData[]): Promise<Float32Array[]> {
    return embedRawImages(images.map((d) => new RawImage(d.data, d.width, d.height, 4)));
  },

  async embedTexts(texts: string[]): Promise<Float32Array[]> {
    const inputs = tokenizer!(texts, { padding: true, truncation: true });
    const { text_embeds } = (await text!(inputs)) as { text_embeds: Tensor };
    return rows(text_embeds);
  },

  /** ms of its decode (RawImage.fromBlob) and of its processor, for one batch. */
  async breakdown(blobs: Blob[]): Promise<Record<string, number>> {
    const t0 = performance.now();
    const images = await Promise.all(blobs.map((b) => RawImage.fromBlob(b)));
    const t1 = performance.now();
    await processor!(images);
    const t2 = performance.now();
    return { decode: t1 - t0, preprocess: t2 - t1 };
  },

  /** Cold start: processor and image model, a first embedding, then tokenizer and text model. */
  async coldStart(options: Options, blob: Blob): Promise<{ imageReady: number; firstImage: number; bothReady: number }> {
    configure(options);
    [processor, vision] = await Promise.all([
      AutoProcessor.from_pretrained(options.modelId),
      CLIPVisionModelWithProjection.from_pretrained(options.modelId, modelOptions(options.dtype)),
    ]);
    const imageReady = performance.timeOrigin + performance.now();
    await transformersEngine.embedImages([blob]);
    const firstImage = performance.timeOrigin + performance.now();
    [tokenizer, text] = await Promise.all([
      AutoTokenizer.from_pretrained(options.modelId),
      CLIPTextModelWithProjection.from_pretrained(options.modelId, modelOptions(options.dtype)),
    ]);
    return { imageReady, firstImage, bothReady: performance.timeOrigin + performance.now() };
  },

  wasmHeapBytes,

  async dispose(): Promise<void> {
    await Promise.all([vision?.dispose(), text?.dispose()]);
    vision = text = undefined;
  },
};

export type TransformersApi = typeof transformersEngine;
