// What crosses from the page to the worker: images in a form postMessage can carry (moved,
// not copied, where the platform allows), and progress events. Shared by client and worker.
import type { ClipErrorCode } from './errors';

/** One image as posted to the worker. */
export type WireImage =
  | { readonly kind: 'blob'; readonly blob: Blob }
  | { readonly kind: 'bitmap'; readonly bitmap: ImageBitmap }
  | { readonly kind: 'pixels'; readonly data: Uint8ClampedArray; readonly width: number; readonly height: number }
  | { readonly kind: 'url'; readonly url: string }
  /** An input the page could not even prepare: it fails alone, in its slot of the batch. */
  | { readonly kind: 'failed'; readonly code: ClipErrorCode; readonly message: string };

export type ProgressPhase = 'download' | 'backend' | 'session' | 'probe' | 'fallback' | 'embed' | 'index' | 'tag';

/** Reported through `onProgress`; `file` and byte counts for downloads, item counts for work. */
export interface ProgressEvent {
  readonly phase: ProgressPhase;
  readonly file?: string;
  readonly loaded?: number;
  readonly total?: number;
  /** Downloads: bytes of every file of this load so far; `total` once every size is known. */
  readonly overall?: { readonly loaded: number; readonly total?: number };
  readonly message?: string;
}

export type ProgressCallback = (event: ProgressEvent) => void;
