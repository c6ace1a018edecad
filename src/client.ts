// The page side: starts the worker, loads a model in it, and forwards calls over comlink.
import * as Comlink from 'comlink';
import type { WorkerApi } from '../workers/clip.worker';
import type { Dtype, EngineInfo } from './runtime/engine';
import { installTransferHandlers } from './transfer-handlers';

export type { Dtype, EngineInfo as ClipInfo };

export interface ClipOptions {
  /** Base URL of a model folder in Hugging Face's ONNX layout (config.json, onnx/…). */
  model: string;
  dtype?: Dtype;
  /** Where onnxruntime-web's .wasm/.mjs files are served; defaults to `<site base>/ort/`. */
  ortUrl?: string;
}

export interface Clip {
  readonly info: EngineInfo;
  /** L2-normalized image embeddings, one per image, in order. */
  embedImages(images: readonly Blob[]): Promise<Float32Array[]>;
  /** L2-normalized text embeddings, one per text, in order. */
  embedTexts(texts: readonly string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

function defaultOrtUrl(): string {
  return new URL(`${import.meta.env.BASE_URL}ort/`, location.href).href;
}

function threadCount(): number {
  // Threads need SharedArrayBuffer, which needs crossOriginIsolated; ORT's default (half the
  // cores) leaves a 2-core machine on one thread, so choose ourselves.
  if (!globalThis.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
}

export async function createClip(options: ClipOptions): Promise<Clip> {
  installTransferHandlers();
  const worker = new Worker(new URL('../workers/clip.worker.ts', import.meta.url), { type: 'module', name: 'webclip' });
  const remote = Comlink.wrap<WorkerApi>(worker);
  let info: EngineInfo;
  try {
    info = await remote.load({
      model: new URL(options.model, location.href).href,
      dtype: options.dtype ?? 'q8',
      wasmBaseUrl: options.ortUrl ?? defaultOrtUrl(),
      numThreads: threadCount(),
    });
  } catch (error) {
    worker.terminate();
    throw error;
  }
  return {
    info,
    embedImages: (images) => remote.embedImages([...images]),
    embedTexts: (texts) => remote.embedTexts([...texts]),
    async dispose() {
      await remote.dispose();
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
