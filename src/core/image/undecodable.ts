// Why a file could not be decoded, from its first bytes (SVG, HEIC, HTML, text, a broken image),
// so the user learns what it is and what to do.
import { sniffImageType } from './image-type';

const ascii = (bytes: Uint8Array, at: number, length: number): string =>
  String.fromCharCode(...bytes.subarray(at, at + length));

/** ISO-BMFF brands of HEIF images (HEIC and friends), as iPhones and many Android phones save. */
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);

/** Valid UTF-8 (a character cut at the end allowed) with almost no control characters. */
function looksLikeText(bytes: Uint8Array): boolean {
  for (let cut = 0; cut < 4 && cut < bytes.length; cut++) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, bytes.length - cut));
    } catch {
      continue;
    }
    const controls = [...text].filter((c) => (c < ' ' && !'\t\n\r'.includes(c)) || c === '\x7f').length;
    return text.length > 0 && controls / text.length < 0.02;
  }
  return false;
}

/**
 * The reason to give for a file the decoder would not decode. `header`: its first bytes;
 * `decoder`: who could not ('this browser', or webclip/node's decoder).
 */
export function undecodableReason(header: Uint8Array, claimedType: string, size: number, decoder = 'this browser'): string {
  const head = ascii(header, 0, 256).trimStart().toLowerCase();
  if (claimedType === 'image/svg+xml' || head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) {
    return `SVG is not decoded by webclip (its worker has no DOM to draw it, and a drawing's scripts must never run): draw it to a PNG first (${size} bytes)`;
  }
  if (ascii(header, 4, 4) === 'ftyp' && HEIF_BRANDS.has(ascii(header, 8, 4))) {
    return `this is a HEIC/HEIF photo, which ${decoder} cannot decode: convert it to JPEG first (${size} bytes)`;
  }
  const type = sniffImageType(header);
  if (type !== null) return `this ${type} file is broken or in a variant ${decoder} cannot decode (${size} bytes)`;
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return `this is an HTML page, not an image (${size} bytes)`;
  if (looksLikeText(header.subarray(0, 512))) return `this is a text file, not an image (${size} bytes)`;
  return `${decoder} could not decode this ${claimedType || 'file'}: its bytes match no image format webclip knows (${size} bytes)`;
}
