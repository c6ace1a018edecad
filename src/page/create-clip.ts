// The page side of a Clip: starts the worker, loads a model in it, and forwards calls over
// comlink, moving images in and embeddings out without copies.
import * as Comlink from 'comlink';
import type { Clip, ClipInfo, ClipOptions } from '../shared/clip';
import { ClipError } from '../shared/errors';
import { installTransferHandlers } from '../shared/transfer-handlers';
import type { Answer, WorkerApi } from '../shared/worker-api';
import { checkTowers } from '../core/model/model-files';
import { resolveModel } from '../core/model/registry';
import { startClipWorker } from './clip-worker';
import { prepareImages } from './image-input';
import { libraryClient, type LibraryLink } from './library-client';
import { defaultOrtUrl } from './ort-files';
import { WorkerConnection, type CallPolicy } from './worker-connection';

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

/**
 * What webclip's own tests change in a Clip (src/testing/test-clip.ts): the worker it starts,
 * and fields added to the worker's load options. Not reachable from the package's entries.
 */
export interface ClipInternals {
  readonly startWorker?: (workerUrl: string | URL | undefined) => Worker;
  readonly loadExtras?: object;
}

/** Starts webclip's worker, loads the model in it, and returns the Clip that talks to it. */
export async function createClip(options: ClipOptions = {}): Promise<Clip> {
  return (await openClip(options)).clip;
}

/** createClip, with the connection to the worker (the test entry watches and breaks it). */
export async function openClip(
  options: ClipOptions,
  internals: ClipInternals = {},
): Promise<{ clip: Clip; connection: WorkerConnection<ClipInfo> }> {
  installTransferHandlers();
  const model = resolveModel(options.model, location.href);
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
    ...(options.towers === undefined ? {} : { towers: checkTowers(options.towers) }),
    ...internals.loadExtras,
  } as const;
  let info: ClipInfo | undefined;
  const connection = new WorkerConnection(
    () => (internals.startWorker ?? startClipWorker)(options.workerUrl),
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
  // Safe to run again on a new worker: reads, and inputs that were not transferred away.
  const SAFE = { retry: true } as const;
  const once = (transfer: readonly Transferable[]): CallPolicy => ({ retry: transfer.length === 0 });
  const clip: Clip = {
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
    async embedLabels(labels, { templates, signal } = {}) {
      const labelList = stringList(labels, 'labels');
      const templateList = templates === undefined ? undefined : stringList(templates, 'templates');
      return live((remote) => remote.embedLabels(labelList, templateList, signal), SAFE);
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
  return { clip, connection };
}
