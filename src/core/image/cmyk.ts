// CMYK pixels to RGBA as PIL's convert("RGB") does (Convert.c cmyk2rgb): no colour profile, each
// channel nk − c·nk/255 with nk = 255 − k, in PIL's integer rounding.
import type { RgbaPixels } from './resample';

/** MULDIV255 of Pillow's ImagingUtils.h: a·b/255 rounded, in integers. */
function mulDiv255(a: number, b: number): number {
  const t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

/** `cmyk`: 4 bytes a pixel, ink amounts (0 = none), as libjpeg gives them once Adobe's inversion is undone. */
export function cmykToRgba(cmyk: Uint8Array, width: number, height: number): RgbaPixels {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < out.length; i += 4) {
    const nk = 255 - cmyk[i + 3]!;
    out[i] = nk - mulDiv255(cmyk[i]!, nk);
    out[i + 1] = nk - mulDiv255(cmyk[i + 1]!, nk);
    out[i + 2] = nk - mulDiv255(cmyk[i + 2]!, nk);
    out[i + 3] = 255;
  }
  return { data: out, width, height };
}
