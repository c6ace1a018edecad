// The public shapes of webclip/node: the browser's Clip and Library, with Node's image inputs
// (paths, bytes, Blobs, pixels), model sources (folders, the cache folder) and library files.
import type { ClipInfo, Dtype, EmbedOptions, LabelOptions, LabelScore, TextEmbeddings } from '../shared/clip';
import type { ImportOptions, Library, LibraryOptions, LibrarySummary, LibraryWorkOptions, AddResult, PhotoHit, TagOptions, TagScore } from '../shared/library';
import type { ProgressCallback } from '../shared/progress';
import type { NodeImageInput } from './images/image-input';

export type { NodeImageInput } from './images/image-input';

/** A tower of the model: a Clip started with `towers: ['text']` only searches and embeds texts. */
export type Tower = 'vision' | 'text';

export interface NodeClipOptions {
  /**
   * A registry id (default 'Xenova/clip-vit-base-patch32'), a Hub repository, an http(s) folder
   * URL (each downloaded once into `cacheDir`), or a model folder on disk (read in place).
   */
  model?: string;
  /**
   * The model's id as libraries record it. A page imports a library only when it loads the model
   * under the same id: give the id the page will use (a registry id, or the URL it serves the
   * folder at). Default: the registry id or URL, or the folder's file: URL.
   */
  modelId?: string;
  /** 'auto' (default) and 'cpu': onnxruntime-node's native CPU kernels; 'wasm': onnxruntime-web's (the browser's exact numbers). */
  device?: 'auto' | 'cpu' | 'wasm';
  /** 'auto' (default): q8, else q4, else fp32 — the first the model has. */
  dtype?: 'auto' | Dtype;
  /** The towers to start (default both). A text-only Clip searches libraries without the image tower. */
  towers?: readonly Tower[];
  /** Where downloaded models are kept: default $WEBCLIP_CACHE or ~/.cache/webclip. */
  cacheDir?: string;
  /** Where `library(name)` keeps `<name>.webclip` files: default the working folder. */
  libraryDir?: string;
  /** WASM threads for device 'wasm' (default: the cores, at most 4). */
  threads?: number;
  /**
   * Worker threads that read, decode and preprocess photos while the model embeds others, each
   * with two photos in hand (one decoding, one resampling): default one per two cores, started
   * with the first photo. 0: on the calling thread, between batches.
   */
  imageThreads?: number;
  /**
   * Paths of the first photos this Clip will embed (e.g. a new library's first files): the image
   * threads read, decode and preprocess up to 16 of them while the model loads. A hint: a path
   * never asked for costs its decoding, nothing else.
   */
  prepareAhead?: readonly string[];
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export interface NodeLibraryPhotoInput {
  /** The app's id of the photo (e.g. its path): at most 1024 characters. */
  readonly id: string;
  readonly image: NodeImageInput;
}

/**
 * A photo library kept in one `.webclip` file (the format `clip.importLibrary` reads in a
 * browser). Writes go to memory and reach the file (atomically: a new file renamed over the old)
 * on `flush()`, on `close()`, and every few seconds while photos are added.
 */
export interface NodeLibrary extends Omit<Library, 'add' | 'reindex' | 'similar' | 'tag'> {
  /** The library's file. */
  readonly file: string;
  add(photos: readonly NodeLibraryPhotoInput[], options?: LibraryWorkOptions): Promise<AddResult>;
  reindex(photos: readonly NodeLibraryPhotoInput[], options?: LibraryWorkOptions): Promise<AddResult>;
  similar(idOrImage: string | Exclude<NodeImageInput, string>, options?: { k?: number; signal?: AbortSignal }): Promise<PhotoHit[]>;
  tag(idOrImage: string | Exclude<NodeImageInput, string>, options?: TagOptions & { signal?: AbortSignal }): Promise<TagScore[]>;
  /** Writes what changed to the file now. */
  flush(): Promise<void>;
  /** Flushes and closes the library; its calls reject afterwards. */
  close(): Promise<void>;
}

export interface NodeClip {
  readonly info: ClipInfo;
  embedImages(images: readonly NodeImageInput[], options?: EmbedOptions): Promise<Float32Array[]>;
  embedTexts(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<TextEmbeddings>;
  classify(image: NodeImageInput, labels: readonly string[], options?: LabelOptions): Promise<LabelScore[]>;
  embedLabels(labels: readonly string[], options?: LabelOptions): Promise<Float32Array[]>;
  /**
   * Opens (or creates) a library file: `name` is a path ending in `.webclip`, or a name kept as
   * `<libraryDir>/<name>.webclip`.
   */
  library(name: string, options?: LibraryOptions): Promise<NodeLibrary>;
  /** Checks a library file (made by `webclip index`, `lib.export()` or a browser) and copies it into `libraryDir`. */
  importLibrary(file: string | Blob, options?: ImportOptions): Promise<NodeLibrary>;
  deleteLibrary(name: string): Promise<void>;
  /** The library files in `libraryDir`. */
  libraries(): Promise<LibrarySummary[]>;
  /** Flushes and closes the libraries, frees the model. */
  dispose(): Promise<void>;
}
