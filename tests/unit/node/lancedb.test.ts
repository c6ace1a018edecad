// The Parquet export against a real vector database: `webclip export --format parquet` loaded into
// LanceDB (embedded, in a temporary folder) as it is, and LanceDB's cosine top-10 equal to
// webclip's own search for 100 queries; the file's schema and metadata as documented.
import { connect } from '@lancedb/lancedb';
import { tableFromIPC, type Table } from 'apache-arrow';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { readParquet, readSchema } from 'parquet-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/cli/main';
import { LibraryRows } from '../../../src/node/export/library-rows';
import { createClip, type NodeClip, type NodeLibrary } from '../../../src/node/index';

const MODEL = join(import.meta.dirname, '..', '..', 'fixtures', 'tiny-clip');
const PHOTOS = 300;
const QUERIES = 100;

/** Seeded RGBA photos: blocks and stripes of varying colours, so the vectors spread out. */
function photo(n: number): { data: Uint8Array; width: number; height: number } {
  const width = 40 + (n % 7) * 9;
  const height = 40 + (n % 5) * 11;
  const data = new Uint8Array(width * height * 4);
  let s = n * 2654435761;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) & 255;
  const [r, g, b, period] = [next(), next(), next(), 2 + (next() % 13)];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const on = (Math.floor(x / period) + Math.floor(y / (period + n % 3))) % 2;
      data.set([on ? r : 255 - r, (g + x * (n % 4)) & 255, on ? b : (b + y * 3) & 255, 255], i);
    }
  }
  return { data, width, height };
}

// LanceDB is CommonJS: it knows Arrow tables made by apache-arrow's CommonJS build, a different
// module from the one `import` gives (docs/vector-databases.md shows the same).
const arrowForLance = createRequire(import.meta.url)('apache-arrow') as typeof import('apache-arrow');

const sink = () => new Writable({ write: (_c, _e, done) => done() });

describe('the Parquet export in LanceDB', () => {
  let dir: string;
  let clip: NodeClip;
  let library: NodeLibrary;
  let parquet: Uint8Array;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'webclip-lancedb-'));
    clip = await createClip({ model: MODEL, dtype: 'fp32', libraryDir: dir });
    library = await clip.library('photos');
    await library.add(Array.from({ length: PHOTOS }, (_, n) => ({ id: `photo-${n}.png`, image: photo(n) })));
    await library.flush();
    const code = await runCommand(['export', join(dir, 'photos.webclip'), '--format', 'parquet', '--out', join(dir, 'photos.parquet')], { stdout: sink(), stderr: sink() }, new AbortController().signal);
    expect(code).toBe(0);
    parquet = new Uint8Array(readFileSync(join(dir, 'photos.parquet')));
  });
  afterAll(async () => {
    await clip?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds ids, vectors as fixed-size lists of float32 equal to the library\'s, and the provenance in its metadata', async () => {
    const table: Table = tableFromIPC(readParquet(parquet).intoIPCStream());
    expect(table.numRows).toBe(PHOTOS);
    const vector = table.schema.fields.find((f) => f.name === 'vector')!;
    expect(String(vector.type)).toBe('FixedSizeList[32]<Float32>');
    const metadata = readSchema(parquet).metadata();
    expect(metadata.get('webclip.model')).toBe(clip.info.model);
    expect(metadata.get('webclip.preprocessing')).toBe('pil-bicubic-1');
    expect(metadata.get('webclip.dim')).toBe('32');
    const rows = await LibraryRows.open(join(dir, 'photos.webclip'));
    const fromFile = new Map<string, Float32Array>();
    for await (const page of rows.pages()) for (const r of page) fromFile.set(r.id, r.vector);
    const ids = table.getChild('id')!.toArray() as string[];
    const vectors = table.getChild('vector')!;
    for (const i of [0, 137, PHOTOS - 1]) {
      expect(Array.from(vectors.get(i)!.toArray() as Float32Array)).toEqual(Array.from(fromFile.get(ids[i]!)!));
    }
  });

  it('LanceDB (cosine) ranks the loaded Parquet as webclip ranks the library, top-10 of 100 queries', async () => {
    const db = await connect(join(dir, 'lance'));
    const table = await db.createTable('photos', arrowForLance.tableFromIPC(readParquet(parquet).intoIPCStream()));
    expect(await table.countRows()).toBe(PHOTOS);
    const queries = Array.from({ length: QUERIES }, (_, i) => `photo ${i}: ${['red', 'green', 'blue', 'grey'][i % 4]} ${['stripes', 'blocks', 'sky', 'a dog'][(i >> 2) % 4]}`);
    const vectors = await clip.embedTexts(queries);
    let compared = 0;
    for (const [q, text] of queries.entries()) {
      const ours = await library.search(text, { k: 10 });
      const theirs = (await table.vectorSearch(vectors[q]!).distanceType('cosine').limit(10).toArray()) as { id: string; _distance: number }[];
      expect(theirs.map((h) => 1 - h._distance)).toEqual(ours.map((h) => expect.closeTo(h.score, 5)));
      // Ids rank for rank; where two scores tie (to 1e-5), either order is right.
      const tied = (i: number) => [i - 1, i + 1].some((j) => ours[j] && Math.abs(ours[j]!.score - ours[i]!.score) < 1e-5);
      ours.forEach((hit, i) => {
        if (!tied(i)) expect(theirs[i]!.id, `query ${q}, rank ${i + 1}`).toBe(hit.id);
      });
      expect(new Set(theirs.map((h) => h.id))).toEqual(new Set(ours.map((h) => h.id)));
      compared++;
    }
    expect(compared).toBe(QUERIES);
  });
});
