// Builds both towers of a model on one backend: picks the first dtype whose files exist, reads
// them, and creates the two encoders (model-sessions.ts decides which backend and dtype list).
import { modelFile, TOWERS, towersSmallerFirst, type Tower } from '../../core/model/model-files';
import type { Device, Dtype } from '../../shared/clip';
import { ClipError, isClipError } from '../../shared/errors';
import type { GpuDevice } from './gpu-adapter';
import { Encoder } from './encoder';
import type { Ort } from './ort-loader';

export interface ModelFileReader {
  /** Bytes of a model file, e.g. 'onnx/vision_model_q4.onnx'; rejects ClipError('MODEL_NOT_FOUND') when absent. */
  read(path: string, signal?: AbortSignal): Promise<Uint8Array>;
  /** Whether the file is in the local cache (a dtype already there starts without a download). */
  has?(path: string): boolean;
  /** Its size in bytes where the cache knows it. */
  size?(path: string): number | undefined;
  /** The dtypes the model is known to have (a registry model); others are not tried. */
  dtypes?: readonly Dtype[] | undefined;
  /**
   * Node: the file, checked as `read` checks it, as a path on disk. onnxruntime-node opens a path
   * itself at a fraction of the cost of the same model given as bytes (fp32 ViT-B/32: 1.3 against
   * 7.2 CPU seconds, bench/RESULTS.md).
   */
  locate?(path: string, signal?: AbortSignal): Promise<string>;
}

export type ModelBytesOrPath = Uint8Array | string;

export interface TowerFiles {
  dtype: Dtype;
  /** Built first; when both files are cached, the other is still being read meanwhile. */
  first: Tower;
  /** null: a tower not started (the `towers` option); a string: a path on disk (`locate`). */
  vision: ModelBytesOrPath | Promise<ModelBytesOrPath> | null;
  text: ModelBytesOrPath | Promise<ModelBytesOrPath> | null;
}

/** What runs one tower: an Encoder, or the refusal standing in for a tower not started. */
export type TowerEncoder = Pick<Encoder, 'run' | 'retire' | 'release' | 'retired' | 'declaredWidth'>;

/** Stands in for a tower the Clip was started without; the engine refuses such calls first. */
function absentTower(tower: Tower): TowerEncoder {
  const refusal = () => new ClipError('UNSUPPORTED', `this Clip was started without its ${tower} tower (the towers option)`);
  return { run: () => Promise.reject(refusal()), retire: () => undefined, release: async () => undefined, retired: false, declaredWidth: undefined };
}

/** Both towers on one backend, at one dtype. */
export interface Backend {
  device: Device;
  dtype: Dtype;
  vision: TowerEncoder;
  text: TowerEncoder;
  /** The WebGPU device both run on (device 'webgpu' only). */
  gpu?: GpuDevice;
}

/**
 * The files of the first dtype in `candidates` that has both towers. A single candidate is
 * an explicit request: its missing file is the caller's MODEL_NOT_FOUND, not a substitute.
 */
export async function readFirstAvailable(
  files: ModelFileReader,
  candidates: readonly Dtype[],
  signal: AbortSignal | undefined,
  towers: readonly Tower[] = TOWERS,
  { byPath = false }: { byPath?: boolean } = {},
): Promise<TowerFiles> {
  const locate = byPath ? files.locate?.bind(files) : undefined;
  const known = files.dtypes;
  if (known && candidates.length === 1 && !known.includes(candidates[0]!)) {
    throw new ClipError('MODEL_NOT_FOUND', `this model has no ${candidates[0]} files; it has ${known.join(', ')}`);
  }
  const cached = (d: Dtype): boolean => towers.every((t) => !!files.has?.(modelFile(t, d)));
  // A dtype already in the cache first (the order is kept otherwise): it starts without a
  // download, and offline.
  const order = candidates.filter((d) => !known || known.includes(d)).sort((a, b) => Number(cached(b)) - Number(cached(a)));
  const missing: string[] = [];
  for (const dtype of order) {
    if (cached(dtype) && towers.length === 2 && !locate) return readCachedPair(files, dtype, signal);
    try {
      const read = (tower: Tower) => {
        if (!towers.includes(tower)) return null;
        return locate ? locate(modelFile(tower, dtype), signal) : files.read(modelFile(tower, dtype), signal);
      };
      const [vision, text] = await Promise.all([read('vision'), read('text')]);
      return { dtype, first: towers[0]!, vision, text };
    } catch (error) {
      if (!isClipError(error, 'MODEL_NOT_FOUND') || candidates.length === 1) throw error;
      missing.push(dtype);
    }
  }
  throw new ClipError(
    'MODEL_NOT_FOUND',
    `the model has no complete pair of vision/text files for any of the dtypes tried (${missing.join(', ')})`,
  );
}

/**
 * Both files of a cached dtype, one after the other, smaller first: the smaller session builds
 * while the larger file is still being read (off this thread: chunk-reader.ts). Reading is the
 * slow part of a warm start (~70 MB/s from IndexedDB on the 2-core test machine); two reads at
 * once share that and both finish late, so no session could start until nearly all was read.
 */
async function readCachedPair(files: ModelFileReader, dtype: Dtype, signal: AbortSignal | undefined): Promise<TowerFiles> {
  const [first, second] = towersSmallerFirst(dtype, (path) => files.size?.(path));
  const firstBytes = await files.read(modelFile(first, dtype), signal);
  const secondBytes = files.read(modelFile(second, dtype), signal);
  secondBytes.catch(() => undefined); // awaited by buildBackend, or dropped with a failed build
  return first === 'text' ? { dtype, first, text: firstBytes, vision: secondBytes } : { dtype, first, vision: firstBytes, text: secondBytes };
}

export interface BuildOptions {
  ort: Ort;
  device: Device;
  gpu?: GpuDevice;
  files: TowerFiles;
  eos: bigint;
}

export async function buildBackend({ ort, device, gpu, files, eos }: BuildOptions): Promise<Backend> {
  const common = { ort, device, ...(gpu ? { gpu } : {}) };
  const build = async (tower: Tower): Promise<TowerEncoder> => {
    const model = files[tower];
    return model === null ? absentTower(tower) : Encoder.create({ ...common, tower, model: await model, eos });
  };
  const second: Tower = files.first === 'vision' ? 'text' : 'vision';
  const built = { [files.first]: await build(files.first) } as Partial<Record<Tower, TowerEncoder>>;
  try {
    built[second] = await build(second);
  } catch (error) {
    await built[files.first]!.release().catch(() => undefined);
    throw error;
  }
  return { device, dtype: files.dtype, vision: built.vision!, text: built.text!, ...(gpu ? { gpu } : {}) };
}

export async function releaseBackend(backend: Backend): Promise<void> {
  await Promise.allSettled([backend.vision.release(), backend.text.release()]);
}

/** ORT's errors are plain Errors with long messages; keep the reason readable in fallbackReason. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
