// Page side of decode.spec.ts: the worker's decoders, run on the page (the same code; both
// ImageDecoder and createImageBitmap exist on pages and in workers), compared with PIL.
import { sniffImageType } from '../../src/core/image/image-type';
import type { RgbaPixels } from '../../src/core/image/resample';
import { decodeImage, decodeWithBitmap } from '../../src/runtime/images/image-decoder';
import { decodeWithImageDecoder } from '../../src/runtime/images/webcodecs-decode';

export type DecodePath = 'auto' | 'image-decoder' | 'bitmap' | 'browser-default';

export interface Comparison {
  width: number;
  height: number;
  /** RGB bytes that differ from the reference (alpha is not compared: PIL's RGB has none). */
  differing: number;
  maxDiff: number;
}

const FOLDER = '/tests/fixtures/decode/';

async function blobOf(file: string): Promise<Blob> {
  const response = await fetch(FOLDER + file);
  if (!response.ok) throw new Error(`${file}: ${response.status}`);
  return response.blob();
}

/** A reference PNG (opaque RGB, no profile) read the plain way, independent of webclip's code. */
async function referencePixels(file: string): Promise<RgbaPixels> {
  const bitmap = await createImageBitmap(await blobOf(file), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  return { data: context.getImageData(0, 0, bitmap.width, bitmap.height).data, width: bitmap.width, height: bitmap.height };
}

/** What the browser shows: colour-managed, oriented, premultiplied canvas readback. */
async function browserDefault(blob: Blob): Promise<RgbaPixels> {
  const bitmap = await createImageBitmap(blob);
  const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  return { data: context.getImageData(0, 0, bitmap.width, bitmap.height).data, width: bitmap.width, height: bitmap.height };
}

async function decodeBy(path: DecodePath, blob: Blob, file: string): Promise<RgbaPixels> {
  if (path === 'auto') return decodeImage(blob);
  if (path === 'bitmap') return decodeWithBitmap(blob);
  if (path === 'browser-default') return browserDefault(blob);
  const type = sniffImageType(new Uint8Array(await blob.arrayBuffer()));
  if (type === null) throw new Error(`${file}: not an image type webclip sniffs`);
  const pixels = await decodeWithImageDecoder(blob, type);
  if (pixels === null) throw new Error(`ImageDecoder declined ${file}`);
  return pixels;
}

async function compare(file: string, reference: string, path: DecodePath): Promise<Comparison> {
  const [got, want] = await Promise.all([decodeBy(path, await blobOf(file), file), referencePixels(reference)]);
  if (got.width !== want.width || got.height !== want.height) {
    return { width: got.width, height: got.height, differing: -1, maxDiff: -1 };
  }
  let differing = 0;
  let maxDiff = 0;
  for (let i = 0; i < got.data.length; i++) {
    if ((i & 3) === 3) continue;
    const d = Math.abs(got.data[i]! - want.data[i]!);
    if (d > 0) {
      differing++;
      maxDiff = Math.max(maxDiff, d);
    }
  }
  return { width: got.width, height: got.height, differing, maxDiff };
}

const decodeHarness = { compare, hasImageDecoder: typeof ImageDecoder !== 'undefined' };

declare global {
  interface Window {
    decodeHarness: typeof decodeHarness;
  }
}

window.decodeHarness = decodeHarness;
document.body.dataset.ready = 'true';
