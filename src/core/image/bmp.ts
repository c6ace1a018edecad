// BMP files to RGBA as PIL reads them (BmpImagePlugin): uncompressed 24- and 32-bit (the
// fourth byte ignored, as PIL's BGRX), palette 1/4/8-bit, rows bottom-up unless the height is
// negative. Node's decoder (libvips) has no BMP reader; browsers decode BMP themselves.
import { ClipError } from '../../shared/errors';
import type { RgbaPixels } from './resample';

const u16 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);
const u32 = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
const i32 = (b: Uint8Array, at: number): number => u32(b, at) | 0;

const BI_RGB = 0;
const BI_BITFIELDS = 3;

const bad = (why: string, size: number): ClipError => new ClipError('BAD_IMAGE', `this image/bmp file ${why} (${size} bytes)`);

/** The BMP's pixels, upright, alpha 255. Throws BAD_IMAGE for a broken or unsupported file. */
export function decodeBmp(b: Uint8Array): RgbaPixels {
  const size = b.length;
  if (size < 26 || b[0] !== 0x42 || b[1] !== 0x4d) throw bad('is not a BMP', size);
  const pixelsAt = u32(b, 10);
  const headerSize = u32(b, 14);
  if (headerSize < 40) throw bad(`has an OS/2 header (${headerSize} bytes), which webclip does not read`, size);
  if (size < 14 + headerSize) throw bad('is truncated', size);
  const width = i32(b, 18);
  const rawHeight = i32(b, 22);
  const bits = u16(b, 28);
  const compression = u32(b, 30);
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0) throw bad(`declares ${width}×${rawHeight} pixels`, size);
  const masks = compression === BI_BITFIELDS && bits === 32 ? [u32(b, 54), u32(b, 58), u32(b, 62)] : null;
  const bgrMasks = masks !== null && masks[0] === 0xff0000 && masks[1] === 0xff00 && masks[2] === 0xff;
  if (!(compression === BI_RGB || bgrMasks) || ![1, 4, 8, 24, 32].includes(bits)) {
    throw bad(`is a ${bits}-bit BMP with compression ${compression}, a variant webclip does not read: convert it to PNG`, size);
  }
  let palette: Uint8Array | null = null;
  if (bits <= 8) {
    const declared = u32(b, 46);
    const colours = declared === 0 ? 1 << bits : Math.min(declared, 1 << bits);
    const at = 14 + headerSize;
    if (at + colours * 4 > size) throw bad('is truncated in its palette', size);
    palette = new Uint8Array(256 * 3);
    for (let i = 0; i < colours; i++) {
      palette[i * 3] = b[at + i * 4 + 2]!;
      palette[i * 3 + 1] = b[at + i * 4 + 1]!;
      palette[i * 3 + 2] = b[at + i * 4]!;
    }
  }
  const stride = Math.ceil((width * bits) / 32) * 4;
  if (pixelsAt + stride * (height - 1) + Math.ceil((width * bits) / 8) > size) throw bad('is truncated', size);
  const out = new Uint8ClampedArray(width * height * 4);
  const bottomUp = rawHeight > 0;
  for (let y = 0; y < height; y++) {
    const row = pixelsAt + (bottomUp ? height - 1 - y : y) * stride;
    let o = y * width * 4;
    for (let x = 0; x < width; x++, o += 4) {
      if (palette) {
        const bit = x * bits;
        const index = (b[row + (bit >> 3)]! >> (8 - bits - (bit & 7))) & ((1 << bits) - 1);
        out[o] = palette[index * 3]!;
        out[o + 1] = palette[index * 3 + 1]!;
        out[o + 2] = palette[index * 3 + 2]!;
      } else {
        const p = row + x * (bits >> 3);
        out[o] = b[p + 2]!;
        out[o + 1] = b[p + 1]!;
        out[o + 2] = b[p]!;
      }
      out[o + 3] = 255;
    }
  }
  return { data: out, width, height };
}
