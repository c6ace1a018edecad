// Test-only access to tests/fixtures/images: a small PNG decoder (node:zlib) for the committed
// photos and references, and the synthetic pattern that scripts/fixtures/preprocess_reference.py
// generates, reproduced byte for byte so that large test images need not be committed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync, gunzipSync } from 'node:zlib';

export const IMAGES_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'images');

export interface Rgba {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export type FixtureSource =
  | { kind: 'png'; file: string; transform?: 'rotate90' }
  | { kind: 'synth'; width: number; height: number; seed: number; alpha: boolean };

export interface FixtureCase {
  name: string;
  source: FixtureSource;
  config: Record<string, unknown>;
  width: number;
  height: number;
  /** PNG of the uint8 RGB image after torchvision's Resize + CenterCrop. */
  rgb: string;
  /** gzip of the float32 little-endian [3, H, W] tensor after ToTensor + Normalize. */
  tensor?: string;
}

export interface FixtureManifest {
  versions: Record<string, string>;
  cases: FixtureCase[];
}

export function readManifest(): FixtureManifest {
  return JSON.parse(readFileSync(join(IMAGES_DIR, 'manifest.json'), 'utf8')) as FixtureManifest;
}

/**
 * Decodes an 8-bit, non-interlaced PNG (gray, gray+alpha, RGB or RGBA) to RGBA, the way a
 * browser's decoder hands ImageData over: gray is replicated, missing alpha is 255.
 */
export function decodePng(bytes: Uint8Array): Rgba {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  const idat: Uint8Array[] = [];
  while (pos < bytes.length) {
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const body = bytes.subarray(pos + 8, pos + 8 + length);
    if (type === 'IHDR') {
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
      const depth = body[8];
      colorType = body[9]!;
      if (depth !== 8 || body[12] !== 0) throw new Error('only 8-bit non-interlaced PNGs');
    } else if (type === 'IDAT') {
      idat.push(body);
    } else if (type === 'IEND') {
      break;
    }
    pos += 12 + length;
  }
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (channels === undefined) throw new Error(`unsupported PNG color type ${colorType}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const o = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? pixels[o + i - channels]! : 0;
      const b = y > 0 ? pixels[o + i - stride]! : 0;
      const c = i >= channels && y > 0 ? pixels[o + i - stride - channels]! : 0;
      let predictor: number;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) >> 1; break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new Error(`bad PNG filter ${filter}`);
      }
      pixels[o + i] = (line[i]! + predictor) & 255;
    }
  }
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += channels) {
    const gray = channels <= 2;
    data[i * 4] = pixels[j]!;
    data[i * 4 + 1] = pixels[gray ? j : j + 1]!;
    data[i * 4 + 2] = pixels[gray ? j : j + 2]!;
    data[i * 4 + 3] = channels === 2 ? pixels[j + 1]! : channels === 4 ? pixels[j + 3]! : 255;
  }
  return { data, width, height };
}

export function readPng(file: string): Rgba {
  return decodePng(readFileSync(join(IMAGES_DIR, file)));
}

export function readTensor(file: string): Float32Array {
  const bytes = gunzipSync(readFileSync(join(IMAGES_DIR, file)));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Same as preprocess_reference.py's synth_rgba: gradients, a checkerboard, hashed noise. */
export function synthRgba(width: number, height: number, seed: number, alpha: boolean): Rgba {
  const data = new Uint8ClampedArray(width * height * 4);
  const seedTerm = Number((BigInt(seed) * 2246822519n) % 2n ** 32n);
  const dx = Math.max(width - 1, 1);
  const dy = Math.max(height - 1, 1);
  const dd = Math.max(width + height - 2, 1);
  let o = 0;
  for (let y = 0; y < height; y++) {
    const hy = Math.imul(y, 668265263);
    const gy = Math.floor((y * 255) / dy);
    for (let x = 0; x < width; x++) {
      let h = (((Math.imul(x, 374761393) + hy) >>> 0) + seedTerm) >>> 0;
      h = (h ^ (h >>> 13)) >>> 0;
      h = Math.imul(h, 1274126177) >>> 0;
      h = (h ^ (h >>> 16)) >>> 0;
      const gx = Math.floor((x * 255) / dx);
      const gd = Math.floor(((x + y) * 255) / dd);
      const checker = ((x >> 3) ^ (y >> 3)) & 1 ? 48 : 0;
      data[o++] = Math.min(gx + checker, 255);
      data[o++] = gy ^ (h & 7);
      data[o++] = gd ^ ((h >>> 8) & 63);
      data[o++] = alpha ? (x * 7 + y * 13 + seed) & 255 : 255;
    }
  }
  return { data, width, height };
}

/** Clockwise quarter turn, as the Python script's rotate90 (PIL's ROTATE_270). */
export function rotate90(img: Rgba): Rgba {
  const { width: w, height: h } = img;
  const data = new Uint8ClampedArray(img.data.length);
  // Output is h wide and w tall: output (x, y) = input (y, h - 1 - x).
  for (let y = 0; y < w; y++) {
    for (let x = 0; x < h; x++) {
      const s = ((h - 1 - x) * w + y) * 4;
      const d = (y * h + x) * 4;
      data.set(img.data.subarray(s, s + 4), d);
    }
  }
  return { data, width: h, height: w };
}

export function loadSource(source: FixtureSource): Rgba {
  if (source.kind === 'synth') return synthRgba(source.width, source.height, source.seed, source.alpha);
  const img = readPng(source.file);
  return source.transform === 'rotate90' ? rotate90(img) : img;
}

/** CLIP's own preprocessor_config.json, as the committed test model ships it. */
export const CLIP_PREPROCESSOR_JSON = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'tiny-clip', 'preprocessor_config.json'), 'utf8'),
) as { image_mean: [number, number, number]; image_std: [number, number, number] } & Record<string, unknown>;

/** torchvision's ToTensor + Normalize, in float32, on 224×224 RGB bytes `step` bytes apart. */
export function referenceTensor(rgb: Uint8Array | Uint8ClampedArray, step: number): Float32Array {
  const f = Math.fround;
  const plane = 224 * 224;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const mean = f(CLIP_PREPROCESSOR_JSON.image_mean[c]!);
    const std = f(CLIP_PREPROCESSOR_JSON.image_std[c]!);
    for (let i = 0; i < plane; i++) out[c * plane + i] = f(f(f(rgb[i * step + c]! / 255) - mean) / std);
  }
  return out;
}

/** Largest and mean absolute difference, and how many values differ at all. */
export function tensorDifference(actual: ArrayLike<number>, expected: ArrayLike<number>) {
  let max = 0;
  let sum = 0;
  let differing = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    max = Math.max(max, d);
    sum += d;
    if (d !== 0) differing++;
  }
  return { max, mean: sum / expected.length, differing };
}
