import { describe, expect, it } from 'vitest';
import { ClipError } from '../../../src/shared/errors';
import { orientPixels, type Rotation } from '../../../src/core/image/orientation';
import type { RgbaPixels } from '../../../src/core/image/resample';

/** A w×h image whose pixel (x, y) is [x, y, x + 16 * y, 255]: every pixel tells where it came from. */
function labelled(w: number, h: number): RgbaPixels {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) data.set([x, y, (x + 16 * y) & 255, 255], (y * w + x) * 4);
  }
  return { data, width: w, height: h };
}

/** Reference by elementary steps, written independently: quarter turns clockwise, then a mirror. */
function quarterTurn(p: RgbaPixels): RgbaPixels {
  const out = new Uint8ClampedArray(p.data.length);
  // Clockwise: source (x, y) lands at (h - 1 - y, x) in an h-wide image.
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      const to = (x * p.height + (p.height - 1 - y)) * 4;
      out.set(p.data.subarray((y * p.width + x) * 4, (y * p.width + x) * 4 + 4), to);
    }
  }
  return { data: out, width: p.height, height: p.width };
}
function mirror(p: RgbaPixels): RgbaPixels {
  const out = new Uint8ClampedArray(p.data.length);
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      const from = (y * p.width + x) * 4;
      out.set(p.data.subarray(from, from + 4), (y * p.width + (p.width - 1 - x)) * 4);
    }
  }
  return { data: out, width: p.width, height: p.height };
}
function reference(p: RgbaPixels, rotation: Rotation, flip: boolean): RgbaPixels {
  let out = p;
  for (let turns = rotation / 90; turns > 0; turns--) out = quarterTurn(out);
  return flip ? mirror(out) : out;
}

describe('orientPixels', () => {
  it('leaves an upright frame alone, without copying', () => {
    const p = labelled(5, 3);
    expect(orientPixels(p, 0, false)).toBe(p);
  });

  for (const rotation of [0, 90, 180, 270] as const) {
    for (const flip of [false, true]) {
      it(`rotates ${rotation}° clockwise${flip ? ' then mirrors' : ''} like the step-by-step reference`, () => {
        for (const [w, h] of [[5, 3], [1, 7], [8, 1], [1, 1], [13, 11]] as const) {
          const p = labelled(w, h);
          const got = orientPixels(p, rotation, flip);
          const want = reference(p, rotation, flip);
          expect([got.width, got.height]).toEqual([want.width, want.height]);
          expect(Array.from(got.data)).toEqual(Array.from(want.data));
        }
      });
    }
  }

  it('matches the WebCodecs orientation example (4×2, rotation 90, flip: a transpose)', () => {
    const [y, r, b, g] = [[255, 255, 0, 255], [255, 0, 0, 255], [0, 0, 255, 255], [0, 255, 0, 255]];
    const frame = { data: new Uint8ClampedArray([y, y, r, r, b, b, g, g].flat()), width: 4, height: 2 };
    const out = orientPixels(frame, 90, true);
    expect([out.width, out.height]).toEqual([2, 4]);
    expect(Array.from(out.data)).toEqual([y, b, y, b, r, g, r, g].flat());
  });

  it('reads a buffer that does not start on a 4-byte boundary', () => {
    const p = labelled(3, 2);
    const shifted = new Uint8ClampedArray(p.data.length + 1);
    shifted.set(p.data, 1);
    const view = { data: shifted.subarray(1), width: 3, height: 2 };
    expect(Array.from(orientPixels(view, 180, false).data)).toEqual(Array.from(reference(p, 180, false).data));
  });

  it('rejects a buffer of the wrong size with BAD_IMAGE', () => {
    expect(() => orientPixels({ data: new Uint8ClampedArray(7), width: 2, height: 1 }, 90, false)).toThrow(ClipError);
  });
});
