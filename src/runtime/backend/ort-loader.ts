// Loads onnxruntime-web once per worker and points it at the runtime files on our own origin.
// The WebGPU bundle only when WebGPU is used: the plain WASM build starts about 2 s faster.
import type * as OrtModule from 'onnxruntime-web';
import { entryModuleUrl, runStackFor } from './ort-run-stack';
import { safeThreadCount } from './ort-threads';

export type Ort = typeof OrtModule;
export type OrtFlavor = 'webgpu' | 'wasm';

export interface OrtLoadOptions {
  /**
   * URL of the folder serving ORT's `ort-wasm-*.wasm` / `.mjs` files (never a CDN by default).
   * Absent: ORT's bundled build finds its .wasm beside its own module (see src/page/ort-files.ts).
   */
  wasmBaseUrl?: string;
  /** WASM threads; more than 1 only works when the page is crossOriginIsolated. */
  numThreads: number;
}

export interface LoadedOrt {
  ort: Ort;
  flavor: OrtFlavor;
  /**
   * The thread count ORT really uses: it reads env.wasm.numThreads once, when it first
   * initializes, so a later load asking for another count gets the first one.
   */
  threads: number;
}

const loads = new Map<OrtFlavor, Promise<LoadedOrt>>();

/**
 * With the "extern wasm" export condition (vite.config.ts), the WebGPU bundle fetches
 * ort-wasm-simd-threaded.asyncify.{mjs,wasm} (ORT 1.30's native WebGPU EP, not the older jsep
 * files) and the WASM bundle ort-wasm-simd-threaded.{mjs,wasm}, both from wasmPaths.
 */
function importFlavor(flavor: OrtFlavor): Promise<Ort> {
  return (flavor === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web/wasm')) as Promise<Ort>;
}

/** The Emscripten build each bundle loads: `<name>.mjs` and `<name>.wasm`. */
const BUILD: Record<OrtFlavor, string> = { webgpu: 'ort-wasm-simd-threaded.asyncify', wasm: 'ort-wasm-simd-threaded' };

/**
 * env.wasm.wasmPaths for the files in `base`: ORT's loader through webclip's entry module where
 * this context can import one (ort-run-stack.ts), else the folder as is.
 */
async function wasmPaths(flavor: OrtFlavor, base: string): Promise<string | { mjs: string; wasm: string }> {
  let loader: URL;
  try {
    loader = new URL(`${BUILD[flavor]}.mjs`, base);
  } catch {
    return base; // a relative folder (webclip/node): ORT resolves it itself
  }
  // ORT copies a loader from another origin into a blob: URL first, or its threads (workers
  // started from the loader's URL) could not start: that loader is left to ORT.
  if (loader.origin !== globalThis.location?.origin) return base;
  const entry = await entryModuleUrl(loader.href, flavor);
  return entry ? { mjs: entry, wasm: new URL(`${BUILD[flavor]}.wasm`, base).href } : base;
}

/**
 * ORT for `flavor`. Asking for WASM when the WebGPU bundle is already loaded returns that one:
 * its WASM execution provider is the same, and two instances would each keep a thread pool
 * and a copy of the runtime in one worker.
 */
export function loadOrt(flavor: OrtFlavor, options: OrtLoadOptions): Promise<LoadedOrt> {
  const existing = loads.get(flavor) ?? (flavor === 'wasm' ? loads.get('webgpu') : undefined);
  if (existing) return existing;
  const { wasmBaseUrl } = options;
  const paths = wasmBaseUrl === undefined ? undefined : wasmPaths(flavor, wasmBaseUrl);
  const load = Promise.all([importFlavor(flavor), safeThreadCount(options.numThreads), paths]).then(([ort, threads, wasmPaths]): LoadedOrt => {
    if (wasmPaths !== undefined) ort.env.wasm.wasmPaths = wasmPaths;
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.simd = true;
    // ORT warns on every session that shape ops stay on the CPU, which is by design.
    ort.env.logLevel = 'error';
    runStackFor(flavor, ort);
    return { ort, flavor, threads };
  });
  loads.set(flavor, load);
  load.catch(() => loads.delete(flavor));
  return load;
}
