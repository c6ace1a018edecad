// The rows both Parquet writers get (bench/parquet-writers.ts): a real library file of `count`
// seeded photos (ids like photos/0001.jpg, unit float32 vectors, hex hashes, dtype q8), opened
// with LibraryRows as `webclip export` opens it, so each writer reads the same pages.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PREPROCESS_VERSION } from '../src/core/image/preprocess';
import { gaussian, mulberry32, mulberry32Uint32 } from '../src/core/vectors/seeded-random';
import { l2Normalize } from '../src/core/vectors/similarity';
import { LibraryRows } from '../src/node/export/library-rows';
import type { LibraryMeta, PhotoRecord } from '../src/runtime/library/library-db';
import { libraryFile } from '../src/runtime/library/library-transfer';

export const BENCH_PARQUET_MODEL = 'Xenova/clip-vit-base-patch32';

function* seededRecords(meta: LibraryMeta, count: number, seed: number): Generator<PhotoRecord> {
  const random = mulberry32(seed);
  const bits = mulberry32Uint32(seed ^ 0x5bd1e995);
  const digits = Math.max(4, String(count).length);
  for (let n = 1; n <= count; n++) {
    const vector = l2Normalize(Float32Array.from({ length: meta.dim }, () => gaussian(random)));
    const hash = Array.from({ length: 8 }, () => bits().toString(16).padStart(8, '0')).join('');
    const id = `photos/${String(n).padStart(digits, '0')}.jpg`;
    yield { library: meta.name, id, hash, vector: vector.buffer as ArrayBuffer, scale: null, dtype: 'q8', addedAt: 0, model: meta.model, prep: meta.prep };
  }
}

/** Writes `dir`/photos.webclip (float32 storage, so the vectors come back bit for bit) and opens it. */
export async function benchLibrary(dir: string, count: number, dim: number, seed = 19): Promise<LibraryRows> {
  const meta: LibraryMeta = { name: 'photos', model: BENCH_PARQUET_MODEL, prep: PREPROCESS_VERSION, dim, storage: 'float32', createdAt: 0, updatedAt: 0 };
  const file = join(dir, 'photos.webclip');
  writeFileSync(file, new Uint8Array(await libraryFile(meta, seededRecords(meta, count, seed)).arrayBuffer()));
  return LibraryRows.open(file);
}
