// The photo libraries' database (`webclip-libraries`), in raw IndexedDB: a photo's record and its
// library's meta change in one transaction; photos are found by id and by hash.
import { ClipError } from '../../shared/errors';
import type { VectorStorage } from '../../shared/library';
import type { ModelFamily } from '../../shared/models';
import type { VectorMaker } from '../../core/vectors/library-file';

const DB_NAME = 'webclip-libraries';
const DB_VERSION = 1;
const META = 'libraries';
const PHOTOS = 'photos';
const BY_HASH = 'hash';

export interface LibraryMeta extends VectorMaker {
  readonly name: string;
  /** The family of the model whose image space the photos are in (absent in older libraries). */
  readonly family?: ModelFamily;
  readonly dim: number;
  readonly storage: VectorStorage;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * One photo. Invariant, kept by writing each record whole in one put: a record in the store
 * has its complete vector, so a page closed mid-add leaves photos either indexed or absent.
 */
export interface PhotoRecord extends VectorMaker {
  readonly library: string;
  readonly id: string;
  /** SHA-256 (hex) of the image's bytes: the same bytes are never embedded twice. */
  readonly hash: string;
  /** float32 or int8 values, per the library's storage. */
  readonly vector: ArrayBuffer;
  /** int8 storage: the vector's scale (value = code × scale); float32: null. */
  readonly scale: number | null;
  /**
   * int8 storage: the 4-bit residual that re-ranks search results (src/core/vectors/int8-refine.ts).
   * Absent on float32 records and on int8 records written before residuals were kept.
   */
  readonly residual?: { readonly nibbles: ArrayBuffer; readonly scale: number } | undefined;
  readonly dtype: string;
  readonly addedAt: number;
}

let opening: Promise<IDBDatabase> | undefined;
let failingWrites = 0;

/** Tests: the next `count` write transactions fail as a full disk would (QuotaExceededError). */
export function failWritesForTest(count: number): void {
  failingWrites = count;
}
const resetListeners = new Set<() => void>();

/**
 * Called when another tab deletes or upgrades the database under this one: whatever was read
 * from it may be gone.
 */
export function onDatabaseReset(listener: () => void): void {
  resetListeners.add(listener);
}

function storageError(what: string, cause: unknown): ClipError {
  if (cause instanceof ClipError) return cause;
  const name = (cause as { name?: string } | null)?.name;
  if (name === 'QuotaExceededError') return new ClipError('QUOTA', `no room left to ${what}`, { cause });
  const message = cause instanceof Error || cause instanceof DOMException ? cause.message : String(cause);
  return new ClipError('STORAGE', `IndexedDB failed to ${what}: ${message}`, { cause });
}

function database(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore(META, { keyPath: 'name' });
      const photos = db.createObjectStore(PHOTOS, { keyPath: ['library', 'id'] });
      photos.createIndex(BY_HASH, ['library', 'hash']);
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab deleting or upgrading the database must not wait on us; the next call reopens.
      db.onversionchange = () => {
        db.close();
        opening = undefined;
        for (const listener of resetListeners) listener();
      };
      db.onclose = () => (opening = undefined);
      resolve(db);
    };
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('the database is held open by an older version of this page'));
  });
  const current = opening;
  current.catch(() => {
    if (opening === current) opening = undefined;
  });
  return current;
}

const done = <T>(request: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

/**
 * Runs `body` in one transaction and resolves with its result once the transaction has
 * committed (not merely when the requests succeeded): only then is a write durable.
 */
async function transact<T>(
  stores: string[],
  mode: IDBTransactionMode,
  what: string,
  body: (tx: IDBTransaction) => Promise<T>,
): Promise<T> {
  try {
    const db = await database();
    const tx = db.transaction(stores, mode, { durability: mode === 'readwrite' ? 'strict' : 'default' });
    const committed = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error ?? new Error('the transaction was aborted'));
      tx.onerror = () => reject(tx.error);
    });
    committed.catch(() => undefined);
    let result: T;
    try {
      result = await body(tx);
      if (mode === 'readwrite' && failingWrites > 0) {
        // Tests: the browser refusing the commit as on a full disk. The real transaction is
        // aborted after its writes were issued, so IndexedDB itself rolls them back.
        failingWrites--;
        throw new DOMException('the disk is full (test fault)', 'QuotaExceededError');
      }
    } catch (error) {
      try {
        tx.abort();
      } catch {
        // Already finished: its own error is the one that counts.
      }
      throw error;
    }
    await committed;
    return result;
  } catch (cause) {
    throw storageError(what, cause);
  }
}

/** Every photo key of a library lies in [name] … [name, []] (arrays sort after strings). */
const libraryRange = (name: string): IDBKeyRange => IDBKeyRange.bound([name], [name, []]);

export function getMeta(name: string): Promise<LibraryMeta | undefined> {
  return transact([META], 'readonly', 'read a library', (tx) => done(tx.objectStore(META).get(name) as IDBRequest<LibraryMeta | undefined>));
}

export function listMetas(): Promise<LibraryMeta[]> {
  return transact([META], 'readonly', 'list libraries', (tx) => done(tx.objectStore(META).getAll() as IDBRequest<LibraryMeta[]>));
}

/**
 * Creates a library unless one of that name exists (then false). Photos left under its name by
 * an import that never finished (their meta is written last) are removed in the same
 * transaction, so they cannot join it.
 */
export function createLibrary(meta: LibraryMeta): Promise<boolean> {
  return transact([META, PHOTOS], 'readwrite', 'create a library', async (tx) => {
    if (await done(tx.objectStore(META).getKey(meta.name))) return false;
    await done(tx.objectStore(PHOTOS).delete(libraryRange(meta.name)));
    await done(tx.objectStore(META).put(meta));
    return true;
  });
}

export function putMeta(meta: LibraryMeta): Promise<void> {
  return transact([META], 'readwrite', 'update a library', async (tx) => {
    await mustExist(tx, meta.name);
    await done(tx.objectStore(META).put(meta));
  });
}

/** Reads a library's photos in pages (keeping one page in memory at a time), in id order. */
export async function readPhotos(name: string, onPage: (records: PhotoRecord[]) => void, pageSize = 2000): Promise<void> {
  let after: string | undefined;
  for (;;) {
    const lower: IDBValidKey = after === undefined ? [name] : [name, after];
    const range = IDBKeyRange.bound(lower, [name, []], after !== undefined);
    const page = await transact([PHOTOS], 'readonly', 'read a library', (tx) =>
      done(tx.objectStore(PHOTOS).getAll(range, pageSize) as IDBRequest<PhotoRecord[]>),
    );
    if (page.length > 0) onPage(page);
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.id;
  }
}

/** The records of these ids (undefined where absent), in order, in one read. */
export function getPhotos(name: string, ids: readonly string[]): Promise<(PhotoRecord | undefined)[]> {
  return transact([PHOTOS], 'readonly', 'read photos', (tx) => {
    const store = tx.objectStore(PHOTOS);
    return Promise.all(ids.map((id) => done(store.get([name, id]) as IDBRequest<PhotoRecord | undefined>)));
  });
}

/** For each hash, one record of this library with those bytes (if any). */
export function findByHash(name: string, hashes: readonly string[]): Promise<Map<string, PhotoRecord>> {
  return transact([PHOTOS], 'readonly', 'look photos up', async (tx) => {
    const index = tx.objectStore(PHOTOS).index(BY_HASH);
    const found = await Promise.all(hashes.map((h) => done(index.get([name, h]) as IDBRequest<PhotoRecord | undefined>)));
    const out = new Map<string, PhotoRecord>();
    found.forEach((record, i) => record && out.set(hashes[i]!, record));
    return out;
  });
}

/** Writes photos (each whole) and the library's new meta together: all of them or none. */
export function putPhotos(meta: LibraryMeta, records: readonly PhotoRecord[]): Promise<void> {
  return transact([META, PHOTOS], 'readwrite', 'store photos', async (tx) => {
    await mustExist(tx, meta.name);
    const store = tx.objectStore(PHOTOS);
    await Promise.all(records.map((r) => done(store.put(r))));
    await done(tx.objectStore(META).put(meta));
  });
}

/** Writes photos of a library whose meta is not written yet (an import; meta goes last). */
export function putOrphanPhotos(records: readonly PhotoRecord[]): Promise<void> {
  return transact([PHOTOS], 'readwrite', 'store photos', async (tx) => {
    const store = tx.objectStore(PHOTOS);
    await Promise.all(records.map((r) => done(store.put(r))));
  });
}

/** Writes an imported library's meta: from now on it exists, with every photo already stored. */
export function commitImport(meta: LibraryMeta): Promise<void> {
  return transact([META], 'readwrite', 'record an imported library', async (tx) => {
    if (await done(tx.objectStore(META).getKey(meta.name))) {
      throw new ClipError('BAD_INPUT', `a library named ${JSON.stringify(meta.name)} already exists`);
    }
    await done(tx.objectStore(META).put(meta));
  });
}

/** Removes the photos under a name that has no meta (an import that failed). */
export function deleteOrphans(name: string): Promise<void> {
  return transact([META, PHOTOS], 'readwrite', 'clean up an import', async (tx) => {
    if (await done(tx.objectStore(META).getKey(name))) return;
    await done(tx.objectStore(PHOTOS).delete(libraryRange(name)));
  });
}

/** The library must still exist: a write must not bring back one another tab deleted. */
async function mustExist(tx: IDBTransaction, name: string): Promise<void> {
  if (!(await done(tx.objectStore(META).getKey(name)))) {
    throw new ClipError('NOT_FOUND', `the library ${JSON.stringify(name)} no longer exists (deleted in another tab?)`);
  }
}

export function deletePhotos(meta: LibraryMeta, ids: readonly string[]): Promise<void> {
  return transact([META, PHOTOS], 'readwrite', 'remove photos', async (tx) => {
    await mustExist(tx, meta.name);
    const store = tx.objectStore(PHOTOS);
    await Promise.all(ids.map((id) => done(store.delete([meta.name, id]))));
    await done(tx.objectStore(META).put(meta));
  });
}

/** Removes a library and all its photos in one transaction. */
export function deleteLibrary(name: string): Promise<void> {
  return transact([META, PHOTOS], 'readwrite', 'delete a library', async (tx) => {
    await done(tx.objectStore(PHOTOS).delete(libraryRange(name)));
    await done(tx.objectStore(META).delete(name));
  });
}
