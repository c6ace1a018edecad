// Decodes an encoded image (Blob) into RGBA pixels in a worker, without the browser's colour
// management or alpha premultiplication, so the pixels are the file's own as PIL reads them.
import { ClipError } from '../core/errors';
import type { RgbaPixels } from '../core/preprocess';

export async function decodeImage(blob: Blob): Promise<RgbaPixels> {
  let bitmap: ImageBitmap;
  try {
    // premultiplyAlpha 'none': premultiplying then reading back would lose colour under low
    // alpha, where PIL's convert("RGB") keeps it. colorSpaceConversion 'none': PIL ignores ICC.
    bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  } catch (cause) {
    throw new ClipError('BAD_IMAGE', `the browser could not decode this ${blob.type || 'file'} (${blob.size} bytes)`, { cause });
  }
  try {
    const { width, height } = bitmap;
    if (width === 0 || height === 0) throw new ClipError('BAD_IMAGE', `the image is empty (${width}×${height})`);
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new ClipError('BACKEND_UNAVAILABLE', 'no 2D context on OffscreenCanvas');
    context.drawImage(bitmap, 0, 0);
    const image = context.getImageData(0, 0, width, height);
    return { data: image.data, width, height };
  } finally {
    bitmap.close();
  }
}
