// The MIME type of an image file from its first bytes. A File's `type` comes from its name (a
// photo saved as ".png" may be a JPEG) and a Blob may have none; the bytes do not lie.
import { isJpeg } from './jpeg-header';

export type ImageType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp' | 'image/bmp' | 'image/avif';

const startsWith = (bytes: Uint8Array, at: number, ascii: string): boolean =>
  bytes.length >= at + ascii.length && [...ascii].every((c, i) => bytes[at + i] === c.charCodeAt(0));

/** The type the bytes start like, or null when they match none webclip decodes this way. */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (isJpeg(bytes)) return 'image/jpeg';
  if (startsWith(bytes, 0, '\x89PNG\r\n\x1a\n')) return 'image/png';
  if (startsWith(bytes, 0, 'GIF87a') || startsWith(bytes, 0, 'GIF89a')) return 'image/gif';
  if (startsWith(bytes, 0, 'RIFF') && startsWith(bytes, 8, 'WEBP')) return 'image/webp';
  if (startsWith(bytes, 0, 'BM') && bytes.length >= 14) return 'image/bmp';
  // ISO-BMFF: a 'ftyp' box whose major brand is an AVIF one.
  if (startsWith(bytes, 4, 'ftyp') && (startsWith(bytes, 8, 'avif') || startsWith(bytes, 8, 'avis'))) return 'image/avif';
  return null;
}
