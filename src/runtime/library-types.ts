// The shapes a photo library takes and gives, shared by the worker's library and the page's
// client (which imports them as types only).
import type { ClipErrorCode } from '../core/errors';
import type { VectorMaker, VectorStorage } from '../core/library-file';
import type { TagScore } from '../core/tag-scores';
import type { ProgressCallback, WireImage } from '../wire';

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

export interface LibraryInfo extends VectorMaker {
  readonly name: string;
  /** The family of the model that made the photos' vectors (core/model-family.ts). */
  readonly family: string;
  /** The paired text tower that searches them now, when the library is opened with one. */
  readonly textModel?: string;
  readonly dim: number;
  readonly storage: VectorStorage;
  /** Photos searchable now. */
  readonly count: number;
  /** Photos whose vectors another model or preprocessing made: left out until reindexed. */
  readonly stale: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** The search kernel: WebAssembly SIMD, or plain JS where SIMD is missing. */
  readonly kernel: 'wasm-simd' | 'js';
}

export interface LibraryPhoto {
  readonly id: string;
  readonly image: WireImage;
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
  /** Calibrated score (0…1) a tag needs; see src/core/tag-scores.ts. */
  readonly threshold?: number;
}

export interface PhotoTags {
  readonly id: string;
  readonly tags: TagScore[];
}

export interface WorkOptions {
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ProgressCallback | undefined;
}
