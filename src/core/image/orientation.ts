// Turns decoded RGBA pixels upright from the frame's orientation (WebCodecs: a clockwise rotation,
// then a flip), as PIL's ImageOps.exif_transpose does.
import { ClipError } from '../../shared/errors';
import type { RgbaPixels } from './resample';

export type Rotation = 0 | 90 | 180 | 270;

export function isRotation(value: unknown): value is Rotation {
  return value === 0 || value === 90 || value === 180 || value === 270;
}

/**
 * The upright pixels of a frame stored `pixels.width` × `pixels.height` that is to be shown
 * rotated clockwise by `rotation`, then mirrored left to right when `flip`. Returns `pixels`
 * itself when there is nothing to do; otherwise a new buffer.
 */
export function orientPixels(pixels: RgbaPixels, rotation: Rotation, flip: boolean): RgbaPixels {
  if (rotation === 0 && !flip) return pixels;
  const { width: w, height: h } = pixels;
  if (pixels.data.length !== w * h * 4) {
    throw new ClipError('BAD_IMAGE', `pixel buffer of ${pixels.data.length} bytes does not match ${w}x${h} RGBA`);
  }
  const turned = rotation === 90 || rotation === 270;
  const dw = turned ? h : w;
  const dh = turned ? w : h;
  // One 32-bit word per pixel: orientation moves whole pixels, byte order does not matter.
  // A view needs 4-byte alignment; a buffer that starts elsewhere is copied first.
  const bytes = pixels.data.byteOffset % 4 === 0 ? pixels.data : pixels.data.slice();
  const src = new Uint32Array(bytes.buffer, bytes.byteOffset, w * h);
  const out = new Uint8ClampedArray(dw * dh * 4);
  const dst = new Uint32Array(out.buffer);
  // For each output row y (after undoing the flip on x), the source pixel of output (x', y) is
  // base + x' * step: a straight walk through the source, different per rotation.
  for (let y = 0; y < dh; y++) {
    let base: number;
    let step: number;
    switch (rotation) {
      case 0: // (x', y) ← (x', y)
        base = y * w;
        step = 1;
        break;
      case 90: // (x', y) ← (y, h - 1 - x')
        base = (h - 1) * w + y;
        step = -w;
        break;
      case 180: // (x', y) ← (w - 1 - x', h - 1 - y)
        base = (h - 1 - y) * w + (w - 1);
        step = -1;
        break;
      case 270: // (x', y) ← (w - 1 - y, x')
        base = w - 1 - y;
        step = w;
        break;
    }
    const row = y * dw;
    if (flip) {
      for (let x = 0; x < dw; x++) dst[row + x] = src[base + (dw - 1 - x) * step]!;
    } else {
      for (let x = 0; x < dw; x++) dst[row + x] = src[base + x * step]!;
    }
  }
  return { data: out, width: dw, height: dh };
}
