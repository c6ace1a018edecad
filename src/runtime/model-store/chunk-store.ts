// How model files sit in IndexedDB (`webclip-models` manifests, `webclip-model-chunks` chunks) and
// the checked read of one; all the off-thread chunk reader imports.
import { createStore, get, getMany, type UseStore } from 'idb-keyval';
import { chunkCount, chunkMatches, chunkSize, parseManifest, type ModelManifest, type StoredFile } from '../../core/model/model-manifest';

let manifests: UseStore | undefined;
let chunks: UseStore | undefined;
// Lazily, as idb-keyval does: importing this module must not open a database.
export const manifestStore = (): UseStore => (manifests ??= createStore('webclip-models', 'manifests'));
export const chunkStore = (): UseStore => (chunks ??= createStore('webclip-model-chunks', 'chunks'));

export type ChunkKey = [model: string, path: string, index: number];
export const chunkKey = (model: string, path: string, index: number): ChunkKey => [model, path, index];

/** Every chunk key of a model, or of one of its files. */
function chunkRange(model: string, path?: string): IDBKeyRange {
  // Arrays sort element by element, and any array sorts after any number or string.
  return path === undefined ? IDBKeyRange.bound([model], [model, []]) : IDBKeyRange.bound([model, path], [model, path, []]);
}

export async function deleteChunks(model: string, path?: string): Promise<void> {
  await chunkStore()('readwrite', (store) => {
    store.delete(chunkRange(model, path));
    return new Promise<void>((resolve, reject) => {
      store.transaction.oncomplete = () => resolve();
      store.transaction.onerror = store.transaction.onabort = () => reject(store.transaction.error);
    });
  });
}

/**
 * Deletes the chunks of `model` that its manifest does not account for: those a load wrote and
 * could not discard (the page was closed mid-download), or past a file's end. They are never
 * read (every read goes through the manifest) but hold quota. Another tab loading the same model
 * at this moment may lose fresh chunks to this; its next load finds them missing and fetches them.
 */
export async function sweepOrphanChunks(model: string, manifest: ModelManifest): Promise<number> {
  return chunkStore()('readwrite', (store) => {
    let swept = 0;
    const request = store.getAllKeys(chunkRange(model));
    request.onsuccess = () => {
      for (const key of request.result as ChunkKey[]) {
        const [, path, index] = key;
        const file = manifest.files[path];
        if (file && index < chunkCount(file.size, file.chunkBytes)) continue;
        store.delete(key);
        swept++;
      }
    };
    return new Promise<number>((resolve, reject) => {
      store.transaction.oncomplete = () => resolve(swept);
      store.transaction.onerror = store.transaction.onabort = () => reject(store.transaction.error);
    });
  });
}

export async function readManifest(model: string): Promise<ModelManifest | null> {
  try {
    return parseManifest(await get(model, manifestStore()));
  } catch {
    return null; // no IndexedDB here (some private modes): nothing is cached
  }
}

/**
 * A stored file's bytes, each chunk's size and check (model-manifest.ts: XXH32, or SHA-256 in
 * older caches) compared with its manifest entry; null when any chunk is missing or wrong (the
 * caller fetches the file again). Chunks are Blobs (older caches: ArrayBuffers).
 */
export async function readStoredFile(model: string, path: string, entry: StoredFile): Promise<Uint8Array | null> {
  const out = new Uint8Array(entry.size);
  const count = chunkCount(entry.size, entry.chunkBytes);
  // A few chunks per transaction, several transactions in flight: IndexedDB reads (the slow
  // part) go on while chunks that have arrived are checked, and the read-ahead (4 × 8 × 4 MB)
  // bounds what is in flight for large files.
  const group = 8;
  const readAhead = 4;
  const fetchGroup = (first: number) =>
    getMany<unknown>(
      Array.from({ length: Math.min(group, count - first) }, (_, k) => chunkKey(model, path, first + k)),
      chunkStore(),
    );
  const ahead: Promise<unknown[]>[] = [];
  let requested = 0;
  const fill = () => {
    while (ahead.length < readAhead && requested < count) {
      const request = fetchGroup(requested);
      request.catch(() => undefined); // awaited in turn; a failed check may leave some unawaited
      ahead.push(request);
      requested += group;
    }
  };
  try {
    for (let first = 0; first < count; first += group) {
      fill();
      const values = await ahead.shift()!;
      const checks = values.map(async (value, k) => {
        const index = first + k;
        const buffer = value instanceof Blob ? await value.arrayBuffer() : value;
        if (!(buffer instanceof ArrayBuffer) || buffer.byteLength !== chunkSize(entry.size, entry.chunkBytes, index)) return false;
        const bytes = new Uint8Array(buffer);
        if (!chunkMatches(bytes, entry.chunks[index]!)) return false;
        out.set(bytes, index * entry.chunkBytes);
        return true;
      });
      if (!(await Promise.all(checks)).every(Boolean)) return null;
    }
  } catch {
    return null;
  }
  return out;
}
