// A library as Parquet: `id`, `vector` (fixed-size list of float32, so Arrow readers — LanceDB,
// pyarrow, DuckDB — see vectors), `hash`, `dtype`; the model and preprocessing in the file's
// key-value metadata. parquet-wasm (Arrow's Rust writer, maintained by the Arrow JS community)
// writes it from Arrow record batches built a page at a time, streamed row group by row group.
import { ClipError } from '../../shared/errors';
import type { LibraryRows, PhotoRow } from './library-rows';

type Arrow = typeof import('apache-arrow');
type ParquetWasm = typeof import('parquet-wasm');

/** Rows per row group: a page of the library file (libraryRecordPages reads 1000 at a time). */
const ROW_GROUP_ROWS = 1000;

async function load(): Promise<{ arrow: Arrow; parquet: ParquetWasm }> {
  try {
    const [arrow, parquet] = await Promise.all([import('apache-arrow'), import('parquet-wasm')]);
    return { arrow, parquet };
  } catch (cause) {
    throw new ClipError('BACKEND_UNAVAILABLE', 'Parquet export needs apache-arrow and parquet-wasm: npm install apache-arrow parquet-wasm', { cause });
  }
}

/** Metadata keys: each value a string, as Parquet's key-value metadata holds them. */
export function parquetMetadata(rows: LibraryRows, version: string): Map<string, string> {
  const p = rows.provenance;
  return new Map([
    ['webclip.model', p.model],
    ['webclip.preprocessing', p.preprocessing],
    ['webclip.dim', String(p.dim)],
    ['webclip.library', JSON.stringify({ ...p, webclip: version, vectors: 'L2-normalized: dot product = cosine similarity' })],
  ]);
}

function recordBatchOf(arrow: Arrow, parquet: ParquetWasm, page: readonly PhotoRow[], dim: number) {
  const { Field, FixedSizeList, Float32, Table, Utf8, makeData, makeVector, tableToIPC, vectorFromArray } = arrow;
  const values = new Float32Array(page.length * dim);
  page.forEach((row, i) => values.set(row.vector, i * dim));
  const child = makeData({ type: new Float32(), length: values.length, data: values });
  const vectors = makeData({ type: new FixedSizeList(dim, new Field('item', new Float32(), false)), length: page.length, child });
  const table = new Table({
    id: vectorFromArray(page.map((r) => r.id), new Utf8()),
    vector: makeVector(vectors),
    hash: vectorFromArray(page.map((r) => r.hash), new Utf8()),
    dtype: vectorFromArray(page.map((r) => r.dtype), new Utf8()),
  });
  return parquet.Table.fromIPCStream(tableToIPC(table, 'stream')).recordBatches();
}

/** The Parquet file's bytes, as a stream: a row group per page of the library file. */
export async function parquetStream(rows: LibraryRows, version: string): Promise<ReadableStream<Uint8Array>> {
  const { arrow, parquet } = await load();
  const { dim } = rows.provenance;
  const pages = rows.pages();
  const batches = new ReadableStream({
    async pull(controller) {
      const next = await pages.next();
      if (next.done) return controller.close();
      for (const batch of recordBatchOf(arrow, parquet, next.value, dim)) controller.enqueue(batch);
    },
  });
  const properties = new parquet.WriterPropertiesBuilder()
    .setCompression(parquet.Compression.SNAPPY)
    // parquet-rs holds a row group in memory until it is full (1M rows by default: the whole
    // library); a page's worth keeps the export's memory flat (bench/RESULTS.md, issue 19).
    .setMaxRowGroupSize(ROW_GROUP_ROWS)
    // Unique ids and hashes, random floats: a dictionary per row group only adds bytes and time.
    .setDictionaryEnabled(false)
    .setKeyValueMetadata(parquetMetadata(rows, version))
    .build();
  return (await parquet.transformParquetStream(batches, properties)) as ReadableStream<Uint8Array>;
}
