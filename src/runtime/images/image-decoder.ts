// WireImage → RGBA inside the worker, as PIL reads the file: no colour management, no alpha
// premultiplication; WebCodecs' ImageDecoder first, createImageBitmap otherwise.
import { ClipError } from '../../shared/errors';
import { declaredImageSize, oversizeReason, SIZE_HEADER_BYTES } from '../../core/image/image-size';
import { sniffImageType } from '../../core/image/image-type';
import { undecodableReason } from '../../core/image/undecodable';
import { isJpeg, jpegHasIccProfile } from '../../core/image/jpeg-header';
import type { RgbaPixels } from '../../core/image/preprocess';
import type { WireImage } from '../../shared/wire';
import { hasTranslucentPixels, readStraightAlpha } from './straight-alpha';
import { decodeWithImageDecoder } from './webcodecs-decode';

/**
 * The bitmap's RGBA pixels. A canvas reads opaque pixels exactly; where some are translucent
 * it has rounded their colour through premultiplication, so those are read again by WebGL.
 */
export async function bitmapPixels(bitmap: ImageBitmap): Promise<RgbaPixels> {
  try {
    const { width, height } = bitmap;
    if (width === 0 || height === 0) throw new ClipError('BAD_IMAGE', `the image is empty (${width}×${height})`);
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new ClipError('BACKEND_UNAVAILABLE', 'no 2D context on OffscreenCanvas');
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, width, height);
    return { data: (hasTranslucentPixels(data) && readStraightAlpha(bitmap)) || data, width, height };
  } finally {
    bitmap.close();
  }
}

// Header bytes read to find a JPEG's ICC profile; APP segments sit before the image data.
const HEADER_BYTES = 128 * 1024;

/**
 * The careful options are premultiplyAlpha 'none' (premultiplying, then reading back, would
 * lose colour under low alpha, where PIL's convert("RGB") keeps it) and colorSpaceConversion
 * 'none' (PIL ignores ICC profiles). Both leave Chromium's fast decode path: a 12 MP JPEG takes
 * about twice as long. A JPEG has no alpha, and without an ICC profile there is nothing to
 * convert, so its pixels are the same either way: it takes the fast path.
 * imageOrientation stays at its default, 'from-image': EXIF rotation is applied.
 */
async function decodeOptions(blob: Blob): Promise<ImageBitmapOptions> {
  const careful: ImageBitmapOptions = { premultiplyAlpha: 'none', colorSpaceConversion: 'none' };
  const header = new Uint8Array(await blob.slice(0, HEADER_BYTES).arrayBuffer());
  return isJpeg(header) && !jpegHasIccProfile(header) ? {} : careful;
}

/** The createImageBitmap path: every browser has it; the fallback where ImageDecoder is missing. */
export async function decodeWithBitmap(blob: Blob): Promise<RgbaPixels> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, await decodeOptions(blob));
  } catch (cause) {
    const header = new Uint8Array(await blob.slice(0, 512).arrayBuffer());
    throw new ClipError('BAD_IMAGE', undecodableReason(header, blob.type, blob.size), { cause });
  }
  return bitmapPixels(bitmap);
}

/** Decodes an image file (any format the browser reads) into its RGBA pixels, upright. */
export async function decodeImage(blob: Blob): Promise<RgbaPixels> {
  if (blob.size === 0) throw new ClipError('BAD_IMAGE', 'the file is empty');
  // One read of the header serves the type sniff and the declared size.
  const header = new Uint8Array(await blob.slice(0, SIZE_HEADER_BYTES).arrayBuffer());
  const type = sniffImageType(header);
  if (type !== null) {
    const tooLarge = oversizeReason(declaredImageSize(header, type));
    if (tooLarge) throw new ClipError('BAD_IMAGE', tooLarge);
    // A file ImageDecoder rejects is broken: it is not handed to createImageBitmap, which would
    // paint the missing part of a truncated JPEG gray and call it a photo.
    const pixels = await decodeWithImageDecoder(blob, type);
    if (pixels) return pixels;
  }
  return decodeWithBitmap(blob);
}

export async function fetchImage(url: string, signal?: AbortSignal): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(url, signal ? { signal } : {});
  } catch (cause) {
    throw new ClipError('BAD_IMAGE', `could not fetch the image at ${url}: ${String(cause)}`, { cause });
  }
  if (!response.ok) throw new ClipError('BAD_IMAGE', `the image at ${url} answered ${response.status}`);
  return response.blob();
}

export async function decodeWireImage(image: WireImage, signal?: AbortSignal): Promise<RgbaPixels> {
  switch (image.kind) {
    case 'blob':
      return decodeImage(image.blob);
    case 'url':
      return decodeImage(await fetchImage(image.url, signal));
    case 'bitmap':
      return bitmapPixels(image.bitmap);
    case 'pixels':
      // preprocess checks the buffer against width × height × 4.
      return { data: image.data, width: image.width, height: image.height };
    case 'failed':
      throw new ClipError(image.code, image.message);
  }
}
