// Browser side of bench/library.ts. Makes a library of N photos with random clustered vectors
// (a library export built here, imported through the public API: no photos are embedded), then
// times tagAll against a 500-tag vocabulary (first call: the tags' prompts are encoded; later
// calls: cached) and, as the baseline in the same page, the same scoring in plain JS loops.
import { createClip } from '../../src/page/create-clip';
import type { Clip } from '../../src/shared/clip';
import { int8Residual } from '../../src/core/vectors/int8-refine';
import { encodeLibraryHeader, type LibraryFileEntry } from '../../src/core/vectors/library-file';
import type { VectorStorage } from '../../src/shared/library';
import { PREPROCESS_VERSION } from '../../src/core/image/preprocess';
import { Sha256 } from '../../src/core/model/sha256';
import { DEFAULT_TAGS } from '../../src/core/tags/tag-vocabulary';
import { gaussian as normal, mulberry32 } from '../../src/core/vectors/seeded-random';
import { quantizeInt8 } from '../../src/core/vectors/int8-quantize';

const MODEL = new URL('/models/bench/', location.href).href;
const MODIFIERS = ['small', 'old', 'red', 'wet', 'busy'];

/** DEFAULT_TAGS, then modified ones ("small dog", …) up to `size`. */
export function vocabularyOf(size: number): string[] {
  const tags = [...DEFAULT_TAGS];
  for (let i = 0; tags.length < size; i++) tags.push(`${MODIFIERS[i % MODIFIERS.length]} ${DEFAULT_TAGS[i % DEFAULT_TAGS.length]}`);
  return tags.slice(0, size);
}

/** `count` unit vectors around 200 random centres (photo libraries are clustered), seeded. */
function randomVectors(count: number, dim: number, seed: number): Float32Array[] {
  const random = mulberry32(seed);
  const gaussian = () => normal(random);
  const unit = (v: Float32Array) => {
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const centres = Array.from({ length: 200 }, () => unit(Float32Array.from({ length: dim }, gaussian)));
  return Array.from({ length: count }, () => {
    const c = centres[Math.floor(random() * centres.length)]!;
    return unit(c.map((x) => x + 0.06 * gaussian()));
  });
}

let clip: Clip | undefined;

export interface LibraryBenchSetup {
  loadMs: number;
  importMs: number;
  photos: number;
  dim: number;
}

/** The library file a float32 or an int8 library of these vectors exports as. */
function libraryFile(name: string, storage: VectorStorage, model: string, dim: number, vectors: Float32Array[]): Blob {
  const entries: LibraryFileEntry[] = [];
  const parts: ArrayBuffer[] = [];
  vectors.forEach((v, i) => {
    const id = `photo-${i}`;
    const hash = i.toString(16).padStart(64, '0');
    if (storage === 'float32') {
      entries.push([id, hash, 'q8', null, null]);
      parts.push(v.buffer as ArrayBuffer);
      return;
    }
    const { codes, scale } = quantizeInt8(v);
    const residual = int8Residual(v, codes, scale);
    entries.push([id, hash, 'q8', scale, residual.scale]);
    parts.push(codes.buffer as ArrayBuffer, residual.nibbles.buffer as ArrayBuffer);
  });
  const now = Date.now();
  const header = encodeLibraryHeader({ name, model, prep: PREPROCESS_VERSION, dim, storage, createdAt: now, exportedAt: now, entries });
  const hash = new Sha256().update(header);
  for (const part of parts) hash.update(new Uint8Array(part));
  return new Blob([header as Uint8Array<ArrayBuffer>, ...parts, hash.digest() as Uint8Array<ArrayBuffer>]);
}

async function setup(photos: number): Promise<LibraryBenchSetup> {
  const t0 = performance.now();
  clip = await createClip({ model: MODEL, device: 'wasm', dtype: 'q8' });
  const loadMs = performance.now() - t0;
  const { dim, model } = clip.info;
  const vectors = randomVectors(photos, dim, 11);
  await clip.deleteLibrary('bench');
  await clip.deleteLibrary('bench-int8');
  const t1 = performance.now();
  await clip.importLibrary(libraryFile('bench', 'float32', model, dim, vectors));
  const importMs = performance.now() - t1;
  await clip.importLibrary(libraryFile('bench-int8', 'int8', model, dim, vectors));
  return { loadMs, importMs, photos, dim };
}

async function tagAll(tags: number): Promise<{ ms: number; tagged: number }> {
  const lib = await clip!.library('bench');
  const t0 = performance.now();
  const result = await lib.tagAll({ vocabulary: vocabularyOf(tags), topK: 5, threshold: 0 });
  return { ms: performance.now() - t0, tagged: result.length };
}

/** The same scoring in plain loops on this thread: dot products, the logistic, a top-5 by sort. */
function naiveTagAll(photos: number, tags: number, dim: number): { ms: number } {
  const p = randomVectors(photos, dim, 12);
  const t = randomVectors(tags, dim, 13);
  const background = randomVectors(1, dim, 14)[0]!;
  const dot = (a: Float32Array, b: Float32Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
    return s;
  };
  const t0 = performance.now();
  let checksum = 0;
  for (const photo of p) {
    const base = dot(photo, background);
    const scored = t.map((tag, i) => ({ i, score: 1 / (1 + Math.exp(-100 * (dot(photo, tag) - base))) }));
    scored.sort((a, b) => b.score - a.score);
    checksum += scored[0]!.i;
  }
  const ms = performance.now() - t0;
  if (checksum < 0) throw new Error('unreachable: keeps the loop from being optimized away');
  return { ms };
}

async function search(queries: number, name = 'bench'): Promise<number[]> {
  const lib = await clip!.library(name);
  const out: number[] = [];
  for (let i = 0; i < queries; i++) {
    const t0 = performance.now();
    // Texts of each library's own: one already searched would come from the label cache.
    await lib.search(`a photo number ${i} of ${name}`, { k: 10 });
    out.push(performance.now() - t0);
  }
  return out;
}

/** similar(id) k = 10: no text to encode, so what remains is the scan (and, int8, the re-ranking). */
async function similar(queries: number, name: string): Promise<number[]> {
  const lib = await clip!.library(name);
  const out: number[] = [];
  for (let i = 0; i < queries; i++) {
    const t0 = performance.now();
    await lib.similar(`photo-${i * 7}`, { k: 10 });
    out.push(performance.now() - t0);
  }
  return out;
}

const libraryBench = { setup, tagAll, naiveTagAll, search, similar };
export type LibraryBench = typeof libraryBench;
(globalThis as unknown as { libraryBench: LibraryBench }).libraryBench = libraryBench;
document.title = 'ready';
