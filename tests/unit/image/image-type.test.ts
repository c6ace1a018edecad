import { describe, expect, it } from 'vitest';
import { sniffImageType } from '../../../src/core/image/image-type';

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('sniffImageType', () => {
  it('names each format by its signature, whatever the file is called', () => {
    expect(sniffImageType(bytes([0xff, 0xd8, 0xff, 0xe0], 'xxxx'))).toBe('image/jpeg');
    expect(sniffImageType(bytes('\x89PNG\r\n\x1a\n', [0, 0, 0, 13]))).toBe('image/png');
    expect(sniffImageType(bytes('GIF89a', [1, 0]))).toBe('image/gif');
    expect(sniffImageType(bytes('GIF87a', [1, 0]))).toBe('image/gif');
    expect(sniffImageType(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '))).toBe('image/webp');
    expect(sniffImageType(bytes('BM', new Array<number>(14).fill(0)))).toBe('image/bmp');
    expect(sniffImageType(bytes([0, 0, 0, 28], 'ftypavif', [0, 0, 0, 0]))).toBe('image/avif');
  });

  it('answers null for anything else, near misses included', () => {
    expect(sniffImageType(bytes('<!doctype html><html>'))).toBeNull();
    expect(sniffImageType(bytes('<svg xmlns="http://www.w3.org/2000/svg">'))).toBeNull();
    expect(sniffImageType(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '))).toBeNull();
    expect(sniffImageType(bytes([0, 0, 0, 28], 'ftypheic'))).toBeNull();
    expect(sniffImageType(bytes('\x89PNG'))).toBeNull();
    expect(sniffImageType(bytes([0xff, 0xd8]))).toBeNull();
    expect(sniffImageType(new Uint8Array(0))).toBeNull();
  });
});
