// One photo's preparation as webclip/node's image workers do it (image-worker.ts), and as the
// pool does it on its own thread when no worker can start: bytes read, decoded as PIL decodes
// them, preprocessed into the model's input tensor.
import { readFile } from 'node:fs/promises';
import { preprocessedSize, preprocessImage, type PreprocessorConfig } from '../../core/image/preprocess';
import type { RgbaPixels } from '../../core/image/resample';
import { ClipError, type ClipErrorCode } from '../../shared/errors';
import type { ImageTensor } from '../../runtime/engine/engine-platform';
import { decodeImageBytes } from './sharp-decode';

/**
 * Photos a worker has in hand at once: one decoding (in libvips, off its thread) while the other
 * is resampled on it, so one worker keeps two cores busy and holds at most two decoded photos.
 */
export const WORKER_JOBS = 2;

/**
 * Where a job's image is: a file (read where it is prepared; `size`: the bytes it must have, as
 * the library hashed them), bytes in a Blob, or RGBA pixels.
 */
export type JobSource =
  | { readonly path: string; readonly size?: number }
  | { readonly blob: Blob }
  | { readonly pixels: { readonly data: Uint8ClampedArray; readonly width: number; readonly height: number } };

export interface ImageJob {
  readonly id: number;
  readonly source: JobSource;
  readonly config: PreprocessorConfig;
}

/** A tensor, and the size of the file it came from (-1: not a file). */
export type PreparedSource = ImageTensor & { readonly bytes: number };

export type JobAnswer =
  | ({ readonly id: number; readonly ok: true } & PreparedSource)
  | { readonly id: number; readonly ok: false; readonly code: ClipErrorCode; readonly message: string };

/** What a worker says besides answers: its module loaded. */
export interface WorkerNote {
  readonly ready: true;
}

async function fileBytes(path: string, size: number | undefined): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new ClipError('BAD_IMAGE', `could not read the file: ${String(cause)}`, { cause });
  }
  // The library hashed the bytes it opened; a file rewritten since would be embedded under that hash.
  if (size !== undefined && bytes.length !== size) throw new ClipError('BAD_IMAGE', `the file changed while it was being indexed (${size} bytes, now ${bytes.length})`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

async function pixelsOf(source: JobSource): Promise<{ pixels: RgbaPixels; bytes: number }> {
  if ('pixels' in source) return { pixels: source.pixels, bytes: -1 };
  if ('path' in source) {
    const bytes = await fileBytes(source.path, source.size);
    return { pixels: await decodeImageBytes(bytes), bytes: bytes.length };
  }
  return { pixels: await decodeImageBytes(new Uint8Array(await source.blob.arrayBuffer())), bytes: -1 };
}

/** The model's input tensor for one image; throws ClipError (BAD_IMAGE with the reason) for a bad one. */
export async function prepareSource(source: JobSource, config: PreprocessorConfig): Promise<PreparedSource> {
  const { pixels, bytes } = await pixelsOf(source);
  const data = preprocessImage(pixels, config);
  return { data, ...preprocessedSize(config, pixels.width, pixels.height), bytes };
}
