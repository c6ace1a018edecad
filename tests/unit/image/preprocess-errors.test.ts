// Bad pixels, bad configs and bad output buffers fail with a ClipError that says what is wrong.
import { describe, expect, it } from 'vitest';
import { isClipError, type ClipErrorCode } from '../../../src/shared/errors';
import {
  parsePreprocessorConfig,
  preprocessImage,
  preprocessImageInto,
  type PreprocessorConfig,
  type RgbaPixels,
} from '../../../src/core/image/preprocess';
import { CLIP_PREPROCESSOR_JSON } from './preprocess-fixtures';

const CLIP_JSON = CLIP_PREPROCESSOR_JSON;
const config = parsePreprocessorConfig(CLIP_JSON);

function expectClipError(fn: () => unknown, code: ClipErrorCode, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(isClipError(caught, code), `expected ClipError ${code}, got ${String(caught)}`).toBe(true);
  expect((caught as Error).message).toMatch(message);
}

function image(width: number, height: number): RgbaPixels {
  return { data: new Uint8ClampedArray(width * height * 4), width, height };
}

describe('bad pixels give BAD_IMAGE', () => {
  const cases: [string, unknown, RegExp][] = [
    ['null', null, /ImageData/],
    ['zero width', { data: new Uint8ClampedArray(0), width: 0, height: 5 }, /width must be a positive integer, got 0/],
    ['zero-sized', { data: new Uint8ClampedArray(0), width: 0, height: 0 }, /width/],
    ['negative height', { data: new Uint8ClampedArray(0), width: 2, height: -2 }, /height must be a positive integer, got -2/],
    ['NaN width', { data: new Uint8ClampedArray(4), width: NaN, height: 1 }, /width .* got NaN/],
    ['fractional size', { data: new Uint8ClampedArray(12), width: 1.5, height: 2 }, /width .* got 1.5/],
    ['string size', { data: new Uint8ClampedArray(4), width: '1', height: 1 }, /width/],
    ['short buffer', { data: new Uint8ClampedArray(10), width: 2, height: 2 }, /has 10 bytes, but a 2x2 RGBA image needs 16/],
    ['RGB buffer', { data: new Uint8ClampedArray(12), width: 2, height: 2 }, /has 12 bytes.*needs 16/],
    ['plain array', { data: [0, 0, 0, 255], width: 1, height: 1 }, /Uint8ClampedArray or Uint8Array/],
    ['Float32Array', { data: new Float32Array(4), width: 1, height: 1 }, /Uint8ClampedArray or Uint8Array/],
  ];
  for (const [what, pixels, message] of cases) {
    it(what, () => {
      expectClipError(() => preprocessImage(pixels as RgbaPixels, config), 'BAD_IMAGE', message);
      const out = new Float32Array(3 * 224 * 224);
      expectClipError(() => preprocessImageInto(pixels as RgbaPixels, config, out, 0), 'BAD_IMAGE', message);
    });
  }
});

describe('an image whose uncropped tensor would be huge gives BAD_IMAGE', () => {
  it('1x100000 strip without a center crop', () => {
    const noCrop = parsePreprocessorConfig({ ...CLIP_JSON, do_center_crop: false });
    expectClipError(() => preprocessImage(image(1, 100000), noCrop), 'BAD_IMAGE', /1x100000 .* 224x22400000, too large/);
  });
  it('is fine with the crop: only the kept window is computed', () => {
    expect(preprocessImage(image(1, 100000), config).length).toBe(3 * 224 * 224);
  });
});

describe('bad output buffers give BAD_INPUT', () => {
  it('too small, or no room at the offset', () => {
    const img = image(10, 10);
    expectClipError(() => preprocessImageInto(img, config, new Float32Array(100), 0), 'BAD_INPUT', /no room for a 3x224x224/);
    const one = new Float32Array(3 * 224 * 224);
    expectClipError(() => preprocessImageInto(img, config, one, 1), 'BAD_INPUT', /at offset 1/);
    expect(preprocessImageInto(img, config, one, 0)).toBe(one.length);
  });
  it('negative or fractional offsets, and non-Float32Array outputs', () => {
    const img = image(10, 10);
    const out = new Float32Array(4 * 3 * 224 * 224);
    expectClipError(() => preprocessImageInto(img, config, out, -1), 'BAD_INPUT', /offset -1/);
    expectClipError(() => preprocessImageInto(img, config, out, 0.5), 'BAD_INPUT', /offset 0.5/);
    expectClipError(() => preprocessImageInto(img, config, out, NaN), 'BAD_INPUT', /offset NaN/);
    expectClipError(
      () => preprocessImageInto(img, config, new Float64Array(out.length) as unknown as Float32Array, 0),
      'BAD_INPUT',
      /Float32Array/,
    );
  });
  it('a raw JSON config instead of a parsed one', () => {
    expectClipError(
      () => preprocessImage(image(2, 2), CLIP_JSON as unknown as PreprocessorConfig),
      'BAD_CONFIG',
      /parsePreprocessorConfig/,
    );
  });
});

describe('bad configs give BAD_CONFIG naming the field', () => {
  const without = (key: string) => Object.fromEntries(Object.entries(CLIP_JSON).filter(([k]) => k !== key));
  const cases: [string, unknown, RegExp][] = [
    ['not an object', 'config', /expected a JSON object, got string/],
    ['null', null, /got null/],
    ['an array', [], /JSON object/],
    ['size missing', without('size'), /"size" is missing/],
    ['size negative', { ...CLIP_JSON, size: -224 }, /"size" must be an integer/],
    ['size fractional', { ...CLIP_JSON, size: { shortest_edge: 22.5 } }, /"size.shortest_edge" must be an integer/],
    ['size a string', { ...CLIP_JSON, size: '224' }, /"size" must be a number or an object/],
    ['size without a known key', { ...CLIP_JSON, size: { longest: 3 } }, /"size" needs "shortest_edge"/],
    ['size with only a height', { ...CLIP_JSON, size: { height: 3 } }, /"size.width"/],
    ['size with longest_edge', { ...CLIP_JSON, size: { shortest_edge: 224, longest_edge: 300 } }, /longest_edge/],
    ['size absurd', { ...CLIP_JSON, size: 1e9 }, /"size" must be an integer from 1 to 65536/],
    ['crop_size missing', without('crop_size'), /"crop_size" is missing/],
    ['crop_size zero', { ...CLIP_JSON, crop_size: 0 }, /"crop_size" must be an integer/],
    ['crop_size without width', { ...CLIP_JSON, crop_size: { height: 224 } }, /"crop_size.width"/],
    ['crop_size a list', { ...CLIP_JSON, crop_size: [224, 224] }, /"crop_size" must be a number or \{height, width\}/],
    ['image_mean missing', without('image_mean'), /"image_mean" is missing/],
    ['image_std missing', without('image_std'), /"image_std" is missing/],
    ['image_mean of 2', { ...CLIP_JSON, image_mean: [0.5, 0.5] }, /"image_mean" must be a number or a list of 3/],
    ['image_mean with NaN', { ...CLIP_JSON, image_mean: [0.5, NaN, 0.5] }, /"image_mean" must hold finite numbers/],
    ['image_std with a zero', { ...CLIP_JSON, image_std: [0.5, 0, 0.5] }, /"image_std" must hold finite positive/],
    ['image_std with a string', { ...CLIP_JSON, image_std: [0.5, '0.2', 0.5] }, /"image_std"/],
    ['resample nearest', { ...CLIP_JSON, resample: 0 }, /"resample" must be 1 .* got 0/],
    ['resample a name', { ...CLIP_JSON, resample: 'bicubic' }, /"resample" .* got "bicubic"/],
    ['rescale_factor zero', { ...CLIP_JSON, rescale_factor: 0 }, /"rescale_factor" must be a finite positive/],
    ['rescale_factor a string', { ...CLIP_JSON, rescale_factor: '1/255' }, /"rescale_factor"/],
    ['a flag as a string', { ...CLIP_JSON, do_resize: 'true' }, /"do_resize" must be true or false/],
    ['a flag as a number', { ...CLIP_JSON, do_center_crop: 1 }, /"do_center_crop" must be true or false/],
    ['do_convert_rgb invalid', { ...CLIP_JSON, do_convert_rgb: null }, /"do_convert_rgb"/],
  ];
  for (const [what, json, message] of cases) {
    it(what, () => expectClipError(() => parsePreprocessorConfig(json), 'BAD_CONFIG', message));
  }

  it('fields of a disabled step may be absent', () => {
    const c = parsePreprocessorConfig({
      do_resize: false,
      do_center_crop: false,
      do_rescale: false,
      do_normalize: false,
    });
    expect(c).toEqual({ resize: null, filter: 'bicubic', crop: null, rescaleFactor: null, normalize: null });
    // Nothing to do at all: the tensor holds the bytes, alpha dropped.
    const t = preprocessImage({ data: new Uint8ClampedArray([1, 2, 3, 4, 5, 6, 7, 8]), width: 2, height: 1 }, c);
    expect(Array.from(t)).toEqual([1, 5, 2, 6, 3, 7]);
  });

  it('absent flags take CLIPImageProcessor defaults; the legacy numeric form is accepted', () => {
    const c = parsePreprocessorConfig({
      size: 224,
      crop_size: 224,
      image_mean: CLIP_JSON.image_mean,
      image_std: CLIP_JSON.image_std,
    });
    expect(c).toEqual({
      resize: { kind: 'shortest-edge', shortestEdge: 224 },
      filter: 'bicubic',
      crop: { width: 224, height: 224 },
      rescaleFactor: 1 / 255,
      normalize: { mean: CLIP_JSON.image_mean, std: CLIP_JSON.image_std },
    });
    expect(parsePreprocessorConfig(CLIP_JSON)).toEqual({ ...c, rescaleFactor: CLIP_JSON.rescale_factor });
  });
});
