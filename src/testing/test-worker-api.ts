// What webclip's own tests add to the worker API (never part of the package): faults given at
// load, and calls that watch and break the engine. Served by clip-test.worker.ts.
import type { SessionTestHooks } from '../runtime/backend/model-sessions';
import type { StoreHooks } from '../runtime/model-store/model-store';
import type { LoadOptions } from '../shared/wire';
import type { WorkerApi } from '../shared/worker-api';

/** Faults injected on purpose: wrong WebGPU results, a full disk, small chunks, no cache, fast retries. */
export type TestHooks = SessionTestHooks & StoreHooks;

export interface TestLoadOptions extends LoadOptions {
  readonly testHooks?: TestHooks;
}

export interface TestWorkerApi extends WorkerApi {
  /** Label embeddings held by the engine's label cache. */
  cachedLabels(): Promise<number>;
  /** Texts the engine has run through the text tower since the load. */
  encodedTexts(): Promise<number>;
  /** The most images the engine held decoded at once since the last call of this. */
  peakHeldImages(): Promise<number>;
  /** The next `count` library write transactions fail as a full disk would. */
  failLibraryWrites(count: number): Promise<void>;
  /** Makes the worker close itself, as a fatal error would. */
  exit(): Promise<void>;
  /** Loses the GPU device as a driver reset would. */
  loseDevice(): Promise<void>;
  /** The WASM build's run stack (ort-run-stack.ts): whether ORT's module was caught, its moves. */
  ortRunStack(): Promise<{ active: boolean; step: number; moved: number } | undefined>;
}
