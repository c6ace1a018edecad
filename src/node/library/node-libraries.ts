// webclip/node's libraries: one `.webclip` file each, opened once per file, wrapped as the
// NodeLibrary the API returns (Node's image inputs in, the shared PhotoLibrary underneath).
import { existsSync, openAsBlob } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { ClipError } from '../../shared/errors';
import type { ImportOptions, LibraryOptions, LibrarySummary } from '../../shared/library';
import type { WirePhoto } from '../../shared/wire';
import type { ClipEngine } from '../../runtime/engine/engine';
import { PhotoLibrary } from '../../runtime/library/photo-library';
import { checkLibraryHash, checkLibraryModel, exportLibrary, readLibraryLayout } from '../../runtime/library/library-transfer';
import { toWireImage, type NodeImageInput } from '../images/image-input';
import type { NodeLibrary, NodeLibraryPhotoInput } from '../node-clip';
import { LibraryFileStore } from './library-file-store';

export const LIBRARY_EXTENSION = '.webclip';

/** A path ending in .webclip (or holding a folder) is a file; another name lives in `folder`. */
export function libraryFileOf(name: string, folder: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new ClipError('BAD_INPUT', 'a library name must be a non-empty string');
  return name.endsWith(LIBRARY_EXTENSION) || name.includes('/') || name.includes(sep) ? resolve(name) : join(folder, `${name}${LIBRARY_EXTENSION}`);
}

const nameOf = (file: string): string => basename(file, LIBRARY_EXTENSION);

/** Photos as the add pipeline takes them; it checks each id itself (a bad one fails alone). */
async function wire(photos: readonly NodeLibraryPhotoInput[]): Promise<WirePhoto[]> {
  if (!Array.isArray(photos)) throw new ClipError('BAD_INPUT', 'photos must be an array of {id, image}');
  return Promise.all(photos.map(async (p) => ({ id: p?.id, image: await toWireImage(p?.image) })));
}

const target = (idOrImage: string | Exclude<NodeImageInput, string>) => (typeof idOrImage === 'string' ? idOrImage : toWireImage(idOrImage));

function nodeLibrary(library: PhotoLibrary, store: LibraryFileStore, close: () => Promise<void>): NodeLibrary {
  return {
    name: library.name,
    file: store.file,
    info: async () => library.info(),
    add: async (photos, options) => library.add(await wire(photos), options),
    reindex: async (photos, options) => library.reindex(await wire(photos), options),
    remove: (ids) => library.remove(ids),
    count: async () => library.count(),
    ids: async () => library.ids(),
    staleIds: async () => library.staleIds(),
    search: (text, options) => library.search(text, options),
    similar: async (idOrImage, options) => library.similar(await target(idOrImage), options),
    tag: async (idOrImage, options) => library.tag(await target(idOrImage), options),
    tagAll: (options) => library.tagAll(options),
    duplicates: (options) => library.duplicates(options),
    export: () => exportLibrary(library),
    flush: async () => {
      await library.settled();
      await store.flush();
    },
    close,
  };
}

/** The libraries of one Clip: files opened once, flushed and closed with it. */
export class NodeLibraries {
  private readonly open = new Map<string, Promise<{ library: PhotoLibrary; store: LibraryFileStore; api: NodeLibrary }>>();

  constructor(
    private readonly engine: ClipEngine,
    private readonly folder: string,
  ) {}

  async library(name: string, options: LibraryOptions = {}, store?: LibraryFileStore): Promise<NodeLibrary> {
    const file = libraryFileOf(name, this.folder);
    let opening = this.open.get(file);
    if (!opening) {
      opening = (async () => {
        const files = store ?? (await LibraryFileStore.open(file));
        const library = await PhotoLibrary.restore(this.engine, nameOf(file), options, files);
        const api = nodeLibrary(library, files, () => this.close(file));
        return { library, store: files, api };
      })();
      this.open.set(file, opening);
      opening.catch(() => this.open.delete(file));
    }
    return (await opening).api;
  }

  private async close(file: string): Promise<void> {
    const opening = this.open.get(file);
    this.open.delete(file);
    const opened = await opening?.catch(() => undefined);
    if (!opened) return;
    await opened.library.settled();
    opened.library.close();
    await opened.store.flush();
  }

  /** Checks a library file whole (model, checksum, every vector) and writes it into the folder. */
  async importLibrary(file: string | Blob, options: ImportOptions = {}): Promise<NodeLibrary> {
    const blob = typeof file === 'string' ? await openAsBlob(file).catch(() => null) : file;
    if (!blob) throw new ClipError('NOT_FOUND', `no library file ${String(file)}`);
    const layout = await readLibraryLayout(blob);
    checkLibraryModel(layout.header, this.engine);
    await checkLibraryHash(blob);
    const name = options.name ?? layout.header.name;
    const dest = libraryFileOf(name, this.folder);
    if (existsSync(dest) || this.open.has(dest)) {
      throw new ClipError('BAD_INPUT', `a library file ${dest} already exists: delete it first or import under another name`);
    }
    const store = await LibraryFileStore.open(dest);
    await store.load(blob, layout, nameOf(dest));
    await store.putMeta({ ...(await store.getMeta())!, updatedAt: Date.now() });
    await store.flush();
    return this.library(dest, {}, store);
  }

  async deleteLibrary(name: string): Promise<void> {
    const file = libraryFileOf(name, this.folder);
    const opening = this.open.get(file);
    this.open.delete(file);
    const opened = await opening?.catch(() => undefined);
    if (opened) {
      await opened.library.settled();
      opened.library.close();
    }
    await rm(file, { force: true });
  }

  async list(): Promise<LibrarySummary[]> {
    const names = (await readdir(this.folder).catch(() => [] as string[])).filter((n) => n.endsWith(LIBRARY_EXTENSION)).sort();
    const out: LibrarySummary[] = [];
    for (const n of names) {
      try {
        const { header } = await readLibraryLayout(await openAsBlob(join(this.folder, n)));
        const { model, prep, dim, storage, createdAt, exportedAt } = header;
        out.push({ name: nameOf(n), model, prep, dim, storage, createdAt, updatedAt: exportedAt });
      } catch {
        // Not a library file (or a damaged one): not listed.
      }
    }
    return out;
  }

  /** Flushes and closes every open library. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((file) => this.close(file)));
  }
}
