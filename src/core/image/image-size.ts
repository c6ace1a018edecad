// The pixel size an image file's header declares, read before decoding: a decompression bomb
// (a few hundred bytes claiming 30000×30000 pixels) is refused before it costs any memory.
import type { ImageType } from './image-type';

/**
 * PIL raises DecompressionBombError above twice Image.MAX_IMAGE_PIXELS (89,478,485): a file
 * CLIP's Python pipeline refuses, webclip refuses too. Every camera photo is far below it
 * (a 108 MP phone photo is 108,000,000).
 */
export const MAX_IMAGE_PIXELS = 2 * 89_478_485;

/** Header bytes `declaredImageSize` reads: a JPEG's frame header follows its EXIF/ICC segments. */
export const SIZE_HEADER_BYTES = 256 * 1024;

export interface ImageSize {
  width: number;
  height: number;
}

const u16be = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
const u16le = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);
const u24le = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
const u32be = (b: Uint8Array, at: number): number => ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
const i32le = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24);

/** A JPEG's size from its first frame header (SOF0–SOF15 but DHT C4, JPG C8, DAC CC). */
function jpegSize(b: Uint8Array): ImageSize | null {
  let at = 2;
  while (at + 9 <= b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    // Markers without a length: TEM, RST0–7, SOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2;
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: u16be(b, at + 5), width: u16be(b, at + 7) };
    }
    if (marker === 0xda || marker === 0xd9) return null; // scan data or the end before any frame
    at += 2 + u16be(b, at + 2);
  }
  return null;
}

function webpSize(b: Uint8Array): ImageSize | null {
  const chunk = String.fromCharCode(...b.subarray(12, 16));
  if (chunk === 'VP8X' && b.length >= 30) return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  if (chunk === 'VP8L' && b.length >= 25 && b[20] === 0x2f) {
    const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8 ' && b.length >= 30 && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
    return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  }
  return null;
}

/** The declared size, or null when the header does not say (or is not among these formats). */
export function declaredImageSize(bytes: Uint8Array, type: ImageType): ImageSize | null {
  switch (type) {
    case 'image/png':
      return bytes.length >= 24 ? { width: u32be(bytes, 16), height: u32be(bytes, 20) } : null;
    case 'image/gif':
      return bytes.length >= 10 ? { width: u16le(bytes, 6), height: u16le(bytes, 8) } : null;
    case 'image/bmp':
      return bytes.length >= 26 ? { width: Math.abs(i32le(bytes, 18)), height: Math.abs(i32le(bytes, 22)) } : null;
    case 'image/webp':
      return webpSize(bytes);
    case 'image/jpeg':
      return jpegSize(bytes);
    case 'image/avif':
      return null; // its size sits in an 'ispe' box deep in 'meta'; the decoder's own limits apply
  }
}

/** Why a file with this declared size is refused, or null when it may be decoded. */
export function oversizeReason(size: ImageSize | null): string | null {
  if (!size) return null;
  const pixels = size.width * size.height;
  if (pixels <= MAX_IMAGE_PIXELS) return null;
  const mp = (n: number) => `${(n / 1e6).toFixed(0)} MP`;
  return `the image declares ${size.width}×${size.height} pixels (${mp(pixels)}), more than the ${mp(MAX_IMAGE_PIXELS)} webclip decodes (as PIL refuses a decompression bomb)`;
}
