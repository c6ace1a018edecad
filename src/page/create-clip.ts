// The page side: starts the worker, loads a model in it, and forwards calls over comlink,
// moving images in and embeddings out without copies.
import * as Comlink from 'comlink';
import type { Answer, WorkerApi } from '../worker/clip.worker';
import { ClipError } from '../shared/errors';
import type { LabelScore } from '../core/tags/classify';
import { prepareImages, type ImageInput } from './image-input';
import type { Device, Dtype, EngineInfo } from '../runtime/engine/engine';
import type { SessionTestHooks } from '../runtime/backend/model-sessions';
import type { StoreHooks } from '../runtime/model-store/model-store';
import { resolveModel, type ModelInput } from '../core/model/registry';
import { libraryClient, type Library, type LibraryLink } from './library-client';
import type { LibraryMeta } from '../runtime/library/library-db';
import type { ImportOptions } from '../runtime/library/library-transfer';
import type { LibraryInfo, LibraryOptions } from '../runtime/library/photo-library';
import { defaultOrtUrl } from './ort-files';
import { installTransferHandlers } from '../shared/transfer-handlers';
import { WorkerConnection, type CallPolicy } from './worker-connection';
import type { ProgressCallback } from '../shared/wire';

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
  if (workerUrl === undefined) return new Worker(new URL('../worker/clip.worker.ts', import.meta.url), { type: 'module', name: 'webclip' });
  try {
    return new Worker(workerUrl, { type: 'module', name: 'webclip' });
  } catch (error) {
    // A malformed or cross-origin URL throws here (SyntaxError / SecurityError).
    throw new ClipError('BAD_INPUT', `workerUrl cannot start a worker: ${(error as Error).message}`);
  }
}

/**
 * A copy of a list of strings, checked on the page: a value the worker cannot receive (a
 * function, a Symbol) would otherwise fail as a DataCloneError instead of a ClipError.
 */
function stringList(list: readonly string[], what: string): string[] {
  if (!Array.isArray(list) || !list.every((t) => typeof t === 'string')) throw new ClipError('BAD_INPUT', `${what} must be an array of strings`);
  return [...list];
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
  /** Terminates the worker from the page, as the browser does to one out of memory. */
  crashWorker(): Promise<void>;
  /** Makes the worker close itself. */
  exitWorker(): Promise<void>;
  /** The most images the engine held decoded at once since the last call of this. */
  peakHeldImages(): Promise<number>;
  /** The next `count` library write transactions fail as a full disk would. */
  failLibraryWrites(count: number): Promise<void>;
  /** Workers started after a crash. */
  restarts(): number;
}

export async function createClip(options: ClipOptions = {}): Promise<Clip> {
  installTransferHandlers();
  const model = resolveModel(options?.model, location.href);
  if (options.signal?.aborted) throw new ClipError('ABORTED', 'createClip was aborted before it started');
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new ClipError('BAD_INPUT', `threads must be a positive integer, got ${String(options.threads)}`);
  }
  const ort = ortFolder(options.ortUrl);
  const loadOptions = {
    model,
    device: options.device ?? 'auto',
    dtype: options.dtype ?? 'auto',
    ...ort,
    numThreads: options.threads ?? defaultThreads(),
    ...(options.testHooks ? { hooks: options.testHooks, storeHooks: options.testHooks } : {}),
  } as const;
  let info: ClipInfo | undefined;
  const connection = new WorkerConnection(
    () => startWorker(options.workerUrl),
    // A restarted worker loads from the model cache, without the caller's signal (createClip
    // has long returned), still reporting progress.
    (remote, first) =>
      remote.load(loadOptions, first ? options.signal : undefined, options.onProgress ? Comlink.proxy(options.onProgress) : undefined),
    (loaded) => (info = loaded),
  );
  await connection.ready();
  let disposed = false;
  const disposedError = () => new ClipError('BAD_INPUT', 'this Clip was disposed');
  /** An engine call: its answer carries the engine's info (a WebGPU fallback can change it). */
  const live = <T>(work: (remote: Comlink.Remote<WorkerApi>) => Promise<Answer<T>>, policy: CallPolicy): Promise<T> => {
    if (disposed) return Promise.reject(disposedError());
    return connection.call(work, policy).then(({ value, info: latest }) => {
      info = latest;
      return value;
    });
  };
  // Library calls carry no engine info.
  const call: LibraryLink['call'] = (work, policy) => (disposed ? Promise.reject(disposedError()) : connection.call(work, policy));
  const link: LibraryLink = { call };
  const access: ClipTestAccess = {
    loseDevice: async () => (await connection.remote()).loseDeviceForTest(),
    cachedLabels: async () => (await connection.remote()).cachedLabels(),
    encodedTexts: async () => (await connection.remote()).encodedTexts(),
    crashWorker: () => connection.crashForTest(),
    exitWorker: async () => (await connection.remote()).exitForTest(),
    peakHeldImages: async () => (await connection.remote()).peakHeldImages(),
    failLibraryWrites: async (count) => (await connection.remote()).failLibraryWritesForTest(count),
    restarts: () => connection.restarts,
  };
  // Safe to run again on a new worker: reads, and inputs that were not transferred away.
  const SAFE = { retry: true } as const;
  const once = (transfer: readonly Transferable[]): CallPolicy => ({ retry: transfer.length === 0 });
  const clip: Clip & { [testAccess]: ClipTestAccess } = {
    [testAccess]: access,
    get info() {
      return info!;
    },
    async embedImages(images, { signal, onProgress: progress } = {}) {
      const { images: wire, transfer } = await prepareImages(images);
      return live((remote) => {
        // A new proxy per attempt: the worker releases the callback's proxy when the call settles.
        const proxied = progress ? Comlink.proxy(progress) : undefined;
        return remote.embedImages(Comlink.transfer(wire, transfer), signal, proxied);
      }, once(transfer));
    },
    async embedTexts(texts, { signal } = {}) {
      const { vectors, truncated } = await live((remote) => remote.embedTexts(stringList(texts, 'texts'), signal), SAFE);
      return Object.assign(vectors, { truncated });
    },
    async classify(image, labels, { templates, signal } = {}) {
      const labelList = stringList(labels, 'labels');
      const templateList = templates === undefined ? undefined : stringList(templates, 'templates');
      const { images: wire, transfer } = await prepareImages([image]);
      return live(
        (remote) => remote.classify(Comlink.transfer(wire[0]!, transfer), labelList, templateList, signal),
        once(transfer),
      );
    },
    async library(name, libraryOptions = {}) {
      const { storage, allowStale } = libraryOptions;
      const opened = await call(
        (remote) => remote.libraryOpen(name, { ...(storage ? { storage } : {}), ...(allowStale ? { allowStale } : {}) }),
        SAFE,
      );
      return libraryClient(opened.name, link);
    },
    async importLibrary(file, importOptions = {}) {
      const opened = await call(
        (remote) => remote.libraryImport(file, importOptions.name === undefined ? {} : { name: importOptions.name }),
        { retry: false },
      );
      return libraryClient(opened.name, link);
    },
    deleteLibrary: (name) => call((remote) => remote.libraryDelete(name), { retry: false }),
    libraries: () => call((remote) => remote.libraryList(), SAFE),
    async dispose() {
      if (disposed) return;
      disposed = true;
      await connection.close();
    },
  };
  return clip;
}
