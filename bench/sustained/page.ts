// Browser side of bench/sustained.ts: the engine page (engine/page.ts: its engines, inputs and
// timed calls, its memory probes) plus a long library add of distinct photos.
import { webclipInstance, photoPixels } from '../engine/page';
import { mulberry32 } from '../stats';

/**
 * `count` distinct 600×400 JPEGs (a library embeds each distinct file once): one noisy photo,
 * each copy with a seeded patch of its own. Encoding them takes a few ms each.
 */
async function distinctPhotos(count: number): Promise<Blob[]> {
  const base = await photoPixels(600, 400, 99);
  const canvas = new OffscreenCanvas(600, 400);
  const context = canvas.getContext('2d')!;
  const random = mulberry32(4242);
  const out: Blob[] = [];
  for (let i = 0; i < count; i++) {
    context.drawImage(base, 0, 0);
    context.fillStyle = `rgb(${Math.floor(random() * 256)}, ${Math.floor(random() * 256)}, ${Math.floor(random() * 256)})`;
    context.fillRect(Math.floor(random() * 500), Math.floor(random() * 300), 40 + Math.floor(random() * 60), 40 + Math.floor(random() * 60));
    out.push(await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 }));
  }
  return out;
}

let photos: Blob[] = [];

export interface LibraryAddResult {
  /** [photos done, ms since the add started] at each progress report (every 16 photos). */
  progress: [number, number][];
  added: number;
  failed: number;
  ms: number;
}

async function makePhotos(count: number): Promise<number> {
  const t = performance.now();
  photos = await distinctPhotos(count);
  return performance.now() - t;
}

/** lib.add of every photo made, in one call, into a fresh library. */
async function libraryAdd(name: string): Promise<LibraryAddResult> {
  const clip = webclipInstance();
  if (!clip) throw new Error('set up webclip first');
  await clip.deleteLibrary(name);
  const lib = await clip.library(name);
  const progress: [number, number][] = [];
  const t0 = performance.now();
  const result = await lib.add(
    photos.map((image, i) => ({ id: `p${i}`, image })),
    { onProgress: (e) => progress.push([e.loaded ?? 0, performance.now() - t0]) },
  );
  const ms = performance.now() - t0;
  await clip.deleteLibrary(name);
  return { progress, added: result.added.length, failed: result.failed.length, ms };
}

const sustainedBench = { makePhotos, libraryAdd };
export type SustainedBench = typeof sustainedBench;
(globalThis as unknown as { sustainedBench: SustainedBench }).sustainedBench = sustainedBench;
document.title = 'sustained ready';
