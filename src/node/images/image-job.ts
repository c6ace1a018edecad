// One photo's preparation as webclip/node's image workers do it (image-worker.ts), and as the
// pool does it on its own thread when no worker can start: bytes read, decoded as PIL decodes
// them, preprocessed into the model's input tensor.
import { readFile } from 'node:fs/promises';
import { preprocessedSize, preprocessImage, type PreprocessorConfig } from '../../core/image/preprocess';
import type { RgbaPixels } from '../../core/image/resample';
import { ClipError, type ClipErrorCode } from '../../shared/errors';
import type { ImageTensor } from '../../runtime/engine/engine-platform';
import { decodeImageBytes } from './sharp-decode';

/** Where a job's image is: a file (read where it is prepared), bytes in a Blob, or RGBA pixels. */
export type JobSource =
  | { readonly path: string; readonly size: number }
  | { readonly blob: Blob }
  | { readonly pixels: { readonly data: Uint8ClampedArray; readonly width: number; readonly height: number } };

export interface ImageJob {
  readonly id: number;
  readonly source: JobSource;
  readonly config: PreprocessorConfig;
}

export type JobAnswer =
  | { readonly id: number; readonly ok: true; readonly data: Float32Array; readonly width: number; readonly height: number }
  | { readonly id: number; readonly ok: false; readonly code: ClipErrorCode; readonly message: string };

/** What a worker says besides answers: its module loaded. */
export interface WorkerNote {
  readonly ready: true;
}

async function fileBytes(path: string, size: number): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new ClipError('BAD_IMAGE', `could not read the file: ${String(cause)}`, { cause });
  }
  // The library hashed the bytes it opened; a file rewritten since would be embedded under that hash.
  if (bytes.length !== size) throw new ClipError('BAD_IMAGE', `the file changed while it was being indexed (${size} bytes, now ${bytes.length})`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

async function pixelsOf(source: JobSource): Promise<RgbaPixels> {
  if ('pixels' in source) return source.pixels;
  if ('path' in source) return decodeImageBytes(await fileBytes(source.path, source.size));
  return decodeImageBytes(new Uint8Array(await source.blob.arrayBuffer()));
}

/** The model's input tensor for one image; throws ClipError (BAD_IMAGE with the reason) for a bad one. */
export async function prepareSource(source: JobSource, config: PreprocessorConfig): Promise<ImageTensor> {
  const pixels = await pixelsOf(source);
  const data = preprocessImage(pixels, config);
  return { data, ...preprocessedSize(config, pixels.width, pixels.height) };
}
