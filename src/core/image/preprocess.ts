// CLIP image preprocessing on RGBA pixels: the float32 [3, H, W] tensor that torchvision's
// Resize(bicubic) + CenterCrop + ToTensor + Normalize make from the same PIL image, bit for bit.
import { ClipError } from '../../shared/errors';
import type { PreprocessorConfig, ResizeTarget } from './preprocess-config';
import { resampleWindow, type RgbaPixels } from './resample';

export { parsePreprocessorConfig } from './preprocess-config';

/**
 * The version of the path from image bytes to the model's input (decoding, EXIF orientation,
 * resampling, cropping, normalizing). Stored with every library vector: bump it when that path
 * changes the numbers, and libraries know which vectors to re-embed.
 */
export const PREPROCESS_VERSION = 'pil-bicubic-1';
export type { PreprocessorConfig, ResizeTarget } from './preprocess-config';
export type { ResampleFilter, RgbaPixels } from './resample';

// 1 GiB of float32: far beyond any model input, still allocatable in a browser tab.
const MAX_TENSOR_VALUES = 2 ** 28;

/** Height and width of the tensor `preprocessImage` makes from an image of the given size. */
export function preprocessedSize(
  config: PreprocessorConfig,
  width: number,
  height: number,
): { width: number; height: number } {
  if (config.crop !== null) return { width: config.crop.width, height: config.crop.height };
  const [w, h] = resizedSize(config.resize, width, height);
  return { width: w, height: h };
}

/** Preprocesses one image into a new float32 [3, H, W] tensor (CHW, RGB). */
export function preprocessImage(pixels: RgbaPixels, config: PreprocessorConfig): Float32Array {
  checkPixels(pixels);
  checkConfig(config);
  const { width, height } = preprocessedSize(config, pixels.width, pixels.height);
  // Only reachable without a center crop (e.g. a 1x100000 strip resized to shortest edge 224).
  if (3 * width * height > MAX_TENSOR_VALUES) {
    throw new ClipError('BAD_IMAGE', `a ${pixels.width}x${pixels.height} image would preprocess to ${width}x${height}, too large`);
  }
  const out = new Float32Array(3 * width * height);
  preprocessImageInto(pixels, config, out, 0);
  return out;
}

/**
 * Preprocesses one image into `out` at `offset` (in floats), so that a batch [N, 3, H, W] is
 * filled in place: image i goes at offset i * 3 * H * W. Returns the number of floats written.
 * Throws ClipError 'BAD_IMAGE' for bad pixels and 'BAD_INPUT' when `out` cannot hold them.
 */
export function preprocessImageInto(
  pixels: RgbaPixels,
  config: PreprocessorConfig,
  out: Float32Array,
  offset: number,
): number {
  checkPixels(pixels);
  checkConfig(config);
  const [rw, rh] = resizedSize(config.resize, pixels.width, pixels.height);
  const cw = config.crop?.width ?? rw;
  const ch = config.crop?.height ?? rh;
  const plane = cw * ch;
  if (!(out instanceof Float32Array)) throw new ClipError('BAD_INPUT', 'out must be a Float32Array');
  if (!Number.isInteger(offset) || offset < 0 || offset + 3 * plane > out.length) {
    throw new ClipError(
      'BAD_INPUT',
      `out (length ${out.length}) has no room for a 3x${ch}x${cw} image at offset ${offset}`,
    );
  }

  // Where the crop's top-left corner falls in the resized image; negative means padding.
  const left = config.crop === null ? 0 : cropOrigin(rw, cw);
  const top = config.crop === null ? 0 : cropOrigin(rh, ch);
  // The part of the crop that lies on the image; the rest is torchvision's zero padding.
  const x0 = Math.max(0, left);
  const x1 = Math.min(rw, left + cw);
  const y0 = Math.max(0, top);
  const y1 = Math.min(rh, top + ch);

  const table = valueTable(config);
  const [padR, padG, padB] = [table[0]!, table[256]!, table[512]!];
  if (x0 !== left || y0 !== top || x1 - x0 !== cw || y1 - y0 !== ch) {
    out.fill(padR, offset, offset + plane);
    out.fill(padG, offset + plane, offset + 2 * plane);
    out.fill(padB, offset + 2 * plane, offset + 3 * plane);
  }
  if (x1 <= x0 || y1 <= y0) return 3 * plane;

  const w = x1 - x0;
  const rgb = resampleWindow(pixels, rw, rh, config.filter, x0, y0, w, y1 - y0);
  let i = 0;
  for (let y = y0; y < y1; y++) {
    let o = offset + (y - top) * cw + (x0 - left);
    for (let x = 0; x < w; x++, o++) {
      out[o] = table[rgb[i++]!]!;
      out[o + plane] = table[256 + rgb[i++]!]!;
      out[o + 2 * plane] = table[512 + rgb[i++]!]!;
    }
  }
  return 3 * plane;
}

// The config is trusted (parsePreprocessorConfig validated it); this only catches a raw
// preprocessor_config.json passed by mistake, which would otherwise fail obscurely.
function checkConfig(config: PreprocessorConfig): void {
  if (typeof config !== 'object' || config === null || typeof config.filter !== 'string') {
    throw new ClipError('BAD_CONFIG', 'config must come from parsePreprocessorConfig(json)');
  }
}

function checkPixels(pixels: RgbaPixels): void {
  if (typeof pixels !== 'object' || pixels === null) {
    throw new ClipError('BAD_IMAGE', 'expected {data, width, height} pixels (like ImageData)');
  }
  const { data, width, height } = pixels;
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new ClipError('BAD_IMAGE', `image ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  if (!(data instanceof Uint8ClampedArray || data instanceof Uint8Array)) {
    throw new ClipError('BAD_IMAGE', 'image data must be a Uint8ClampedArray or Uint8Array of RGBA bytes');
  }
  if (data.length !== width * height * 4) {
    throw new ClipError(
      'BAD_IMAGE',
      `image data has ${data.length} bytes, but a ${width}x${height} RGBA image needs ${width * height * 4}`,
    );
  }
}

/** Size after the resize step, as torchvision's Resize computes it (width, height). */
function resizedSize(target: ResizeTarget | null, width: number, height: number): [number, number] {
  if (target === null) return [width, height];
  if (target.kind === 'exact') return [target.width, target.height];
  const s = target.shortestEdge;
  // torchvision (and transformers): int(size * long / short), a float division truncated.
  if (width <= height) return [s, Math.trunc((s * height) / width)];
  return [Math.trunc((s * width) / height), s];
}

/**
 * Offset of the crop along one side, as torchvision's center_crop computes it: when the crop
 * is larger it pads by (crop - size) // 2 first; otherwise int(round((size - crop) / 2)),
 * and Python's round() takes halves to even (225 -> 224 starts at 0, 227 -> 224 at 2).
 */
function cropOrigin(size: number, crop: number): number {
  if (crop > size) return -Math.floor((crop - size) / 2);
  const d = size - crop;
  const half = d >> 1;
  return d % 2 === 0 || half % 2 === 0 ? half : half + 1;
}

// Rescale + normalize map each channel's 256 byte values to 256 floats: one table lookup per
// value instead of float arithmetic, and the table reproduces PyTorch's float32 steps exactly.
const tables = new WeakMap<PreprocessorConfig, Float32Array>();

function valueTable(config: PreprocessorConfig): Float32Array {
  let table = tables.get(config);
  if (table !== undefined) return table;
  table = new Float32Array(3 * 256);
  const factor = config.rescaleFactor;
  // ToTensor divides by 255 (and float32 v / 255 is not always float32 v * (1 / 255)); a
  // config's rescale_factor of 1/255 is that division, so divide when the factor is 1/n.
  const divisor = factor === null ? null : Math.round(1 / factor);
  const divides = factor !== null && divisor !== null && divisor > 0 && Math.abs(1 / factor - divisor) < 1e-9 * divisor;
  const f32 = Math.fround;
  for (let c = 0; c < 3; c++) {
    const mean = config.normalize === null ? 0 : f32(config.normalize.mean[c]!);
    const std = config.normalize === null ? 1 : f32(config.normalize.std[c]!);
    for (let v = 0; v < 256; v++) {
      let x = v;
      if (factor !== null) x = divides ? f32(v / divisor!) : f32(v * f32(factor));
      if (config.normalize !== null) x = f32(f32(x - mean) / std);
      table[c * 256 + v] = x;
    }
  }
  tables.set(config, table);
  return table;
}
