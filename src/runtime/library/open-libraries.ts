// The photo libraries open in this worker, by name: one instance each, so that their writes
// queue up in one place; opened, closed, deleted and listed here.
import { ClipError } from '../../shared/errors';
import type { LibraryOptions, LibrarySummary } from '../../shared/library';
import type { ClipEngine } from '../engine/engine';
import { MAX_ID_LENGTH } from './library-add';
import * as db from './library-db';
import { PhotoLibrary } from './photo-library';

const open = new Map<string, Promise<PhotoLibrary>>();

// The database deleted (or upgraded) by another tab: what is in memory may be gone. Each open
// library is closed; the next call opens it again from what IndexedDB holds now.
db.onDatabaseReset(() => {
  for (const opening of open.values()) void opening.then((library) => library.close(), () => undefined);
});

/** Opens (or creates) the library `name` for the engine's model; later calls reuse it. */
export function openLibrary(engine: ClipEngine, name: string, options: LibraryOptions = {}): Promise<PhotoLibrary> {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_ID_LENGTH) {
    return Promise.reject(new ClipError('BAD_INPUT', 'a library name must be a non-empty string'));
  }
  if (options.storage !== undefined && options.storage !== 'float32' && options.storage !== 'int8') {
    return Promise.reject(new ClipError('BAD_INPUT', `storage must be 'float32' or 'int8', got ${String(options.storage)}`));
  }
  const existing = open.get(name);
  if (existing) {
    return existing.then((library) => {
      if (library.isClosed) {
        // Closed because it was deleted under it: open (or create) it again.
        if (open.get(name) === existing) open.delete(name);
        return openLibrary(engine, name, options);
      }
      if (!library.belongsTo(engine)) throw new ClipError('INTERNAL', 'a library is open with another engine');
      return library;
    });
  }
  const opening = PhotoLibrary.restore(engine, name, options);
  open.set(name, opening);
  opening.catch(() => open.delete(name));
  return opening;
}

/** Closes every open library (the engine they use is going away). */
export function closeAllLibraries(): void {
  for (const opening of open.values()) void opening.then((library) => library.close(), () => undefined);
  open.clear();
}

/** Deletes a library and its photos, after the writes already queued on it. */
export async function deleteLibrary(name: string): Promise<void> {
  const opening = open.get(name);
  open.delete(name);
  const library = await opening?.catch(() => undefined);
  if (library) {
    await library.settled();
    library.close();
  }
  await db.deleteLibrary(name);
}

/** Every stored library, whichever model made it, as the public API describes one. */
export async function listLibraries(): Promise<LibrarySummary[]> {
  return (await db.listMetas()).map(({ name, model, prep, dim, storage, createdAt, updatedAt }) => ({
    name,
    model,
    prep,
    dim,
    storage,
    createdAt,
    updatedAt,
  }));
}
