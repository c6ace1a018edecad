// The page side: starts the worker, loads a model in it, and forwards calls over comlink,
// moving images in and embeddings out without copies.
import * as Comlink from 'comlink';
import type { Answer, WorkerApi } from '../workers/clip.worker';
import { ClipError } from './core/errors';
import type { LabelScore } from './core/classify';
import { prepareImages, type ImageInput } from './image-input';
import type { Device, Dtype, EngineInfo } from './runtime/engine';
import type { SessionTestHooks } from './runtime/model-sessions';
import type { StoreHooks } from './runtime/model-store';
import { resolveModel, type ModelInput } from './runtime/registry';
import { libraryClient, type Library } from './library-client';
import type { LibraryMeta } from './runtime/library-db';
import type { ImportOptions } from './runtime/library-transfer';
import type { LibraryInfo, LibraryOptions } from './runtime/photo-library';
import { defaultOrtUrl } from './ort-files';
import { installTransferHandlers } from './transfer-handlers';
import type { ProgressCallback } from './wire';

export type { Device, Dtype, LabelScore, ImageInput, ModelInput, ProgressCallback, Library, LibraryOptions, LibraryInfo, ImportOptions };
/** A stored library as `clip.libraries()` lists it (it may belong to another model). */
export type LibrarySummary = LibraryMeta;
export type ClipInfo = EngineInfo;

export interface ClipOptions {
  /**
   * A registry id (default 'Xenova/clip-vit-base-patch32'), a Hugging Face repository
   * ('owner/name'), the URL of a folder in Hugging Face's ONNX layout (config.json, onnx/…;
   * relative URLs start with './' or '/'), or the files of such a folder picked from disk.
   * Every file goes through the IndexedDB model cache.
   */
  model?: ModelInput;
  /** 'auto' (default): WebGPU on a hardware adapter, else WASM. */
  device?: 'auto' | Device;
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
  /** For webclip's own tests: faults injected on purpose. */
  testHooks?: SessionTestHooks & StoreHooks;
}

/** Text embeddings, with the indices of the texts that were cut to the model's context length. */
export type TextEmbeddings = Float32Array[] & { readonly truncated: readonly number[] };

export interface EmbedOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface ClassifyOptions {
  /** Prompt templates with `{}` for the label, averaged per label; default `["a photo of a {}."]`. */
  templates?: readonly string[];
  signal?: AbortSignal;
}

export interface Clip {
  /** The backend, dtype and model actually in use; updated when a WebGPU fallback happens. */
  readonly info: ClipInfo;
  /** L2-normalized image embeddings, one per image, in order. */
  embedImages(images: readonly ImageInput[], options?: EmbedOptions): Promise<Float32Array[]>;
  /**
   * L2-normalized text embeddings, one per text, in order. A text longer than the model's
   * context (77 tokens) is cut to its first 75 tokens, as CLIP does; `truncated` lists those.
   */
  embedTexts(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<TextEmbeddings>;
  /** Labels scored by softmax(logitScale × cosine), best first; scores sum to 1. */
  classify(image: ImageInput, labels: readonly string[], options?: ClassifyOptions): Promise<LabelScore[]>;
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

/** `wasmBaseUrl` for the worker: absolute (the worker's own URL is not the page's), or absent. */
function ortFolder(ortUrl: string | URL | undefined): { wasmBaseUrl?: string } {
  if (ortUrl === undefined) {
    const url = defaultOrtUrl();
    return url === undefined ? {} : { wasmBaseUrl: url };
  }
  let url: URL;
  try {
    url = new URL(ortUrl, location.href);
  } catch {
    throw new ClipError('BAD_INPUT', `ortUrl is not a URL: ${String(ortUrl)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ClipError('BAD_INPUT', `ortUrl must be an http(s) folder, got ${url.protocol}`);
  }
  // ORT appends file names to this folder.
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return { wasmBaseUrl: url.href };
}

function startWorker(workerUrl: string | URL | undefined): Worker {
  // The literal `new Worker(new URL('…', import.meta.url))` is what bundlers recognize and emit.
  if (workerUrl === undefined) return new Worker(new URL('../workers/clip.worker.ts', import.meta.url), { type: 'module', name: 'webclip' });
  try {
    return new Worker(workerUrl, { type: 'module', name: 'webclip' });
  } catch (error) {
    // A malformed or cross-origin URL throws here (SyntaxError / SecurityError).
    throw new ClipError('BAD_INPUT', `workerUrl cannot start a worker: ${(error as Error).message}`);
  }
}

function defaultThreads(): number {
  // Threads need SharedArrayBuffer, which needs crossOriginIsolated. ORT's own default (half
  // the cores) leaves a 2-core machine on one thread, so choose here.
  if (!globalThis.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
}

/** Key of the test-only methods on a Clip (not exported from the package's entry). */
export const testAccess = Symbol('webclip.testAccess');

export interface ClipTestAccess {
  loseDevice(): Promise<void>;
  /** Label embeddings held by classify's cache. */
  cachedLabels(): Promise<number>;
  /** Texts the worker's engine has run through the text tower. */
  encodedTexts(): Promise<number>;
}

export async function createClip(options: ClipOptions = {}): Promise<Clip> {
  installTransferHandlers();
  const model = resolveModel(options?.model, location.href);
  if (options.signal?.aborted) throw new ClipError('ABORTED', 'createClip was aborted before it started');
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new ClipError('BAD_INPUT', `threads must be a positive integer, got ${String(options.threads)}`);
  }
  const ort = ortFolder(options.ortUrl);
  const worker = startWorker(options.workerUrl);
  const remote = Comlink.wrap<WorkerApi>(worker);
  // A worker that fails to start or dies leaves comlink's calls pending forever: race every
  // call against its death so the caller gets WORKER_CRASHED instead of a hang. (Restarting
  // the worker and retrying is the sturdiness issue's part.)
  let markCrashed: (error: ClipError) => void = () => undefined;
  const crashed = new Promise<never>((_, reject) => (markCrashed = reject));
  crashed.catch(() => undefined);
  worker.addEventListener('error', (event) => {
    markCrashed(new ClipError('WORKER_CRASHED', `the webclip worker failed: ${event.message || 'unknown error'}`));
  });
  const guarded = <T>(call: Promise<T>): Promise<T> => Promise.race([call, crashed]);
  const onProgress = options.onProgress ? Comlink.proxy(options.onProgress) : undefined;
  let info: ClipInfo;
  try {
    info = await guarded(remote.load(
      {
        model,
        device: options.device ?? 'auto',
        dtype: options.dtype ?? 'auto',
        ...ort,
        numThreads: options.threads ?? defaultThreads(),
        ...(options.testHooks ? { hooks: options.testHooks, storeHooks: options.testHooks } : {}),
      },
      options.signal,
      onProgress,
    ));
  } catch (error) {
    worker.terminate();
    throw error;
  }
  let disposed = false;
  const live = <T>(call: () => Promise<Answer<T>>): Promise<T> => {
    if (disposed) return Promise.reject(new ClipError('BAD_INPUT', 'this Clip was disposed'));
    return guarded(call()).then(({ value, info: latest }) => {
      info = latest;
      return value;
    });
  };
  // Library calls carry no engine info: guarded against a dead worker and a disposed Clip only.
  const call = <T>(work: () => Promise<T>): Promise<T> =>
    disposed ? Promise.reject(new ClipError('BAD_INPUT', 'this Clip was disposed')) : guarded(work());
  const link = { remote, call };
  const access: ClipTestAccess = {
    loseDevice: () => remote.loseDeviceForTest(),
    cachedLabels: () => remote.cachedLabels(),
    encodedTexts: () => remote.encodedTexts(),
  };
  const clip: Clip & { [testAccess]: ClipTestAccess } = {
    [testAccess]: access,
    get info() {
      return info;
    },
    async embedImages(images, { signal, onProgress: progress } = {}) {
      const { images: wire, transfer } = await prepareImages(images);
      // The worker releases the callback's proxy when the call settles.
      const proxied = progress ? Comlink.proxy(progress) : undefined;
      return live(() => remote.embedImages(Comlink.transfer(wire, transfer), signal, proxied));
    },
    async embedTexts(texts, { signal } = {}) {
      // Checked here: a value the worker cannot receive (a function, a Symbol) would otherwise
      // fail as a DataCloneError, not a ClipError.
      if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string')) throw new ClipError('BAD_INPUT', 'texts must be an array of strings');
      const { vectors, truncated } = await live(() => remote.embedTexts([...texts], signal));
      return Object.assign(vectors, { truncated });
    },
    async classify(image, labels, { templates, signal } = {}) {
      const { images: wire, transfer } = await prepareImages([image]);
      return live(() =>
        remote.classify(Comlink.transfer(wire[0]!, transfer), [...labels], templates ? [...templates] : undefined, signal),
      );
    },
    async library(name, libraryOptions = {}) {
      const { storage, allowStale } = libraryOptions;
      const opened = await call(() =>
        remote.libraryOpen(name, { ...(storage ? { storage } : {}), ...(allowStale ? { allowStale } : {}) }),
      );
      return libraryClient(opened.name, link);
    },
    async importLibrary(file, importOptions = {}) {
      const opened = await call(() => remote.libraryImport(file, importOptions.name === undefined ? {} : { name: importOptions.name }));
      return libraryClient(opened.name, link);
    },
    deleteLibrary: (name) => call(() => remote.libraryDelete(name)),
    libraries: () => call(() => remote.libraryList()),
    async dispose() {
      if (disposed) return;
      disposed = true;
      try {
        await guarded(remote.dispose());
      } catch {
        // A dead worker has nothing left to free; terminating it is all there is to do.
      } finally {
        remote[Comlink.releaseProxy]();
        worker.terminate();
      }
    },
  };
  return clip;
}
