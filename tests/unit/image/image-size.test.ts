import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declaredImageSize, MAX_IMAGE_PIXELS, oversizeReason } from '../../../src/core/image/image-size';
import { sniffImageType } from '../../../src/core/image/image-type';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures');
const sizeOf = (path: string) => {
  const bytes = new Uint8Array(readFileSync(join(fixtures, path)));
  return declaredImageSize(bytes, sniffImageType(bytes)!);
};

describe('declaredImageSize', () => {
  // Sizes as PIL's Image.open reports them (scripts/fixtures/hostile_images.py made the files).
  it.each([
    ['hostile/alpha.png', 120, 80],
    ['hostile/rgb16.png', 120, 80],
    ['hostile/one-pixel.png', 1, 1],
    ['hostile/animated.gif', 120, 80],
    ['hostile/animated.webp', 120, 80], // VP8X
    ['hostile/lossy.webp', 120, 80], // VP8
    ['hostile/lossless.webp', 120, 80], // VP8L
    ['hostile/photo.bmp', 120, 80],
    ['hostile/cmyk.jpg', 120, 80],
    ['decode/orient-6.jpg', 64, 96], // stored turned; the header holds the stored size
    ['decode/display-p3.jpg', 192, 128], // frame header after an ICC segment
    ['images/chelsea.png', 451, 300],
  ])('%s is %i×%i', (path, width, height) => {
    expect(sizeOf(path)).toEqual({ width, height });
  });

  it('reads a decompression bomb\'s claim without decoding it, and refuses it', () => {
    const size = sizeOf('hostile/bomb.png');
    expect(size).toEqual({ width: 30000, height: 30000 });
    expect(oversizeReason(size)).toMatch(/declares 30000×30000 pixels \(900 MP\), more than the 179 MP/);
  });

  it('allows up to PIL\'s limit and refuses one pixel more', () => {
    expect(oversizeReason({ width: MAX_IMAGE_PIXELS, height: 1 })).toBeNull();
    expect(oversizeReason({ width: MAX_IMAGE_PIXELS + 1, height: 1 })).not.toBeNull();
    expect(oversizeReason({ width: 12000, height: 9000 })).toBeNull(); // a 108 MP photo
    expect(oversizeReason(null)).toBeNull();
  });

  it('says nothing for cut-off headers or a JPEG whose frame header is not there', () => {
    const png = new Uint8Array(readFileSync(join(fixtures, 'hostile/alpha.png')));
    expect(declaredImageSize(png.subarray(0, 20), 'image/png')).toBeNull();
    const jpeg = new Uint8Array(readFileSync(join(fixtures, 'hostile/cmyk.jpg')));
    expect(declaredImageSize(jpeg.subarray(0, 4), 'image/jpeg')).toBeNull();
    expect(declaredImageSize(new Uint8Array([0xff, 0xd8, 0xff, 0xd9, 0, 0, 0, 0, 0, 0]), 'image/jpeg')).toBeNull();
    expect(declaredImageSize(new Uint8Array([0xff, 0xd8, 0x12, 0x34, 0, 0, 0, 0, 0, 0]), 'image/jpeg')).toBeNull();
  });
});
