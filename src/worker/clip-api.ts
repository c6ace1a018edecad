// The worker's API (src/shared/worker-api.ts): one engine, loaded on demand, and the photo
// libraries and model cache around it. Embeddings go back as transferred buffers, not copies.
import * as Comlink from 'comlink';
import { ClipError } from '../shared/errors';
import type { ProgressCallback } from '../shared/progress';
import type { LoadOptions } from '../shared/wire';
import type { Answer, WorkerApi } from '../shared/worker-api';
import { ClipEngine, type CallOptions } from '../runtime/engine/engine';
import { closeAllLibraries, deleteLibrary, listLibraries, openLibrary } from '../runtime/library/open-libraries';
import { exportLibrary, importLibrary } from '../runtime/library/library-transfer';
import type { PhotoLibrary } from '../runtime/library/photo-library';
import { cacheUsage, clearModelCache, deleteCachedModel, listCachedModels } from '../runtime/model-store/model-cache';

/** Frees the page-side end of a per-call callback proxy (comlink keeps its port open otherwise). */
function release(callback: ProgressCallback | undefined): void {
  (callback as Partial<Comlink.Remote<ProgressCallback>> | undefined)?.[Comlink.releaseProxy]?.();
}

const buffersOf = (vectors: Float32Array[]): ArrayBuffer[] => vectors.map((v) => v.buffer as ArrayBuffer);

/** Runs a library call, then frees its progress callback's proxy. */
async function releasing<T>(onProgress: ProgressCallback | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    release(onProgress);
  }
}

/** Loads an engine: ClipEngine.load, or the test worker's, which adds faults (src/testing/). */
export type EngineLoader = (options: LoadOptions, call: CallOptions) => Promise<ClipEngine>;

/** The worker API around one engine slot, and a view of the engine for the test worker. */
export function createClipApi(loadEngine: EngineLoader = (options, call) => ClipEngine.load(options, call)): {
  api: WorkerApi;
  engine(): ClipEngine;
} {
  let engine: ClipEngine | undefined;

  const ready = (): ClipEngine => {
    if (!engine) throw new ClipError('INTERNAL', 'the model is not loaded yet');
    return engine;
  };
  const answer = <T>(value: T, transfer: Transferable[] = []): Answer<T> => Comlink.transfer({ value, info: ready().info }, transfer);
  /** The library `name`, opened for the loaded model (once; later calls reuse it). */
  const library = (name: string, options?: Parameters<WorkerApi['libraryOpen']>[1]): Promise<PhotoLibrary> =>
    openLibrary(ready(), name, options);

  const api: WorkerApi = {
    async load(options, signal, onProgress) {
      closeAllLibraries();
      await engine?.dispose();
      engine = undefined;
      engine = await loadEngine(options, { signal, onProgress });
      return engine.info;
    },
    async embedTexts(texts, signal) {
      const result = await ready().embedTextsWithInfo(texts, { signal });
      return answer(result, buffersOf(result.vectors));
    },
    async embedImages(images, signal, onProgress) {
      try {
        const vectors = await ready().embedImages(images, { signal, onProgress });
        return answer(vectors, buffersOf(vectors));
      } finally {
        release(onProgress);
      }
    },
    async classify(image, labels, templates, signal) {
      return answer(await ready().classify(image, labels, { templates, signal }));
    },
    async embedLabels(labels, templates, signal) {
      const vectors = await ready().embedLabels(labels, { templates, signal });
      return answer(vectors, buffersOf(vectors));
    },
    holdLifeLock(name) {
      return new Promise<void>((granted) => {
        void navigator.locks.request(name, () => {
          granted();
          return new Promise<never>(() => undefined);
        });
      });
    },
    async libraryOpen(name, options) {
      return (await library(name, options)).info();
    },
    async libraryInfo(name) {
      return (await library(name)).info();
    },
    async libraryAdd(name, photos, signal, onProgress) {
      return releasing(onProgress, async () => (await library(name)).add(photos, { signal, onProgress }));
    },
    async libraryReindex(name, photos, signal, onProgress) {
      return releasing(onProgress, async () => (await library(name)).reindex(photos, { signal, onProgress }));
    },
    async libraryRemove(name, ids) {
      return (await library(name)).remove(ids);
    },
    async libraryCount(name) {
      return (await library(name)).count();
    },
    async libraryIds(name) {
      return (await library(name)).ids();
    },
    async libraryStaleIds(name) {
      return (await library(name)).staleIds();
    },
    async librarySearch(name, text, k) {
      return (await library(name)).search(text, { k });
    },
    async librarySimilar(name, target, k, signal) {
      return (await library(name)).similar(target, { k, signal });
    },
    async libraryTag(name, target, options, signal) {
      return (await library(name)).tag(target, { ...options, signal });
    },
    async libraryTagAll(name, options, signal, onProgress) {
      return releasing(onProgress, async () => (await library(name)).tagAll({ ...options, signal, onProgress }));
    },
    async libraryDuplicates(name, threshold) {
      return (await library(name)).duplicates({ threshold });
    },
    async libraryExport(name) {
      return exportLibrary(await library(name));
    },
    async libraryImport(file, options) {
      const name = await importLibrary(ready(), file, options);
      return (await library(name)).info();
    },
    async libraryDelete(name) {
      await deleteLibrary(name);
    },
    libraryList: listLibraries,
    cacheList: listCachedModels,
    cacheUsage,
    cacheDelete: deleteCachedModel,
    cacheClear: clearModelCache,
    async dispose() {
      closeAllLibraries();
      await engine?.dispose();
      engine = undefined;
    },
  };
  return { api, engine: ready };
}
