// A library to one portable file and back; an import is checked whole before anything is written,
// its meta written last, and an existing library is never touched.
import { ClipError } from '../../shared/errors';
import type { ImportOptions } from '../../shared/library';
import {
  LIBRARY_FILE_HASH,
  LIBRARY_FILE_PREFIX,
  encodeLibraryHeader,
  parseLibraryHeader,
  parseLibraryPrefix,
  residualByteLength,
  vectorByteLength,
  type LibraryFileEntry,
  type LibraryFileHeader,
} from '../../core/vectors/library-file';
import { PREPROCESS_VERSION } from '../../core/image/preprocess';
import { Sha256, toHex } from '../../core/model/sha256';
import type { ClipEngine } from '../engine/engine';
import * as db from './library-db';
import type { LibraryMeta, PhotoRecord } from './library-db';
import type { PhotoLibrary } from './photo-library';

/** Bytes hashed per read while an import is checked. */
const READ_SLICE = 8 * 1024 * 1024;
/** Photos per transaction while an import is written. */
const WRITE_PAGE = 1000;

/**
 * The library file of these records (those of the meta's model, preprocessing and storage; the
 * others are stale and left out): lib.export(), and webclip/node's library files.
 */
export function libraryFile(meta: LibraryMeta, records: Iterable<PhotoRecord>, exportedAt = Date.now()): Blob {
  const entries: LibraryFileEntry[] = [];
  const vectors: ArrayBuffer[] = [];
  const int8 = meta.storage === 'int8';
  const codeBytes = vectorByteLength(meta.storage, meta.dim, 1);
  const noResidual = new ArrayBuffer(residualByteLength(meta.dim));
  for (const r of records) {
    if (r.model !== meta.model || r.prep !== meta.prep || r.vector.byteLength !== codeBytes) continue;
    // An int8 photo stored before residuals were kept: zero bytes in its place, scale null.
    const residual = int8 && r.residual?.nibbles.byteLength === noResidual.byteLength ? r.residual : undefined;
    entries.push([r.id, r.hash, r.dtype, r.scale, residual ? residual.scale : null]);
    vectors.push(r.vector);
    if (int8) vectors.push(residual ? residual.nibbles : noResidual);
  }
  const { name, model, prep, dim, storage, createdAt } = meta;
  const header = encodeLibraryHeader({ name, model, prep, dim, storage, createdAt, exportedAt, entries });
  const hash = new Sha256().update(header);
  for (const v of vectors) hash.update(new Uint8Array(v));
  return new Blob([header as Uint8Array<ArrayBuffer>, ...vectors, hash.digest() as Uint8Array<ArrayBuffer>], {
    type: 'application/octet-stream',
  });
}

/** The library's searchable photos (stale ones are left out: reindex them first) as one file. */
export async function exportLibrary(library: PhotoLibrary): Promise<Blob> {
  await library.settled();
  const meta = library.currentMeta;
  const records: PhotoRecord[] = [];
  await library.recordStore.readPhotos(meta.name, (page) => {
    for (const r of page) records.push(r);
  });
  return libraryFile(meta, records);
}

async function readBytes(file: Blob, start: number, end: number): Promise<Uint8Array> {
  return new Uint8Array(await file.slice(start, end).arrayBuffer());
}

/** Checks the trailing SHA-256 against every byte before it, reading a slice at a time. */
export async function checkLibraryHash(file: Blob): Promise<void> {
  const end = file.size - LIBRARY_FILE_HASH;
  const hash = new Sha256();
  for (let at = 0; at < end; at += READ_SLICE) hash.update(await readBytes(file, at, Math.min(end, at + READ_SLICE)));
  const stored = toHex(await readBytes(file, end, file.size));
  if (stored !== hash.hex()) throw new ClipError('BAD_LIBRARY_FILE', 'not a webclip library export: its checksum does not match (the file is damaged)');
}

/** A library file's parsed header, and where its vectors start. */
export interface LibraryFileLayout {
  readonly header: LibraryFileHeader;
  readonly version: number;
  readonly vectorsAt: number;
}

/** Reads and checks a library file's prefix and header (not yet its checksum). */
export async function readLibraryLayout(file: Blob): Promise<LibraryFileLayout> {
  if (!(file instanceof Blob)) throw new ClipError('BAD_INPUT', 'importLibrary takes a Blob or File');
  const { version, headerLength } = parseLibraryPrefix(await readBytes(file, 0, LIBRARY_FILE_PREFIX), file.size);
  const header = parseLibraryHeader(await readBytes(file, LIBRARY_FILE_PREFIX, LIBRARY_FILE_PREFIX + headerLength), file.size, version);
  return { header, version, vectorsAt: LIBRARY_FILE_PREFIX + headerLength };
}

/** Refuses a library another model (or preprocessing) made: its vectors are not this engine's. */
export function checkLibraryModel(header: LibraryFileHeader, engine: ClipEngine): void {
  const { model, dim } = engine.info;
  if (header.model !== model || header.prep !== PREPROCESS_VERSION || header.dim !== dim) {
    throw new ClipError(
      'MODEL_MISMATCH',
      `this library was made with ${header.model} (${header.prep}, ${header.dim} dimensions); this engine runs ${model} ` +
        `(${PREPROCESS_VERSION}, ${dim}): load that model to import it`,
    );
  }
}

/** The file's photos as records of library `name`, WRITE_PAGE at a time, read as they are asked for. */
export async function* libraryRecordPages(
  file: Blob,
  { header, version, vectorsAt }: LibraryFileLayout,
  name: string,
  addedAt = Date.now(),
): AsyncGenerator<PhotoRecord[]> {
  const bytes = vectorByteLength(header.storage, header.dim, version);
  const codeBytes = vectorByteLength(header.storage, header.dim, 1);
  for (let start = 0; start < header.entries.length; start += WRITE_PAGE) {
    const page = header.entries.slice(start, start + WRITE_PAGE);
    const block = await readBytes(file, vectorsAt + start * bytes, vectorsAt + (start + page.length) * bytes);
    // The hash proves the file is whole, not that whoever wrote it wrote numbers.
    if (header.storage === 'float32' && !new Float32Array(block.buffer, block.byteOffset, block.length / 4).every(Number.isFinite)) {
      throw new ClipError('BAD_LIBRARY_FILE', 'not a webclip library export: a vector holds a value that is not a number');
    }
    yield page.map(
      ([id, hash, dtype, scale, residualScale], i): PhotoRecord => ({
        library: name,
        id,
        hash,
        vector: block.slice(i * bytes, i * bytes + codeBytes).buffer,
        scale,
        ...(typeof residualScale === 'number'
          ? { residual: { nibbles: block.slice(i * bytes + codeBytes, (i + 1) * bytes).buffer, scale: residualScale } }
          : {}),
        model: header.model,
        prep: header.prep,
        dtype,
        addedAt,
      }),
    );
  }
}

/** Imports a library file for the engine's model; returns the name it was stored under. */
export async function importLibrary(engine: ClipEngine, file: Blob, options: ImportOptions = {}): Promise<string> {
  const layout = await readLibraryLayout(file);
  const { header } = layout;
  checkLibraryModel(header, engine);
  await checkLibraryHash(file);
  const name = options.name ?? header.name;
  if (typeof name !== 'string' || name.length === 0) throw new ClipError('BAD_INPUT', 'a library name must be a non-empty string');
  if (await db.getMeta(name)) {
    throw new ClipError('BAD_INPUT', `a library named ${JSON.stringify(name)} already exists: delete it first or import under another name`);
  }
  const now = Date.now();
  try {
    await db.deleteOrphans(name);
    for await (const records of libraryRecordPages(file, layout, name, now)) await db.putOrphanPhotos(records);
    const { model, dim } = engine.info;
    const meta: LibraryMeta = { name, model, prep: header.prep, dim, storage: header.storage, createdAt: header.createdAt, updatedAt: now };
    await db.commitImport(meta);
  } catch (error) {
    await db.deleteOrphans(name).catch(() => undefined);
    throw error;
  }
  return name;
}
