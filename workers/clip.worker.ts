// The worker entry: owns the engine and exposes it to the page over comlink. Embeddings go
// back as transferred buffers, not copies.
import * as Comlink from 'comlink';
import { ClipError } from '../src/core/errors';
import { ClipEngine, type EngineInfo, type EngineOptions } from '../src/runtime/engine';
import { installTransferHandlers } from '../src/transfer-handlers';

installTransferHandlers();

let engine: ClipEngine | undefined;

function ready(): ClipEngine {
  if (!engine) throw new ClipError('INTERNAL', 'the model is not loaded yet');
  return engine;
}

const transferred = (vectors: Float32Array[]): Float32Array[] =>
  Comlink.transfer(vectors, vectors.map((v) => v.buffer as ArrayBuffer));

const api = {
  async load(options: Omit<EngineOptions, 'signal'>): Promise<EngineInfo> {
    await engine?.dispose();
    engine = undefined;
    engine = await ClipEngine.load(options);
    return engine.info;
  },
  async embedTexts(texts: string[]): Promise<Float32Array[]> {
    return transferred(await ready().embedTexts(texts));
  },
  async embedImages(images: Blob[]): Promise<Float32Array[]> {
    return transferred(await ready().embedImages(images));
  },
  async dispose(): Promise<void> {
    await engine?.dispose();
    engine = undefined;
  },
};

export type WorkerApi = typeof api;

Comlink.expose(api);
