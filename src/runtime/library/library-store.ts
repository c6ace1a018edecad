// Where a library's records live, as PhotoLibrary and the add pipeline use it: IndexedDB
// (library-db.ts, the default) in the browser, one `.webclip` file in webclip/node.
import type { LibraryMeta, PhotoRecord } from './library-db';

export interface LibraryStore {
  getMeta(name: string): Promise<LibraryMeta | undefined>;
  /** Writes the meta of a new library; false when one of that name appeared meanwhile. */
  createLibrary(meta: LibraryMeta): Promise<boolean>;
  putMeta(meta: LibraryMeta): Promise<void>;
  /** Every record of the library, a page at a time. */
  readPhotos(name: string, onPage: (records: PhotoRecord[]) => void): Promise<void>;
  getPhotos(name: string, ids: readonly string[]): Promise<(PhotoRecord | undefined)[]>;
  /** A record for each hash that some photo of the library has. */
  findByHash(name: string, hashes: readonly string[]): Promise<Map<string, PhotoRecord>>;
  /** Records, each whole, with the library's new meta: all or none. */
  putPhotos(meta: LibraryMeta, records: readonly PhotoRecord[]): Promise<void>;
  deletePhotos(meta: LibraryMeta, ids: readonly string[]): Promise<void>;
}
