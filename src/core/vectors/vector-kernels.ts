// The search kernels VectorIndex scores with: the WebAssembly SIMD module (vector-kernels.wat,
// compiled into vector-kernels-wasm.ts) where the engine validates it, plain JS otherwise.
import { VECTOR_KERNELS_WASM_BASE64 } from './vector-kernels-wasm';

export interface Kernels {
  readonly memory: WebAssembly.Memory;
  score_f32(query: number, rows: number, n: number, strideFloats: number, out: number): void;
  score_i8(query: number, queryScale: number, rows: number, scales: number, n: number, strideBytes: number, out: number): void;
}

let kernelModule: Promise<WebAssembly.Module | undefined> | undefined;

/** The compiled kernel module, or undefined where this engine lacks WebAssembly SIMD. */
export function loadKernelModule(): Promise<WebAssembly.Module | undefined> {
  kernelModule ??= (async () => {
    if (typeof WebAssembly !== 'object') return undefined;
    const binary = atob(VECTOR_KERNELS_WASM_BASE64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return WebAssembly.validate(bytes) ? WebAssembly.compile(bytes) : undefined;
  })();
  return kernelModule;
}

/** The WASM kernel's float32 scores in plain JS (same answers within float tolerance). */
export function scoreF32Js(query: Float32Array, rows: Float32Array, n: number, dim: number, stride: number, out: Float32Array): void {
  for (let r = 0, at = 0; r < n; r++, at += stride) {
    let s = 0;
    for (let i = 0; i < dim; i++) s += query[i]! * rows[at + i]!;
    out[r] = s;
  }
}

/** Bit for bit the WASM kernel's int8 scores: an exact integer dot, then two float32 products. */
export function scoreI8Js(query: Int16Array, queryScale: number, rows: Int8Array, scales: Float32Array, n: number, dim: number, stride: number, out: Float32Array): void {
  const qs = Math.fround(queryScale);
  for (let r = 0, at = 0; r < n; r++, at += stride) {
    let s = 0;
    for (let i = 0; i < dim; i++) s += query[i]! * rows[at + i]!;
    out[r] = Math.fround(Math.fround(s) * scales[r]!) * qs;
  }
}
