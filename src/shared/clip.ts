// The public shapes of `createClip` and the Clip it returns: what a page passes and gets back.
// Types only, defined here once; src/index.ts exports them by name.
import type { ProgressCallback } from './progress';
import type { ImportOptions, Library, LibraryOptions, LibrarySummary } from './library';
import type { ModelFamily, ModelInput } from './models';

/** Where the towers run: WebGPU or WASM in a browser; 'cpu' is onnxruntime-node's native kernels (webclip/node). */
export type Device = 'webgpu' | 'wasm' | 'cpu';
export type Dtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';

/** Every image type the public API accepts. */
export type ImageInput = Blob | ImageBitmap | ImageData | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | string;

/** The WebGPU adapter found (a subset of GPUAdapterInfo, and whether it has `shader-f16`). */
export interface AdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
  readonly shaderF16: boolean;
}

/** The backend, dtype and model actually in use. */
export interface ClipInfo {
  readonly model: string;
  readonly device: Device;
  readonly dtype: Dtype;
  /** Embedding dimension. */
  readonly dim: number;
  readonly adapter: AdapterSummary | null;
  readonly threads: number;
  /** Why webclip runs on WASM although WebGPU was possible or asked for. */
  readonly fallbackReason?: string;
  /** CLIP's temperature: classify's softmax runs on cosine × logitScale. */
  readonly logitScale: number;
  /** The model's family, from its files; a pair's is its image tower's. */
  readonly family: ModelFamily;
  /** A pair's text tower (model: {vision, text}): its id. */
  readonly textModel?: string;
  /**
   * How classify and tags score: CLIP's softmax (scale = logitScale), or SigLIP's independent
   * sigmoid(scale · cos + bias) with where its trained constants came from; null for a SigLIP
   * whose constants no file or table states (classify then refuses with UNSUPPORTED).
   */
  readonly scoring: ScoreRule | null;
  /** The cosine at which `library.duplicates()` links two photos by default: the model's own level. */
  readonly duplicateThreshold: number;
  /** Where `duplicateThreshold` comes from (measured, or carried over until it is: docs/models.md). */
  readonly duplicateThresholdSource: string;
}

/**
 * How a family turns cosine similarities into label scores: CLIP's softmax over the labels
 * (they compete, sum to 1), or SigLIP's sigmoid per label (independent probabilities).
 */
export type ScoreRule =
  /** Softmax over the labels of cos × scale (CLIP's temperature, exp of its logit_scale). */
  | { readonly kind: 'softmax'; readonly scale: number }
  /** Independent sigmoid(cos × scale + bias) per label (SigLIP); `source` says where they came from. */
  | { readonly kind: 'sigmoid'; readonly scale: number; readonly bias: number; readonly source: string };

/** A SigLIP checkpoint's trained constants, as published, with where they were read. */
export interface SigmoidConstants {
  /** The trained logit_scale (a log: the scale is its exp). */
  readonly logitScale: number;
  readonly logitBias: number;
  readonly source: string;
}

export interface ClipOptions {
  /**
   * A registry id (default 'Xenova/clip-vit-base-patch32'), a Hugging Face repository
   * ('owner/name'), the URL of a folder in Hugging Face's ONNX layout (config.json, onnx/…;
   * relative URLs start with './' or '/'), or the files of such a folder picked from disk.
   * Every file goes through the IndexedDB model cache.
   */
  model?: ModelInput;
  /** 'auto' (default): WebGPU on a hardware adapter, else WASM. */
  device?: 'auto' | 'webgpu' | 'wasm';
  /** 'auto' (default): q4f16 or q4 on WebGPU, q8 on WASM; the next file that exists. */
  dtype?: 'auto' | Dtype;
  /** Download progress and backend events, for the whole life of the instance. */
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /**
   * The folder (URL) serving onnxruntime-web's `ort-wasm-*.wasm` / `.mjs` files. By default the
   * npm package lets the app's bundler emit them beside onnxruntime-web's module, and the
   * self-contained build (`webclip/browser/…`) loads them from the `ort/` folder beside itself.
   */
  ortUrl?: string | URL;
  /**
   * The URL of webclip's worker script (same origin as the page, as every worker must be). By
   * default the worker file beside webclip's module, which bundlers emit with it.
   */
  workerUrl?: string | URL;
  /** WASM threads; defaults to the cores (at most 4) when the page is crossOriginIsolated, else 1. */
  threads?: number;
  /**
   * The towers to start (default both). A page that only searches a library made elsewhere (say
   * by `webclip index`) starts `['text']`: the image tower is neither downloaded nor built, and
   * image calls reject with UNSUPPORTED.
   */
  towers?: readonly ('vision' | 'text')[];
}

/** Text embeddings, with the indices of the texts that were cut to the model's context length. */
export type TextEmbeddings = Float32Array[] & { readonly truncated: readonly number[] };

export interface EmbedOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

/** How labels become embeddings (classify, embedLabels). */
export interface LabelOptions {
  /** Prompt templates with `{}` for the label, averaged per label; default `["a photo of a {}."]`. */
  templates?: readonly string[];
  signal?: AbortSignal;
}

export type ClassifyOptions = LabelOptions;

/** One label's score from `classify` (CLIP: softmax over the labels, scores sum to 1; SigLIP: each its own probability). */
export interface LabelScore {
  readonly label: string;
  readonly score: number;
}

export interface Clip {
  /** The backend, dtype and model actually in use; updated when a WebGPU fallback happens. */
  readonly info: ClipInfo;
  /** L2-normalized image embeddings, one per image, in order. */
  embedImages(images: readonly ImageInput[], options?: EmbedOptions): Promise<Float32Array[]>;
  /**
   * L2-normalized text embeddings, one per text, in order. A text longer than the model's
   * context (CLIP: 77 tokens, SigLIP: 64) is cut to fit with its end token, as the reference
   * tokenizer does; `truncated` lists those.
   */
  embedTexts(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<TextEmbeddings>;
  /**
   * Labels scored by the family's rule (`info.scoring`), best first: CLIP's softmax(logitScale ×
   * cosine), scores summing to 1; SigLIP's sigmoid per label, each its own probability.
   */
  classify(image: ImageInput, labels: readonly string[], options?: ClassifyOptions): Promise<LabelScore[]>;
  /**
   * One embedding per label, as classify scores them: each template filled with the label,
   * embedded, averaged and L2-normalized (CLIP's prompt ensembling). Cached per model, in
   * memory and IndexedDB: labels asked for again are not encoded again. With `rankLabels`, an
   * app classifies embeddings it keeps without embedding its images again.
   */
  embedLabels(labels: readonly string[], options?: LabelOptions): Promise<Float32Array[]>;
  /**
   * Opens (or creates) the persistent photo library `name`, bound to this model. A library
   * indexed by another model rejects with MODEL_MISMATCH unless `allowStale` (then `reindex`).
   */
  library(name: string, options?: LibraryOptions): Promise<Library>;
  /** Imports a file made by `lib.export()` (same model); rejects a bad file, touching nothing. */
  importLibrary(file: Blob, options?: ImportOptions): Promise<Library>;
  /** Deletes a library and all its vectors. */
  deleteLibrary(name: string): Promise<void>;
  /** Every stored library, whichever model made it. */
  libraries(): Promise<LibrarySummary[]>;
  /** Stops the worker and frees the model. Calls after this reject. */
  dispose(): Promise<void>;
}
