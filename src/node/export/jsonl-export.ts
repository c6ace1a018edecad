// A library as JSON Lines: one photo a line, {id, vector, hash, dtype, model, preprocessing} —
// what `COPY` into pgvector or a Qdrant upsert script reads, streamed a page at a time.
import type { LibraryRows } from './library-rows';

/** The file's lines, as text chunks (a page of rows each). */
export async function* jsonlChunks(rows: LibraryRows): AsyncGenerator<string> {
  const { model, preprocessing } = rows.provenance;
  for await (const page of rows.pages()) {
    let text = '';
    for (const { id, hash, dtype, vector } of page) {
      // Array.from keeps float32 values exactly (shortest round-trip decimals of the doubles they are).
      text += `${JSON.stringify({ id, vector: Array.from(vector), hash, dtype, model, preprocessing })}\n`;
    }
    yield text;
  }
}
