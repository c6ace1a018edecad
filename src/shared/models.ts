// The public shapes of models: how `createClip({model})` names one, the registry's entries, and
// what `modelCache` reports about the models stored in IndexedDB.
import type { Dtype } from './clip';

/**
 * A model's family, decided from its files (src/core/model/model-family.ts), never its name:
 * - `clip`: Hugging Face's CLIPModel export; texts padded to the batch's longest; softmax scores.
 * - `mobileclip`: a `clip` model_type whose config.json does not describe a causal text tower;
 *   texts padded to the trained length with its own pad token; softmax scores.
 * - `siglip`, `siglip2`: texts padded to the trained length; a sigmoid per label.
 */
export type ModelFamily = 'clip' | 'mobileclip' | 'siglip' | 'siglip2';

/** One folder: a registry id, a Hub repository, a folder URL, or picked files. */
export type ModelFolder = string | readonly File[] | FileList;

/**
 * An image tower and a text tower from two folders: `text` a text tower trained into the image
 * tower's space (sentence-transformers layout, e.g. clip-ViT-B-32-multilingual-v1 for ViT-B/32).
 */
export interface PairedModel {
  readonly vision: ModelFolder;
  readonly text: ModelFolder;
}

/** What `createClip({model})` accepts: one folder, or an image tower and a text tower. */
export type ModelInput = ModelFolder | PairedModel;

/** Download size in MB of each tower's file at one dtype, as the repository's listing states it. */
export interface TowerSizes {
  readonly vision: number;
  readonly text: number;
}

export interface RegistryModel {
  /** The id `createClip({model})` takes, and the cache's key. */
  readonly id: string;
  /** Hugging Face repository holding the ONNX export (of both towers, or of the image tower of a pair). */
  readonly repo: string;
  /** A pair: the repository of its text tower (sentence-transformers layout), when not `repo`. */
  readonly textRepo?: string;
  readonly family: ModelFamily | 'clip+multilingual-text';
  readonly description: string;
  /** Embedding dimension (config.json's projection_dim, or the graphs' output). */
  readonly dim: number;
  /** Languages its text side was trained on. */
  readonly languages: string;
  /**
   * Dtypes tried, each falling to the next that exists: those whose files a checked listing shows
   * (`sizes`), or for the OpenAI CLIP models every dtype of the layout, as webclip always tried them.
   */
  readonly dtypes: readonly Dtype[];
  /** MB per dtype, from the repositories' file listings (see docs/models.md for where each came from). */
  readonly sizes: Readonly<Partial<Record<Dtype, TowerSizes>>>;
  /** Other large files fetched once (MB): SigLIP 2's 34 MB Gemma tokenizer.json. */
  readonly extraMB?: number;
}

export interface CachedModel {
  readonly id: string;
  /** Where it was downloaded from, or 'local' for files picked from disk. */
  readonly source: string;
  /** Dtypes whose vision and text files are both cached. */
  readonly dtypes: readonly Dtype[];
  readonly files: number;
  readonly bytes: number;
  /** When a load last added files (ms since the epoch). */
  readonly updatedAt: number;
}

export interface CacheUsage {
  readonly models: number;
  /** Bytes of model files webclip holds. */
  readonly bytes: number;
  /** The origin's storage use and quota (navigator.storage.estimate), where the browser says. */
  readonly usage?: number;
  readonly quota?: number;
  readonly persisted?: boolean;
}
