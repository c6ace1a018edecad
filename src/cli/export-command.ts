// `webclip export FILE --format parquet|jsonl [--out FILE]`: the library's vectors for a vector
// database, streamed from the library file to the output (standard output without --out; a
// file is written beside and renamed, so it is never half there).
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LibraryRows } from '../node/export/library-rows';
import { jsonlChunks } from '../node/export/jsonl-export';
import { parquetStream } from '../node/export/parquet-export';
import type { Arguments } from './arguments';
import { EXIT, UsageError } from './cli-error';
import type { Io } from './command-clip';

export async function exportCommand(args: Arguments, io: Io, version: string): Promise<number> {
  const [file, extra] = args.positionals;
  if (!file || extra !== undefined) throw new UsageError('webclip export FILE --format parquet|jsonl [--out FILE]');
  if (args.format !== 'parquet' && args.format !== 'jsonl') throw new UsageError('--format must be parquet or jsonl');
  const rows = await LibraryRows.open(file);
  const source =
    args.format === 'jsonl'
      ? Readable.from(jsonlChunks(rows))
      : Readable.fromWeb((await parquetStream(rows, version)) as import('node:stream/web').ReadableStream<Uint8Array>);
  if (args.out === undefined) {
    // Standard output stays open for whoever called us; a closed pipe (| head) is not an error.
    await pipeline(source, new Writable({ write: (chunk, _e, done) => void io.stdout.write(chunk, done) }));
    return EXIT.ok;
  }
  const part = `${args.out}.part-${process.pid}`;
  try {
    await pipeline(source, createWriteStream(part));
    await rename(part, args.out);
  } catch (error) {
    await rm(part, { force: true });
    throw error;
  }
  if (!args.quiet) io.stderr.write(`${args.out}: ${rows.provenance.count} vectors (${args.format})\n`);
  return EXIT.ok;
}
