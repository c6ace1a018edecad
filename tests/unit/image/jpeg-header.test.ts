import { describe, expect, it } from 'vitest';
import { isJpeg, jpegHasIccProfile, jpegScanDataOffset } from '../../../src/core/image/jpeg-header';

const segment = (marker: number, payload: number[]) => [0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const jpeg = (...segments: number[][]) => new Uint8Array([0xff, 0xd8, ...segments.flat(), 0xff, 0xda, 0, 2, 1, 2, 3]);

describe('JPEG header', () => {
  it('recognises JPEG by its SOI marker', () => {
    expect(isJpeg(jpeg())).toBe(true);
    expect(isJpeg(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBe(false);
    expect(isJpeg(new Uint8Array([0xff, 0xd8]))).toBe(false);
  });

  it('finds an APP2 ICC_PROFILE segment among others, and none when absent', () => {
    const jfif = segment(0xe0, ascii('JFIF\0\x01\x01'));
    const exif = segment(0xe1, ascii('Exif\0\0MM'));
    const icc = segment(0xe2, [...ascii('ICC_PROFILE\0'), 1, 1, 9, 9]);
    const otherApp2 = segment(0xe2, ascii('FPXR\0stuff'));
    expect(jpegHasIccProfile(jpeg(jfif, exif))).toBe(false);
    expect(jpegHasIccProfile(jpeg(jfif, otherApp2))).toBe(false);
    expect(jpegHasIccProfile(jpeg(jfif, exif, icc))).toBe(true);
  });

  it('treats a truncated or garbled header as "maybe": the careful path', () => {
    const full = jpeg(segment(0xe0, ascii('JFIF\0')));
    expect(jpegHasIccProfile(full.subarray(0, 8))).toBe(true);
    expect(jpegHasIccProfile(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 1]))).toBe(true);
    // lost sync after a valid first segment
    expect(jpegHasIccProfile(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0x12, 0x34, 0, 0]))).toBe(true);
  });

  it('is false for data that is not JPEG at all', () => {
    expect(jpegHasIccProfile(new Uint8Array([1, 2, 3, 4]))).toBe(false);
  });
});

describe('jpegScanDataOffset', () => {
  it('finds the end of the SOS segment after any number of header segments and fill bytes', () => {
    const head = [0xff, 0xd8, ...segment(0xe0, ascii('JFIF\0')), 0xff, ...segment(0xdb, new Array<number>(65).fill(1))];
    const sos = segment(0xda, [3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0]);
    const bytes = new Uint8Array([...head, ...sos, 9, 9]);
    expect(jpegScanDataOffset(bytes)).toBe(head.length + sos.length);
    // A scan header cut short is not a scan yet.
    expect(jpegScanDataOffset(bytes.subarray(0, head.length + 6))).toBeNull();
  });

  it('answers null when no scan is reached: truncated, lost sync, end of image, not a JPEG', () => {
    const full = jpeg(segment(0xe0, ascii('JFIF\0')));
    expect(jpegScanDataOffset(full.subarray(0, 10))).toBeNull();
    expect(jpegScanDataOffset(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0x12, 0x34, 0, 0]))).toBeNull();
    expect(jpegScanDataOffset(new Uint8Array([0xff, 0xd8, 0xff, 0xd9, 0, 0]))).toBeNull();
    expect(jpegScanDataOffset(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0]))).toBeNull();
  });
});
