// preprocessImage against torchvision + PIL references (tests/fixtures/images, written by
// scripts/fixtures/preprocess_reference.py): resized-and-cropped bytes must equal PIL's exactly,
// and the normalized tensors must equal PyTorch's float32 values.
import { describe, expect, it } from 'vitest';
import {
  parsePreprocessorConfig,
  preprocessedSize,
  preprocessImage,
  preprocessImageInto,
} from '../../../src/core/image/preprocess';
import {
  loadSource,
  readManifest,
  readPng,
  readTensor,
  synthRgba,
  tensorDifference,
  type FixtureCase,
} from './preprocess-fixtures';

const manifest = readManifest();

// Pixels per channel that differ from PIL's, and the largest byte difference.
function compareBytes(actual: Float32Array, expected: Uint8ClampedArray, w: number, h: number) {
  const plane = w * h;
  let differing = 0;
  let maxDiff = 0;
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      // With do_rescale and do_normalize off, the tensor holds the bytes themselves.
      const d = Math.abs(actual[c * plane + i]! - expected[i * 4 + c]!);
      if (d !== 0) differing++;
      maxDiff = Math.max(maxDiff, d);
    }
  }
  return { differing, maxDiff };
}

// Bitwise equality; vitest's toEqual walks large typed arrays element by element, slowly.
function sameFloats(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function rawConfig(c: FixtureCase): Record<string, unknown> {
  return { ...c.config, do_rescale: false, do_normalize: false };
}

describe('preprocessImage matches PIL/torchvision byte for byte', () => {
  it('fixtures were made with torchvision', () => {
    expect(manifest.versions['torchvision']).toBeTruthy();
    expect(manifest.cases.length).toBeGreaterThanOrEqual(25);
  });

  for (const c of manifest.cases) {
    it(`${c.name}: resized + cropped bytes equal PIL's`, () => {
      const pixels = loadSource(c.source);
      const config = parsePreprocessorConfig(rawConfig(c));
      expect(preprocessedSize(config, pixels.width, pixels.height)).toEqual({ width: c.width, height: c.height });
      const actual = preprocessImage(pixels, config);
      expect(actual.length).toBe(3 * c.width * c.height);
      const expected = readPng(c.rgb);
      expect([expected.width, expected.height]).toEqual([c.width, c.height]);
      expect(compareBytes(actual, expected.data, c.width, c.height)).toEqual({ differing: 0, maxDiff: 0 });
    });
  }
});

describe('normalized tensors match PyTorch', () => {
  const withTensor = manifest.cases.filter((c) => c.tensor !== undefined);

  it('has float32 references', () => expect(withTensor.length).toBeGreaterThanOrEqual(2));

  for (const c of withTensor) {
    it(`${c.name}: within the issue's tolerance, and in fact bit-exact`, () => {
      const actual = preprocessImage(loadSource(c.source), parsePreprocessorConfig(c.config));
      const expected = readTensor(c.tensor!);
      expect(actual.length).toBe(expected.length);
      const { max: maxAbs, mean: meanAbs, differing } = tensorDifference(actual, expected);
      expect(maxAbs).toBeLessThanOrEqual(0.03);
      expect(meanAbs).toBeLessThanOrEqual(0.003);
      expect(differing).toBe(0);
    });
  }

  it('rescale + normalize of the reference bytes reproduces every float32 value', () => {
    // Normalize is affine per channel, so checking all 256 values per channel checks them all:
    // run a 256x1 image through with resize and crop off.
    const data = new Uint8ClampedArray(256 * 4);
    for (let v = 0; v < 256; v++) data.set([v, v, v, 255], v * 4);
    const config = parsePreprocessorConfig({ ...manifest.cases[0]!.config, do_resize: false, do_center_crop: false });
    const t = preprocessImage({ data, width: 256, height: 1 }, config);
    const mean = [0.48145466, 0.4578275, 0.40821073];
    const std = [0.26862954, 0.26130258, 0.27577711];
    for (let c = 0; c < 3; c++) {
      for (let v = 0; v < 256; v++) {
        const f = Math.fround;
        expect(t[c * 256 + v]).toBe(f(f(f(v / 255) - f(mean[c]!)) / f(std[c]!)));
      }
    }
  });
});

describe('flags and layouts', () => {
  const clip = manifest.cases.find((c) => c.name === 'chelsea-clip')!;
  const pixels = loadSource(clip.source);

  it('writes into a batch at an offset without touching its neighbours', () => {
    const config = parsePreprocessorConfig(clip.config);
    const single = preprocessImage(pixels, config);
    const batch = new Float32Array(single.length * 3).fill(7);
    expect(preprocessImageInto(pixels, config, batch, single.length)).toBe(single.length);
    expect(sameFloats(batch.subarray(single.length, 2 * single.length), single)).toBe(true);
    expect(batch.subarray(0, single.length).every((v) => v === 7)).toBe(true);
    expect(batch.subarray(2 * single.length).every((v) => v === 7)).toBe(true);
  });

  it('accepts Uint8Array pixels, also at an unaligned offset in a larger buffer', () => {
    const config = parsePreprocessorConfig(clip.config);
    const backing = new Uint8Array(pixels.data.length + 3);
    backing.set(pixels.data, 3);
    const asBytes = { data: backing.subarray(3), width: pixels.width, height: pixels.height };
    expect(sameFloats(preprocessImage(asBytes, config), preprocessImage(pixels, config))).toBe(true);
  });

  it('drops alpha without compositing', () => {
    const config = parsePreprocessorConfig(clip.config);
    const transparent = new Uint8ClampedArray(pixels.data);
    for (let i = 3; i < transparent.length; i += 4) transparent[i] = i % 7;
    const t = preprocessImage({ ...pixels, data: transparent }, config);
    expect(sameFloats(t, preprocessImage(pixels, config))).toBe(true);
  });

  it('do_rescale without do_normalize gives bytes / 255', () => {
    const config = parsePreprocessorConfig({ ...clip.config, do_normalize: false });
    const t = preprocessImage(pixels, config);
    const bytes = readPng(clip.rgb);
    for (let i = 0; i < 224 * 224; i += 97) {
      expect(t[i]).toBe(Math.fround(bytes.data[i * 4]! / 255));
      expect(t[2 * 224 * 224 + i]).toBe(Math.fround(bytes.data[i * 4 + 2]! / 255));
    }
  });

  it('a rescale factor other than 1/n multiplies in float32', () => {
    const config = parsePreprocessorConfig({ ...clip.config, do_normalize: false, rescale_factor: 0.003 });
    const t = preprocessImage(pixels, config);
    const bytes = readPng(clip.rgb);
    expect(t[5]).toBe(Math.fround(bytes.data[5 * 4]! * Math.fround(0.003)));
  });

  it('image_mean / image_std may be single numbers', () => {
    const config = parsePreprocessorConfig({ ...clip.config, image_mean: 0.5, image_std: 0.5 });
    const t = preprocessImage(pixels, config);
    const bytes = readPng(clip.rgb);
    expect(t[0]).toBe(Math.fround(Math.fround(Math.fround(bytes.data[0]! / 255) - 0.5) / 0.5));
  });

  it('a crop wholly larger than the image is zero padding around it', () => {
    const tiny = synthRgba(3, 2, 1, false);
    const config = parsePreprocessorConfig({ ...clip.config, do_resize: false, do_rescale: false, do_normalize: false, crop_size: 6 });
    const t = preprocessImage(tiny, config);
    // Width pads (6 - 3) // 2 = 1 on the left; height pads (6 - 2) // 2 = 2 on top.
    for (let y = 0; y < 6; y++) {
      for (let x = 0; x < 6; x++) {
        const inside = x >= 1 && x < 4 && y >= 2 && y < 4;
        const expected = inside ? tiny.data[((y - 2) * 3 + (x - 1)) * 4 + 1]! : 0;
        expect(t[36 + y * 6 + x]).toBe(expected);
      }
    }
  });

  it('handles a 4000x3000 image and repeated sizes (cached tables) identically', () => {
    const big = synthRgba(4000, 3000, 11, false);
    const config = parsePreprocessorConfig(clip.config);
    const a = preprocessImage(big, config);
    const b = preprocessImage(big, config);
    expect(sameFloats(b, a)).toBe(true);
  });
});
