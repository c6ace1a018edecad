// Both towers on onnxruntime-node's CPU provider: the backend layer's dtype choice, file reading
// and Encoders (backend-build.ts), without the browser's WebGPU, probe and fallback.
import { dtypeCandidates } from '../../core/model/dtype-choice';
import { specialIds } from '../../core/model/webgpu-probe-input';
import { ClipError, abortError } from '../../shared/errors';
import { buildBackend, describeError, readFirstAvailable, releaseBackend, type Backend } from '../../runtime/backend/backend-build';
import type { SessionsInfo, SessionsOptions } from '../../runtime/backend/model-sessions';
import type { EngineSessions } from '../../runtime/engine/engine';
import { cpuThreads, loadOrtNode } from './ort-node';

const MAX_TEXT_LENGTH = 77;

export class CpuSessions implements EngineSessions {
  private disposed = false;

  private constructor(private readonly backend: Backend) {}

  static async create(options: SessionsOptions): Promise<CpuSessions> {
    const { signal } = options;
    if (signal?.aborted) throw abortError(signal, 'loading the model');
    options.onStatus?.({ phase: 'backend', message: 'onnxruntime-node on the CPU' });
    const candidates = dtypeCandidates({ device: 'cpu', dtype: options.dtype, shaderF16: false });
    const [ort, files] = await Promise.all([loadOrtNode(), readFirstAvailable(options.files, candidates, signal, options.towers, { byPath: true })]);
    options.onStatus?.({ phase: 'session', message: `building the ${files.dtype} sessions on the CPU` });
    let backend: Backend;
    try {
      backend = await buildBackend({ ort, device: 'cpu', files, eos: BigInt(specialIds(options.config).eos) });
    } catch (cause) {
      if (cause instanceof ClipError) throw cause;
      throw new ClipError('MODEL_INCOMPATIBLE', `could not build the ${files.dtype} sessions on the CPU: ${describeError(cause)}`, { cause });
    }
    if (signal?.aborted) {
      await releaseBackend(backend);
      throw abortError(signal, 'loading the model');
    }
    return new CpuSessions(backend);
  }

  get info(): SessionsInfo {
    return { device: 'cpu', dtype: this.backend.dtype, adapter: null, threads: cpuThreads() };
  }

  runVision(pixelValues: Float32Array, dims: readonly [number, number, number, number]): Promise<Float32Array> {
    const [n, c, h, w] = dims;
    if (!(n > 0) || pixelValues.length !== n * c * h * w) {
      return Promise.reject(new ClipError('BAD_INPUT', `pixel_values holds ${pixelValues.length} values, not [${dims.join(', ')}]`));
    }
    return this.run('vision', pixelValues, dims);
  }

  runText(inputIds: BigInt64Array, dims: readonly [number, number]): Promise<Float32Array> {
    const [n, length] = dims;
    if (!(n > 0) || !(length > 0) || length > MAX_TEXT_LENGTH || inputIds.length !== n * length) {
      const message = `input_ids holds ${inputIds.length} values, not [${dims.join(', ')}] with 0 < L ≤ ${MAX_TEXT_LENGTH}`;
      return Promise.reject(new ClipError('BAD_INPUT', message));
    }
    return this.run('text', inputIds, dims);
  }

  private async run(tower: 'vision' | 'text', data: Float32Array | BigInt64Array, dims: readonly number[]): Promise<Float32Array> {
    if (this.disposed) throw new ClipError('INTERNAL', 'the model sessions were disposed');
    try {
      return await this.backend[tower].run(data, dims);
    } catch (error) {
      if (error instanceof ClipError) throw error;
      throw new ClipError('INTERNAL', `the ${tower} model failed on the CPU: ${describeError(error)}`, { cause: error });
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await releaseBackend(this.backend);
  }
}
