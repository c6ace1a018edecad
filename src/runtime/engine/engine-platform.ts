// What the engine takes from where it runs: the browser's worker (BROWSER_PLATFORM), or Node
// (src/node/engine-platform.ts) with its folders, onnxruntime-node and sharp.
import type { RgbaPixels } from '../../core/image/resample';
import type { ResolvedModel, WireImage } from '../../shared/wire';
import { ModelSessions, type SessionsOptions } from '../backend/model-sessions';
import { decodeWireImage } from '../images/image-decoder';
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

export interface EnginePlatform {
  openStore(model: ResolvedModel, hooks: StoreHooks | undefined): Promise<EngineStore>;
  createSessions(options: SessionsOptions): Promise<EngineSessions>;
  decode(image: WireImage, signal: AbortSignal | undefined): Promise<RgbaPixels>;
  /** Whether a WebGPU start is possible (a start then cannot know its files before the configs). */
  webgpuExists(): boolean;
}

export const BROWSER_PLATFORM: EnginePlatform = {
  openStore: (model, hooks) => ModelStore.open(model.id, model.source, hooks),
  createSessions: (options) => ModelSessions.create(options),
  decode: decodeWireImage,
  webgpuExists: () => 'gpu' in navigator,
};
