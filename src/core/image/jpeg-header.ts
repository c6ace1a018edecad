// Just enough of a JPEG's header: whether it has an ICC profile (the decoder's fast path is
// exact only without one) and where its scan data starts.

/** True when the bytes start like a JPEG file (SOI marker followed by another marker). */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

const ICC_TAG = [0x49, 0x43, 0x43, 0x5f, 0x50, 0x52, 0x4f, 0x46, 0x49, 0x4c, 0x45, 0x00]; // "ICC_PROFILE\0"

/**
 * Where the first scan's entropy-coded data starts, just past the SOS segment: every byte before
 * it is header (frame size, tables, EXIF, ICC, the scan's own header). Null when the header
 * cannot be walked to a scan within `bytes`.
 */
export function jpegScanDataOffset(bytes: Uint8Array): number | null {
  if (!isJpeg(bytes)) return null;
  let p = 2;
  while (p + 4 <= bytes.length) {
    if (bytes[p] !== 0xff) return null;
    const marker = bytes[p + 1]!;
    if (marker === 0xff) {
      p++;
      continue;
    }
    if (marker === 0xd9) return null;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      p += 2;
      continue;
    }
    const length = (bytes[p + 2]! << 8) | bytes[p + 3]!;
    if (length < 2) return null;
    if (marker === 0xda) return p + 2 + length <= bytes.length ? p + 2 + length : null;
    p += 2 + length;
  }
  return null;
}

/**
 * Whether the header segments before the image data (SOS) hold an APP2 ICC_PROFILE segment.
 * Returns true when the header cannot be read to its end within `bytes` (truncated or
 * malformed): the caller then keeps the careful path.
 */
export function jpegHasIccProfile(bytes: Uint8Array): boolean {
  if (!isJpeg(bytes)) return false;
  let p = 2;
  while (p + 4 <= bytes.length) {
    if (bytes[p] !== 0xff) return true; // lost sync: be careful
    const marker = bytes[p + 1]!;
    if (marker === 0xff) {
      p++; // fill byte
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return false; // start of scan / end of image
    // Standalone markers carry no length.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      p += 2;
      continue;
    }
    const length = (bytes[p + 2]! << 8) | bytes[p + 3]!;
    if (length < 2) return true;
    if (marker === 0xe2 && length >= 2 + ICC_TAG.length && p + 4 + ICC_TAG.length <= bytes.length) {
      if (ICC_TAG.every((b, i) => bytes[p + 4 + i] === b)) return true;
    }
    p += 2 + length;
  }
  return true;
}
