// One library's records in one `.webclip` file (the format lib.export() writes and
// clip.importLibrary reads): held in memory, written whole to a new file renamed over the old
// one, so the file on disk is always a complete library — after a crash or Ctrl-C too.
import { openAsBlob } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { ClipError } from '../../shared/errors';
import type { LibraryMeta, PhotoRecord } from '../../runtime/library/library-db';
import type { LibraryStore } from '../../runtime/library/library-store';
import { checkLibraryHash, libraryFile, libraryRecordPages, readLibraryLayout, type LibraryFileLayout } from '../../runtime/library/library-transfer';

/** While photos are being added, the file is rewritten at most this often. */
const FLUSH_INTERVAL_MS = 5000;

export class LibraryFileStore implements LibraryStore {
  private meta: LibraryMeta | undefined;
  private readonly photos = new Map<string, PhotoRecord>();
  private dirty = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> = Promise.resolve();

  private constructor(readonly file: string) {}

  /** The file's library (checked whole: its checksum and every vector), or an empty store. */
  static async open(file: string): Promise<LibraryFileStore> {
    const store = new LibraryFileStore(file);
    if (!(await stat(file).catch(() => null))) return store;
    const blob = await openAsBlob(file);
    const layout = await readLibraryLayout(blob);
    await checkLibraryHash(blob);
    await store.load(blob, layout);
    return store;
  }

  /** Fills an empty store from a checked library file, under `name`. */
  async load(blob: Blob, layout: LibraryFileLayout, name = layout.header.name): Promise<void> {
    const { header } = layout;
    const { model, prep, dim, storage, createdAt, exportedAt } = header;
    this.meta = { name, model, prep, dim, storage, createdAt, updatedAt: exportedAt };
    for await (const records of libraryRecordPages(blob, layout, name, exportedAt)) {
      for (const r of records) this.photos.set(r.id, r);
    }
    this.dirty = name !== header.name;
  }

  // One library per store: the name argument is the library's own.
  async getMeta(): Promise<LibraryMeta | undefined> {
    return this.meta;
  }

  async createLibrary(meta: LibraryMeta): Promise<boolean> {
    if (this.meta) return false;
    this.changed(meta);
    return true;
  }

  async putMeta(meta: LibraryMeta): Promise<void> {
    this.changed(meta);
  }

  async readPhotos(_name: string, onPage: (records: PhotoRecord[]) => void): Promise<void> {
    onPage([...this.photos.values()]);
  }

  async getPhotos(_name: string, ids: readonly string[]): Promise<(PhotoRecord | undefined)[]> {
    return ids.map((id) => this.photos.get(id));
  }

  async findByHash(_name: string, hashes: readonly string[]): Promise<Map<string, PhotoRecord>> {
    const wanted = new Set(hashes);
    const found = new Map<string, PhotoRecord>();
    for (const r of this.photos.values()) if (wanted.has(r.hash) && !found.has(r.hash)) found.set(r.hash, r);
    return found;
  }

  async putPhotos(meta: LibraryMeta, records: readonly PhotoRecord[]): Promise<void> {
    for (const r of records) this.photos.set(r.id, r);
    this.changed(meta);
  }

  async deletePhotos(meta: LibraryMeta, ids: readonly string[]): Promise<void> {
    for (const id of ids) this.photos.delete(id);
    this.changed(meta);
  }

  /** Every id in the file, stale or not. */
  ids(): string[] {
    return [...this.photos.keys()];
  }

  private changed(meta: LibraryMeta): void {
    this.meta = meta;
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(() => undefined); // the next flush (close, dispose) reports it
    }, FLUSH_INTERVAL_MS);
    this.timer.unref?.();
  }

  /** Writes the library to its file now if anything changed (one write at a time). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const run = this.flushing.then(() => this.write());
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private async write(): Promise<void> {
    if (!this.dirty || !this.meta) return;
    this.dirty = false;
    const blob = libraryFile(this.meta, this.photos.values(), this.meta.updatedAt);
    const part = `${this.file}.part-${process.pid}`;
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await writeFile(part, Readable.fromWeb(blob.stream() as import('node:stream/web').ReadableStream<Uint8Array>));
      await rename(part, this.file);
    } catch (cause) {
      this.dirty = true;
      await rm(part, { force: true }).catch(() => undefined);
      throw new ClipError('STORAGE', `could not write the library file ${this.file}: ${String(cause)}`, { cause });
    }
  }
}
