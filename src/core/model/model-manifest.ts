// What the model cache records of a model (files, sizes, whole-file SHA-256, per-chunk checks)
// and how a chunk is checked. Kept in IndexedDB by src/runtime/model-store/model-store.ts.
import { sha256Hex } from './sha256';
import { xxhash32 } from './xxhash32';

/** Files are stored in chunks of this many bytes (the last one shorter). */
export const CHUNK_BYTES = 4 * 1024 * 1024;

export interface StoredFile {
  readonly size: number;
  /** The chunk size this file was stored with (CHUNK_BYTES, unless a test chose smaller). */
  readonly chunkBytes: number;
  /** SHA-256 of the whole file, hex. */
  readonly sha256: string;
  /**
   * Each chunk's check, in order: its XXH32 as 8 hex digits (what the store writes), or its
   * SHA-256 as 64 (caches written before XXH32; still read and checked).
   */
  readonly chunks: readonly string[];
}

export interface ModelManifest {
  readonly version: 1;
  /** The cache key: a registry id, a base URL, or `local:<folder>`. */
  readonly id: string;
  /** Where the files came from (base URL), or 'local' for files picked from disk. */
  readonly source: string;
  readonly files: Readonly<Record<string, StoredFile>>;
  /** Optional files the source does not have (so an offline start need not ask again). */
  readonly absent: readonly string[];
  readonly updatedAt: number;
}

/** Chunks of a file: an empty file still has one (empty) chunk. */
export function chunkCount(size: number, chunkBytes: number): number {
  return Math.max(1, Math.ceil(size / chunkBytes));
}

/** Size of chunk `index` of a file of `size` bytes. */
export function chunkSize(size: number, chunkBytes: number, index: number): number {
  return Math.max(0, Math.min(chunkBytes, size - index * chunkBytes));
}

const isHex64 = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const isChunkCheck = (v: unknown): v is string => typeof v === 'string' && /^(?:[0-9a-f]{8}|[0-9a-f]{64})$/.test(v);

/** The check the store records for a chunk's bytes. */
export function chunkCheck(bytes: Uint8Array): string {
  return xxhash32(bytes).toString(16).padStart(8, '0');
}

/** Whether `bytes` are the chunk `expected` was recorded for (by either kind of check). */
export function chunkMatches(bytes: Uint8Array, expected: string): boolean {
  return expected.length === 8 ? chunkCheck(bytes) === expected : sha256Hex(bytes) === expected;
}

function isStoredFile(v: unknown): v is StoredFile {
  const f = v as Partial<StoredFile> | null;
  return (
    typeof f === 'object' && f !== null && Number.isSafeInteger(f.size) && f.size! >= 0 && isHex64(f.sha256) &&
    Number.isSafeInteger(f.chunkBytes) && f.chunkBytes! > 0 &&
    Array.isArray(f.chunks) && f.chunks.length === chunkCount(f.size!, f.chunkBytes!) && f.chunks.every(isChunkCheck)
  );
}

/** The manifest, or null when `value` is not a well-formed one (then the model counts as absent). */
export function parseManifest(value: unknown): ModelManifest | null {
  const m = value as Partial<ModelManifest> | null;
  if (typeof m !== 'object' || m === null || m.version !== 1 || typeof m.id !== 'string' || typeof m.source !== 'string') return null;
  if (typeof m.files !== 'object' || m.files === null || !Object.values(m.files).every(isStoredFile)) return null;
  if (!Array.isArray(m.absent) || !m.absent.every((p) => typeof p === 'string')) return null;
  return { version: 1, id: m.id, source: m.source, files: m.files, absent: m.absent, updatedAt: Number(m.updatedAt) || 0 };
}

/** Total bytes of the files a manifest lists. */
export function manifestBytes(manifest: ModelManifest): number {
  return Object.values(manifest.files).reduce((sum, f) => sum + f.size, 0);
}
