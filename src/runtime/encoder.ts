// One CLIP tower as an ORT session: feeds the input its graph names, returns the raw
// (unnormalized) embeddings as a row-major [batch, dim] block.
import { ClipError } from '../core/errors';
import type { Ort } from './ort-loader';

type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

export class Encoder {
  // ORT rejects a second run of a session while one is in flight: calls wait their turn.
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly ort: Ort,
    private readonly session: Session,
    private readonly inputName: string,
    private readonly outputName: string,
  ) {}

  static async create(ort: Ort, model: Uint8Array, input: string, output: string): Promise<Encoder> {
    let session: Session;
    try {
      session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    } catch (cause) {
      throw new ClipError('BACKEND_UNAVAILABLE', `could not build an ORT session: ${String(cause)}`, { cause });
    }
    if (!session.inputNames.includes(input) || !session.outputNames.includes(output)) {
      await session.release();
      throw new ClipError(
        'BAD_CONFIG',
        `model has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]; expected ${input} → ${output}`,
      );
    }
    return new Encoder(ort, session, input, output);
  }

  /** Runs one batch; `dims` is the input tensor's shape, batch first. */
  run(data: Float32Array | BigInt64Array, dims: readonly number[]): Promise<Float32Array> {
    const result = this.tail.then(() => this.runNow(data, dims));
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async runNow(data: Float32Array | BigInt64Array, dims: readonly number[]): Promise<Float32Array> {
    const tensor =
      data instanceof Float32Array
        ? new this.ort.Tensor('float32', data, dims)
        : new this.ort.Tensor('int64', data, dims);
    const result = await this.session.run({ [this.inputName]: tensor });
    const out = result[this.outputName];
    if (!out || out.type !== 'float32') throw new ClipError('INTERNAL', `no float32 ${this.outputName} in the result`);
    return out.data as Float32Array;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
