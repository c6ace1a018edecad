// The portable file of one photo library (lib.export, clip.importLibrary): its layout, and the
// checks that refuse a truncated or damaged one (docs/internals.md#the-library-file).
import { ClipError } from '../../shared/errors';
import type { VectorStorage } from '../../shared/library';

export const LIBRARY_FILE_MAGIC = 'WCLIPLIB';
export const LIBRARY_FILE_VERSION = 2;
const READABLE_VERSIONS: readonly number[] = [1, 2];
/** Magic, version and header length. */
export const LIBRARY_FILE_PREFIX = 16;
export const LIBRARY_FILE_HASH = 32;
/** A header this big would be millions of photos' ids: larger is a damaged length, not a library. */
const MAX_HEADER = 512 * 1024 * 1024;

/** What made a vector: a library is only searched with vectors of the model that runs. */
export interface VectorMaker {
  /** The model's id (registry id, Hub repository or folder URL). */
  readonly model: string;
  /** The image preprocessing's version (src/core/image/preprocess.ts). */
  readonly prep: string;
}

/**
 * One photo in the file: its id, the SHA-256 (hex) of its image bytes, the dtype that embedded
 * it, its int8 scale and (version 2) its residual's scale: null for float32, and for an int8
 * photo stored without a residual (its residual bytes are then zero).
 */
export type LibraryFileEntry = readonly [id: string, hash: string, dtype: string, scale: number | null, residualScale?: number | null];

export interface LibraryFileHeader extends VectorMaker {
  readonly name: string;
  readonly dim: number;
  readonly storage: VectorStorage;
  readonly createdAt: number;
  readonly exportedAt: number;
  readonly entries: readonly LibraryFileEntry[];
}

/** Bytes of one photo's vector in a file of `version` (int8 from version 2: codes, then residual). */
export const vectorByteLength = (storage: VectorStorage, dim: number, version = LIBRARY_FILE_VERSION): number =>
  storage === 'float32' ? dim * 4 : dim + (version >= 2 ? residualByteLength(dim) : 0);

/** Bytes of an int8 vector's 4-bit residual. */
export const residualByteLength = (dim: number): number => (dim + 1) >> 1;

/** Magic, version, header length and header: what precedes the vectors. */
export function encodeLibraryHeader(header: LibraryFileHeader): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(LIBRARY_FILE_PREFIX + json.length);
  out.set(new TextEncoder().encode(LIBRARY_FILE_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, LIBRARY_FILE_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, LIBRARY_FILE_PREFIX);
  return out;
}

const bad = (why: string): ClipError => new ClipError('BAD_LIBRARY_FILE', `not a webclip library export: ${why}`);

/** The format version and the header's length, from the file's first 16 bytes. */
export function parseLibraryPrefix(prefix: Uint8Array, fileSize: number): { version: number; headerLength: number } {
  if (prefix.length < LIBRARY_FILE_PREFIX) throw bad(`the file is only ${fileSize} bytes`);
  if (new TextDecoder().decode(prefix.subarray(0, 8)) !== LIBRARY_FILE_MAGIC) throw bad('it does not start with WCLIPLIB');
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const version = view.getUint32(8, true);
  if (!READABLE_VERSIONS.includes(version)) {
    throw bad(`format version ${version}; this webclip reads versions ${READABLE_VERSIONS.join(' and ')}`);
  }
  const length = view.getUint32(12, true);
  if (length === 0 || length > MAX_HEADER || LIBRARY_FILE_PREFIX + length > fileSize) throw bad('the file is truncated');
  return { version, headerLength: length };
}

const isHex64 = (s: unknown): boolean => typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);

/** The header, checked field by field, and the file size it implies (which must be the real one). */
export function parseLibraryHeader(json: Uint8Array, fileSize: number, version = LIBRARY_FILE_VERSION): LibraryFileHeader {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw bad('its header is not JSON');
  }
  const h = header as Partial<Record<keyof LibraryFileHeader, unknown>>;
  if (typeof h !== 'object' || h === null) throw bad('its header is not an object');
  if (typeof h.name !== 'string' || h.name.length === 0) throw bad('no library name');
  if (typeof h.model !== 'string' || typeof h.prep !== 'string') throw bad('no model or preprocessing version');
  if (typeof h.dim !== 'number' || !Number.isInteger(h.dim) || h.dim < 1) throw bad('no vector dimension');
  if (h.storage !== 'float32' && h.storage !== 'int8') throw bad(`unknown storage ${String(h.storage)}`);
  if (typeof h.createdAt !== 'number' || typeof h.exportedAt !== 'number') throw bad('no dates');
  if (!Array.isArray(h.entries)) throw bad('no entries');
  const ids = new Set<string>();
  for (const entry of h.entries as unknown[]) {
    const [id, hash, dtype, scale, residualScale] = (Array.isArray(entry) ? entry : []) as unknown[];
    const isScale = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0;
    const scaleOk = h.storage === 'int8' ? isScale(scale) : scale === null;
    // Version 1 has no residuals; version 2 a scale or null for each int8 photo, null for float32.
    const residualOk =
      version < 2 ? residualScale === undefined : h.storage === 'int8' ? residualScale === null || isScale(residualScale) : residualScale === null;
    if (typeof id !== 'string' || id.length === 0 || !isHex64(hash) || typeof dtype !== 'string' || !scaleOk || !residualOk) {
      throw bad(`entry ${ids.size} is malformed`);
    }
    if (ids.has(id)) throw bad(`photo id ${JSON.stringify(id)} appears twice`);
    ids.add(id);
  }
  const expected =
    LIBRARY_FILE_PREFIX + json.length + h.entries.length * vectorByteLength(h.storage, h.dim, version) + LIBRARY_FILE_HASH;
  if (fileSize < expected) throw bad(`the file is truncated (${fileSize} of ${expected} bytes)`);
  if (fileSize > expected) throw bad(`${fileSize - expected} bytes follow its end`);
  return h as unknown as LibraryFileHeader;
}
