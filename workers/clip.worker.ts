// The worker entry: owns the engine and exposes it to the page over comlink. Every answer
// carries the engine's current info (a WebGPU fallback can change it mid-call), and
// embeddings go back as transferred buffers, not copies.
import * as Comlink from 'comlink';
import { ClipError } from '../src/core/errors';
import type { LabelScore } from '../src/core/classify';
import { ClipEngine, type EngineInfo, type EngineOptions } from '../src/runtime/engine';
import { installTransferHandlers } from '../src/transfer-handlers';
import type { ProgressCallback, WireImage } from '../src/wire';

installTransferHandlers();

let engine: ClipEngine | undefined;

function ready(): ClipEngine {
  if (!engine) throw new ClipError('INTERNAL', 'the model is not loaded yet');
  return engine;
}

/** A result with the info it was computed under. */
export interface Answer<T> {
  value: T;
  info: EngineInfo;
}

function answer<T>(value: T, transfer: Transferable[] = []): Answer<T> {
  return Comlink.transfer({ value, info: ready().info }, transfer);
}

/** Frees the page-side end of a per-call callback proxy (comlink keeps its port open otherwise). */
function release(callback: ProgressCallback | undefined): void {
  (callback as Partial<Comlink.Remote<ProgressCallback>> | undefined)?.[Comlink.releaseProxy]?.();
}

const buffersOf = (vectors: Float32Array[]): ArrayBuffer[] => vectors.map((v) => v.buffer as ArrayBuffer);

const api = {
  async load(options: EngineOptions, signal?: AbortSignal, onProgress?: ProgressCallback): Promise<EngineInfo> {
    await engine?.dispose();
    engine = undefined;
    engine = await ClipEngine.load(options, { signal, onProgress });
    return engine.info;
  },
  async embedTexts(texts: string[], signal?: AbortSignal): Promise<Answer<Float32Array[]>> {
    const vectors = await ready().embedTexts(texts, { signal });
    return answer(vectors, buffersOf(vectors));
  },
  async embedImages(images: WireImage[], signal?: AbortSignal, onProgress?: ProgressCallback): Promise<Answer<Float32Array[]>> {
    try {
      const vectors = await ready().embedImages(images, { signal, onProgress });
      return answer(vectors, buffersOf(vectors));
    } finally {
      release(onProgress);
    }
  },
  async classify(
    image: WireImage,
    labels: string[],
    templates?: string[],
    signal?: AbortSignal,
  ): Promise<Answer<LabelScore[]>> {
    return answer(await ready().classify(image, labels, { templates, signal }));
  },
  async cachedLabels(): Promise<number> {
    return ready().cachedLabels;
  },
  /** Test hook: loses the GPU device as a driver reset would. */
  async loseDeviceForTest(): Promise<void> {
    await ready().loseDeviceForTest();
  },
  async dispose(): Promise<void> {
    await engine?.dispose();
    engine = undefined;
  },
};

export type WorkerApi = typeof api;

Comlink.expose(api);
