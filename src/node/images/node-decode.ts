// The engine's image decoding in Node (EnginePlatform.decode): bytes through sharp-decode.ts.
import { ClipError } from '../../shared/errors';
import type { RgbaPixels } from '../../core/image/resample';
import type { WireImage } from '../../shared/wire';
import { fetchImage } from '../../runtime/images/image-decoder';
import { decodeImageBytes } from './sharp-decode';

const bytesOf = async (blob: Blob): Promise<Uint8Array> => {
  try {
    return new Uint8Array(await blob.arrayBuffer());
  } catch (cause) {
    throw new ClipError('BAD_IMAGE', `could not read the file: ${String(cause)}`, { cause });
  }
};

export async function decodeNodeImage(image: WireImage, signal: AbortSignal | undefined): Promise<RgbaPixels> {
  switch (image.kind) {
    case 'blob':
      return decodeImageBytes(await bytesOf(image.blob));
    case 'url':
      return decodeImageBytes(await bytesOf(await fetchImage(image.url, signal)));
    case 'pixels':
      return { data: image.data, width: image.width, height: image.height };
    case 'bitmap':
      throw new ClipError('BAD_IMAGE', 'ImageBitmaps exist only in browsers');
    case 'failed':
      throw new ClipError(image.code, image.message);
  }
}
