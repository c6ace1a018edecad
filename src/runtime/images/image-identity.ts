// What identifies an image in a library: the SHA-256 of its file's bytes (of size and pixels
// for bitmaps and ImageData), so the same photo is embedded once under any id.
import { ClipError } from '../../shared/errors';
import { toHex } from '../../core/model/sha256';
import type { WireImage } from '../../shared/wire';
import { bitmapPixels, fetchImage } from './image-decoder';

export interface IdentifiedImage {
  /** SHA-256, lowercase hex. */
  readonly hash: string;
  /** The same image, in a form that embeds without fetching or reading it again. */
  readonly image: WireImage;
}

const hex = (digest: ArrayBuffer): string => toHex(new Uint8Array(digest));

async function hashPixels(data: Uint8Array | Uint8ClampedArray, width: number, height: number): Promise<string> {
  const bytes = new Uint8Array(8 + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, width, true);
  view.setUint32(4, height, true);
  bytes.set(data, 8);
  return hex(await crypto.subtle.digest('SHA-256', bytes));
}

/** SHA-256 of a Blob's bytes, lowercase hex. */
export type BlobDigest = (blob: Blob) => Promise<string>;

const digestWhole: BlobDigest = async (blob) => hex(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));

/** `digest`: how a Blob is hashed where it runs (webclip/node streams files: no copy of each held whole). */
export async function identifyImage(image: WireImage, signal?: AbortSignal, digest: BlobDigest = digestWhole): Promise<IdentifiedImage> {
  switch (image.kind) {
    case 'blob':
      if (image.blob.size === 0) throw new ClipError('BAD_IMAGE', 'the file is empty');
      return { hash: await digest(image.blob), image };
    case 'url': {
      const blob = await fetchImage(image.url, signal);
      return identifyImage({ kind: 'blob', blob }, signal, digest);
    }
    case 'bitmap': {
      const { data, width, height } = await bitmapPixels(image.bitmap);
      const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
      return { hash: await hashPixels(pixels, width, height), image: { kind: 'pixels', data: pixels, width, height } };
    }
    case 'pixels':
      if (!(image.data instanceof Uint8ClampedArray) || image.data.length !== image.width * image.height * 4) {
        throw new ClipError('BAD_IMAGE', 'the pixel buffer does not match its width × height × 4');
      }
      return { hash: await hashPixels(image.data, image.width, image.height), image };
    case 'failed':
      throw new ClipError(image.code, image.message);
  }
}
