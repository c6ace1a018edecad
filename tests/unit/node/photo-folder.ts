// Seeded photos for the command's tests, written as PNGs (and a few JPEGs) into a folder: each a
// different mix of gradients, stripes and blocks, so their embeddings spread out.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { mulberry32 } from '../../../src/core/vectors/seeded-random';

/** Writes `count` photos under `folder` (in sub-folders of 10) and returns their ids. */
export async function writePhotos(folder: string, count: number, seed = 1): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const r = mulberry32(seed * 1000 + n);
    const width = 64 + Math.floor(r() * 96);
    const height = 64 + Math.floor(r() * 96);
    const [a, b, c] = [r() * 255, r() * 255, r() * 255];
    const stripes = 2 + r() * 12;
    const data = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 3;
        const wave = Math.sin((x * stripes) / width + (y * r() * 0.01)) * 60;
        data[i] = (a + (x * 255) / width + wave) % 256;
        data[i + 1] = (b + (y * 255) / height) % 256;
        data[i + 2] = (c + wave * 2 + ((x >> 3) ^ (y >> 3)) * 9) % 256;
      }
    }
    const id = `set-${Math.floor(n / 10)}/photo-${String(n).padStart(3, '0')}.${n % 5 === 4 ? 'jpg' : 'png'}`;
    mkdirSync(join(folder, `set-${Math.floor(n / 10)}`), { recursive: true });
    const image = sharp(data, { raw: { width, height, channels: 3 } });
    await (id.endsWith('.jpg') ? image.jpeg({ quality: 90 }) : image.png()).toFile(join(folder, id));
    ids.push(id);
  }
  return ids;
}
