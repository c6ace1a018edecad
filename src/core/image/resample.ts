// PIL's convolution resize (Resample.c, 8-bit path), byte for byte, computing only the window a
// crop keeps. Why each step is as it is: docs/internals.md#resampling-as-pillow-does.

/** PIL resampling filters that go through Resample.c. */
export type ResampleFilter = 'lanczos' | 'bilinear' | 'bicubic' | 'box' | 'hamming';

/** RGBA bytes, row-major, 4 per pixel (ImageData's layout). */
export interface RgbaPixels {
  readonly data: Uint8ClampedArray | Uint8Array;
  readonly width: number;
  readonly height: number;
}

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

// Hamming's window constants are C float literals (0.54f) promoted to double in Pillow.
const HAMMING_A = Math.fround(0.54);
const HAMMING_B = Math.fround(0.46);

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

// Each filter with its support radius at scale 1, written in Pillow's evaluation order.
const FILTERS: Readonly<Record<ResampleFilter, { readonly support: number; readonly weight: (x: number) => number }>> = {
  box: { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  bilinear: {
    support: 1,
    weight: (x) => {
      const ax = x < 0 ? -x : x;
      return ax < 1 ? 1 - ax : 0;
    },
  },
  hamming: {
    support: 1,
    weight: (x) => {
      let ax = x < 0 ? -x : x;
      if (ax === 0) return 1;
      if (ax >= 1) return 0;
      ax = ax * Math.PI;
      return (Math.sin(ax) / ax) * (HAMMING_A + HAMMING_B * Math.cos(ax));
    },
  },
  // Keys' cubic convolution with a = -0.5, the constant Pillow (and CLIP's training) used.
  bicubic: {
    support: 2,
    weight: (x) => {
      const ax = x < 0 ? -x : x;
      if (ax < 1) return (1.5 * ax - 2.5) * ax * ax + 1;
      if (ax < 2) return (((ax - 5) * ax + 8) * ax - 4) * -0.5;
      return 0;
    },
  },
  lanczos: { support: 3, weight: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

/** Fixed-point weights for a run of output pixels along one axis. */
interface AxisTaps {
  /** First input index of each output pixel's window. */
  readonly start: Int32Array;
  /** Window length of each output pixel (at most `stride`). */
  readonly count: Int32Array;
  /** Weights, `stride` slots per output pixel, in units of 2^-22. */
  readonly weights: Int32Array;
  readonly stride: number;
}

// Tables depend only on (filter, sizes, window), and a photo library repeats a handful of
// camera resolutions, so a few recent tables are kept (Map keeps insertion order: LRU).
const TAPS_CACHE_SIZE = 16;
const tapsCache = new Map<string, AxisTaps>();

function axisTaps(filter: ResampleFilter, inSize: number, outSize: number, first: number, n: number): AxisTaps {
  const key = `${filter}:${inSize}:${outSize}:${first}:${n}`;
  const hit = tapsCache.get(key);
  if (hit !== undefined) {
    tapsCache.delete(key);
    tapsCache.set(key, hit);
    return hit;
  }
  const taps = computeAxisTaps(FILTERS[filter], inSize, outSize, first, n);
  if (tapsCache.size >= TAPS_CACHE_SIZE) {
    const oldest = tapsCache.keys().next();
    if (oldest.done !== true) tapsCache.delete(oldest.value);
  }
  tapsCache.set(key, taps);
  return taps;
}

function computeAxisTaps(
  f: { readonly support: number; readonly weight: (x: number) => number },
  inSize: number,
  outSize: number,
  first: number,
  n: number,
): AxisTaps {
  const scale = inSize / outSize;
  const filterScale = scale < 1 ? 1 : scale;
  const support = f.support * filterScale;
  const stride = Math.ceil(support) * 2 + 1;
  const invFilterScale = 1 / filterScale;
  const start = new Int32Array(n);
  const count = new Int32Array(n);
  const weights = new Int32Array(n * stride);
  const window = new Float64Array(stride);
  for (let i = 0; i < n; i++) {
    const center = (first + i + 0.5) * scale;
    // C's (int) cast truncates toward zero; negative values are clamped to 0 right after.
    const lo = Math.max(0, Math.trunc(center - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(center + support + 0.5));
    const len = hi - lo;
    let sum = 0;
    for (let t = 0; t < len; t++) {
      const w = f.weight((t + lo - center + 0.5) * invFilterScale);
      window[t] = w;
      sum += w;
    }
    const base = i * stride;
    for (let t = 0; t < len; t++) {
      const w = sum !== 0 ? window[t]! / sum : window[t]!;
      // Round half away from zero, then truncate: Pillow's normalize_coeffs_8bpc.
      weights[base + t] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    start[i] = lo;
    count[i] = len;
  }
  return { start, count, weights, stride };
}

/**
 * Resizes `src` to `outWidth` x `outHeight` exactly as Pillow's `Image.resize` does for an RGB
 * image (alpha ignored, as after convert("RGB")), but returns only the window of the result
 * with top-left (x0, y0) and size `width` x `height`, as interleaved RGB bytes. A side whose
 * size does not change is not filtered (Pillow skips that pass too). The window must lie
 * inside the resized image; callers validate.
 */
export function resampleWindow(
  src: RgbaPixels,
  outWidth: number,
  outHeight: number,
  filter: ResampleFilter,
  x0: number,
  y0: number,
  width: number,
  height: number,
): Uint8ClampedArray {
  const needHorizontal = outWidth !== src.width;
  const needVertical = outHeight !== src.height;
  const vTaps = needVertical ? axisTaps(filter, src.height, outHeight, y0, height) : null;

  // Source rows the vertical pass reads: windows move monotonically, so the first window's
  // start and the last window's end bound them all.
  let rowFirst = y0;
  let rowEnd = y0 + height;
  if (vTaps !== null) {
    rowFirst = vTaps.start[0]!;
    rowEnd = vTaps.start[height - 1]! + vTaps.count[height - 1]!;
  }

  // Uint8ClampedArray: storing `sum >> 22` clamps to 0..255 on its own, which is Pillow's clip8.
  const rows = needHorizontal
    ? horizontalPass(src, outWidth, filter, x0, width, rowFirst, rowEnd)
    : copyColumns(src, x0, width, rowFirst, rowEnd);
  return vTaps === null ? rows : verticalPass(rows, width * 3, vTaps, rowFirst, height);
}

function copyColumns(src: RgbaPixels, x0: number, width: number, rowFirst: number, rowEnd: number): Uint8ClampedArray {
  const data = src.data;
  const out = new Uint8ClampedArray((rowEnd - rowFirst) * width * 3);
  let o = 0;
  for (let y = rowFirst; y < rowEnd; y++) {
    let p = (y * src.width + x0) * 4;
    for (let x = 0; x < width; x++, p += 4) {
      out[o++] = data[p]!;
      out[o++] = data[p + 1]!;
      out[o++] = data[p + 2]!;
    }
  }
  return out;
}

// Pixels are read as one 32-bit word each (one bounds-checked load instead of three), with
// R in the low byte. That is the native layout on little-endian platforms (all browsers'),
// so the words are a view of the caller's bytes; elsewhere they are repacked once.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function rgbaWords(data: Uint8ClampedArray | Uint8Array): Uint32Array {
  // A Uint32Array view also needs a 4-aligned start, which a subarray may lack.
  if (LITTLE_ENDIAN && data.byteOffset % 4 === 0) {
    return new Uint32Array(data.buffer, data.byteOffset, data.length >> 2);
  }
  const words = new Uint32Array(data.length >> 2);
  for (let i = 0, p = 0; i < words.length; i++, p += 4) {
    words[i] = (data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16) | (data[p + 3]! << 24)) >>> 0;
  }
  return words;
}

function horizontalPass(
  src: RgbaPixels,
  outWidth: number,
  filter: ResampleFilter,
  x0: number,
  width: number,
  rowFirst: number,
  rowEnd: number,
): Uint8ClampedArray {
  const { start, count, weights, stride } = axisTaps(filter, src.width, outWidth, x0, width);
  const words = rgbaWords(src.data);
  const srcWidth = src.width;
  const line = width * 3;
  const out = new Uint8ClampedArray((rowEnd - rowFirst) * line);
  // Two rows per sweep share each weight load and the loop overhead. Sums stay below 2^31
  // (255 x the weights' absolute sum, at most ~1.3 x 2^22), so int32 arithmetic (imul, |0)
  // is exact, as in Pillow's C.
  for (let y = rowFirst; y < rowEnd; y += 2) {
    const pair = y + 1 < rowEnd;
    const next = pair ? srcWidth : 0;
    const rowBase = y * srcWidth;
    let o = (y - rowFirst) * line;
    for (let x = 0; x < width; x++, o += 3) {
      const n = count[x]!;
      let k = x * stride;
      let p = rowBase + start[x]!;
      let r0 = HALF;
      let g0 = HALF;
      let b0 = HALF;
      let r1 = HALF;
      let g1 = HALF;
      let b1 = HALF;
      for (let t = 0; t < n; t++, p++) {
        const w = weights[k++]!;
        const v0 = words[p]!;
        const v1 = words[p + next]!;
        r0 = (r0 + Math.imul(v0 & 255, w)) | 0;
        g0 = (g0 + Math.imul((v0 >>> 8) & 255, w)) | 0;
        b0 = (b0 + Math.imul((v0 >>> 16) & 255, w)) | 0;
        r1 = (r1 + Math.imul(v1 & 255, w)) | 0;
        g1 = (g1 + Math.imul((v1 >>> 8) & 255, w)) | 0;
        b1 = (b1 + Math.imul((v1 >>> 16) & 255, w)) | 0;
      }
      out[o] = r0 >> PRECISION_BITS;
      out[o + 1] = g0 >> PRECISION_BITS;
      out[o + 2] = b0 >> PRECISION_BITS;
      if (pair) {
        out[o + line] = r1 >> PRECISION_BITS;
        out[o + line + 1] = g1 >> PRECISION_BITS;
        out[o + line + 2] = b1 >> PRECISION_BITS;
      }
    }
  }
  return out;
}

function verticalPass(
  rows: Uint8ClampedArray,
  lineLength: number,
  taps: AxisTaps,
  rowFirst: number,
  height: number,
): Uint8ClampedArray {
  const { start, count, weights, stride } = taps;
  const out = new Uint8ClampedArray(height * lineLength);
  const acc = new Int32Array(lineLength);
  for (let y = 0; y < height; y++) {
    acc.fill(HALF);
    const n = count[y]!;
    const k = y * stride;
    // Whole rows at a time keep reads sequential (the sums are exact in any order); two
    // window rows per sweep halve the accumulator traffic.
    let t = 0;
    for (; t + 1 < n; t += 2) {
      const w0 = weights[k + t]!;
      const w1 = weights[k + t + 1]!;
      const a = (start[y]! - rowFirst + t) * lineLength;
      const b = a + lineLength;
      for (let q = 0; q < lineLength; q++) {
        acc[q] = (acc[q]! + Math.imul(rows[a + q]!, w0) + Math.imul(rows[b + q]!, w1)) | 0;
      }
    }
    if (t < n) {
      const w0 = weights[k + t]!;
      const a = (start[y]! - rowFirst + t) * lineLength;
      for (let q = 0; q < lineLength; q++) acc[q] = (acc[q]! + Math.imul(rows[a + q]!, w0)) | 0;
    }
    const o = y * lineLength;
    for (let q = 0; q < lineLength; q++) out[o + q] = acc[q]! >> PRECISION_BITS;
  }
  return out;
}
