// The photo folders the indexing benchmarks read (bench/out/index-photos/, git-ignored): seeded
// JPEGs with a noisy texture (so decoding costs what a camera's JPEG costs), small ones
// (640×480), 12 MP ones (4000×3000), and thumbnails (320×240) for the 10,000-photo run.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { ROOT } from './browser';
import { mulberry32 } from '../src/core/vectors/seeded-random';

export const PHOTO_SIZES = { small: [640, 480], '12mp': [4000, 3000], thumb: [320, 240] } as const;
export type PhotoSize = keyof typeof PHOTO_SIZES;

/** One photo's JPEG bytes: gradients, a block pattern and per-pixel noise, from `seed`. */
export async function photoJpeg(width: number, height: number, seed: number): Promise<Buffer> {
  const r = mulberry32(seed);
  const [a, b, c, cell] = [r() * 255, r() * 255, r() * 255, 8 + Math.floor(r() * 64)];
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const block = ((Math.floor(x / cell) ^ Math.floor(y / cell)) & 3) * 40;
      const noise = (r() - 0.5) * 40;
      data[i] = (a + (x * 200) / width + block + noise) & 255;
      data[i + 1] = (b + (y * 200) / height + noise) & 255;
      data[i + 2] = (c + block * 2 - noise) & 255;
    }
  }
  return sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

/** The folder of `count` photos of `size` (written once), and its files. */
export async function photoFolder(size: PhotoSize, count: number): Promise<{ folder: string; files: string[] }> {
  const folder = join(ROOT, 'bench', 'out', 'index-photos', `${size}-${count}`);
  mkdirSync(folder, { recursive: true });
  const [width, height] = PHOTO_SIZES[size];
  for (let n = 0; n < count; n++) {
    const file = join(folder, `photo-${String(n).padStart(5, '0')}.jpg`);
    if (!existsSync(file)) writeFileSync(file, await photoJpeg(width, height, n + 1));
  }
  const files = readdirSync(folder).filter((f) => f.endsWith('.jpg')).sort().map((f) => join(folder, f));
  return { folder, files };
}
