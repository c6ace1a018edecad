// Image files to RGBA in Node, as PIL reads them: sharp (libvips: libjpeg-turbo's decoder, libpng,
// libwebp, a GIF reader) with PIL's choices — EXIF orientation applied, ICC profiles ignored,
// straight alpha, 16-bit cut to its high byte, CMYK by PIL's formula; BMP by the core's reader.
import type { Sharp, SharpOptions } from 'sharp';
import { ClipError } from '../../shared/errors';
import { decodeBmp } from '../../core/image/bmp';
import { cmykToRgba } from '../../core/image/cmyk';
import { declaredImageSize, MAX_IMAGE_PIXELS, oversizeReason, SIZE_HEADER_BYTES } from '../../core/image/image-size';
import { sniffImageType, type ImageType } from '../../core/image/image-type';
import type { RgbaPixels } from '../../core/image/resample';
import { undecodableReason } from '../../core/image/undecodable';
import { loadSharp } from './sharp-loader';

const DECODER = "webclip/node's decoder";
/** What sharp decodes here as PIL does (checked against PIL in tests/unit/node/decode.test.ts). */
const SHARP_TYPES: ReadonlySet<ImageType> = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

const OPTIONS: SharpOptions = {
  autoOrient: true, // ImageOps.exif_transpose
  ignoreIcc: true, // PIL's convert("RGB") ignores the profile
  failOn: 'error', // a truncated file is refused, not painted gray
  limitInputPixels: MAX_IMAGE_PIXELS,
  pages: 1, // the first frame of an animation
};

/** Channels as sharp hands them: gray, gray + alpha, RGB, RGBA (or CMYK) → RGBA. */
function toRgba(data: Uint8Array, width: number, height: number, channels: number): RgbaPixels {
  if (channels === 4) return { data, width, height };
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, o = 0; o < out.length; i += channels, o += 4) {
    const gray = channels < 3;
    out[o] = data[i]!;
    out[o + 1] = data[gray ? i : i + 1]!;
    out[o + 2] = data[gray ? i : i + 2]!;
    out[o + 3] = channels === 2 ? data[i + 1]! : 255;
  }
  return { data: out, width, height };
}

async function raw(image: Sharp): Promise<{ data: Uint8Array; width: number; height: number; channels: number }> {
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels };
}

async function decodeWithSharp(bytes: Uint8Array, type: ImageType): Promise<RgbaPixels> {
  const sharp = await loadSharp();
  const meta = await sharp(bytes, OPTIONS).metadata();
  if (meta.space === 'cmyk') {
    // Kept in CMYK (libvips undoes Adobe's inversion); libvips' own conversion would go
    // through a colour profile, PIL's through a formula.
    const cmyk = await raw(sharp(bytes, OPTIONS).pipelineColourspace('cmyk').toColourspace('cmyk'));
    if (cmyk.channels !== 4) throw new ClipError('BAD_IMAGE', `this CMYK ${type} file decoded to ${cmyk.channels} channels`);
    return cmykToRgba(cmyk.data, cmyk.width, cmyk.height);
  }
  // 8 bits a channel: a 16-bit PNG keeps each value's high byte, as PIL's "RGB;16B" does. RGB
  // gets its opaque alpha from libvips: the same bytes as toRgba's loop, which cost 0.36 s of
  // one core per 12 MP photo (bench/RESULTS.md, "Indexing in Node").
  const image = sharp(bytes, OPTIONS);
  const { data, width, height, channels } = await raw(meta.channels === 3 ? image.ensureAlpha(1) : image);
  return toRgba(data, width, height, channels);
}

/** Decodes an image file's bytes into RGBA pixels, upright. Throws BAD_IMAGE with the reason. */
export async function decodeImageBytes(bytes: Uint8Array): Promise<RgbaPixels> {
  if (bytes.length === 0) throw new ClipError('BAD_IMAGE', 'the file is empty');
  const header = bytes.subarray(0, SIZE_HEADER_BYTES);
  const type = sniffImageType(header);
  if (type === null) throw new ClipError('BAD_IMAGE', undecodableReason(header, '', bytes.length, DECODER));
  if (type !== 'image/bmp' && !SHARP_TYPES.has(type)) {
    throw new ClipError('BAD_IMAGE', `${type} is not decoded by ${DECODER}: convert it to JPEG or PNG first (${bytes.length} bytes)`);
  }
  const tooLarge = oversizeReason(declaredImageSize(header, type));
  if (tooLarge) throw new ClipError('BAD_IMAGE', tooLarge);
  if (type === 'image/bmp') return decodeBmp(bytes);
  try {
    return await decodeWithSharp(bytes, type);
  } catch (cause) {
    if (cause instanceof ClipError) throw cause;
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new ClipError('BAD_IMAGE', `this ${type} file is broken or truncated (${bytes.length} bytes): ${reason}`, { cause });
  }
}
