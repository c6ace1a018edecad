// The contender to webclip's Parquet writer (src/node/export/parquet-export.ts): hyparquet-writer
// (pure JavaScript) writing the same columns, schema and key-value metadata, streamed to a file a
// row group per library page (ParquetWriter.write per page; its fileWriter flushes every 1 MB).
// Parquet has no fixed-size list: like parquet-rs, `vector` is a LIST of FLOAT; Arrow readers
// see a FixedSizeList only with the ARROW:schema key parquet-rs adds, optional here.
import { Field, FixedSizeList, Float32, Schema, Table, Utf8, tableToIPC } from 'apache-arrow';
import { ParquetWriter, fileWriter, type SchemaElement } from 'hyparquet-writer';
import type { LibraryRows } from '../src/node/export/library-rows';
import { parquetMetadata } from '../src/node/export/parquet-export';

const text = (name: string): SchemaElement => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'OPTIONAL' });

/** The schema parquet-rs writes for webclip's Arrow table (nullable strings, a list of required floats). */
const SCHEMA: SchemaElement[] = [
  { name: 'schema', num_children: 4 },
  text('id'),
  { name: 'vector', converted_type: 'LIST', logical_type: { type: 'LIST' }, repetition_type: 'OPTIONAL', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'item', type: 'FLOAT', repetition_type: 'REQUIRED' },
  text('hash'),
  text('dtype'),
];

/** The ARROW:schema value parquet-rs writes: the Arrow schema as an IPC message, base64. */
function arrowSchemaKey(dim: number): { key: string; value: string } {
  const utf8 = (name: string) => new Field(name, new Utf8(), true);
  const vector = new Field('vector', new FixedSizeList(dim, new Field('item', new Float32(), false)), true);
  const ipc = tableToIPC(new Table(new Schema([utf8('id'), vector, utf8('hash'), utf8('dtype')])), 'stream');
  // The stream's first message (continuation marker, length, flatbuffer), without the end marker.
  const length = new DataView(ipc.buffer, ipc.byteOffset).getInt32(4, true);
  return { key: 'ARROW:schema', value: Buffer.from(ipc.subarray(0, 8 + length)).toString('base64') };
}

export async function hyparquetFile(rows: LibraryRows, version: string, out: string, { arrowSchema = false } = {}): Promise<void> {
  const kvMetadata = [...parquetMetadata(rows, version)].map(([key, value]) => ({ key, value }));
  if (arrowSchema) kvMetadata.push(arrowSchemaKey(rows.provenance.dim));
  const writer = new ParquetWriter({ writer: fileWriter(out), schema: SCHEMA, codec: 'SNAPPY', kvMetadata });
  for await (const page of rows.pages()) {
    await writer.write({
      columnData: [
        { name: 'id', data: page.map((r) => r.id) },
        // Its list encoder walks JavaScript arrays only (Array.isArray): a Float32Array must be copied.
        { name: 'vector', data: page.map((r) => Array.from(r.vector)) },
        { name: 'hash', data: page.map((r) => r.hash) },
        { name: 'dtype', data: page.map((r) => r.dtype) },
      ],
      rowGroupSize: page.length,
    });
  }
  await writer.finish();
}
