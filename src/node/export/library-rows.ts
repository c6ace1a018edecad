// A library file's photos as rows for other tools (Parquet, JSONL, vector databases): read a page
// at a time from the file, checked whole first, each vector as float32 of unit length.
import { openAsBlob } from 'node:fs';
import { ClipError } from '../../shared/errors';
import { dequantizeInt8 } from '../../core/vectors/int8-refine';
import type { LibraryFileHeader } from '../../core/vectors/library-file';
import type { PhotoRecord } from '../../runtime/library/library-db';
import { checkLibraryHash, libraryRecordPages, readLibraryLayout, type LibraryFileLayout } from '../../runtime/library/library-transfer';

export interface PhotoRow {
  readonly id: string;
  /** SHA-256 of the photo's file. */
  readonly hash: string;
  /** The model's dtype that embedded it. */
  readonly dtype: string;
  readonly vector: Float32Array;
}

/** Where the vectors came from: what a vector database must be told to query them right. */
export interface RowsProvenance {
  readonly library: string;
  readonly model: string;
  /** The image preprocessing's version (decoding, resampling, crop, normalization). */
  readonly preprocessing: string;
  readonly dim: number;
  readonly storage: LibraryFileHeader['storage'];
  readonly count: number;
  readonly exportedAt: number;
}

function rowOf(r: PhotoRecord): PhotoRow {
  const vector =
    r.scale === null
      ? new Float32Array(r.vector)
      : dequantizeInt8({
          codes: new Int8Array(r.vector),
          scale: r.scale,
          residual: r.residual && { nibbles: new Uint8Array(r.residual.nibbles), scale: r.residual.scale },
        });
  return { id: r.id, hash: r.hash, dtype: r.dtype, vector };
}

export class LibraryRows {
  private constructor(
    private readonly blob: Blob,
    private readonly layout: LibraryFileLayout,
  ) {}

  /** Opens a library file and checks it whole (its checksum) before any row is read. */
  static async open(file: string): Promise<LibraryRows> {
    const blob = await openAsBlob(file).catch((cause: unknown) => {
      throw new ClipError('NOT_FOUND', `no library file ${file}`, { cause });
    });
    const layout = await readLibraryLayout(blob);
    await checkLibraryHash(blob);
    return new LibraryRows(blob, layout);
  }

  get provenance(): RowsProvenance {
    const { name, model, prep, dim, storage, entries, exportedAt } = this.layout.header;
    return { library: name, model, preprocessing: prep, dim, storage, count: entries.length, exportedAt };
  }

  /** The rows, a page at a time, in the file's order, read from the file as they are asked for. */
  async *pages(): AsyncGenerator<PhotoRow[]> {
    for await (const records of libraryRecordPages(this.blob, this.layout, this.layout.header.name)) yield records.map(rowOf);
  }
}
