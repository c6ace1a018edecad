// Page images → WireImages: Blobs and URLs as they are, bitmaps and pixel buffers transferred,
// DOM images turned into ImageBitmaps (no element can enter a worker).
import type { ImageInput } from '../shared/clip';
import { ClipError } from '../shared/errors';
import type { WireImage } from '../shared/wire';

export interface PreparedImages {
  images: WireImage[];
  transfer: Transferable[];
}

/** The longest `data:` image URL accepted (characters): a 24 MB file in base64. */
export const MAX_DATA_URL_LENGTH = 32 * 1024 * 1024;

/**
 * An image URL resolved against the page (the worker's base URL is the worker script's). Only
 * what can hold an image is fetched: http(s), blob: and data: up to MAX_DATA_URL_LENGTH.
 */
function imageUrl(input: string): string {
  if (input.startsWith('data:') && input.length > MAX_DATA_URL_LENGTH) {
    throw new ClipError('BAD_IMAGE', `a data: URL of ${input.length} characters is over the ${MAX_DATA_URL_LENGTH} webclip reads: pass a Blob`);
  }
  let url: URL;
  try {
    url = new URL(input, location.href);
  } catch {
    throw new ClipError('BAD_IMAGE', `not a URL: ${JSON.stringify(input.slice(0, 100))}`);
  }
  if (!['http:', 'https:', 'blob:', 'data:'].includes(url.protocol)) {
    throw new ClipError('BAD_IMAGE', `image URLs must be http(s), blob: or data:; ${url.protocol} is refused`);
  }
  return url.href;
}

async function prepareOne(input: ImageInput, transfer: Transferable[]): Promise<WireImage> {
  if (typeof input === 'string') return { kind: 'url', url: imageUrl(input) };
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
