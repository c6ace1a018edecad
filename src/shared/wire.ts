// What crosses to the worker besides the public shapes: images postMessage can carry (moved, not
// copied, where it can), library photos, and the model to load.
import type { Device, Dtype } from './clip';
import type { ClipErrorCode } from './errors';

/** One image as posted to the worker. */
export type WireImage =
  | { readonly kind: 'blob'; readonly blob: Blob }
  | { readonly kind: 'bitmap'; readonly bitmap: ImageBitmap }
  | { readonly kind: 'pixels'; readonly data: Uint8ClampedArray; readonly width: number; readonly height: number }
  | { readonly kind: 'url'; readonly url: string }
  /** An input the page could not even prepare: it fails alone, in its slot of the batch. */
  | { readonly kind: 'failed'; readonly code: ClipErrorCode; readonly message: string };

/** A library photo as posted to the worker. */
export interface WirePhoto {
  readonly id: string;
  readonly image: WireImage;
}

/** Where a model's files come from when the cache does not have them. */
export type ModelSource =
  | { readonly kind: 'url'; readonly baseUrl: string }
  /** Files picked from disk, by path in the model folder (e.g. 'onnx/vision_model.onnx'). */
  | { readonly kind: 'files'; readonly files: Readonly<Record<string, Blob>> };

/** A model as the page resolved it (src/core/model/registry.ts): its cache id (the image tower's, for a pair) and source. */
export interface ResolvedModel {
  readonly id: string;
  readonly source: ModelSource;
  /** Known dtypes (registry models); undefined where only the folder can tell. */
  readonly dtypes?: readonly Dtype[];
  /** A pair's text tower, from its own folder; absent when both towers share `source`. */
  readonly text?: ResolvedModel;
}

/** What the page asks the worker to load. */
export interface LoadOptions {
  /** The model's cache id and where its files come from. */
  readonly model: ResolvedModel;
  readonly device: 'auto' | Device;
  readonly dtype: 'auto' | Dtype;
  /** Where ORT's runtime files are served; absent: where ORT finds them itself. */
  readonly wasmBaseUrl?: string;
  readonly numThreads: number;
  /** The towers to start; absent: both. */
  readonly towers?: readonly ('vision' | 'text')[];
}
