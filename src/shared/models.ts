// The public shapes of models: how `createClip({model})` names one, the registry's entries, and
// what `modelCache` reports about the models stored in IndexedDB.
import type { Dtype } from './clip';

/** What `createClip({model})` accepts: a registry id, a Hub repository, a folder URL, picked files. */
export type ModelInput = string | readonly File[] | FileList;

export interface RegistryModel {
  /** The id `createClip({model})` takes, and the cache's key. */
  readonly id: string;
  /** Hugging Face repository holding the ONNX export. */
  readonly repo: string;
  readonly description: string;
  /** Embedding dimension (config.json's projection_dim). */
  readonly dim: number;
  /** Dtypes whose vision and text files the repository has. */
  readonly dtypes: readonly Dtype[];
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
