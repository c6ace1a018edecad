// Adding photos: each hashed; bytes already indexed cost nothing, bytes another photo has are
// copied, the rest embedded; groups written whole, so a page closed midway keeps finished groups.
import { ClipError, abortError } from '../../shared/errors';
import type { AddResult, LibraryWorkOptions, PhotoFailure, VectorStorage } from '../../shared/library';
import type { WirePhoto } from '../../shared/wire';
import { int8Residual } from '../../core/vectors/int8-refine';
import { quantizeInt8 } from '../../core/vectors/int8-quantize';
import type { VectorMaker } from '../../core/vectors/library-file';
import type { ClipEngine } from '../engine/engine';
import { identifyImage, type IdentifiedImage } from '../images/image-identity';
import type { PhotoRecord } from './library-db';
import type { LibraryStore } from './library-store';

/** Photos identified, looked up and embedded together; each group's records are one transaction. */
const ADD_CHUNK = 16;
export const MAX_ID_LENGTH = 1024;

/** What the pipeline needs of a library (PhotoLibrary provides it). */
export interface IndexingTarget {
  readonly name: string;
  readonly storage: VectorStorage;
  readonly engine: ClipEngine;
  /** Where its records are. */
  readonly recordStore: LibraryStore;
  /** What makes this library's vectors now. */
  readonly maker: VectorMaker;
  /** Stored, but by another model: reindex re-embeds only these. */
  isStale(id: string): boolean;
  /** Made by this library's model and preprocessing, in its storage. */
  isFresh(record: PhotoRecord | undefined): record is PhotoRecord;
  indexed(id: string): boolean;
  /** Shows a stored record in the index. */
  load(record: PhotoRecord): void;
  /** Writes records with the library's meta in one transaction, then shows them. */
  store(records: readonly PhotoRecord[]): Promise<void>;
}

export function checkId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new ClipError('BAD_INPUT', `a photo id must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
  }
  return id;
}

export const failureOf = (id: string, error: unknown): PhotoFailure =>
  error instanceof ClipError
    ? { id, code: error.code, message: error.message }
    : { id, code: 'BAD_IMAGE', message: `could not read this image: ${String(error)}` };

/** Adds (or, in 'reindex' mode, re-embeds where stale) the photos; failures are listed, not thrown. */
export async function indexPhotos(
  target: IndexingTarget,
  photos: readonly WirePhoto[],
  mode: 'add' | 'reindex',
  { signal, onProgress }: LibraryWorkOptions,
): Promise<AddResult> {
  if (!Array.isArray(photos)) throw new ClipError('BAD_INPUT', 'photos must be an array of {id, image}');
  const result: AddResult = { added: [], unchanged: [], failed: [] };
  const seen = new Set<string>();
  const valid: WirePhoto[] = [];
  photos.forEach((photo, i) => {
    const id = (photo as Partial<WirePhoto> | undefined)?.id;
    try {
      checkId(id);
      if (seen.has(id as string)) throw new ClipError('BAD_INPUT', `the id ${JSON.stringify(id)} appears twice in this call`);
      if (!photo.image) throw new ClipError('BAD_INPUT', 'no image');
    } catch (error) {
      result.failed.push(failureOf(typeof id === 'string' && id !== '' ? id : `#${i}`, error));
      return;
    }
    seen.add(photo.id);
    if (mode === 'reindex' && !target.isStale(photo.id)) result.unchanged.push(photo.id);
    else valid.push(photo);
  });
  const total = photos.length;
  let finished = photos.length - valid.length;
  const identify = (chunk: readonly WirePhoto[]) =>
    Promise.all(chunk.map((p) => identifyImage(p.image, signal, target.engine.digest).catch((error: unknown) => failureOf(p.id, error))));
  // The next group is hashed while this one is embedded.
  let next = identify(valid.slice(0, ADD_CHUNK));
  for (let start = 0; start < valid.length; start += ADD_CHUNK) {
    if (signal?.aborted) throw abortError(signal, 'adding photos');
    const chunk = valid.slice(start, start + ADD_CHUNK);
    const identities = await next;
    next = identify(valid.slice(start + ADD_CHUNK, start + 2 * ADD_CHUNK));
    await addChunk(target, chunk, identities, result, signal);
    finished += chunk.length;
    onProgress?.({ phase: 'index', loaded: finished, total });
  }
  if (signal?.aborted) throw abortError(signal, 'adding photos');
  return result;
}

async function addChunk(
  target: IndexingTarget,
  chunk: readonly WirePhoto[],
  identities: readonly (IdentifiedImage | PhotoFailure)[],
  result: AddResult,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { name } = target;
  const ok: { id: string; identity: IdentifiedImage }[] = [];
  identities.forEach((identity, i) => {
    if ('code' in identity) result.failed.push(identity);
    else ok.push({ id: chunk[i]!.id, identity });
  });
  if (ok.length === 0) return;
  const existing = await target.recordStore.getPhotos(name, ok.map((p) => p.id));
  const todo = ok.filter((p, i) => {
    const record = existing[i];
    if (target.isFresh(record) && record.hash === p.identity.hash) {
      result.unchanged.push(p.id);
      // Another tab may have stored it after this one loaded the library.
      if (!target.indexed(p.id)) target.load(record);
      return false;
    }
    return true;
  });
  const sameBytes = await target.recordStore.findByHash(name, [...new Set(todo.map((p) => p.identity.hash))]);
  const records: PhotoRecord[] = [];
  // Only the vector and what made it are taken from `made` (which may be another photo's record).
  const record = (id: string, hash: string, { vector, scale, residual, dtype }: Pick<PhotoRecord, 'vector' | 'scale' | 'residual' | 'dtype'>): PhotoRecord => ({
    library: name,
    id,
    hash,
    vector,
    scale,
    ...(residual ? { residual } : {}),
    dtype,
    ...target.maker,
    addedAt: Date.now(),
  });
  // Bytes seen once in this group are embedded once: the photo with them first, the others copy.
  const embed: typeof todo = [];
  const copies: typeof todo = [];
  const embedding = new Set<string>();
  for (const p of todo) {
    const twin = sameBytes.get(p.identity.hash);
    if (target.isFresh(twin)) records.push(record(p.id, p.identity.hash, twin));
    else if (embedding.has(p.identity.hash)) copies.push(p);
    else {
      embedding.add(p.identity.hash);
      embed.push(p);
    }
  }
  if (embed.length > 0) {
    let vectors: readonly (Float32Array | undefined)[];
    try {
      vectors = await target.engine.embedImages(embed.map((p) => p.identity.image), { signal });
    } catch (error) {
      if (!(error instanceof ClipError) || !error.failures || !error.embeddings) throw error;
      for (const f of error.failures) result.failed.push({ id: embed[f.index]!.id, code: f.code, message: f.message });
      vectors = error.embeddings;
    }
    const dtype = target.engine.info.dtype;
    const made = new Map<string, PhotoRecord>();
    embed.forEach((p, i) => {
      const vector = vectors[i];
      if (!vector) return;
      const stored =
        target.storage === 'int8'
          ? int8Record(vector, dtype)
          : { vector: vector.slice().buffer, scale: null, dtype };
      const r = record(p.id, p.identity.hash, stored);
      made.set(p.identity.hash, r);
      records.push(r);
    });
    for (const p of copies) {
      const twin = made.get(p.identity.hash);
      if (twin) {
        records.push(record(p.id, p.identity.hash, twin));
        continue;
      }
      // Its bytes failed under another id: the same failure, under its own.
      const original = embed.find((e) => e.identity.hash === p.identity.hash)!;
      const failure = result.failed.find((f) => f.id === original.id);
      result.failed.push({ id: p.id, code: failure?.code ?? 'BAD_IMAGE', message: failure?.message ?? 'the image could not be embedded' });
    }
  }
  if (records.length === 0) return;
  await target.store(records);
  for (const r of records) result.added.push(r.id);
}

/** An int8 photo's stored form: its codes and scale, and the residual that re-ranks searches. */
function int8Record(vector: Float32Array, dtype: string): Pick<PhotoRecord, 'vector' | 'scale' | 'residual' | 'dtype'> {
  const { codes, scale } = quantizeInt8(vector);
  const residual = int8Residual(vector, codes, scale);
  return { vector: codes.buffer as ArrayBuffer, scale, residual: { nibbles: residual.nibbles.buffer as ArrayBuffer, scale: residual.scale }, dtype };
}
