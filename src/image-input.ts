// Turns whatever image a page holds into a WireImage for the worker, on the page side: Blobs
// and URLs go as they are, bitmaps and pixel buffers are transferred, and DOM images become
// ImageBitmaps (a DOM element cannot enter a worker).
import { ClipError } from './core/errors';
import type { WireImage } from './wire';

/** Every image type the public API accepts. */
export type ImageInput =
  | Blob
  | ImageBitmap
  | ImageData
  | HTMLImageElement
  | HTMLCanvasElement
  | OffscreenCanvas
  | string;

export interface PreparedImages {
  images: WireImage[];
  transfer: Transferable[];
}

async function prepareOne(input: ImageInput, transfer: Transferable[]): Promise<WireImage> {
  if (typeof input === 'string') {
    // Resolved against the page, since the worker's base URL is the worker script's.
    return { kind: 'url', url: new URL(input, location.href).href };
  }
  if (input instanceof Blob) return { kind: 'blob', blob: input };
  if (typeof ImageBitmap !== 'undefined' && input instanceof ImageBitmap) {
    transfer.push(input);
    return { kind: 'bitmap', bitmap: input };
  }
  if (typeof ImageData !== 'undefined' && input instanceof ImageData) {
    // Moving the buffer leaves the caller's ImageData empty; that is the price of no copy.
    transfer.push(input.data.buffer);
    return { kind: 'pixels', data: input.data, width: input.width, height: input.height };
  }
  if (typeof HTMLImageElement !== 'undefined' && input instanceof HTMLImageElement) {
    if (!input.complete || input.naturalWidth === 0) await input.decode();
    const bitmap = await createImageBitmap(input);
    transfer.push(bitmap);
    return { kind: 'bitmap', bitmap };
  }
  const isCanvas =
    (typeof HTMLCanvasElement !== 'undefined' && input instanceof HTMLCanvasElement) ||
    (typeof OffscreenCanvas !== 'undefined' && input instanceof OffscreenCanvas);
  if (isCanvas) {
    const bitmap = await createImageBitmap(input);
    transfer.push(bitmap);
    return { kind: 'bitmap', bitmap };
  }
  throw new ClipError('BAD_IMAGE', `unsupported image type: ${Object.prototype.toString.call(input)}`);
}

/**
 * Prepares every image; one that cannot be prepared becomes a 'failed' entry in its slot, so
 * it fails alone in the worker like any other bad image.
 */
export async function prepareImages(inputs: readonly ImageInput[]): Promise<PreparedImages> {
  if (!Array.isArray(inputs)) throw new ClipError('BAD_INPUT', 'images must be an array');
  const transfer: Transferable[] = [];
  const images = await Promise.all(
    inputs.map((input) =>
      prepareOne(input, transfer).catch(
        (error: unknown): WireImage =>
          error instanceof ClipError
            ? { kind: 'failed', code: error.code, message: error.message }
            : { kind: 'failed', code: 'BAD_IMAGE', message: `could not read this image: ${String(error)}` },
      ),
    ),
  );
  // The same bitmap or buffer passed twice may be listed once only, or postMessage throws.
  return { images, transfer: [...new Set(transfer)] };
}
