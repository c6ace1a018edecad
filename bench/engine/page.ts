// Browser side of bench/engine.ts. Makes the JPEGs and captions, starts each engine in a worker
// of its own (webclip makes its own; raw ORT and transformers.js get one each, so no two share
// a WASM thread pool), and times one call at a time when the driver asks.
import * as Comlink from 'comlink';
import { parsePreprocessorConfig, preprocessedSize, preprocessImageInto } from '../../src/core/image/preprocess';
import { cosine, createClip, type Clip, type ClipOptions } from '../../src/index';
import { decodeImage } from '../../src/runtime/images/image-decoder';
import type { ProbeApi } from './probe.worker';
import type { BenchDtype, ColdStart, EngineName, HeapSizes, LoadInfo, SetupOptions, SetupResult, Timed, Timing, UaMemory, Workload } from './protocol';
import { WEBCLIP_HEAP_CHANNEL } from './wasm-heap';
import type { RawOrtApi } from './raw-ort.worker';
import type { TransformersApi } from './transformers-engine';
import { mulberry32 } from '../stats';

const MODEL_PATH = '/models/';
const MODEL_ID = 'bench';
const MODEL_URL = new URL(`${MODEL_PATH}${MODEL_ID}/`, location.href).href;
const ORT_URL = new URL('/ort/', location.href).href;
const TJS_ORT_URL = new URL('/tjs-ort/', location.href).href;
const SMALL = { width: 600, height: 400 };
const LARGE = { width: 4000, height: 3000 };

const SUBJECTS = [
  'a dog', 'a cat', 'a cup of coffee', 'a red car', 'a mountain lake', 'two children playing',
  'a bowl of ramen', 'a city street at night', 'a bicycle', 'a birthday cake', 'a sailing boat',
  'an old library', 'a snowy forest', 'a plate of pasta', 'a beach at sunset', 'a horse in a field',
];
/** Short captions as photo search types them: 7 to 12 tokens with CLIP's BPE. */
const CAPTIONS = Array.from({ length: 64 }, (_, i) => {
  const subject = SUBJECTS[i % SUBJECTS.length]!;
  return i < SUBJECTS.length ? `a photo of ${subject}.` : `a blurry photo of ${subject} on a sunny day`;
});

// ----- inputs -------------------------------------------------------------------------------

let coffee: ImageBitmap | undefined;
async function coffeeBitmap(): Promise<ImageBitmap> {
  coffee ??= await createImageBitmap(await (await fetch('/tests/fixtures/images/coffee.png')).blob());
  return coffee;
}

/** coffee.png (CC0) scaled to fill width×height, plus seeded sensor-like noise. */
export async function photoPixels(width: number, height: number, seed: number): Promise<OffscreenCanvas> {
  const source = await coffeeBitmap();
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  // Crop the source to the target's aspect ratio, then scale: no stretching.
  const scale = Math.max(width / source.width, height / source.height);
  const sw = width / scale;
  const sh = height / scale;
  context.drawImage(source, (source.width - sw) / 2, (source.height - sh) / 2, sw, sh, 0, 0, width, height);
  const image = context.getImageData(0, 0, width, height);
  const random = mulberry32(seed);
  const data = image.data;
  for (let i = 0; i < data.length; i += 4) {
    const n = (random() - 0.5) * 24;
    data[i] = data[i]! + n;
    data[i + 1] = data[i + 1]! + n;
    data[i + 2] = data[i + 2]! + (random() - 0.5) * 12;
  }
  context.putImageData(image, 0, 0);
  return canvas;
}

async function photoJpeg(size: { width: number; height: number }, seed: number): Promise<Blob> {
  return (await photoPixels(size.width, size.height, seed)).convertToBlob({ type: 'image/jpeg', quality: 0.9 });
}

interface Inputs {
  small: Blob[];
  large: Blob[];
  /** The small photos as decoded, scaled and center-cropped to 224×224 RGBA: no decode left. */
  pixels: ImageData[];
  /** The small photos as webclip's preprocessing makes them: raw ORT's ready pixel_values. */
  pixelValues: Float32Array;
}

/** The photos, and the tensors made from them: raw ORT runs on the photos' own tensors. */
async function makeInputs(maxBatch: number, largeCount: number, preprocessorJson: unknown): Promise<Inputs> {
  const config = parsePreprocessorConfig(preprocessorJson);
  const small: Blob[] = [];
  const large: Blob[] = [];
  const pixels: ImageData[] = [];
  const tensor = 3 * 224 * 224;
  const pixelValues = new Float32Array(maxBatch * tensor);
  for (let i = 0; i < maxBatch; i++) {
    const jpeg = await photoJpeg(SMALL, 1000 + i);
    small.push(jpeg);
    const decoded = await decodeImage(jpeg);
    const { width, height } = preprocessedSize(config, decoded.width, decoded.height);
    if (width * height * 3 !== tensor) throw new Error(`preprocessed size ${width}×${height}, expected 224×224`);
    preprocessImageInto(decoded, config, pixelValues, i * tensor);
    const bitmap = await createImageBitmap(jpeg);
    const side = Math.min(bitmap.width, bitmap.height);
    const context = new OffscreenCanvas(224, 224).getContext('2d', { willReadFrequently: true })!;
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, 224, 224);
    pixels.push(context.getImageData(0, 0, 224, 224));
    bitmap.close();
  }
  for (let i = 0; i < Math.min(largeCount, maxBatch); i++) large.push(await photoJpeg(LARGE, 3000 + i));
  return { small, large, pixels, pixelValues };
}

/** The first `n` items, cycling when there are fewer. */
const take = <T>(items: T[], n: number): T[] => Array.from({ length: n }, (_, i) => items[i % items.length]!);

// ----- engines ------------------------------------------------------------------------------

function worker<T>(url: URL, name: string): { api: Comlink.Remote<T>; worker: Worker } {
  const w = new Worker(url, { type: 'module', name });
  return { api: Comlink.wrap<T>(w), worker: w };
}
const rawOrtWorker = (name: string) => worker<RawOrtApi>(new URL('./raw-ort.worker.ts', import.meta.url), name);
const tjsWorker = (name: string) => worker<TransformersApi>(new URL('./transformers.worker.ts', import.meta.url), name);

/** WASM explicitly: the machine has no GPU, and the comparison is on WASM. */
const clipOptions = (dtype: BenchDtype, options: Partial<SetupOptions> = {}): ClipOptions => ({
  model: MODEL_URL,
  device: options.webclipDevice ?? 'wasm',
  dtype,
  ...(options.heapProbe ? { workerUrl: new URL('./clip-heap.worker.ts', import.meta.url) } : {}),
  ...(options.webclipThreads ? { threads: options.webclipThreads } : {}),
});

interface State {
  inputs: Inputs;
  clip?: Clip;
  ort: Partial<Record<'ort-2t' | 'ort-default', { api: Comlink.Remote<RawOrtApi>; worker: Worker }>>;
  /** tjs-main's api is transformers-engine.ts itself, on this thread (no worker). */
  tjs: Partial<Record<'tjs-2t' | 'tjs-default' | 'tjs-main', { api: Comlink.Remote<TransformersApi>; worker?: Worker }>>;
  probe: { api: Comlink.Remote<ProbeApi>; worker: Worker };
  preprocessorJson: unknown;
}
let state: State | undefined;

/** The webclip instance set up (other benchmark pages build on this one). */
export const webclipInstance = (): Clip | undefined => state?.clip;

const threadsOf = (engine: EngineName): number => (engine.endsWith('-2t') || engine === 'tjs-main' ? 2 : 0);

async function setup(options: SetupOptions): Promise<SetupResult> {
  const t0 = performance.now();
  const preprocessorJson: unknown = await (await fetch(`${MODEL_URL}preprocessor_config.json`)).json();
  const inputs = await makeInputs(options.maxBatch, options.largeCount, preprocessorJson);
  const makeInputsMs = performance.now() - t0;
  const s: State = {
    inputs,
    ort: {},
    tjs: {},
    probe: worker<ProbeApi>(new URL('./probe.worker.ts', import.meta.url), 'probe'),
    preprocessorJson,
  };
  state = s;
  const loads: LoadInfo[] = [];
  // One at a time, so no load competes with another for the two cores.
  for (const engine of options.engines) {
    const t = performance.now();
    if (engine === 'webclip') {
      const create: typeof createClip = options.webclipModule
        ? ((await import(/* @vite-ignore */ options.webclipModule)) as { createClip: typeof createClip }).createClip
        : createClip;
      s.clip = await create(clipOptions(options.dtype, options));
      const info = s.clip.info as unknown as Record<string, unknown>;
      loads.push({ engine, loadMs: performance.now() - t, threads: Number(info['threads']), detail: JSON.stringify(info) });
    } else if (engine === 'ort-2t' || engine === 'ort-default') {
      const w = rawOrtWorker(engine);
      s.ort[engine] = w;
      const r = await w.api.load({
        model: MODEL_URL,
        dtype: options.dtype,
        ortUrl: ORT_URL,
        threads: threadsOf(engine),
        captions: CAPTIONS.slice(0, options.maxBatch),
        maxBatch: options.maxBatch,
        pixelValues: inputs.pixelValues,
        ...(options.ortExtra ? { extra: options.ortExtra } : {}),
      });
      loads.push({ engine, ...r });
    } else {
      const w =
        engine === 'tjs-main'
          ? { api: (await import('./transformers-engine')).transformersEngine as unknown as Comlink.Remote<TransformersApi> }
          : tjsWorker(engine);
      s.tjs[engine] = w;
      const r = await w.api.load({
        localModelPath: MODEL_PATH,
        modelId: MODEL_ID,
        dtype: options.dtype,
        ortUrl: TJS_ORT_URL,
        threads: threadsOf(engine),
      });
      loads.push({ engine, ...r });
    }
  }
  // Same input, same files: webclip and transformers.js should agree (preprocessing differs a
  // little: canvas vs exact bicubic resize, so photos agree less than text).
  const agreement = { smallPhoto: NaN, largePhoto: NaN, text: NaN };
  const peer = s.tjs['tjs-2t'] ?? s.tjs['tjs-default'];
  if (s.clip && peer) {
    const [a] = await s.clip.embedImages([inputs.small[0]!]);
    const [b] = await peer.api.embedImages([inputs.small[0]!]);
    agreement.smallPhoto = cosine(a!, b!);
    const [c] = await s.clip.embedImages([inputs.large[0]!]);
    const [d] = await peer.api.embedImages([inputs.large[0]!]);
    agreement.largePhoto = cosine(c!, d!);
    const [e] = await s.clip.embedTexts([CAPTIONS[0]!]);
    const [f] = await peer.api.embedTexts([CAPTIONS[0]!]);
    agreement.text = cosine(e!, f!);
  }
  const kb = (blobs: Blob[]) => blobs.reduce((sum, b) => sum + b.size, 0) / blobs.length / 1024;
  return {
    loads,
    webclipInfo: (s.clip?.info ?? {}) as unknown as Record<string, unknown>,
    smallJpegKB: kb(inputs.small),
    largeJpegKB: kb(inputs.large),
    makeInputsMs,
    agreement,
    hardwareConcurrency: navigator.hardwareConcurrency,
    crossOriginIsolated,
  };
}

/** Times one call of `timed` on `batch` items of `workload`. */
async function time(timed: Timed, workload: Workload, batch: number, round = 0): Promise<Timing> {
  const s = state!;
  const blobs = workload === 'small' ? take(s.inputs.small, batch) : take(s.inputs.large, batch);
  // webclip moves an ImageData's buffer into its worker (no copy): each call gets fresh ones.
  const pixels = take(s.inputs.pixels, batch).map((d) => new ImageData(new Uint8ClampedArray(d.data), d.width, d.height));
  const texts = CAPTIONS.slice(0, batch);
  if (timed === 'probe-webclip') return s.probe.api.webclip(blobs, s.preprocessorJson, workload === 'small' ? SMALL : LARGE, true, round);
  if (timed === 'probe-tjs') return (s.tjs['tjs-2t'] ?? s.tjs['tjs-default'])!.api.breakdown(blobs);
  if (timed === 'ort-2t' || timed === 'ort-default') {
    // Timed inside its worker: session.run alone, no message round trip.
    return { total: await s.ort[timed]!.api.time(workload === 'text' ? 'text' : 'image', batch) };
  }
  let out: Float32Array[];
  const t = performance.now();
  if (timed === 'webclip') {
    const clip = s.clip!;
    // ImageData is one of the API's image inputs (the first build took Blobs only, and still
    // decoded ImageData through createImageBitmap).
    if (workload === 'pixels') out = await (clip.embedImages as (i: readonly unknown[]) => Promise<Float32Array[]>)(pixels);
    else if (workload === 'text') out = await clip.embedTexts(texts);
    else out = await clip.embedImages(blobs);
  } else {
    const tjs = s.tjs[timed]!.api;
    if (workload === 'pixels') out = await tjs.embedPixels(pixels);
    else if (workload === 'text') out = await tjs.embedTexts(texts);
    else out = await tjs.embedImages(blobs);
  }
  const ms = performance.now() - t;
  if (out.length !== batch) throw new Error(`${timed} ${workload}: ${out.length} embeddings for ${batch} inputs`);
  return { total: ms };
}

/** webclip's answer on its heap channel (engine/clip-heap.worker.ts), or undefined within 5 s. */
function webclipHeap(): Promise<number | undefined> {
  const channel = new BroadcastChannel(WEBCLIP_HEAP_CHANNEL);
  const ask = Math.random();
  return new Promise<number | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 5000);
    channel.onmessage = (event: MessageEvent<{ answer?: number; heap: number }>) => {
      if (event.data.answer !== ask) return;
      clearTimeout(timer);
      resolve(event.data.heap);
    };
    channel.postMessage({ ask });
  }).finally(() => channel.close());
}

/** Each engine's WASM heap now (webclip's only when set up with heapProbe). */
async function wasmHeap(): Promise<HeapSizes> {
  const s = state!;
  const out: HeapSizes = {};
  if (s.clip) {
    const heap = await webclipHeap();
    if (heap !== undefined) out.webclip = heap;
  }
  for (const [name, w] of [...Object.entries(s.ort), ...Object.entries(s.tjs)] as [EngineName, { api: { wasmHeapBytes(): Promise<number> } }][]) {
    out[name] = await w.api.wasmHeapBytes();
  }
  return out;
}

interface MemoryBreakdown {
  bytes: number;
  breakdown: { bytes: number; attribution: { url: string; scope: string }[] }[];
}

/**
 * performance.measureUserAgentSpecificMemory, by engine worker. Slow: a worker whose WASM
 * threads sit in Atomics.wait holds the answer until the browser's timeout (about a minute).
 */
async function uaMemory(): Promise<UaMemory> {
  const t = performance.now();
  const m = await (performance as unknown as { measureUserAgentSpecificMemory(): Promise<MemoryBreakdown> }).measureUserAgentSpecificMemory();
  const workers: UaMemory['workers'] = {};
  const by = (part: string) =>
    m.breakdown.filter((b) => b.attribution.some((a) => a.url.includes(part))).reduce((sum, b) => sum + b.bytes, 0);
  if (state?.clip) workers.webclip = by('clip.worker') + by('clip-heap.worker');
  for (const name of Object.keys(state?.tjs ?? {})) {
    // On the main thread its memory is the page's own.
    workers[name as EngineName] = name === 'tjs-main' ? by('.html') : by('transformers.worker');
  }
  for (const name of Object.keys(state?.ort ?? {})) workers[name as EngineName] = by('raw-ort.worker');
  return { total: m.bytes, workers, ms: performance.now() - t };
}

async function teardown(): Promise<void> {
  const s = state;
  if (!s) return;
  await s.clip?.dispose();
  for (const w of [...Object.values(s.ort), ...Object.values(s.tjs)]) {
    await w.api.dispose();
    w.worker?.terminate();
  }
  s.probe.worker.terminate();
  state = undefined;
}

/** Cold start in a freshly opened page (fresh browser context: nothing cached). */
async function coldStart(engine: ColdStart['engine'], dtype: BenchDtype): Promise<ColdStart> {
  const jpeg = await photoJpeg(SMALL, 7);
  const t0 = performance.timeOrigin + performance.now();
  const since = (epoch: number) => epoch - t0;
  const now = () => performance.timeOrigin + performance.now();
  if (engine === 'webclip') {
    const clip = await createClip(clipOptions(dtype));
    const ready = now();
    await clip.embedImages([jpeg]);
    const first = now();
    await clip.dispose();
    return { engine, dtype, imageReadyMs: since(ready), firstImageMs: since(first), bothReadyMs: since(ready) };
  }
  if (engine === 'ort') {
    const w = rawOrtWorker('ort-cold');
    // 2 threads, as webclip: the session build is what differs.
    const r = await w.api.coldStart({ model: MODEL_URL, dtype, ortUrl: ORT_URL, threads: 2 });
    w.worker.terminate();
    return { engine, dtype, imageReadyMs: since(r.imageReady), firstImageMs: since(r.firstImage), bothReadyMs: since(r.bothReady) };
  }
  const w = tjsWorker('tjs-cold');
  const r = await w.api.coldStart({ localModelPath: MODEL_PATH, modelId: MODEL_ID, dtype, ortUrl: TJS_ORT_URL, threads: 0 }, jpeg);
  w.worker.terminate();
  return { engine, dtype, imageReadyMs: since(r.imageReady), firstImageMs: since(r.firstImage), bothReadyMs: since(r.bothReady) };
}

const bench = { setup, time, teardown, coldStart, wasmHeap, uaMemory };
export type EngineBench = typeof bench;
(globalThis as unknown as { engineBench: EngineBench }).engineBench = bench;
document.title = 'ready';
