// Photos for the library tests, made in the page from the committed fixture photos: the files
// themselves, near-duplicates (resized, re-encoded, slightly cropped, as a phone or a messenger
// would make them) and many distinct photos (different crops and marks of the fixtures).

/** The fixture photos (tests/fixtures/README.md lists their sources and licenses). */
export const PHOTO_FILES = [
  '/tests/fixtures/images/chelsea.png',
  '/tests/fixtures/images/coffee.png',
  '/tests/fixtures/images/camera.png',
  '/tests/fixtures/tiny-clip-inputs/scene-640x480.png',
  '/tests/fixtures/tiny-clip-inputs/pattern-300x200.png',
  '/tests/fixtures/tiny-clip-inputs/gradient-224.png',
] as const;

export async function photo(file: string): Promise<Blob> {
  const response = await fetch(file);
  if (!response.ok) throw new Error(`${file}: ${response.status}`);
  return response.blob();
}

export interface Reencode {
  /** Output size as a fraction of the input (after cropping). */
  readonly scale?: number;
  /** Fraction cut from each edge. */
  readonly crop?: number;
  readonly type?: 'image/jpeg' | 'image/png' | 'image/webp';
  readonly quality?: number;
}

/** The photo resized, cropped and re-encoded: the same picture, other bytes. */
export async function reencode(blob: Blob, { scale = 1, crop = 0, type = 'image/jpeg', quality = 0.85 }: Reencode = {}): Promise<Blob> {
  const bitmap = await createImageBitmap(blob);
  const sx = Math.round(bitmap.width * crop);
  const sy = Math.round(bitmap.height * crop);
  const sw = bitmap.width - 2 * sx;
  const sh = bitmap.height - 2 * sy;
  const canvas = new OffscreenCanvas(Math.max(1, Math.round(sw * scale)), Math.max(1, Math.round(sh * scale)));
  const context = canvas.getContext('2d')!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, sx, sy, sw, sh, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvas.convertToBlob({ type, quality });
}

/**
 * `count` distinct photos: a fixture photo cropped at a seeded window, with a seeded coloured
 * block painted on it, as PNG (so each has its own bytes and its own embedding).
 */
export async function distinctPhotos(count: number, seed = 1): Promise<Blob[]> {
  const bases = await Promise.all(PHOTO_FILES.map(async (f) => createImageBitmap(await photo(f))));
  let state = seed >>> 0 || 1;
  const random = (): number => {
    // xorshift32: deterministic across runs.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const out: Blob[] = [];
  for (let i = 0; i < count; i++) {
    const base = bases[i % bases.length]!;
    const w = Math.round(base.width * (0.5 + 0.4 * random()));
    const h = Math.round(base.height * (0.5 + 0.4 * random()));
    const x = Math.round((base.width - w) * random());
    const y = Math.round((base.height - h) * random());
    const canvas = new OffscreenCanvas(160, 120);
    const context = canvas.getContext('2d')!;
    context.drawImage(base, x, y, w, h, 0, 0, 160, 120);
    context.fillStyle = `hsl(${Math.round(360 * random())} 80% 50%)`;
    context.fillRect(Math.round(120 * random()), Math.round(80 * random()), 40, 40);
    out.push(await canvas.convertToBlob({ type: 'image/png' }));
  }
  for (const b of bases) b.close();
  return out;
}
