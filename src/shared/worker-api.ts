// The worker's API as the page calls it over comlink (src/worker/clip-api.ts implements it); an
// engine answer carries the engine's info, which a WebGPU fallback can change mid-call.
import type { ClipInfo, LabelScore } from './clip';
import type {
  AddResult,
  ImportOptions,
  LibraryInfo,
  LibraryOptions,
  LibrarySummary,
  PhotoHit,
  PhotoTags,
  TagOptions,
  TagScore,
} from './library';
import type { CachedModel, CacheUsage } from './models';
import type { ProgressCallback } from './progress';
import type { LoadOptions, WireImage, WirePhoto } from './wire';

/** A result with the engine's info it was computed under. */
export interface Answer<T> {
  value: T;
  info: ClipInfo;
}

export interface WorkerApi {
  /** Loads the model (disposing any loaded before). */
  load(options: LoadOptions, signal?: AbortSignal, onProgress?: ProgressCallback): Promise<ClipInfo>;
  embedTexts(texts: string[], signal?: AbortSignal): Promise<Answer<{ vectors: Float32Array[]; truncated: number[] }>>;
  embedImages(images: WireImage[], signal?: AbortSignal, onProgress?: ProgressCallback): Promise<Answer<Float32Array[]>>;
  classify(image: WireImage, labels: string[], templates?: string[], signal?: AbortSignal): Promise<Answer<LabelScore[]>>;
  embedLabels(labels: string[], templates?: string[], signal?: AbortSignal): Promise<Answer<Float32Array[]>>;
  /**
   * Takes the Web Lock `name` and never releases it: the browser does when the worker ends,
   * however it ends, which is how the page learns of it (src/page/worker-connection.ts).
   */
  holdLifeLock(name: string): Promise<void>;
  libraryOpen(name: string, options?: LibraryOptions): Promise<LibraryInfo>;
  libraryInfo(name: string): Promise<LibraryInfo>;
  libraryAdd(name: string, photos: WirePhoto[], signal?: AbortSignal, onProgress?: ProgressCallback): Promise<AddResult>;
  libraryReindex(name: string, photos: WirePhoto[], signal?: AbortSignal, onProgress?: ProgressCallback): Promise<AddResult>;
  libraryRemove(name: string, ids: string[]): Promise<number>;
  libraryCount(name: string): Promise<number>;
  libraryIds(name: string): Promise<string[]>;
  libraryStaleIds(name: string): Promise<string[]>;
  librarySearch(name: string, text: string, k?: number): Promise<PhotoHit[]>;
  librarySimilar(name: string, target: string | WireImage, k?: number, signal?: AbortSignal): Promise<PhotoHit[]>;
  libraryTag(name: string, target: string | WireImage, options: TagOptions, signal?: AbortSignal): Promise<TagScore[]>;
  libraryTagAll(name: string, options: TagOptions, signal?: AbortSignal, onProgress?: ProgressCallback): Promise<PhotoTags[]>;
  libraryDuplicates(name: string, threshold?: number): Promise<string[][]>;
  libraryExport(name: string): Promise<Blob>;
  libraryImport(file: Blob, options?: ImportOptions): Promise<LibraryInfo>;
  libraryDelete(name: string): Promise<void>;
  libraryList(): Promise<LibrarySummary[]>;
  /** The model cache (`modelCache` on the page): no model needs to be loaded. */
  cacheList(): Promise<CachedModel[]>;
  cacheUsage(): Promise<CacheUsage>;
  cacheDelete(id: string): Promise<void>;
  cacheClear(): Promise<void>;
  dispose(): Promise<void>;
}
