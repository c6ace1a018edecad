// The baseline of the engine benchmark: the same ONNX files run by onnxruntime-web (the
// package and build webclip uses, same session options) with `session.run` on ready tensors,
// so webclip's time minus this is what its decode, preprocessing and plumbing cost.
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web/wasm';
import { ClipTokenizer } from '../../src/core/text/tokenizer';
import type { BenchDtype } from './protocol';

type Session = ort.InferenceSession;

const suffix: Record<BenchDtype, string> = { q8: '_quantized', fp32: '' };
const SIDE = 224;

let vision: Session | undefined;
let text: Session | undefined;
let pixelValues: Float32Array = new Float32Array(0);
const textBatches = new Map<number, { ids: BigInt64Array; dims: number[] }>();

interface LoadOptions {
  model: string;
  dtype: BenchDtype;
  ortUrl: string;
  /** 0 leaves ORT's default (half the cores, at most 4). */
  threads: number;
  captions: string[];
  maxBatch: number;
  /** maxBatch photos as webclip's preprocessing makes them. */
  pixelValues: Float32Array;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function configure(options: Pick<LoadOptions, 'ortUrl' | 'threads'>): number {
  ort.env.wasm.wasmPaths = options.ortUrl;
  ort.env.wasm.simd = true;
  if (options.threads > 0) ort.env.wasm.numThreads = options.threads;
  // What ORT picks when numThreads is unset (onnxruntime-web's wasm backend).
  return options.threads > 0 ? options.threads : Math.min(4, Math.ceil((navigator.hardwareConcurrency || 1) / 2));
}

const sessionOptions: ort.InferenceSession.SessionOptions = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };

function makeTextInputs(captions: string[], maxBatch: number, tokenizer: ClipTokenizer): void {
  // Padded to the batch's longest caption, as webclip and transformers.js (padding: true) do.
  for (let batch = 1; batch <= maxBatch; batch++) {
    const texts = captions.slice(0, batch);
    const { ids, lengths } = tokenizer.encodeBatchWithInfo(texts);
    const longest = Math.max(...lengths);
    const packed = new BigInt64Array(batch * longest);
    for (let r = 0; r < batch; r++) packed.set(ids.subarray(r * tokenizer.contextLength, r * tokenizer.contextLength + longest), r * longest);
    textBatches.set(batch, { ids: packed, dims: [batch, longest] });
  }
}

async function loadTokenizer(model: string): Promise<ClipTokenizer> {
  const [json, config] = await Promise.all(
    ['tokenizer.json', 'tokenizer_config.json'].map(async (f) => (await fetch(`${model}${f}`)).json() as Promise<unknown>),
  );
  return ClipTokenizer.fromJSON(json, config);
}

function runImage(batch: number, source = pixelValues): Promise<ort.InferenceSession.ReturnType> {
  const size = 3 * SIDE * SIDE;
  const tensor = new ort.Tensor('float32', source.subarray(0, batch * size), [batch, 3, SIDE, SIDE]);
  return vision!.run({ pixel_values: tensor });
}

function runText(batch: number): Promise<ort.InferenceSession.ReturnType> {
  const input = textBatches.get(batch)!;
  return text!.run({ input_ids: new ort.Tensor('int64', input.ids, input.dims) });
}

const api = {
  async load(options: LoadOptions): Promise<{ loadMs: number; threads: number; detail: string }> {
    const t0 = performance.now();
    const threads = configure(options);
    const [visionBytes, textBytes, tokenizer] = await Promise.all([
      fetchBytes(`${options.model}onnx/vision_model${suffix[options.dtype]}.onnx`),
      fetchBytes(`${options.model}onnx/text_model${suffix[options.dtype]}.onnx`),
      loadTokenizer(options.model),
    ]);
    vision = await ort.InferenceSession.create(visionBytes, sessionOptions);
    text = await ort.InferenceSession.create(textBytes, sessionOptions);
    pixelValues = options.pixelValues;
    makeTextInputs(options.captions, options.maxBatch, tokenizer);
    return { loadMs: performance.now() - t0, threads, detail: `onnxruntime-web ${ort.env.versions.web}` };
  },

  /** ms of one `session.run` (tensor creation and output included), timed in this worker. */
  async time(workload: 'image' | 'text', batch: number): Promise<number> {
    const t = performance.now();
    const result = workload === 'text' ? await runText(batch) : await runImage(batch);
    const out = result[workload === 'text' ? 'text_embeds' : 'image_embeds'];
    if (!out || (out.data as Float32Array).length === 0) throw new Error('no embeddings');
    const ms = performance.now() - t;
    for (const tensor of Object.values(result)) tensor.dispose();
    return ms;
  },

  /**
   * Cold start in a fresh page: ORT import, vision model fetch and session, a first run, then
   * the text session. Times are from the worker's first line (`origin` is the page's t0).
   */
  async coldStart(options: { model: string; dtype: BenchDtype; ortUrl: string; threads: number }): Promise<{
    imageReady: number;
    firstImage: number;
    bothReady: number;
  }> {
    configure(options);
    vision = await ort.InferenceSession.create(
      await fetchBytes(`${options.model}onnx/vision_model${suffix[options.dtype]}.onnx`),
      sessionOptions,
    );
    const imageReady = performance.timeOrigin + performance.now();
    pixelValues = new Float32Array(3 * SIDE * SIDE).fill(0.5);
    await runImage(1);
    const firstImage = performance.timeOrigin + performance.now();
    text = await ort.InferenceSession.create(
      await fetchBytes(`${options.model}onnx/text_model${suffix[options.dtype]}.onnx`),
      sessionOptions,
    );
    return { imageReady, firstImage, bothReady: performance.timeOrigin + performance.now() };
  },

  async dispose(): Promise<void> {
    await Promise.all([vision?.release(), text?.release()]);
    vision = text = undefined;
  },
};

export type RawOrtApi = typeof api;
Comlink.expose(api);
