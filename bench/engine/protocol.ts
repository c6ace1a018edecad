// Shared vocabulary of the engine benchmark (bench/engine.ts): what the Node driver asks the
// page for, and what the page's engines answer.

export type BenchDtype = 'q8' | 'fp32';

/**
 * What one timed call embeds: `pixels` ready 224×224 ImageData (no JPEG decode), `small` ~600×400
 * JPEG Blobs, `large` 4000×3000 (12 MP) JPEG Blobs, `text` short captions. Raw ORT has no
 * decode or preprocessing: for every image workload it runs `image`, the small photos' ready
 * pixel_values tensor (made by webclip's preprocessing).
 */
export type Workload = 'pixels' | 'small' | 'large' | 'text' | 'image';

/**
 * The engines timed side by side, each in its own worker (own WASM instance and thread pool):
 * webclip (createClip, its own worker), raw onnxruntime-web at 2 threads and at its default,
 * transformers.js at 2 threads and at its default; `tjs-main` is transformers.js at 2 threads on
 * the page's own main thread, as apps without a worker run it (bench/sustained.ts only).
 */
export type EngineName = 'webclip' | 'ort-2t' | 'ort-default' | 'tjs-2t' | 'tjs-default' | 'tjs-main';

export interface SetupOptions {
  dtype: BenchDtype;
  /** Most images or texts one call embeds. */
  maxBatch: number;
  /** How many distinct 12 MP JPEGs to make (a batch cycles through them). */
  largeCount: number;
  engines: EngineName[];
  /** webclip's worker with its WASM heap size readable (engine/clip-heap.worker.ts). */
  heapProbe?: boolean;
  /** Session config entries for raw ORT's sessions (ORT's `extra`). */
  ortExtra?: Record<string, unknown>;
  /** webclip's `threads` option; absent: its own choice. */
  webclipThreads?: number;
  /** webclip's `device` option; absent: 'wasm'. */
  webclipDevice?: 'wasm' | 'auto';
  /**
   * URL of a built webclip module to bench instead of the sources (e.g. '/pkg/browser/webclip.js',
   * the package's browser build, its own worker and ORT files); its heap is not readable.
   */
  webclipModule?: string;
}

/** WASM heap bytes of each engine's worker, where known. */
export type HeapSizes = Partial<Record<EngineName, number>>;

/** performance.measureUserAgentSpecificMemory's bytes: the whole page, and each engine's worker. */
export interface UaMemory {
  total: number;
  workers: Partial<Record<EngineName, number>>;
  ms: number;
}

export interface LoadInfo {
  engine: EngineName;
  loadMs: number;
  threads: number;
  detail: string;
}

export interface SetupResult {
  loads: LoadInfo[];
  webclipInfo: Record<string, unknown>;
  smallJpegKB: number;
  largeJpegKB: number;
  makeInputsMs: number;
  /** Cosine between webclip's and transformers.js's embedding of the same input. */
  agreement: { smallPhoto: number; largePhoto: number; text: number };
  hardwareConcurrency: number;
  crossOriginIsolated: boolean;
}

/**
 * Calls timed in the rounds besides the engines: webclip's own decode and preprocessing
 * functions, and transformers.js's, run alone (each in a worker) on the same photos.
 */
export type Probe = 'probe-webclip' | 'probe-tjs';
export type Timed = EngineName | Probe;

/**
 * One timed call's ms, by part: `total` for an engine; for a probe the batch's `decode` and
 * `preprocess`, and for webclip's also `decodeDefault` (createImageBitmap without webclip's
 * options), `decodeColorNone` (with only colorSpaceConversion 'none') and `decodeReduced`
 * (scaled by createImageBitmap to a 224 shortest edge).
 */
export type Timing = Record<string, number>;

export interface ColdStart {
  engine: 'webclip' | 'ort' | 'tjs';
  dtype: BenchDtype;
  /** From `new Worker`/createClip to the image tower's session ready (webclip: both towers). */
  imageReadyMs: number;
  /** To the first image embedding (webclip, tjs: one small JPEG; raw ORT: a ready tensor). */
  firstImageMs: number;
  /** To both towers ready (raw ORT and tjs load the text tower after the first image embedding). */
  bothReadyMs: number;
}
