// Parses and validates a model's preprocessor_config.json once, into the plain settings that
// the preprocessing hot path trusts without re-checking (see preprocess.ts).
import { ClipError } from '../../shared/errors';
import type { ResampleFilter } from './resample';

/** How the resize step picks its target size. */
export type ResizeTarget =
  /** Shorter side becomes `shortestEdge`, the longer one keeps the aspect ratio (CLIP). */
  | { readonly kind: 'shortest-edge'; readonly shortestEdge: number }
  /** Both sides are given: the image is stretched to exactly this size. */
  | { readonly kind: 'exact'; readonly width: number; readonly height: number };

/** A validated preprocessor_config.json. Make it with `parsePreprocessorConfig`. */
export interface PreprocessorConfig {
  /** Target of the resize, or null when `do_resize` is false. */
  readonly resize: ResizeTarget | null;
  /** PIL filter of the resize (`resample`: 1 lanczos, 2 bilinear, 3 bicubic, 4 box, 5 hamming). */
  readonly filter: ResampleFilter;
  /** Size of the center crop, or null when `do_center_crop` is false. */
  readonly crop: { readonly width: number; readonly height: number } | null;
  /** Multiplier from 0..255 to the model's range, or null when `do_rescale` is false. */
  readonly rescaleFactor: number | null;
  /** Per-channel mean and std (R, G, B), or null when `do_normalize` is false. */
  readonly normalize: {
    readonly mean: readonly [number, number, number];
    readonly std: readonly [number, number, number];
  } | null;
}

// PIL's Image.Resampling numbering, which preprocessor_config.json's `resample` uses.
// 0 (NEAREST) goes through PIL's affine transform, not Resample.c, so it is not offered.
const FILTERS: Readonly<Record<number, ResampleFilter>> = {
  1: 'lanczos',
  2: 'bilinear',
  3: 'bicubic',
  4: 'box',
  5: 'hamming',
};

// Hugging Face's CLIPImageProcessor defaults, used when a flag is absent from the file, so
// that a config that loads in transformers loads here with the same meaning.
const DEFAULT_RESCALE_FACTOR = 1 / 255;
const DEFAULT_RESAMPLE = 3;

// Sizes beyond this are certainly a broken file, and would overflow PIL's int arithmetic.
const MAX_SIDE = 1 << 16;

function fail(message: string): never {
  throw new ClipError('BAD_CONFIG', `preprocessor_config.json: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function flag(json: Record<string, unknown>, key: string, fallback = true): boolean {
  const value = json[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(`"${key}" must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

function side(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_SIDE) {
    fail(`${what} must be an integer from 1 to ${MAX_SIDE}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function triple(json: Record<string, unknown>, key: string, positive: boolean): [number, number, number] {
  const value = json[key];
  if (value === undefined) fail(`"${key}" is missing (needed because do_normalize is true)`);
  // A single number means the same value for every channel, as transformers accepts.
  const list = typeof value === 'number' ? [value, value, value] : value;
  if (!Array.isArray(list) || list.length !== 3) {
    fail(`"${key}" must be a number or a list of 3 numbers (R, G, B), got ${JSON.stringify(value)}`);
  }
  const [a, b, c] = list as unknown[];
  for (const v of [a, b, c]) {
    if (typeof v !== 'number' || !Number.isFinite(v) || (positive && v <= 0)) {
      fail(`"${key}" must hold finite${positive ? ' positive' : ''} numbers, got ${JSON.stringify(value)}`);
    }
  }
  return [a as number, b as number, c as number];
}

function parseResize(json: Record<string, unknown>): ResizeTarget {
  const size = json['size'];
  if (size === undefined) fail('"size" is missing (needed because do_resize is true)');
  // Older files write the shortest edge as a bare number (transformers' get_size_dict).
  if (typeof size === 'number') return { kind: 'shortest-edge', shortestEdge: side(size, '"size"') };
  if (!isRecord(size)) fail(`"size" must be a number or an object, got ${JSON.stringify(size)}`);
  if (size['shortest_edge'] !== undefined) {
    if (size['longest_edge'] !== undefined) fail('"size.longest_edge" is not supported');
    return { kind: 'shortest-edge', shortestEdge: side(size['shortest_edge'], '"size.shortest_edge"') };
  }
  if (size['height'] !== undefined || size['width'] !== undefined) {
    return {
      kind: 'exact',
      width: side(size['width'], '"size.width"'),
      height: side(size['height'], '"size.height"'),
    };
  }
  return fail(`"size" needs "shortest_edge" or "height" and "width", got ${JSON.stringify(size)}`);
}

function parseCrop(json: Record<string, unknown>): { width: number; height: number } {
  const crop = json['crop_size'];
  if (crop === undefined) fail('"crop_size" is missing (needed because do_center_crop is true)');
  if (typeof crop === 'number') {
    const s = side(crop, '"crop_size"');
    return { width: s, height: s };
  }
  if (!isRecord(crop)) fail(`"crop_size" must be a number or {height, width}, got ${JSON.stringify(crop)}`);
  return { width: side(crop['width'], '"crop_size.width"'), height: side(crop['height'], '"crop_size.height"') };
}

/**
 * Validates a parsed preprocessor_config.json (CLIPImageProcessor's fields) and returns the
 * settings `preprocessImage` runs on. Throws ClipError('BAD_CONFIG') naming the bad field.
 * Absent flags take CLIPImageProcessor's defaults (all true, rescale 1/255, bicubic); a value
 * a present step needs (size, crop_size, image_mean, image_std) must be there.
 * `do_convert_rgb` is accepted and has nothing to do: pixels arrive as RGBA and alpha is
 * always dropped, as PIL's convert("RGB") drops it.
 */
export function parsePreprocessorConfig(json: unknown): PreprocessorConfig {
  if (!isRecord(json)) fail(`expected a JSON object, got ${json === null ? 'null' : typeof json}`);
  flag(json, 'do_convert_rgb');

  const resize = flag(json, 'do_resize') ? parseResize(json) : null;

  const resample = json['resample'] ?? DEFAULT_RESAMPLE;
  const filter = typeof resample === 'number' ? FILTERS[resample] : undefined;
  if (filter === undefined) {
    fail(`"resample" must be 1 (lanczos), 2 (bilinear), 3 (bicubic), 4 (box) or 5 (hamming), got ${JSON.stringify(resample)}`);
  }

  // SiglipImageProcessor (SigLIP, SigLIP 2) has no center crop: its files leave the flag out
  const processor = json['image_processor_type'] ?? json['feature_extractor_type'];
  const cropByDefault = !(typeof processor === 'string' && processor.startsWith('Siglip'));
  const crop = flag(json, 'do_center_crop', cropByDefault) ? parseCrop(json) : null;

  let rescaleFactor: number | null = null;
  if (flag(json, 'do_rescale')) {
    const factor = json['rescale_factor'] ?? DEFAULT_RESCALE_FACTOR;
    if (typeof factor !== 'number' || !Number.isFinite(factor) || factor <= 0) {
      fail(`"rescale_factor" must be a finite positive number, got ${JSON.stringify(factor)}`);
    }
    rescaleFactor = factor;
  }

  const normalize = flag(json, 'do_normalize')
    ? { mean: triple(json, 'image_mean', false), std: triple(json, 'image_std', true) }
    : null;

  return { resize, filter, crop, rescaleFactor, normalize };
}
