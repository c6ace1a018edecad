// The pure rules behind backend and dtype choice (src/core/model/dtype-choice.ts) and the probe's
// verdict (src/runtime/backend/webgpu-probe.ts compareProbe): which files each backend tries, what is refused.
import { describe, expect, it } from 'vitest';
import { dtypeCandidates, probeReferenceDtypes, wasmFallbackCandidates } from '../../../src/core/model/dtype-choice';
import { isSoftwareAdapter, type AdapterIdentity } from '../../../src/core/model/software-adapter';
import { modelFile } from '../../../src/core/model/model-files';
import { ClipError } from '../../../src/shared/errors';
import { compareProbe, PROBE_MIN_COSINE } from '../../../src/runtime/backend/webgpu-probe';

const thrown = (fn: () => unknown): ClipError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ClipError) return error;
    throw error;
  }
  throw new Error('did not throw');
};

describe('model file names', () => {
  it('follow the Hugging Face ONNX layout', () => {
    expect(modelFile('vision', 'fp32')).toBe('onnx/vision_model.onnx');
    expect(modelFile('text', 'fp16')).toBe('onnx/text_model_fp16.onnx');
    expect(modelFile('vision', 'q8')).toBe('onnx/vision_model_quantized.onnx');
    expect(modelFile('text', 'q4')).toBe('onnx/text_model_q4.onnx');
    expect(modelFile('vision', 'q4f16')).toBe('onnx/vision_model_q4f16.onnx');
  });
});

describe('dtype candidates', () => {
  it('auto on WebGPU: q4f16 first with shader-f16, else q4; never int8', () => {
    expect(dtypeCandidates({ device: 'webgpu', dtype: 'auto', shaderF16: true })).toEqual(['q4f16', 'q4', 'fp16', 'fp32']);
    expect(dtypeCandidates({ device: 'webgpu', dtype: 'auto', shaderF16: false })).toEqual(['q4', 'fp32']);
  });

  it('auto on WASM: q8, then q4, then fp32', () => {
    expect(dtypeCandidates({ device: 'wasm', dtype: 'auto', shaderF16: true })).toEqual(['q8', 'q4', 'fp32']);
  });

  it('an explicit dtype is the only candidate', () => {
    expect(dtypeCandidates({ device: 'wasm', dtype: 'fp16', shaderF16: false })).toEqual(['fp16']);
    expect(dtypeCandidates({ device: 'webgpu', dtype: 'fp32', shaderF16: false })).toEqual(['fp32']);
    expect(dtypeCandidates({ device: 'webgpu', dtype: 'q4f16', shaderF16: true })).toEqual(['q4f16']);
  });

  it('int8 on WebGPU is UNSUPPORTED, saying why', () => {
    const error = thrown(() => dtypeCandidates({ device: 'webgpu', dtype: 'q8', shaderF16: true }));
    expect(error.code).toBe('UNSUPPORTED');
    expect(error.message).toMatch(/MatMulInteger.*CPU/);
  });

  it('f16 dtypes on an adapter without shader-f16 are UNSUPPORTED', () => {
    for (const dtype of ['fp16', 'q4f16'] as const) {
      expect(thrown(() => dtypeCandidates({ device: 'webgpu', dtype, shaderF16: false })).message).toMatch(/shader-f16/);
    }
  });

  it('after a fallback, WASM keeps an asked dtype it can run, else chooses its own', () => {
    expect(wasmFallbackCandidates('q4')).toEqual(['q4']);
    expect(wasmFallbackCandidates('fp32')).toEqual(['fp32']);
    expect(wasmFallbackCandidates('q4f16')).toEqual(['q8', 'q4', 'fp32']);
    expect(wasmFallbackCandidates('auto')).toEqual(['q8', 'q4', 'fp32']);
  });

  it('the probe compares like with like: the same q4 file, f16 against its fp32-activation kin', () => {
    expect(probeReferenceDtypes('q4')).toEqual(['q4', 'fp32']);
    expect(probeReferenceDtypes('q4f16')).toEqual(['q4', 'fp32']);
    expect(probeReferenceDtypes('fp16')).toEqual(['fp32']);
    expect(probeReferenceDtypes('fp32')).toEqual(['fp32']);
  });
});

describe('software adapters', () => {
  const hardware: AdapterIdentity = { vendor: 'nvidia', architecture: 'ampere', device: '', description: '', isFallbackAdapter: false };
  it('SwiftShader and fallback adapters are software; real GPUs are not', () => {
    expect(isSoftwareAdapter(hardware)).toBe(false);
    expect(isSoftwareAdapter({ ...hardware, isFallbackAdapter: true })).toBe(true);
    // Chromium 156 headless with --enable-unsafe-webgpu: what the e2e tests see.
    expect(isSoftwareAdapter({ ...hardware, vendor: 'google', architecture: 'swiftshader' })).toBe(true);
    expect(isSoftwareAdapter({ ...hardware, vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter({ ...hardware, description: 'Microsoft Basic Render Driver' })).toBe(true);
  });
});

describe('probe comparison', () => {
  const v = (...xs: number[]) => Float32Array.from(xs);
  const gpu = { vision: v(1, 2, 3), text: v(0.5, -1, 2) };

  it('agrees above the threshold', () => {
    const result = compareProbe(gpu, { vision: v(1, 2, 3.001), text: v(0.5, -1, 2) }, 'q4', 'q4');
    expect(result.ok).toBe(true);
    expect(result.vision).toBeGreaterThan(0.9999);
    expect(result.reason).toBeUndefined();
  });

  it('a negated vector, a NaN or a length mismatch is a disagreement naming the tower', () => {
    const negated = compareProbe(gpu, { vision: v(-1, -2, -3), text: gpu.text }, 'q4', 'q4');
    expect(negated.ok).toBe(false);
    expect(negated.reason).toMatch(/vision -1\.0000/);
    expect(negated.reason).not.toMatch(/text/);
    expect(compareProbe({ ...gpu, text: v(NaN, 1, 1) }, gpu, 'q4f16', 'q4').reason).toMatch(/q4f16 on WebGPU vs q4 on WASM.*text -1/);
    expect(compareProbe({ ...gpu, vision: v(1, 2) }, gpu, 'fp32', 'fp32').ok).toBe(false);
  });

  it('the threshold is 0.99', () => {
    expect(PROBE_MIN_COSINE).toBe(0.99);
  });
});
