// One CLIP tower as an ORT session on one backend: feeds what its graph asks for (graph-io.ts),
// runs one batch at a time in arrival order, and returns the raw [n, D] embeddings.
import type { Device } from '../../shared/clip';
import type { Tower } from '../../core/model/model-files';
import { ClipError } from '../../shared/errors';
import { attentionMask, embeddingWidth, planFeeds, positionIds, type FeedPlan, type GraphValue } from '../../core/model/graph-io';
import { identityModel } from '../../core/model/warm-up-model';
import type { GpuDevice } from './gpu-adapter';
import type { Ort } from './ort-loader';
import { runStackOf } from './ort-run-stack';

type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;
type Tensor = InstanceType<Ort['Tensor']>;

export interface EncoderOptions {
  ort: Ort;
  tower: Tower;
  device: Device;
  /** The WebGPU device to run on (device 'webgpu' only). */
  gpu?: GpuDevice;
  /** The model's bytes, or (onnxruntime-node) its path on disk. */
  model: Uint8Array | string;
  /** The text model's end-of-text id, for an attention mask (core/model/webgpu-probe-input.ts specialIds). */
  eos: bigint;
}

/** A run refused because its encoder was retired (its GPU device is gone); retry elsewhere. */
export class RetiredEncoderError extends Error {
  override readonly name = 'RetiredEncoderError';
}

// Every call into one ORT instance (build, run, release) takes its turn, in arrival order:
// - ORT rejects a second run of a session while one is in flight;
// - ORT 1.30's WebGPU build (asyncify) crashes the renderer when two sessions run at once
//   (seen with Chromium 156: a vision and a text run together), and refuses to build two
//   WebGPU sessions at once ("another WebGPU EP inference session is being created").
// A GPU needs no overlap to be busy, and WASM runs block the thread anyway.
const turns = new WeakMap<object, Promise<unknown>>();

function inTurn<T>(ort: Ort, work: () => Promise<T>): Promise<T> {
  const result = (turns.get(ort) ?? Promise.resolve()).then(work);
  turns.set(ort, result.catch(() => undefined));
  return result;
}

/**
 * Builds and drops a one-node session, so onnxruntime's one-time start (about 2 s on the 2-core
 * test machine: measured as the first session's extra cost, whatever the model) runs while the
 * model's files are still being read instead of delaying the first real session. The real
 * builds queue behind it (inTurn). A failure here is the real build's to report.
 */
export function warmUpOrt(ort: Ort): Promise<void> {
  return inTurn(ort, async () => {
    const session = await ort.InferenceSession.create(identityModel(), { executionProviders: ['wasm'] });
    await session.release();
  }).catch(() => undefined);
}

function graphValues(names: readonly string[], metadata: Session['inputMetadata'] | undefined): GraphValue[] {
  return names.map((name) => {
    const meta = metadata?.find((m) => m.name === name);
    return meta?.isTensor ? { name, shape: meta.shape } : { name };
  });
}

/** IEEE half → float, for fp16 exports whose embeddings come out as float16. */
function halfToFloat(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) out[i] = sign * 2 ** -14 * (frac / 1024);
    else if (exp === 31) out[i] = frac ? NaN : sign * Infinity;
    else out[i] = sign * 2 ** (exp - 15) * (1 + frac / 1024);
  }
  return out;
}

/** Numbers the encoders of this worker: their runs' times compare only within one. */
let encoders = 0;

export class Encoder {
  private retiredBecause: string | undefined;
  private readonly id = ++encoders;

  private constructor(
    private readonly ort: Ort,
    private readonly session: Session,
    readonly plan: FeedPlan,
    readonly device: Device,
    private readonly eos: bigint,
    /** D of the embedding output where the graph declares it as a number ([batch, D]). */
    readonly declaredWidth: number | undefined,
  ) {}

  /**
   * Builds the session and checks its graph; MODEL_INCOMPATIBLE names what is missing. Other
   * failures are ORT's own errors, for the caller to classify (a WebGPU failure means fallback).
   */
  static async create(options: EncoderOptions): Promise<Encoder> {
    const { ort, device, gpu } = options;
    const sessionOptions = {
      // 'cpu': onnxruntime-node's native provider (webclip/node), whose API is onnxruntime-web's.
      executionProviders: device === 'webgpu' ? [{ name: 'webgpu', ...(gpu ? { device: gpu as never } : {}) }] : [device],
      graphOptimizationLevel: 'all' as const,
    };
    const { model } = options;
    const build = (): Promise<Session> =>
      typeof model === 'string' ? ort.InferenceSession.create(model, sessionOptions) : ort.InferenceSession.create(model, sessionOptions);
    const session = await inTurn(ort, build);
    let plan: FeedPlan;
    const outputs = graphValues(session.outputNames, session.outputMetadata);
    try {
      plan = planFeeds(options.tower, { inputs: graphValues(session.inputNames, session.inputMetadata), outputs });
    } catch (error) {
      await inTurn(ort, () => session.release()).catch(() => undefined);
      throw error;
    }
    const width = plan.hiddenStates ? undefined : outputs.find((v) => v.name === plan.output)?.shape?.[1];
    return new Encoder(ort, session, plan, device, options.eos, typeof width === 'number' && width > 0 ? width : undefined);
  }

  /** From now on, queued and new runs reject with RetiredEncoderError without touching ORT. */
  retire(reason: string): void {
    this.retiredBecause ??= reason;
  }

  get retired(): boolean {
    return this.retiredBecause !== undefined;
  }

  /**
   * Runs one batch when its turn comes (FIFO); `dims` is the input's shape, batch first. `mask`:
   * the text's attention mask where the tokenizer made one (else it is derived from eos).
   */
  run(data: Float32Array | BigInt64Array, dims: readonly number[], mask?: BigInt64Array): Promise<Float32Array> {
    return inTurn(this.ort, () => this.runNow(data, dims, mask));
  }

  private async runNow(data: Float32Array | BigInt64Array, dims: readonly number[], mask?: BigInt64Array): Promise<Float32Array> {
    // Running a session whose GPUDevice was destroyed can crash the whole renderer (seen with
    // Chromium 156 + ORT 1.30), so a retired encoder never reaches ORT again.
    if (this.retiredBecause !== undefined) throw new RetiredEncoderError(this.retiredBecause);
    const rows = dims[0] ?? 0;
    const feeds: Record<string, Tensor> = {};
    if (data instanceof Float32Array) {
      feeds[this.plan.input] = new this.ort.Tensor('float32', data, dims);
    } else {
      const width = dims[1] ?? 0;
      feeds[this.plan.input] = new this.ort.Tensor('int64', data, dims);
      for (const { name, kind } of this.plan.derived) {
        const values = kind === 'position_ids' ? positionIds(rows, width) : (mask ?? attentionMask(data, rows, this.eos));
        feeds[name] = new this.ort.Tensor('int64', values, dims);
      }
    }
    // WASM runs of one session and shape compare by time: their stack depth follows (ort-run-stack.ts).
    const stack = this.device === 'wasm' ? runStackOf(this.ort) : undefined;
    const run = () => this.session.run(feeds);
    const result = await (stack ? stack.timed(`${this.id}:${dims.join('x')}`, run) : run());
    const out = result[this.plan.output];
    if (!out) throw new ClipError('INTERNAL', `ORT returned no '${this.plan.output}'`);
    if (this.plan.hiddenStates) {
      if (out.dims.length !== 3 || out.dims[0] !== rows || out.dims[1] !== dims[1]) {
        throw new ClipError('MODEL_INCOMPATIBLE', `the text model's '${this.plan.output}' has shape [${out.dims.join(', ')}], not [${rows}, ${dims[1]}, H]`);
      }
    } else {
      embeddingWidth(this.plan.tower, this.plan.output, out.dims, rows);
    }
    if (out.type === 'float32') return out.data as Float32Array;
    if (out.type === 'float16') {
      const raw = out.data as ArrayBufferView;
      return halfToFloat(new Uint16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2));
    }
    const { tower, output } = this.plan;
    throw new ClipError('MODEL_INCOMPATIBLE', `the ${tower} model's output '${output}' is ${out.type}, not float`);
  }

  /** Frees the session once the runs queued so far have settled; later runs are refused. */
  release(): Promise<void> {
    return inTurn(this.ort, async () => {
      this.retire('released');
      await this.session.release();
    });
  }
}
