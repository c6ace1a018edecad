// What the engine takes from where it runs: the browser's worker (BROWSER_PLATFORM), or Node
// (src/node/engine-platform.ts) with its folders, onnxruntime-node and sharp.
import type { PreprocessorConfig } from '../../core/image/preprocess';
import type { RgbaPixels } from '../../core/image/resample';
import type { ResolvedModel, WireImage } from '../../shared/wire';
import { ModelSessions, type SessionsOptions } from '../backend/model-sessions';
import { decodeWireImage } from '../images/image-decoder';
import type { BlobDigest } from '../images/image-identity';
import { ModelStore, type ReadOptions, type StoreHooks } from '../model-store/model-store';

/** A model's files as the engine reads them: ModelStore (IndexedDB) here, folders in webclip/node. */
export type EngineStore = Pick<
  ModelStore,
  'prefetch' | 'dropPrefetched' | 'read' | 'readOptional' | 'has' | 'sizeOf' | 'sha256Of' | 'commit' | 'discard'
> & {
  /** Node's stores: the file checked (or fetched) as `read` does, as a path on disk (ModelFileReader.locate). */
  locate?(path: string, options?: ReadOptions): Promise<string>;
};

/** The towers as the engine runs them: ModelSessions here, onnxruntime-node's in webclip/node. */
export type EngineSessions = Pick<ModelSessions, 'info' | 'declaredDim' | 'runVision' | 'runText' | 'dispose'>;

/** One preprocessed image: a float32 [3, height, width] tensor. */
export interface ImageTensor {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
}

/** Decoding and preprocessing as one step, somewhere else than the engine's thread. */
export interface ImagePreparer {
  prepare(image: WireImage, config: PreprocessorConfig, signal: AbortSignal | undefined): Promise<ImageTensor>;
  /** The model's preprocessing, known before its sessions are built: work ahead may start. */
  begin?(config: PreprocessorConfig): Promise<void>;
  /** Images the engine hands it at once (what keeps its threads busy; each waiting one is only a reference). */
  readonly slots: number;
}

export interface EnginePlatform {
  openStore(model: ResolvedModel, hooks: StoreHooks | undefined): Promise<EngineStore>;
  createSessions(options: SessionsOptions): Promise<EngineSessions>;
  decode(image: WireImage, signal: AbortSignal | undefined): Promise<RgbaPixels>;
  /**
   * webclip/node's worker threads (onnxruntime-node runs a batch synchronously on the engine's
   * thread, which would stall preprocessing done there). Without it the engine decodes with
   * `decode` and preprocesses on its own thread.
   */
  preparer?: ImagePreparer;
  /** How a library hashes a photo's Blob (image-identity.ts): webclip/node streams it. */
  digest?: BlobDigest;
  /** Whether a WebGPU start is possible (a start then cannot know its files before the configs). */
  webgpuExists(): boolean;
}

export const BROWSER_PLATFORM: EnginePlatform = {
  openStore: (model, hooks) => ModelStore.open(model.id, model.source, hooks),
  createSessions: (options) => ModelSessions.create(options),
  decode: decodeWireImage,
  webgpuExists: () => 'gpu' in navigator,
};
