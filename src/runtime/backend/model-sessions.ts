// Both towers as ORT sessions on the best backend: WebGPU where a hardware adapter passes the
// probe, else WASM; falls back to WASM when the GPU fails or is lost, re-running the work there.
import { dtypeCandidates, needsShaderF16, wasmFallbackCandidates } from '../../core/model/dtype-choice';
import type { Device, Dtype } from '../../shared/clip';
import type { Tower } from '../../core/model/model-files';
import { abortError, ClipError, isClipError } from '../../shared/errors';
import { specialIds } from '../../core/model/webgpu-probe-input';
import {
  buildBackend,
  describeError,
  readFirstAvailable,
  releaseBackend,
  type Backend,
  type ModelFileReader,
} from './backend-build';
import { textInputError, visionInputError } from './run-inputs';
import { findAdapter, type FoundAdapter, type GpuDevice } from './gpu-adapter';
import type { AdapterSummary } from '../../shared/clip';
import { RetiredEncoderError, warmUpOrt } from './encoder';
import { loadOrt, type LoadedOrt } from './ort-loader';
import { corrupt, startWebGpu, type ProbeInfo } from './webgpu-start';

export interface SessionsInfo {
  /** The backend both towers run on now. */
  device: Device;
  dtype: Dtype;
  /** The WebGPU adapter found, also when not used (then fallbackReason says why); null when none. */
  adapter: AdapterSummary | null;
  /** WASM threads ORT uses (for CPU work on WebGPU too). */
  threads: number;
  /** Why the towers run on WASM although the caller did not ask for WASM. */
  fallbackReason?: string;
  /** How the WebGPU backend in use was verified: compared with WASM at this start, or a remembered verdict. */
  probe?: ProbeInfo;
}

export interface SessionTestHooks {
  /** Makes WebGPU results wrong on purpose; the probe must catch it (and no verdict is trusted or stored). */
  corruptWebGpuOutput?: boolean;
}

export interface SessionStatus {
  phase: 'backend' | 'probe' | 'session' | 'fallback';
  message: string;
}

export interface SessionsOptions {
  files: ModelFileReader;
  /** Stable id of the model (its base URL), for the verdict cache key. */
  modelId: string;
  /** Parsed config.json (bos/eos/vocab/image size for the probe input, eos for attention masks). */
  config: unknown;
  device: 'auto' | Device;
  dtype: 'auto' | Dtype;
  /** Where ORT's .wasm/.mjs files are served (e.g. '/ort/'); absent: where ORT finds them itself. */
  wasmBaseUrl?: string;
  /** WASM threads (1 when not crossOriginIsolated). */
  numThreads: number;
  /** The towers to start (default both): a page that only searches needs the text tower alone. */
  towers?: readonly Tower[];
  /** Cancels the start (file reads included): create() then rejects with ABORTED. */
  signal?: AbortSignal;
  /**
   * Called during create() as it chooses the backend ('backend'), builds sessions ('session'),
   * checks WebGPU ('probe') or gives it up ('fallback'); afterwards once for each fallback to
   * WASM after a failed run or a lost device ('fallback').
   */
  onStatus?: (status: SessionStatus) => void;
  hooks?: SessionTestHooks;
}

type Choice = { device: 'webgpu'; found: FoundAdapter } | { device: 'wasm'; found: FoundAdapter | null; reason?: string };

/** Picks the backend to try first, or throws what an explicit request cannot have. */
async function chooseBackend(options: SessionsOptions): Promise<Choice> {
  const { device, dtype } = options;
  if (device === 'wasm') return { device: 'wasm', found: null };
  // Before looking for an adapter: asking for int8 on WebGPU is wrong on any machine.
  if (device === 'webgpu') dtypeCandidates({ device, dtype, shaderF16: true });
  const found = await findAdapter();
  if ('reason' in found) {
    if (device === 'webgpu') throw new ClipError('BACKEND_UNAVAILABLE', `device 'webgpu' was asked for, but ${found.reason}`);
    return { device: 'wasm', found: null, reason: found.reason };
  }
  if (device === 'webgpu') return { device: 'webgpu', found };
  const name = [found.summary.vendor, found.summary.architecture, found.summary.description].filter(Boolean).join(' ');
  if (found.software) {
    return {
      device: 'wasm',
      found,
      reason:
        `the only WebGPU adapter is a software one (${name || 'fallback adapter'}), about 100× slower than WASM; ` +
        "ask for device 'webgpu' to use it anyway",
    };
  }
  if (dtype === 'q8') return { device: 'wasm', found, reason: "dtype 'q8' (int8) has no WebGPU kernels; it runs on WASM" };
  if (dtype !== 'auto' && needsShaderF16(dtype) && !found.summary.shaderF16) {
    return { device: 'wasm', found, reason: `dtype '${dtype}' needs 'shader-f16', which the adapter (${name}) lacks` };
  }
  return { device: 'webgpu', found };
}

/** Builds both towers on WASM, at the first of `candidates` whose files exist. */
async function startWasm(
  options: SessionsOptions,
  candidates: readonly Dtype[],
): Promise<{ backend: Backend; loaded: LoadedOrt }> {
  // The files (from the cache: read and checked off this thread) while ORT's WASM compiles.
  const reading = readFirstAvailable(options.files, candidates, options.signal, options.towers);
  reading.catch(() => undefined); // awaited below; ORT failing first must not leave it unhandled
  const loaded = await loadOrt('wasm', options).catch((cause: unknown) => {
    throw new ClipError('BACKEND_UNAVAILABLE', `could not load onnxruntime-web: ${describeError(cause)}`, { cause });
  });
  const warming = warmUpOrt(loaded.ort);
  const files = await reading;
  await warming;
  try {
    const backend = await buildBackend({ ort: loaded.ort, device: 'wasm', files, eos: BigInt(specialIds(options.config).eos) });
    return { backend, loaded };
  } catch (cause) {
    if (cause instanceof ClipError) throw cause;
    // ORT starts its WASM runtime with the first session: a runtime that cannot load says
    // "no available backend"; anything else is about the graph itself.
    const message = describeError(cause);
    const code = /no available backend/i.test(message) ? 'BACKEND_UNAVAILABLE' : 'MODEL_INCOMPATIBLE';
    throw new ClipError(code, `could not build the ${files.dtype} sessions on WASM: ${message}`, { cause });
  }
}

export class ModelSessions {
  private fallingBack: Promise<void> | undefined;
  private disposed = false;

  private constructor(
    private readonly options: SessionsOptions,
    private backend: Backend,
    private readonly adapter: AdapterSummary | null,
    private threads: number,
    private fallbackReason: string | undefined,
    private probe: ProbeInfo | undefined,
  ) {
    if (backend.gpu) this.watch(backend.gpu);
  }

  static async create(options: SessionsOptions): Promise<ModelSessions> {
    const { signal } = options;
    const status = (phase: SessionStatus['phase'], message: string): void => options.onStatus?.({ phase, message });
    if (signal?.aborted) throw abortError(signal, 'loading the model');
    const choice = await chooseBackend(options);
    const adapter = choice.found?.summary ?? null;
    let reason = choice.device === 'wasm' ? choice.reason : undefined;
    if (choice.device === 'webgpu') {
      const s = choice.found.summary;
      const name = [s.vendor, s.architecture, s.description].filter(Boolean).join(' ');
      status('backend', `WebGPU on ${name || 'an unnamed adapter'}`);
      const started = await startWebGpu(options, choice.found, status);
      if ('backend' in started) {
        return new ModelSessions(options, started.backend, adapter, started.loaded.threads, undefined, started.probe);
      }
      reason = started.fallbackReason;
      status('fallback', `using WASM: ${reason}`);
    } else {
      status('backend', reason ? `WASM: ${reason}` : 'WASM');
    }
    if (signal?.aborted) throw abortError(signal, 'loading the model');
    const candidates =
      choice.device === 'webgpu'
        ? wasmFallbackCandidates(options.dtype)
        : dtypeCandidates({ device: 'wasm', dtype: options.dtype, shaderF16: false });
    status('session', 'building the WASM sessions');
    const { backend, loaded } = await startWasm(options, candidates);
    if (signal?.aborted) {
      await releaseBackend(backend);
      throw abortError(signal, 'loading the model');
    }
    return new ModelSessions(options, backend, adapter, loaded.threads, reason, undefined);
  }

  get info(): SessionsInfo {
    return {
      device: this.backend.device,
      dtype: this.backend.dtype,
      adapter: this.adapter,
      threads: this.threads,
      ...(this.fallbackReason === undefined ? {} : { fallbackReason: this.fallbackReason }),
      ...(this.probe === undefined ? {} : { probe: this.probe }),
    };
  }

  /** The embedding width the graphs declare (vision's, else text's); undefined if neither does. */
  get declaredDim(): number | undefined {
    return this.backend.vision.declaredWidth ?? this.backend.text.declaredWidth;
  }

  /** pixel_values float32 [n,3,h,w] → raw image_embeds [n*D]. Queued per session (FIFO). */
  runVision(pixelValues: Float32Array, dims: readonly [number, number, number, number]): Promise<Float32Array> {
    const error = visionInputError(pixelValues, dims);
    return error ? Promise.reject(error) : this.run('vision', pixelValues, dims);
  }

  /**
   * input_ids int64 [n,L] → raw text_embeds [n*D] (or hidden states [n*L*H] for a graph that
   * stops there); `mask`, the tokenizer's attention mask, where it made one.
   */
  runText(inputIds: BigInt64Array, dims: readonly [number, number], mask?: BigInt64Array): Promise<Float32Array> {
    const error = textInputError(inputIds, dims);
    return error ? Promise.reject(error) : this.run('text', inputIds, dims, mask);
  }

  /** Test hook: destroys the GPUDevice (as a lost device would); runs then answer via WASM. */
  async loseDeviceForTest(): Promise<void> {
    const { gpu, vision, text } = this.backend;
    if (!gpu) return;
    // Retire first: no run may reach ORT between destroy() and `lost` resolving (see encoder.ts).
    const reason = 'the WebGPU device was lost (destroyed by loseDeviceForTest)';
    vision.retire(reason);
    text.retire(reason);
    gpu.destroy();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.fallingBack?.catch(() => undefined);
    await releaseBackend(this.backend);
  }

  private async run(tower: Tower, data: Float32Array | BigInt64Array, dims: readonly number[], mask?: BigInt64Array): Promise<Float32Array> {
    for (;;) {
      if (this.disposed) throw new ClipError('INTERNAL', 'the model sessions were disposed');
      const backend = this.backend;
      try {
        const out = await backend[tower].run(data, dims, mask);
        return backend.device === 'webgpu' && this.options.hooks?.corruptWebGpuOutput ? corrupt(out) : out;
      } catch (error) {
        if (backend.device === 'wasm' || this.disposed || isClipError(error, 'MODEL_INCOMPATIBLE')) {
          if (error instanceof ClipError) throw error;
          const message = `the ${tower} model failed on ${backend.device}: ${describeError(error)}`;
          throw new ClipError('INTERNAL', message, { cause: error });
        }
        // The failed run is re-run on WASM by the next turn of the loop: the caller never sees it.
        const reason = error instanceof RetiredEncoderError ? error.message : await this.whyGpuRunFailed(backend.gpu, error);
        await this.fallBack(reason);
      }
    }
  }

  /** A run fails a moment before `device.lost` resolves; name the loss when that is the cause. */
  private async whyGpuRunFailed(gpu: GpuDevice | undefined, error: unknown): Promise<string> {
    const lost = gpu ? await Promise.race([gpu.lost, new Promise<null>((r) => setTimeout(() => r(null), 200))]) : null;
    return lost ? lostReason(lost) : `a WebGPU run failed: ${describeError(error)}`;
  }

  private watch(gpu: GpuDevice): void {
    void gpu.lost.then((info) => {
      if (this.disposed || this.backend.gpu !== gpu) return;
      this.fallBack(lostReason(info)).catch(() => undefined);
    });
  }

  /** Rebuilds both towers on WASM, once, however many runs ask at the same time. */
  private fallBack(reason: string): Promise<void> {
    const old = this.backend;
    if (old.device === 'wasm') return Promise.resolve();
    // Synchronously: from here no run reaches the GPU sessions, which may be broken.
    old.vision.retire(reason);
    old.text.retire(reason);
    this.fallingBack ??= (async () => {
      this.options.onStatus?.({ phase: 'fallback', message: `switching to WASM: ${reason}` });
      // Not the start's signal: cancelling a start must not cancel a later rescue.
      const { signal: _startSignal, ...options } = this.options;
      const { backend, loaded } = await startWasm(options, wasmFallbackCandidates(options.dtype));
      if (this.disposed) {
        await releaseBackend(backend);
        return;
      }
      this.backend = backend;
      this.threads = loaded.threads;
      this.fallbackReason = reason;
      this.probe = undefined;
      void releaseBackend(old);
    })().finally(() => {
      this.fallingBack = undefined;
    });
    return this.fallingBack;
  }
}

function lostReason(info: { reason: string; message: string }): string {
  return `the WebGPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''})`;
}
