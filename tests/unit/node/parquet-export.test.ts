// The Parquet export is streamed: a row group per page of the library file, so parquet-rs never
// holds the whole library in memory (its default row group, 1M rows, would be all of it); and
// every row comes back as written. LanceDB's use of the file: lancedb.test.ts.
import { tableFromIPC, type Table } from 'apache-arrow';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParquetFile, readParquet } from 'parquet-wasm';
import { expect, it } from 'vitest';
import { LibraryRows } from '../../../src/node/export/library-rows';
import { parquetStream } from '../../../src/node/export/parquet-export';
import type { LibraryMeta, PhotoRecord } from '../../../src/runtime/library/library-db';
import { libraryFile } from '../../../src/runtime/library/library-transfer';

const ROWS = 2500;
const DIM = 8;

it('writes a row group per page of 1000 rows, each row as the library holds it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'webclip-parquet-'));
  try {
    const meta: LibraryMeta = { name: 'photos', model: 'test/model', prep: 'pil-bicubic-1', dim: DIM, storage: 'float32', createdAt: 1, updatedAt: 2 };
    const vectorOf = (n: number) => Float32Array.from({ length: DIM }, (_, j) => Math.sin(n * DIM + j));
    const records: PhotoRecord[] = Array.from({ length: ROWS }, (_, n) => ({
      ...meta,
      library: meta.name,
      id: `photo-${n}.jpg`,
      hash: n.toString(16).padStart(64, '0'),
      dtype: 'fp32',
      vector: vectorOf(n).buffer as ArrayBuffer,
      scale: null,
      addedAt: 0,
    }));
    writeFileSync(join(dir, 'photos.webclip'), new Uint8Array(await libraryFile(meta, records).arrayBuffer()));
    const rows = await LibraryRows.open(join(dir, 'photos.webclip'));
    const bytes = new Uint8Array(await new Response(await parquetStream(rows, '0.0.0')).arrayBuffer());

    const groups = (await ParquetFile.fromFile(new Blob([bytes]))).metadata().rowGroups();
    expect(groups.map((g) => g.numRows())).toEqual([1000, 1000, 500]);
    const table: Table = tableFromIPC(readParquet(bytes).intoIPCStream());
    expect(String(table.schema.fields.find((f) => f.name === 'vector')?.type)).toBe(`FixedSizeList[${DIM}]<Float32>`);
    const ids = table.getChild('id')!;
    const vectors = table.getChild('vector')!;
    for (let n = 0; n < ROWS; n++) {
      expect(ids.get(n)).toBe(`photo-${n}.jpg`);
      expect(vectors.get(n)!.toArray()).toEqual(vectorOf(n));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
