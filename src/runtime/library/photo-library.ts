// A photo library in the worker: vectors in IndexedDB, searched in memory (VectorIndex), tagged,
// grouped into duplicates. One whole record per photo; vectors searched only by their own model.
import { ClipError } from '../../shared/errors';
import type { AddResult, LibraryInfo, LibraryOptions, LibraryWorkOptions, PhotoHit, PhotoTags, TagOptions, TagScore } from '../../shared/library';
import type { WireImage, WirePhoto } from '../../shared/wire';
import { PREPROCESS_VERSION } from '../../core/image/preprocess';
import { refineDepth, refineHits, type Int8Stored } from '../../core/vectors/int8-refine';
import type { VectorMaker } from '../../core/vectors/library-file';
import { findDuplicateGroups } from '../../core/vectors/duplicates/near-duplicates';
import { VectorIndex } from '../../core/vectors/vector-index';
import type { ClipEngine } from '../engine/engine';
import { checkId, indexPhotos, type IndexingTarget } from './library-add';
import * as db from './library-db';
import type { LibraryMeta, PhotoRecord } from './library-db';
import type { LibraryStore } from './library-store';
import { Taggers, tagEvery } from './library-tagging';

export const DEFAULT_K = 20;

function checkK(k: unknown): number {
  const value = k ?? DEFAULT_K;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ClipError('BAD_INPUT', `k must be a positive integer, got ${String(value)}`);
  }
  return value;
}

export class PhotoLibrary {
  /** Ids whose stored vectors another model made: not in the index until reindexed. */
  private readonly stale = new Set<string>();
  /** Writes (add, remove, reindex) run one at a time, in call order. */
  private writing: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** The taggers of tag and tagAll (the last vocabulary's is kept). */
  private readonly taggers: Taggers;

  private constructor(
    private readonly engine: ClipEngine,
    private meta: LibraryMeta,
    private readonly index: VectorIndex,
    /** Where its records are: IndexedDB here, a file in webclip/node. */
    readonly recordStore: LibraryStore,
  ) {
    this.taggers = new Taggers(engine);
  }

  private static maker(engine: ClipEngine): VectorMaker {
    return { model: engine.info.model, prep: PREPROCESS_VERSION };
  }

  /** The library `name` as IndexedDB holds it (created when absent), for the engine's model. */
  static async restore(engine: ClipEngine, name: string, options: LibraryOptions, store: LibraryStore = db): Promise<PhotoLibrary> {
    const maker = PhotoLibrary.maker(engine);
    const dim = engine.info.dim;
    let meta = await store.getMeta(name);
    if (!meta) {
      const now = Date.now();
      const fresh: LibraryMeta = { name, ...maker, family: engine.info.family, dim, storage: options.storage ?? 'float32', createdAt: now, updatedAt: now };
      // Another tab may create it between the read and this write: then open theirs.
      meta = (await store.createLibrary(fresh)) ? fresh : await store.getMeta(name);
      if (!meta) throw new ClipError('STORAGE', `the library ${JSON.stringify(name)} vanished while it was being created`);
    }
    if (meta.model !== maker.model || meta.prep !== maker.prep || meta.dim !== dim) {
      if (!options.allowStale) {
        throw new ClipError(
          'MODEL_MISMATCH',
          `the library ${JSON.stringify(name)} was indexed with ${meta.model} (${meta.prep}); this engine runs ` +
            `${maker.model} (${maker.prep}): open it with {allowStale: true} and reindex its photos`,
        );
      }
      // From now on the library belongs to this model; its old vectors wait for reindex.
      meta = { ...meta, ...maker, family: engine.info.family, dim, updatedAt: Date.now() };
      await store.putMeta(meta);
    }
    const index = await VectorIndex.create(dim, meta.storage);
    const library = new PhotoLibrary(engine, meta, index, store);
    try {
      await store.readPhotos(name, (records) => {
        for (const record of records) library.place(record);
      });
    } catch (error) {
      index.dispose();
      throw error;
    }
    return library;
  }

  /** What the add pipeline (library-add.ts) sees of this library. */
  private target(): IndexingTarget {
    return {
      name: this.meta.name,
      storage: this.meta.storage,
      engine: this.engine,
      recordStore: this.recordStore,
      maker: PhotoLibrary.maker(this.engine),
      isStale: (id) => this.stale.has(id),
      isFresh: (record): record is PhotoRecord => this.isFresh(record),
      indexed: (id) => this.index.has(id),
      load: (record) => this.place(record),
      store: (records) => this.store(records),
    };
  }

  /**
   * A write that finds the library deleted (by another tab, or its whole database) closes this
   * instance, so the next `clip.library(name)` opens (or creates) it afresh.
   */
  private async gone<T>(write: Promise<T>): Promise<T> {
    try {
      return await write;
    } catch (error) {
      if (error instanceof ClipError && error.code === 'NOT_FOUND') {
        this.close();
      }
      throw error;
    }
  }

  /** Puts a stored record into the index, or into `stale` when another model made it. */
  private place(record: PhotoRecord): void {
    if (record.model !== this.meta.model || record.prep !== this.meta.prep || record.vector.byteLength !== this.vectorBytes) {
      this.stale.add(record.id);
      this.index.remove(record.id);
      return;
    }
    this.stale.delete(record.id);
    if (this.meta.storage === 'int8') this.index.upsertQuantized(record.id, new Int8Array(record.vector), record.scale ?? 0);
    else this.index.upsert(record.id, new Float32Array(record.vector));
  }

  private get vectorBytes(): number {
    return this.meta.storage === 'int8' ? this.meta.dim : this.meta.dim * 4;
  }

  private live(): void {
    if (this.closed) throw new ClipError('NOT_FOUND', `the library ${JSON.stringify(this.meta.name)} was closed or deleted`);
  }

  get name(): string {
    return this.meta.name;
  }

  /** Closed: deleted under it, or its engine went away. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Whether this library was opened for `engine`. */
  belongsTo(engine: ClipEngine): boolean {
    return this.engine === engine;
  }

  info(): LibraryInfo {
    const { name, model, prep, dim, storage, createdAt, updatedAt } = this.meta;
    // the photos' image space is the meta's; the text tower searching them now is the engine's
    const { family, textModel } = this.engine.info;
    return {
      name, model, prep, family: this.meta.family ?? family, ...(textModel === undefined ? {} : { textModel }),
      dim, storage, count: this.index.size, stale: this.stale.size, createdAt, updatedAt, kernel: this.index.kernel,
    };
  }

  count(): number {
    this.live();
    return this.index.size;
  }

  /** Searchable photo ids (unordered). */
  ids(): string[] {
    this.live();
    return this.index.ids();
  }

  staleIds(): string[] {
    this.live();
    return [...this.stale];
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writing.then(work, work);
    this.writing = run.catch(() => undefined);
    return run;
  }

  /**
   * Adds photos: each is hashed; one already indexed with the same bytes is left alone, one
   * whose bytes another photo has gets a copy of its vector, the rest are embedded. Photos are
   * written in groups as they are done, so a page closed midway keeps every finished group and
   * adding the same photos again only does what is left. A photo that fails is reported in
   * `failed` and the others are indexed.
   */
  add(photos: readonly WirePhoto[], options: LibraryWorkOptions = {}): Promise<AddResult> {
    return this.serialize(() => {
      this.live();
      return indexPhotos(this.target(), photos, 'add', options);
    });
  }

  /** Re-embeds the given photos where their stored vectors are stale; the others are `unchanged`. */
  reindex(photos: readonly WirePhoto[], options: LibraryWorkOptions = {}): Promise<AddResult> {
    return this.serialize(() => {
      this.live();
      return indexPhotos(this.target(), photos, 'reindex', options);
    });
  }

  isFresh(record: PhotoRecord | undefined): record is PhotoRecord {
    return !!record && record.model === this.meta.model && record.prep === this.meta.prep && record.vector.byteLength === this.vectorBytes;
  }

  /** Writes records (each whole) with the library's new meta in one transaction, then shows them. */
  async store(records: readonly PhotoRecord[]): Promise<void> {
    const meta = { ...this.meta, updatedAt: Date.now() };
    await this.gone(this.recordStore.putPhotos(meta, records));
    // Only once the transaction has committed does the index show them.
    this.meta = meta;
    for (const r of records) this.place(r);
  }

  /** Removes photos by id; returns how many were in the library. */
  remove(ids: readonly string[]): Promise<number> {
    return this.serialize(async () => {
      this.live();
      if (!Array.isArray(ids)) throw new ClipError('BAD_INPUT', 'ids must be an array of strings');
      const unique = [...new Set(ids.map(checkId))];
      const present = unique.filter((id) => this.index.has(id) || this.stale.has(id));
      if (present.length === 0) return 0;
      const meta = { ...this.meta, updatedAt: Date.now() };
      await this.gone(this.recordStore.deletePhotos(meta, present));
      this.meta = meta;
      for (const id of present) {
        this.index.remove(id);
        this.stale.delete(id);
      }
      return present.length;
    });
  }

  private async textVector(text: string): Promise<Float32Array> {
    if (typeof text !== 'string' || text.trim() === '') throw new ClipError('BAD_INPUT', 'the search text must be a non-empty string');
    // Through the label cache: a search typed again (or refined a letter at a time) is encoded once.
    const [vector] = await this.engine.labelEmbeddings([text], ['{}'], undefined);
    return vector!;
  }

  /** A photo's vector by id, or an image's (embedded, not added). */
  private async vectorOf(idOrImage: string | WireImage, signal: AbortSignal | undefined): Promise<Float32Array> {
    if (typeof idOrImage === 'string') {
      const vector = this.index.get(idOrImage);
      if (vector) return vector;
      if (this.stale.has(idOrImage)) {
        throw new ClipError('MODEL_MISMATCH', `the photo ${JSON.stringify(idOrImage)} was embedded by another model: reindex it`);
      }
      throw new ClipError('NOT_FOUND', `no photo ${JSON.stringify(idOrImage)} in the library ${JSON.stringify(this.meta.name)}`);
    }
    const [vector] = await this.engine.embedImages([idOrImage], { signal });
    return vector!;
  }

  /** Photos ranked by how well they match the text, best first. */
  async search(text: string, { k }: { k?: number | undefined } = {}): Promise<PhotoHit[]> {
    this.live();
    const top = checkK(k);
    return this.rank(await this.textVector(text), top);
  }

  /** Photos most like a photo of the library (left out of its own answer) or like any image. */
  async similar(idOrImage: string | WireImage, { k, signal }: { k?: number | undefined; signal?: AbortSignal | undefined } = {}): Promise<PhotoHit[]> {
    this.live();
    const top = checkK(k);
    const vector = await this.vectorOf(idOrImage, signal);
    return this.rank(vector, top, typeof idOrImage === 'string' ? { exclude: new Set([idOrImage]) } : {});
  }

  /**
   * The index's top k; for int8 storage, its top refineDepth(k) re-scored with the residuals
   * their records keep (read from IndexedDB for those few only), so the order is close to what
   * float32 vectors would give (src/core/vectors/int8-refine.ts).
   */
  private async rank(vector: Float32Array, k: number, options: { exclude?: ReadonlySet<string> } = {}): Promise<PhotoHit[]> {
    if (this.meta.storage !== 'int8' || k === 0) return this.index.search(vector, k, options);
    const candidates = this.index.search(vector, refineDepth(k), options);
    let records: (PhotoRecord | undefined)[];
    try {
      records = await this.recordStore.getPhotos(this.meta.name, candidates.map((h) => h.id));
    } catch {
      // Storage unreadable right now (another tab deleting the database): the int8 order stands.
      return candidates.slice(0, k);
    }
    const stored = new Map<string, Int8Stored>();
    for (const r of records) {
      if (!r || r.scale === null || !this.isFresh(r)) continue;
      const residual = r.residual && { nibbles: new Uint8Array(r.residual.nibbles), scale: r.residual.scale };
      stored.set(r.id, { codes: new Int8Array(r.vector), scale: r.scale, residual });
    }
    return refineHits(vector, candidates, (id) => stored.get(id), k);
  }

  /** A photo's (or an image's) tags with calibrated scores, best first. */
  async tag(idOrImage: string | WireImage, options: TagOptions & { signal?: AbortSignal | undefined } = {}): Promise<TagScore[]> {
    this.live();
    const held = this.taggers.hold(options, options.signal);
    try {
      const [tagger, vector] = await Promise.all([held, this.vectorOf(idOrImage, options.signal)]);
      return tagger.tags(vector);
    } finally {
      void held.then((t) => t.release(), () => undefined);
    }
  }

  /** Every photo's tags. Each tag is encoded once; the scoring runs on the SIMD kernel. */
  async tagAll(options: TagOptions & LibraryWorkOptions = {}): Promise<PhotoTags[]> {
    this.live();
    const { signal, onProgress } = options;
    const held = this.taggers.hold(options, signal);
    try {
      return await tagEvery(await held, this.index.ids(), (id) => this.index.get(id), { signal, onProgress });
    } finally {
      void held.then((t) => t.release(), () => undefined);
    }
  }

  /**
   * Groups of near-identical photos (cosine ≥ threshold, linked in chains), each sorted by id;
   * the threshold defaults to the model's own level (info.duplicateThreshold).
   */
  async duplicates({ threshold }: { threshold?: number | undefined } = {}): Promise<string[][]> {
    this.live();
    threshold ??= this.engine.info.duplicateThreshold;
    if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1)) {
      throw new ClipError('BAD_INPUT', `threshold must be in (0, 1], got ${String(threshold)}`);
    }
    const ids = this.index.ids();
    const vectors = ids.map((id) => this.index.get(id)!);
    const { groups } = findDuplicateGroups(vectors, this.meta.dim, { threshold });
    return groups
      .map((rows) => rows.map((row) => ids[row]!).sort())
      .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
  }

  /** The library's meta as it is now (for export). */
  get currentMeta(): LibraryMeta {
    return this.meta;
  }

  /** Waits for the writes queued so far (export reads a settled library). */
  settled(): Promise<unknown> {
    return this.writing;
  }

  /** No call starts on it any more; the index is freed once the writes in flight have settled. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.taggers.close();
    void this.writing.then(() => this.index.dispose());
  }
}
