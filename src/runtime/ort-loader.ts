// Loads onnxruntime-web's WASM build and points it at the runtime files on our own origin.
import type * as OrtModule from 'onnxruntime-web';

export type Ort = typeof OrtModule;

export interface OrtLoadOptions {
  /** URL of the folder serving ORT's `ort-wasm-*.wasm` / `.mjs` files (ours, never a CDN). */
  wasmBaseUrl: string;
  /** WASM threads; more than 1 only works when the page is crossOriginIsolated. */
  numThreads: number;
}

let loaded: Promise<Ort> | undefined;

export function loadOrt(options: OrtLoadOptions): Promise<Ort> {
  loaded ??= import('onnxruntime-web/wasm').then((ort) => {
    ort.env.wasm.wasmPaths = options.wasmBaseUrl;
    ort.env.wasm.numThreads = options.numThreads;
    ort.env.wasm.simd = true;
    return ort as unknown as Ort;
  });
  return loaded;
}
