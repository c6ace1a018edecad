// The public shapes of a photo library: the page's Library object, what its calls take and give,
// and the tag vocabulary's. Types only; the worker's library (src/runtime/library/) returns them.
import type { ClipErrorCode } from './errors';
import type { ImageInput } from './clip';
import type { ModelFamily } from './models';
import type { ProgressCallback } from './progress';

/** How a library keeps vectors: float32, or int8 with a scale per vector. */
export type VectorStorage = 'float32' | 'int8';

export interface LibraryOptions {
  /** How vectors are kept (new libraries only): float32, or int8 with a scale per vector (4× less memory; searches re-ranked with a 4-bit residual kept on disk). */
  readonly storage?: VectorStorage;
  /**
   * Open a library made with another model (or preprocessing) anyway: its old vectors are left
   * out of every query until `reindex` re-embeds them. Without it, such a library gives
   * MODEL_MISMATCH.
   */
  readonly allowStale?: boolean;
}

/** A stored library as `clip.libraries()` lists it (it may belong to another model). */
export interface LibrarySummary {
  readonly name: string;
  /** The model that indexed it (registry id, Hub repository or folder URL). */
  readonly model: string;
  /** The image preprocessing's version it was indexed with. */
  readonly prep: string;
  readonly dim: number;
  readonly storage: VectorStorage;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface LibraryInfo extends LibrarySummary {
  /** The family of the model that made the photos' vectors. */
  readonly family: ModelFamily;
  /** The paired text tower that searches them now, when the library is opened with one. */
  readonly textModel?: string;
  /** Photos searchable now. */
  readonly count: number;
  /** Photos whose vectors another model or preprocessing made: left out until reindexed. */
  readonly stale: number;
  /** The search kernel: WebAssembly SIMD, or plain JS where SIMD is missing. */
  readonly kernel: 'wasm-simd' | 'js';
}

export interface LibraryPhotoInput {
  /** The app's id of the photo (a file path, a database key): at most 1024 characters. */
  readonly id: string;
  readonly image: ImageInput;
}

export interface LibraryWorkOptions {
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ProgressCallback | undefined;
}

export interface PhotoFailure {
  readonly id: string;
  readonly code: ClipErrorCode;
  readonly message: string;
}

export interface AddResult {
  /** Embedded (or copied from a photo with the same bytes) and stored. */
  readonly added: string[];
  /** Already indexed with the same bytes by this model: nothing done. */
  readonly unchanged: string[];
  readonly failed: PhotoFailure[];
}

export interface PhotoHit {
  readonly id: string;
  /** Cosine similarity. */
  readonly score: number;
}

export interface TagOptions {
  /** Tags to score; default the library's DEFAULT_TAGS. */
  readonly vocabulary?: readonly string[];
  readonly topK?: number;
  /** Calibrated score (0…1) a tag needs; see src/core/tags/tag-scores.ts. */
  readonly threshold?: number;
}

/** One tag of a photo, with its calibrated score (0…1). */
export interface TagScore {
  readonly tag: string;
  readonly score: number;
}

export interface PhotoTags {
  readonly id: string;
  readonly tags: TagScore[];
}

/** A group of DEFAULT_TAGS (TAG_CATEGORIES). */
export interface TagCategory {
  readonly name: string;
  readonly tags: readonly string[];
}

export interface ImportOptions {
  /** Import under this name instead of the one in the file. */
  readonly name?: string;
}

/**
 * A photo library: persistent (IndexedDB), bound to the model that indexes it. A string given
 * where a photo is expected (`similar`, `tag`) is a photo id of this library; pass an image as a
 * Blob, bitmap, ImageData or element (fetch a URL into a Blob first).
 */
export interface Library {
  readonly name: string;
  info(): Promise<LibraryInfo>;
  /** Adds (or updates) photos; already-indexed bytes cost nothing; failures are listed, not thrown. */
  add(photos: readonly LibraryPhotoInput[], options?: LibraryWorkOptions): Promise<AddResult>;
  /** Removes photos by id; resolves with how many were there. */
  remove(ids: readonly string[]): Promise<number>;
  count(): Promise<number>;
  /** Ids of the searchable photos, unordered. */
  ids(): Promise<string[]>;
  /** Photos ranked by a sentence, best first; `score` is the cosine similarity. */
  search(text: string, options?: { k?: number }): Promise<PhotoHit[]>;
  /** Photos most like one of the library (itself left out) or like any image. */
  similar(idOrImage: string | ImageInput, options?: { k?: number; signal?: AbortSignal }): Promise<PhotoHit[]>;
  /** Tags of a photo or an image, with calibrated scores (0…1), best first. */
  tag(idOrImage: string | ImageInput, options?: TagOptions & { signal?: AbortSignal }): Promise<TagScore[]>;
  /** Tags of every photo. */
  tagAll(options?: TagOptions & LibraryWorkOptions): Promise<PhotoTags[]>;
  /** Groups of near-identical photos (ids): cosine ≥ threshold (default: the model's, `clip.info.duplicateThreshold`), linked in chains. */
  duplicates(options?: { threshold?: number }): Promise<string[][]>;
  /** Photos whose vectors another model made (opened with `allowStale`). */
  staleIds(): Promise<string[]>;
  /** Re-embeds the given photos where their vectors are stale. */
  reindex(photos: readonly LibraryPhotoInput[], options?: LibraryWorkOptions): Promise<AddResult>;
  /** The whole library as one file, for `clip.importLibrary`. */
  export(): Promise<Blob>;
}
