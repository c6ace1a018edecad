// The worker entry: owns the engine and exposes it to the page over comlink. Every answer
// carries the engine's current info (a WebGPU fallback can change it mid-call), and
// embeddings go back as transferred buffers, not copies.
import * as Comlink from 'comlink';
import { ClipError } from '../shared/errors';
import type { LabelScore } from '../core/tags/classify';
import { ClipEngine, type EngineInfo, type EngineOptions } from '../runtime/engine/engine';
import type { TagScore } from '../core/tags/tag-scores';
import { failWritesForTest, type LibraryMeta } from '../runtime/library/library-db';
import { exportLibrary, importLibrary, type ImportOptions } from '../runtime/library/library-transfer';
import {
  PhotoLibrary,
  type AddResult,
  type LibraryInfo,
  type LibraryOptions,
  type LibraryPhoto,
  type PhotoHit,
  type PhotoTags,
  type TagOptions,
} from '../runtime/library/photo-library';
import { installTransferHandlers } from '../shared/transfer-handlers';
import type { ProgressCallback, WireImage } from '../shared/wire';

installTransferHandlers();

let engine: ClipEngine | undefined;

function ready(): ClipEngine {
  if (!engine) throw new ClipError('INTERNAL', 'the model is not loaded yet');
  return engine;
}

/** A result with the info it was computed under. */
export interface Answer<T> {
  value: T;
  info: EngineInfo;
}

function answer<T>(value: T, transfer: Transferable[] = []): Answer<T> {
  return Comlink.transfer({ value, info: ready().info }, transfer);
}

/** Frees the page-side end of a per-call callback proxy (comlink keeps its port open otherwise). */
function release(callback: ProgressCallback | undefined): void {
  (callback as Partial<Comlink.Remote<ProgressCallback>> | undefined)?.[Comlink.releaseProxy]?.();
}

const buffersOf = (vectors: Float32Array[]): ArrayBuffer[] => vectors.map((v) => v.buffer as ArrayBuffer);

/** The library `name`, opened for the loaded model (once; later calls reuse it). */
const library = (name: string, options?: LibraryOptions): Promise<PhotoLibrary> => PhotoLibrary.open(ready(), name, options);

/** Runs a library call, then frees its progress callback's proxy. */
async function releasing<T>(onProgress: ProgressCallback | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    release(onProgress);
  }
}

const api = {
  async load(options: EngineOptions, signal?: AbortSignal, onProgress?: ProgressCallback): Promise<EngineInfo> {
    PhotoLibrary.closeAll();
    await engine?.dispose();
    engine = undefined;
    engine = await ClipEngine.load(options, { signal, onProgress });
    return engine.info;
  },
  async embedTexts(texts: string[], signal?: AbortSignal): Promise<Answer<{ vectors: Float32Array[]; truncated: number[] }>> {
    const result = await ready().embedTextsWithInfo(texts, { signal });
    return answer(result, buffersOf(result.vectors));
  },
  async embedImages(images: WireImage[], signal?: AbortSignal, onProgress?: ProgressCallback): Promise<Answer<Float32Array[]>> {
    try {
      const vectors = await ready().embedImages(images, { signal, onProgress });
      return answer(vectors, buffersOf(vectors));
    } finally {
      release(onProgress);
    }
  },
  async classify(
    image: WireImage,
    labels: string[],
    templates?: string[],
    signal?: AbortSignal,
  ): Promise<Answer<LabelScore[]>> {
    return answer(await ready().classify(image, labels, { templates, signal }));
  },
  async cachedLabels(): Promise<number> {
    return ready().cachedLabels;
  },
  async encodedTexts(): Promise<number> {
    return ready().encodedTexts;
  },
  /** Test hook: loses the GPU device as a driver reset would. */
  /**
   * Takes the Web Lock `name` and never releases it: the browser does when this worker ends,
   * however it ends, which is how the page learns of it (src/page/worker-connection.ts).
   */
  holdLifeLock(name: string): Promise<void> {
    return new Promise<void>((granted) => {
      void navigator.locks.request(name, () => {
        granted();
        return new Promise<never>(() => undefined);
      });
    });
  },
  /** The most images held decoded at once since the last call of this (tests: streaming). */
  peakHeldImages(): number {
    const engine = ready();
    const peak = engine.peakHeldImages;
    engine.peakHeldImages = 0;
    return peak;
  },
  /** The next `count` library write transactions fail as a full disk would (tests). */
  failLibraryWritesForTest(count: number): void {
    failWritesForTest(count);
  },
  /** Ends this worker from the inside, as a fatal error would (tests only). */
  exitForTest(): void {
    setTimeout(() => self.close(), 0);
  },
  async loseDeviceForTest(): Promise<void> {
    await ready().loseDeviceForTest();
  },
  async libraryOpen(name: string, options?: LibraryOptions): Promise<LibraryInfo> {
    return (await library(name, options)).info();
  },
  async libraryInfo(name: string): Promise<LibraryInfo> {
    return (await library(name)).info();
  },
  async libraryAdd(name: string, photos: LibraryPhoto[], signal?: AbortSignal, onProgress?: ProgressCallback): Promise<AddResult> {
    return releasing(onProgress, async () => (await library(name)).add(photos, { signal, onProgress }));
  },
  async libraryReindex(name: string, photos: LibraryPhoto[], signal?: AbortSignal, onProgress?: ProgressCallback): Promise<AddResult> {
    return releasing(onProgress, async () => (await library(name)).reindex(photos, { signal, onProgress }));
  },
  async libraryRemove(name: string, ids: string[]): Promise<number> {
    return (await library(name)).remove(ids);
  },
  async libraryCount(name: string): Promise<number> {
    return (await library(name)).count();
  },
  async libraryIds(name: string): Promise<string[]> {
    return (await library(name)).ids();
  },
  async libraryStaleIds(name: string): Promise<string[]> {
    return (await library(name)).staleIds();
  },
  async librarySearch(name: string, text: string, k?: number): Promise<PhotoHit[]> {
    return (await library(name)).search(text, { k });
  },
  async librarySimilar(name: string, target: string | WireImage, k?: number, signal?: AbortSignal): Promise<PhotoHit[]> {
    return (await library(name)).similar(target, { k, signal });
  },
  async libraryTag(name: string, target: string | WireImage, options: TagOptions, signal?: AbortSignal): Promise<TagScore[]> {
    return (await library(name)).tag(target, { ...options, signal });
  },
  async libraryTagAll(name: string, options: TagOptions, signal?: AbortSignal, onProgress?: ProgressCallback): Promise<PhotoTags[]> {
    return releasing(onProgress, async () => (await library(name)).tagAll({ ...options, signal, onProgress }));
  },
  async libraryDuplicates(name: string, threshold?: number): Promise<string[][]> {
    return (await library(name)).duplicates({ threshold });
  },
  async libraryExport(name: string): Promise<Blob> {
    return exportLibrary(await library(name));
  },
  async libraryImport(file: Blob, options?: ImportOptions): Promise<LibraryInfo> {
    const name = await importLibrary(ready(), file, options);
    return (await library(name)).info();
  },
  async libraryDelete(name: string): Promise<void> {
    await PhotoLibrary.delete(name);
  },
  async libraryList(): Promise<LibraryMeta[]> {
    return PhotoLibrary.list();
  },
  async dispose(): Promise<void> {
    PhotoLibrary.closeAll();
    await engine?.dispose();
    engine = undefined;
  },
};

export type WorkerApi = typeof api;

Comlink.expose(api);
