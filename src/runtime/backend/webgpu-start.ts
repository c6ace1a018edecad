// Starting both towers on WebGPU: the dtype, the sessions, then the probe (which also compiles
// the shaders) against WASM unless a verdict is remembered; any failure is a reason to fall back.
import { dtypeCandidates, probeReferenceDtypes } from '../../core/model/dtype-choice';
import type { Dtype } from '../../shared/clip';
import type { Tower } from '../../core/model/model-files';
import { abortError, ClipError, isClipError } from '../../shared/errors';
import { probeInputs, specialIds, type ProbeInputs } from '../../core/model/webgpu-probe-input';
import {
  buildBackend,
  describeError,
  readFirstAvailable,
  releaseBackend,
  type Backend,
  type ModelFileReader,
  type TowerFiles,
} from './backend-build';
import { openDevice, type FoundAdapter, type GpuDevice } from './gpu-adapter';
import { loadOrt, type LoadedOrt } from './ort-loader';
import { compareProbe, embedProbe, type ProbeComparison, type ProbeEmbeddings, type TowerRunner } from './webgpu-probe';
import { readVerdict, writeVerdict, type VerdictKey } from './webgpu-probe-verdicts';

export interface ProbeInfo {
  /** 'compared': WebGPU was checked against WASM at this start; 'remembered': an earlier start's verdict. */
  source: 'compared' | 'remembered';
  /** Cosine of WebGPU against WASM on the probe input, per tower. */
  vision: number;
  text: number;
  /** The dtype WASM ran for the comparison. */
  reference: Dtype;
}

export type WebGpuStart = { backend: Backend; loaded: LoadedOrt; probe?: ProbeInfo } | { fallbackReason: string };

export interface WebGpuStartOptions {
  files: ModelFileReader;
  modelId: string;
  config: unknown;
  dtype: 'auto' | Dtype;
  wasmBaseUrl?: string;
  numThreads: number;
  signal?: AbortSignal;
  hooks?: { corruptWebGpuOutput?: boolean };
  towers?: readonly Tower[];
}

type Status = (phase: 'session' | 'probe', message: string) => void;

/** A bad verdict is not forever: drivers and browsers get fixed. */
const VERDICT_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

/** Turns a WebGPU result into a wrong one (SessionTestHooks.corruptWebGpuOutput): reversed and negated. */
export function corrupt(block: Float32Array): Float32Array {
  return block.map((_, i) => -block[block.length - 1 - i]!);
}

export async function startWebGpu(options: WebGpuStartOptions, found: FoundAdapter, status: Status): Promise<WebGpuStart> {
  const { signal } = options;
  const hooked = options.hooks?.corruptWebGpuOutput === true;
  const candidates = dtypeCandidates({ device: 'webgpu', dtype: options.dtype, shaderF16: found.summary.shaderF16 });
  let loaded: LoadedOrt;
  let gpu: GpuDevice;
  try {
    loaded = await loadOrt('webgpu', options);
    gpu = await openDevice(found);
  } catch (error) {
    return { fallbackReason: `WebGPU could not start: ${describeError(error)}` };
  }
  let files: TowerFiles;
  try {
    files = await readFirstAvailable(options.files, candidates, signal, options.towers);
  } catch (error) {
    if (options.dtype !== 'auto' || !isClipError(error, 'MODEL_NOT_FOUND')) throw error;
    const tried = candidates.join(', ');
    return { fallbackReason: `the model has none of the files WebGPU runs (${tried}; int8 has no WebGPU kernels)` };
  }
  if (signal?.aborted) throw abortError(signal, 'loading the model');

  const key: VerdictKey = {
    adapter: found.summary,
    modelId: options.modelId,
    dtype: files.dtype,
    ortVersion: loaded.ort.env.versions.web ?? '',
  };
  // With the corrupting hook on, a stored "ok" would hide exactly what the test wants caught.
  const stored = hooked ? undefined : await readVerdict(key);
  const remembered = stored && Date.now() - stored.at < VERDICT_MAX_AGE_MS ? stored : undefined;
  if (remembered && !remembered.ok) {
    return { fallbackReason: `${remembered.reason ?? 'WebGPU disagreed with WASM'} (remembered from an earlier start)` };
  }

  status('session', `building the ${files.dtype} sessions on WebGPU`);
  const eos = BigInt(specialIds(options.config).eos);
  let backend: Backend;
  try {
    backend = await buildBackend({ ort: loaded.ort, device: 'webgpu', gpu, files, eos });
  } catch (error) {
    if (error instanceof ClipError) throw error;
    return { fallbackReason: `building the ${files.dtype} sessions on WebGPU failed: ${describeError(error)}` };
  }

  const inputs = probeInputs(options.config);
  const runGpu: TowerRunner = async (tower, data, dims) => {
    const out = await backend[tower].run(data, dims);
    return hooked ? corrupt(out) : out;
  };
  let outcome: WebGpuStart;
  try {
    status(
      'probe',
      remembered ? 'WebGPU verified on an earlier start; warming up its shaders' : 'checking WebGPU against WASM on a probe input',
    );
    const gpuOut = await embedProbe(runGpu, inputs, options.towers);
    if (remembered) {
      const { vision, text, reference } = remembered;
      return { backend, loaded, probe: { source: 'remembered', vision, text, reference } };
    }
    if (signal?.aborted) throw abortError(signal, 'loading the model');
    const checked = await compareWithWasm(options, loaded, files, inputs, gpuOut);
    if (!checked) {
      status('probe', 'no WASM reference could run; WebGPU is used unverified');
      return { backend, loaded };
    }
    const { comparison, reference } = checked;
    const { vision, text } = comparison;
    status('probe', `WebGPU vs WASM (${reference}): cosine vision ${vision.toFixed(5)}, text ${text.toFixed(5)}`);
    if (!hooked) {
      await writeVerdict(key, {
        ok: comparison.ok,
        vision: comparison.vision,
        text: comparison.text,
        reference,
        ...(comparison.reason === undefined ? {} : { reason: comparison.reason }),
        at: Date.now(),
      });
    }
    outcome = comparison.ok
      ? { backend, loaded, probe: { source: 'compared', vision: comparison.vision, text: comparison.text, reference } }
      : { fallbackReason: comparison.reason ?? 'WebGPU disagreed with WASM' };
  } catch (error) {
    if (isClipError(error, 'ABORTED') || isClipError(error, 'MODEL_INCOMPATIBLE')) {
      await releaseBackend(backend);
      throw error;
    }
    outcome = { fallbackReason: `the WebGPU probe run failed: ${describeError(error)}` };
  }
  if ('fallbackReason' in outcome) {
    // Never run these sessions again: after a failure the GPU may be gone (see encoder.ts).
    backend.vision.retire(outcome.fallbackReason);
    backend.text.retire(outcome.fallbackReason);
    await releaseBackend(backend);
  }
  return outcome;
}

/**
 * The probe on WASM, in the same ORT instance, with the reference dtype (core/model/dtype-choice.ts);
 * undefined when no reference can run (no file, or WASM cannot build it): WebGPU is then
 * the only way to run the model at all.
 */
async function compareWithWasm(
  options: WebGpuStartOptions,
  loaded: LoadedOrt,
  files: TowerFiles,
  inputs: ProbeInputs,
  gpuOut: ProbeEmbeddings,
): Promise<{ comparison: ProbeComparison; reference: Dtype } | undefined> {
  const wanted = probeReferenceDtypes(files.dtype);
  let refFiles: TowerFiles;
  if (wanted[0] === files.dtype) {
    refFiles = files;
  } else {
    try {
      refFiles = await readFirstAvailable(options.files, wanted, options.signal, options.towers);
    } catch (error) {
      if (isClipError(error, 'MODEL_NOT_FOUND')) return undefined;
      throw error;
    }
  }
  let reference: Backend;
  try {
    const eos = BigInt(specialIds(options.config).eos);
    reference = await buildBackend({ ort: loaded.ort, device: 'wasm', files: refFiles, eos });
  } catch (error) {
    if (isClipError(error, 'MODEL_INCOMPATIBLE')) throw error;
    return undefined;
  }
  try {
    const wasmOut = await embedProbe((tower, data, dims) => reference[tower].run(data, dims), inputs, options.towers);
    return { comparison: compareProbe(gpuOut, wasmOut, files.dtype, refFiles.dtype), reference: refFiles.dtype };
  } catch {
    return undefined;
  } finally {
    await releaseBackend(reference);
  }
}
