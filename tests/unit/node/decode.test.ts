// webclip/node's decoder against PIL, pixel for pixel, on the fixtures the browser's decode and
// hostile tests use (tests/fixtures/decode, hostile): EXIF orientation, ICC ignored, gray, alpha,
// 16-bit, CMYK/YCCK, palette, WebP, BMP, GIF; and the hostile files refused with their reasons.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImageBytes } from '../../../src/node/images/sharp-decode';
import { isClipError } from '../../../src/shared/errors';
import { decodePng } from '../image/preprocess-fixtures';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
interface Case {
  file: string;
  reference?: string;
  expect?: 'embeds' | 'BAD_IMAGE';
  why?: string;
  note: string;
}
const manifest = (dir: string) => (JSON.parse(readFileSync(join(FIXTURES, dir, 'manifest.json'), 'utf8')) as { cases: Case[] }).cases;

/** Differing RGB values between decoded pixels and a PIL reference (alpha is not PIL's RGB). */
function rgbDifference(dir: string, c: Case, got: { data: ArrayLike<number>; width: number; height: number }) {
  const ref = decodePng(readFileSync(join(FIXTURES, dir, c.reference!)));
  expect([got.width, got.height], c.file).toEqual([ref.width, ref.height]);
  let differing = 0;
  for (let i = 0; i < ref.data.length; i++) if (i % 4 !== 3 && got.data[i] !== ref.data[i]) differing++;
  return differing;
}

async function refusal(bytes: Uint8Array): Promise<string> {
  try {
    await decodeImageBytes(bytes);
    return 'decoded';
  } catch (error) {
    return isClipError(error) ? `${error.code}: ${error.message}` : `other: ${String(error)}`;
  }
}

describe("webclip/node's decoder", () => {
  for (const dir of ['decode', 'hostile']) {
    it(`decodes every ${dir} fixture PIL reads to exactly PIL's pixels`, async () => {
      const cases = manifest(dir).filter((c) => c.reference);
      expect(cases.length).toBeGreaterThan(10);
      for (const c of cases) {
        const pixels = await decodeImageBytes(new Uint8Array(readFileSync(join(FIXTURES, dir, c.file))));
        expect(pixels.data.length, c.file).toBe(pixels.width * pixels.height * 4);
        expect(rgbDifference(dir, c, pixels), `${c.file} (${c.note})`).toBe(0);
      }
    });
  }

  it('keeps straight alpha: colour under alpha 0 is PIL\'s, not black', async () => {
    const pixels = await decodeImageBytes(new Uint8Array(readFileSync(join(FIXTURES, 'decode', 'alpha.png'))));
    const alphas = new Set<number>();
    for (let i = 3; i < pixels.data.length; i += 4) alphas.add(pixels.data[i]!);
    expect(alphas.has(0) && alphas.has(255)).toBe(true);
  });

  it('refuses each hostile file PIL refuses, with BAD_IMAGE and the reason', async () => {
    const cases = manifest('hostile').filter((c) => c.expect === 'BAD_IMAGE');
    for (const c of cases) {
      const outcome = await refusal(new Uint8Array(readFileSync(join(FIXTURES, 'hostile', c.file))));
      expect(outcome, c.file).toMatch(new RegExp(`^BAD_IMAGE: .*(${c.why})`, 'i'));
    }
  });

  it('the CMYK fixtures bite: libvips\' own CMYK conversion (a colour profile) is not PIL\'s', async () => {
    const sharp = (await import('sharp')).default;
    const c = manifest('hostile').find((k) => k.file === 'cmyk.jpg')!;
    const { data, info } = await sharp(readFileSync(join(FIXTURES, 'hostile', c.file))).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(rgbDifference('hostile', c, { data, width: info.width, height: info.height })).toBeGreaterThan(1000);
  });

  it('a seeded run of mutated files: each decodes or is refused with BAD_IMAGE, nothing else', async () => {
    let seed = 0x5eed;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const int = (n: number) => Math.floor(random() * n);
    const real = ['decode/orient-6.jpg', 'hostile/animated.gif', 'hostile/lossy.webp', 'hostile/photo.bmp', 'hostile/cmyk.jpg', 'hostile/palette.png'].map(
      (f) => new Uint8Array(readFileSync(join(FIXTURES, f))),
    );
    const outcomes = { decoded: 0, refused: 0 };
    for (let i = 0; i < 120; i++) {
      const bytes = real[i % real.length]!.slice();
      for (let e = 0, n = 1 + int(8); e < n; e++) bytes[int(bytes.length)] = int(256);
      const input = random() < 0.3 ? bytes.subarray(0, int(bytes.length)) : bytes;
      const outcome = await refusal(input);
      if (outcome === 'decoded') outcomes.decoded++;
      else {
        expect(outcome).toMatch(/^BAD_IMAGE: /);
        outcomes.refused++;
      }
    }
    expect(outcomes.decoded).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
