// Both towers on onnxruntime-node's CPU provider: the backend layer's dtype choice, file reading
// and Encoders (backend-build.ts), without the browser's WebGPU, probe and fallback.
import { dtypeCandidates } from '../../core/model/dtype-choice';
import { specialIds } from '../../core/model/webgpu-probe-input';
import { ClipError, abortError } from '../../shared/errors';
import { buildBackend, describeError, readFirstAvailable, releaseBackend, type Backend } from '../../runtime/backend/backend-build';
import type { SessionsInfo, SessionsOptions } from '../../runtime/backend/model-sessions';
import type { EngineSessions } from '../../runtime/engine/engine-platform';
import { textInputError, visionInputError } from '../../runtime/backend/run-inputs';
import { cpuThreads, loadOrtNode } from './ort-node';

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
    const error = visionInputError(pixelValues, dims);
    return error ? Promise.reject(error) : this.run('vision', pixelValues, dims);
  }

  /** input_ids [n,L] (and the tokenizer's attention mask, where it made one) → raw text output. */
  runText(inputIds: BigInt64Array, dims: readonly [number, number], mask?: BigInt64Array): Promise<Float32Array> {
    const error = textInputError(inputIds, dims);
    return error ? Promise.reject(error) : this.run('text', inputIds, dims, mask);
  }

  /** The embedding width the graphs declare (vision's, else text's); undefined if neither does. */
  get declaredDim(): number | undefined {
    return this.backend.vision.declaredWidth ?? this.backend.text.declaredWidth;
  }

  private async run(tower: 'vision' | 'text', data: Float32Array | BigInt64Array, dims: readonly number[], mask?: BigInt64Array): Promise<Float32Array> {
    if (this.disposed) throw new ClipError('INTERNAL', 'the model sessions were disposed');
    try {
      return await this.backend[tower].run(data, dims, mask);
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
