// Is a written Parquet file right, and usable as it is? Read back with parquet-wasm → apache-arrow
// (every id, hash, dtype and vector against the library's rows, the vector column's Arrow type,
// the key-value metadata), then loaded into LanceDB for one cosine search.
import { connect } from '@lancedb/lancedb';
import { tableFromIPC, type Table } from 'apache-arrow';
import { openAsBlob, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ParquetFile, readParquet } from 'parquet-wasm';
import type { LibraryRows } from '../src/node/export/library-rows';
import { parquetMetadata } from '../src/node/export/parquet-export';

// LanceDB is CommonJS and knows only Arrow tables of apache-arrow's CommonJS build (see
// tests/unit/node/lancedb.test.ts and docs/vector-databases.md).
const arrowForLance = createRequire(import.meta.url)('apache-arrow') as typeof import('apache-arrow');

export interface ParquetCheck {
  rowGroups: number;
  vectorType: string;
  /** Rows whose id, hash, dtype and every float equal the library's (all of them when right). */
  equalRows: number;
  metadataKeys: string[];
  /** webclip's four keys present, each with the value written. */
  metadataEqual: boolean;
  /** What LanceDB did: its column type and the query row's rank, or its error, word for word. */
  lance: string;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!;

async function countEqualRows(table: Table, rows: LibraryRows): Promise<number> {
  const [ids, vectors, hashes, dtypes] = ['id', 'vector', 'hash', 'dtype'].map((c) => table.getChild(c)!);
  let i = 0;
  let equal = 0;
  for await (const page of rows.pages()) {
    for (const r of page) {
      const got = vectors!.get(i)?.toArray() as Float32Array | undefined;
      const same = got?.length === r.vector.length && got.every((x, j) => x === r.vector[j]);
      if (same && ids!.get(i) === r.id && hashes!.get(i) === r.hash && dtypes!.get(i) === r.dtype) equal++;
      i++;
    }
  }
  return table.numRows === i ? equal : -1;
}

/** One cosine search for a row's own vector in a LanceDB table made from the file's Arrow table. */
async function lanceSearch(bytes: Uint8Array, dir: string, query: { id: string; vector: Float32Array }): Promise<string> {
  try {
    const db = await connect(dir);
    const table = await db.createTable('photos', arrowForLance.tableFromIPC(readParquet(bytes).intoIPCStream()));
    const column = String((await table.schema()).fields.find((f) => f.name === 'vector')?.type);
    try {
      const hits = (await table.vectorSearch(query.vector).distanceType('cosine').limit(10).toArray()) as { id: string; _distance: number }[];
      const rank = hits.findIndex((h) => h.id === query.id) + 1;
      return `loaded as ${column}; search: ${query.id} at rank ${rank || 'none'} of ${hits.length}, distance ${hits[0]?._distance.toExponential(1)}`;
    } catch (error) {
      return `loaded as ${column}; search failed: ${message(error)}`;
    }
  } catch (error) {
    return `createTable failed: ${message(error)}`;
  }
}

export async function checkParquet(file: string, rows: LibraryRows, version: string, lanceDir: string): Promise<ParquetCheck> {
  const bytes = new Uint8Array(readFileSync(file));
  const table: Table = tableFromIPC(readParquet(bytes).intoIPCStream());
  const meta = (await ParquetFile.fromFile(await openAsBlob(file))).metadata();
  const kv = meta.fileMetadata().keyValueMetadata() as Map<string, string>;
  const written = parquetMetadata(rows, version);
  const first = (await rows.pages().next()).value!;
  return {
    rowGroups: meta.numRowGroups(),
    vectorType: String(table.schema.fields.find((f) => f.name === 'vector')?.type),
    equalRows: await countEqualRows(table, rows),
    metadataKeys: [...kv.keys()],
    metadataEqual: [...written].every(([k, v]) => kv.get(k) === v),
    lance: await lanceSearch(bytes, lanceDir, first[Math.floor(first.length / 2)]!),
  };
}
