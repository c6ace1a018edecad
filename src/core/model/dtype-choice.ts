// Which model file (dtype) each backend tries, in order. Pure rules, no browser:
// src/runtime/backend/model-sessions.ts applies them to the files that exist.
import type { Device, Dtype } from '../../shared/clip';
import { ClipError } from '../../shared/errors';

/** Dtypes whose arithmetic needs the `shader-f16` feature on WebGPU. */
export const needsShaderF16 = (dtype: Dtype): boolean => dtype === 'fp16' || dtype === 'q4f16';

/**
 * Dtypes the WASM backend runs well. ORT's CPU kernels cover fp32, int8 (MatMulInteger) and
 * MatMulNBits; fp16 graphs would run through casts at best, so they are never a WASM choice.
 */
export const runsOnWasm = (dtype: Dtype): boolean => dtype === 'fp32' || dtype === 'q8' || dtype === 'q4';

export interface DtypeRequest {
  device: Device;
  dtype: 'auto' | Dtype;
  /** Whether the WebGPU adapter has `shader-f16` (ignored for WASM). */
  shaderF16: boolean;
}

/**
 * The dtypes to try, best first; the caller takes the first whose files exist. An explicit dtype
 * is the only candidate (its file missing is MODEL_NOT_FOUND, not a silent substitute).
 * Throws UNSUPPORTED for combinations that would be wrong or secretly slow.
 */
export function dtypeCandidates({ device, dtype, shaderF16 }: DtypeRequest): Dtype[] {
  // onnxruntime-node's CPU kernels (webclip/node) run what WASM runs, and as well.
  if (device === 'wasm' || device === 'cpu') return dtype === 'auto' ? ['q8', 'q4', 'fp32'] : [dtype];
  if (dtype === 'q8') {
    throw new ClipError(
      'UNSUPPORTED',
      "dtype 'q8' (int8, MatMulInteger) cannot run on WebGPU: the WebGPU execution provider has no " +
        "MatMulInteger kernel, so ORT would silently run those nodes on the CPU. Use 'q4' on WebGPU, or 'q8' on WASM.",
    );
  }
  if (dtype !== 'auto') {
    if (needsShaderF16(dtype) && !shaderF16) {
      throw new ClipError(
        'UNSUPPORTED',
        `dtype '${dtype}' needs the WebGPU feature 'shader-f16', which this adapter lacks; use 'q4' or 'fp32'`,
      );
    }
    return [dtype];
  }
  // int8 is never a WebGPU candidate (see above), not even as the last resort.
  return shaderF16 ? ['q4f16', 'q4', 'fp16', 'fp32'] : ['q4', 'fp32'];
}

/**
 * The WASM dtypes a WebGPU result is checked against, best first. Like is compared with like:
 * q4 runs the very same file on WASM (its MatMulNBits has a CPU kernel). WASM cannot run fp16
 * arithmetic, so q4f16 is checked against q4 (same 4-bit weights, fp32 activations) and fp16
 * against fp32; both stay far above the 0.99 threshold when the GPU is right. fp32 is the last
 * resort for every dtype, for models published without a q4 file.
 */
export function probeReferenceDtypes(webgpuDtype: Dtype): Dtype[] {
  switch (webgpuDtype) {
    case 'q4':
    case 'q4f16':
      return ['q4', 'fp32'];
    case 'q8':
      return ['q8', 'fp32'];
    case 'fp16':
    case 'fp32':
      return ['fp32'];
  }
}

/**
 * The dtypes WASM tries after a fallback from WebGPU: an explicitly asked dtype is kept when
 * WASM can run it (the caller's embeddings stay comparable), else WASM's own choice.
 */
export function wasmFallbackCandidates(requested: 'auto' | Dtype): Dtype[] {
  if (requested !== 'auto' && runsOnWasm(requested)) return [requested];
  return dtypeCandidates({ device: 'wasm', dtype: 'auto', shaderF16: false });
}
