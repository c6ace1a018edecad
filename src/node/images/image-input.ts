// Node's image inputs → the engine's WireImages: a file path (read lazily, as a file-backed
// Blob), an http(s) URL, bytes (Buffer, Uint8Array, ArrayBuffer), a Blob, or RGBA pixels.
import { openAsBlob } from 'node:fs';
import type { WireImage } from '../../shared/wire';

/** What webclip/node takes as an image. */
export type NodeImageInput =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | { readonly data: Uint8Array | Uint8ClampedArray; readonly width: number; readonly height: number };

const failed = (message: string): WireImage => ({ kind: 'failed', code: 'BAD_IMAGE', message });

/** The file behind each Blob opened from a path: Node cannot post a file-backed Blob to a worker thread, a path it can. */
const filePaths = new WeakMap<Blob, string>();

/** The path a Blob was opened from here, if it was. */
export const filePathOf = (blob: Blob): string | undefined => filePaths.get(blob);

export async function toWireImage(input: NodeImageInput): Promise<WireImage> {
  if (typeof input === 'string') {
    if (/^https?:\/\//i.test(input)) return { kind: 'url', url: input };
    try {
      const blob = await openAsBlob(input);
      filePaths.set(blob, input);
      return { kind: 'blob', blob };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return failed(code === 'ENOENT' ? `no file ${input}` : `could not open ${input}: ${String(error)}`);
    }
  }
  if (input instanceof Blob) return { kind: 'blob', blob: input };
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) return { kind: 'blob', blob: new Blob([input as Uint8Array<ArrayBuffer>]) };
  if (typeof input === 'object' && input !== null && 'data' in input && (input.data instanceof Uint8Array || input.data instanceof Uint8ClampedArray)) {
    const { data, width, height } = input;
    return { kind: 'pixels', data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width, height };
  }
  return failed('an image must be a file path, a URL, bytes, a Blob or {data, width, height} RGBA pixels');
}

export const toWireImages = (inputs: readonly NodeImageInput[]): Promise<WireImage[]> => Promise.all(inputs.map(toWireImage));
