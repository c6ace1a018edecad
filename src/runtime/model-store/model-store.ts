// The model cache every model file is read through: chunks checked on every read, the manifest
// written last, so a model is cached complete or not at all (docs/models-and-cache.md).
import { set } from 'idb-keyval';
import { ClipError } from '../../shared/errors';
import type { ModelSource } from '../../shared/wire';
import { CHUNK_BYTES, type ModelManifest, type StoredFile } from '../../core/model/model-manifest';
import { readStoredFileOffThread } from './chunk-reader';
import { chunkStore, deleteChunks, manifestStore, readManifest, sweepOrphanChunks, type ChunkKey } from './chunk-store';
import { ChunkWriter } from './chunk-writer';
import { download } from './download';

export interface StoreHooks {
  /** Stands in for navigator.storage.estimate()'s answer (data: hooks cross to the worker). */
  storageEstimate?: { quota: number; usage: number };
  /** Chunk writes after which the next one fails as a full disk would (QuotaExceededError). */
  failWritesAfter?: number;
  /** Chunk size for files stored by this load (tests use small ones to get many chunks). */
  chunkBytes?: number;
  /** Neither read nor write the cache (the benchmark's in-memory floor). */
  noCache?: boolean;
  /** Download retries and the first backoff (tests shorten them). */
  retries?: number;
  backoffMs?: number;
}

export interface ReadOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((loaded: number, total: number | undefined) => void) | undefined;
}

function isQuotaError(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'QuotaExceededError' || error.name === 'UnknownError');
}

export class ModelStore {
  /** Files stored by this load and not yet in the manifest. */
  private readonly fresh = new Map<string, StoredFile>();
  /** Cached files being read ahead of their read() (see prefetch). */
  private readonly prefetched = new Map<string, Promise<Uint8Array | null>>();
  private readonly newlyAbsent = new Set<string>();
  private writes = 0;
  private persistAsked = false;
  /** IndexedDB failed other than for room (absent in some private modes, or closed under us): run uncached. */
  private uncached = false;
  /** Stops this load's downloads and writes once it has failed (discard). */
  private readonly stop = new AbortController();
  /** Reads still fetching: discard waits for them, so nothing is written after it returns. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Files downloaded whose chunks are still being written, by path. */
  private readonly storing = new Map<string, Promise<StoredFile>>();

  private constructor(
    readonly id: string,
    private readonly source: ModelSource,
    private manifest: ModelManifest | null,
    private readonly hooks: StoreHooks,
  ) {}

  static async open(id: string, source: ModelSource, hooks: StoreHooks = {}): Promise<ModelStore> {
    const store = new ModelStore(id, source, hooks.noCache ? null : await readManifest(id), hooks);
    store.uncached = hooks.noCache === true;
    return store;
  }

  /** The SHA-256 of a file this store holds (committed or stored by this load). */
  sha256Of(path: string): string | undefined {
    return (this.fresh.get(path) ?? this.manifest?.files[path])?.sha256;
  }

  /** The size of a file this store holds, as its manifest records it. */
  sizeOf(path: string): number | undefined {
    return (this.fresh.get(path) ?? this.manifest?.files[path])?.size;
  }

  /** Whether the cache holds `path` (it may still turn out corrupt when read). */
  has(path: string): boolean {
    return this.fresh.has(path) || this.storing.has(path) || this.manifest?.files[path] !== undefined;
  }

  /**
   * Starts reading cached files now, one after another (two reads at once share IndexedDB's
   * bandwidth and both finish late), for read() to take up. Files not cached are left alone.
   */
  prefetch(paths: readonly string[]): void {
    let previous: Promise<unknown> = Promise.resolve();
    for (const path of paths) {
      const entry = this.manifest?.files[path];
      if (!entry || this.prefetched.has(path)) continue;
      const reading = previous.then(() => readStoredFileOffThread(this.id, path, entry));
      reading.catch(() => undefined); // read() awaits it, or dropPrefetched() drops it
      this.prefetched.set(path, reading);
      previous = reading.catch(() => undefined);
    }
  }

  /** Lets go of prefetched files no read took up (the start chose other files, or failed). */
  dropPrefetched(): void {
    this.prefetched.clear();
  }

  /** The file's bytes: from the cache, checked chunk by chunk, or fetched and stored. */
  async read(path: string, options: ReadOptions = {}): Promise<Uint8Array> {
    const early = this.prefetched.get(path);
    this.prefetched.delete(path);
    const prefetchedBytes = early && (await early.catch(() => null));
    if (prefetchedBytes) return prefetchedBytes;
    // Read twice in one load (WebGPU's probe reads the q4 file its reference also uses): the
    // second read comes from what the first stored.
    const storing = this.storing.get(path);
    const known = this.fresh.get(path) ?? (storing && (await storing.catch(() => undefined))) ?? this.manifest?.files[path];
    // A prefetch that found the file damaged need not read it again.
    if (known && !early) {
      const cached = await readStoredFileOffThread(this.id, path, known);
      if (cached) return cached;
    }
    if (this.manifest?.absent.includes(path)) throw new ClipError('MODEL_NOT_FOUND', `${path} is not part of this model`);
    return this.fetchAndStore(path, options);
  }

  /** Like read, but a file the source does not have is `undefined` (and remembered as absent). */
  async readOptional(path: string, options: ReadOptions = {}): Promise<Uint8Array | undefined> {
    if (this.manifest?.absent.includes(path)) return undefined;
    try {
      return await this.read(path, options);
    } catch (error) {
      if (!(error instanceof ClipError) || error.code !== 'MODEL_NOT_FOUND') throw error;
      this.newlyAbsent.add(path);
      return undefined;
    }
  }

  /** Adds the files this load stored to the manifest, in one write: the model is now complete. */
  async commit(): Promise<void> {
    try {
      await this.settleStoring();
    } catch (error) {
      await this.discard();
      throw error;
    }
    if (this.uncached) return this.discard();
    if (this.fresh.size === 0 && this.newlyAbsent.size === 0) return this.sweep();
    const files = { ...this.manifest?.files, ...Object.fromEntries(this.fresh) };
    const absent = [...new Set([...(this.manifest?.absent ?? []), ...this.newlyAbsent])].filter((p) => !(p in files));
    const source = this.source.kind === 'url' ? this.source.baseUrl : 'local';
    const manifest: ModelManifest = { version: 1, id: this.id, source, files, absent, updatedAt: Date.now() };
    try {
      await set(this.id, manifest, manifestStore());
    } catch (cause) {
      await this.discard();
      if (isQuotaError(cause)) throw new ClipError('QUOTA', `no room left to record ${this.id} in the cache`, { cause });
      this.uncached = true; // the model is loaded; it just is not cached
      return;
    }
    this.manifest = manifest;
    this.fresh.clear();
    this.newlyAbsent.clear();
    this.sweep();
  }

  /** In the background, after a load: what the manifest does not list goes (a cache only: errors are dropped). */
  private sweep(): void {
    const manifest = this.manifest;
    if (manifest && !this.hooks.noCache) void sweepOrphanChunks(this.id, manifest).catch(() => undefined);
  }

  /**
   * Removes what this load stored but did not commit: nothing half-written stays behind. Stops
   * the downloads still running (another file's failure ends the load) and waits for them.
   */
  async discard(): Promise<void> {
    this.stop.abort(new ClipError('ABORTED', 'the model load failed'));
    await Promise.allSettled([...this.inFlight]);
    await this.settleStoring().catch(() => undefined);
    const paths = [...this.fresh.keys()];
    this.fresh.clear();
    await Promise.all(paths.filter((p) => !this.manifest?.files[p]).map((p) => deleteChunks(this.id, p).catch(() => undefined)));
  }

  /** Waits for the files still being written; each becomes `fresh` (ready for the manifest). */
  private async settleStoring(): Promise<void> {
    const pending = [...this.storing];
    this.storing.clear();
    const results = await Promise.allSettled(pending.map(([, stored]) => stored));
    const broken: string[] = [];
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') this.fresh.set(pending[i]![0], result.value);
      else broken.push(pending[i]![0]);
    });
    // A file whose writes failed part way: whatever of it landed goes.
    await Promise.all(broken.filter((p) => !this.manifest?.files[p]).map((p) => deleteChunks(this.id, p).catch(() => undefined)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async putChunk(key: ChunkKey, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
    if (this.stop.signal.aborted) throw new ClipError('ABORTED', `the load failed; ${key[1]} is not stored`);
    if (this.hooks.failWritesAfter !== undefined && this.writes >= this.hooks.failWritesAfter) {
      throw new ClipError('QUOTA', 'the disk is full (test hook: failWritesAfter)');
    }
    this.writes++;
    if (this.uncached) return;
    try {
      // As a Blob: Chromium keeps it as a file of its own and a read hands back a handle whose
      // bytes load in parallel (64 MB/s read back here, against 45 for ArrayBuffer values).
      await set(key, new Blob([bytes]), chunkStore());
    } catch (cause) {
      if (isQuotaError(cause)) throw new ClipError('QUOTA', `the disk is full: storing ${key[1]} failed`, { cause });
      // The model still loads; it just is not cached this time.
      this.uncached = true;
    }
  }

  /** Refuses to start a file that cannot fit, saying how much is needed and available. */
  private async checkRoom(path: string, total: number | undefined): Promise<void> {
    if (!this.persistAsked) {
      this.persistAsked = true;
      // Ask once per load: persistent storage is not evicted under pressure. Best effort.
      await globalThis.navigator?.storage?.persist?.().catch(() => false);
    }
    if (total === undefined) return;
    const { quota, usage }: { quota?: number; usage?: number } =
      this.hooks.storageEstimate ?? (await globalThis.navigator?.storage?.estimate?.().catch(() => ({}))) ?? {};
    if (quota === undefined || usage === undefined) return;
    const available = Math.max(0, quota - usage);
    if (total > available) {
      throw new ClipError('QUOTA', `${path} needs ${total} bytes of storage, but only ${available} are available`);
    }
  }

  private fetchAndStore(path: string, options: ReadOptions): Promise<Uint8Array> {
    const work = this.fetchAndStoreNow(path, options);
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  private async fetchAndStoreNow(path: string, options: ReadOptions): Promise<Uint8Array> {
    const signal = options.signal ? AbortSignal.any([options.signal, this.stop.signal]) : this.stop.signal;
    const store = this.uncached && this.hooks.noCache ? null : (key: ChunkKey, bytes: Uint8Array<ArrayBuffer>) => this.putChunk(key, bytes);
    const writer = new ChunkWriter(this.id, path, this.hooks.chunkBytes ?? CHUNK_BYTES, store);
    try {
      if (this.source.kind === 'files') {
        const file = this.source.files[path];
        if (!file) throw new ClipError('MODEL_NOT_FOUND', `the picked folder has no ${path}`);
        await this.checkRoom(path, file.size);
        await writer.restart(file.size);
        const reader = file.stream().getReader();
        let loaded = 0;
        for (;;) {
          if (signal.aborted) throw new ClipError('ABORTED', `reading ${path} was stopped`);
          const { done, value } = await reader.read();
          if (done) break;
          await writer.write(value);
          loaded += value.length;
          options.onProgress?.(loaded, file.size);
        }
      } else {
        const url = new URL(path, this.source.baseUrl).href;
        let total: number | undefined;
        await download(url, path, { restart: () => writer.restart(total), write: (piece) => writer.write(piece) }, {
          signal,
          onProgress: options.onProgress,
          onSize: async (size) => {
            total = size;
            await writer.restart(size);
            await this.checkRoom(path, size);
          },
          retries: this.hooks.retries,
          backoffMs: this.hooks.backoffMs,
        });
      }
      const { bytes, stored } = await writer.finish();
      // The caller builds its session from `bytes` while the last chunks are still being
      // written; commit() waits for them.
      this.storing.set(path, stored);
      return bytes;
    } catch (error) {
      // Nothing of this file stays: its chunks are not in a manifest, so they would only waste room.
      await writer.settle();
      if (!this.manifest?.files[path]) await deleteChunks(this.id, path).catch(() => undefined);
      throw error;
    }
  }
}
