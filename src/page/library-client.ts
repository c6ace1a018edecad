// The page side of a photo library: each method forwards to the worker, which holds the
// library's vectors and IndexedDB records; images move to the worker as in embedImages.
import * as Comlink from 'comlink';
import type { ImageInput } from '../shared/clip';
import { ClipError } from '../shared/errors';
import type { Library, LibraryPhotoInput, TagOptions } from '../shared/library';
import type { ProgressCallback } from '../shared/progress';
import type { WireImage } from '../shared/wire';
import type { WorkerApi } from '../shared/worker-api';
import { prepareImages } from './image-input';
import type { CallPolicy } from './worker-connection';

/**
 * How the library reaches the worker (src/page/worker-connection.ts): a dead worker becomes
 * WORKER_CRASHED, and a call with `retry` runs once more on its replacement.
 */
export interface LibraryLink {
  readonly call: <T>(work: (remote: Comlink.Remote<WorkerApi>) => Promise<T>, policy: CallPolicy) => Promise<T>;
}

// Reads can run again on a new worker; writes are not repeated behind the caller's back (the
// caller learns of the crash, and IndexedDB kept only whole photos).
const READ = { retry: true } as const;
const WRITE = { retry: false } as const;

async function prepareOne(image: ImageInput): Promise<{ image: WireImage; transfer: Transferable[] }> {
  const { images, transfer } = await prepareImages([image]);
  return { image: images[0]!, transfer };
}

/** Marks what moves with a value; comlink's registry takes objects only (a photo id moves nothing). */
const moving = <T>(value: T, transfer: Transferable[]): T =>
  transfer.length > 0 && typeof value === 'object' && value !== null ? Comlink.transfer(value, transfer) : value;

/** A photo id stays a string; anything else is an image to prepare. */
async function target(idOrImage: string | ImageInput): Promise<{ target: string | WireImage; transfer: Transferable[] }> {
  if (typeof idOrImage === 'string') return { target: idOrImage, transfer: [] };
  const { image, transfer } = await prepareOne(idOrImage);
  return { target: image, transfer };
}

async function preparePhotos(photos: readonly LibraryPhotoInput[]): Promise<{ photos: { id: string; image: WireImage }[]; transfer: Transferable[] }> {
  if (!Array.isArray(photos)) throw new ClipError('BAD_INPUT', 'photos must be an array of {id, image}');
  const { images, transfer } = await prepareImages(photos.map((p) => (p as Partial<LibraryPhotoInput>)?.image as ImageInput));
  return { photos: photos.map((p, i) => ({ id: (p as Partial<LibraryPhotoInput>)?.id as string, image: images[i]! })), transfer };
}

export function libraryClient(name: string, { call }: LibraryLink): Library {
  const proxied = (progress: ProgressCallback | undefined) => (progress ? Comlink.proxy(progress) : undefined);
  // An image that moved to the dead worker is gone: such a read is not repeated either.
  const readOnce = (transfer: readonly Transferable[]): CallPolicy => (transfer.length === 0 ? READ : WRITE);
  return {
    name,
    info: () => call((remote) => remote.libraryInfo(name), READ),
    async add(photos, { signal, onProgress } = {}) {
      const wire = await preparePhotos(photos);
      return call((remote) => remote.libraryAdd(name, moving(wire.photos, wire.transfer), signal, proxied(onProgress)), WRITE);
    },
    async reindex(photos, { signal, onProgress } = {}) {
      const wire = await preparePhotos(photos);
      return call((remote) => remote.libraryReindex(name, moving(wire.photos, wire.transfer), signal, proxied(onProgress)), WRITE);
    },
    remove: (ids) => call((remote) => remote.libraryRemove(name, [...ids]), WRITE),
    count: () => call((remote) => remote.libraryCount(name), READ),
    ids: () => call((remote) => remote.libraryIds(name), READ),
    staleIds: () => call((remote) => remote.libraryStaleIds(name), READ),
    search: (text, { k } = {}) => call((remote) => remote.librarySearch(name, text, k), READ),
    async similar(idOrImage, { k, signal } = {}) {
      const t = await target(idOrImage);
      return call((remote) => remote.librarySimilar(name, moving(t.target, t.transfer), k, signal), readOnce(t.transfer));
    },
    async tag(idOrImage, { signal, ...options } = {}) {
      const t = await target(idOrImage);
      return call((remote) => remote.libraryTag(name, moving(t.target, t.transfer), tagOptions(options), signal), readOnce(t.transfer));
    },
    tagAll: ({ signal, onProgress, ...options } = {}) =>
      call((remote) => remote.libraryTagAll(name, tagOptions(options), signal, proxied(onProgress)), READ),
    duplicates: ({ threshold } = {}) => call((remote) => remote.libraryDuplicates(name, threshold), READ),
    export: () => call((remote) => remote.libraryExport(name), READ),
  };
}

/** Only the tag options, as plain data (a frozen or exotic object must not reach postMessage). */
function tagOptions({ vocabulary, topK, threshold }: TagOptions): TagOptions {
  return {
    ...(vocabulary === undefined ? {} : { vocabulary: [...vocabulary] }),
    ...(topK === undefined ? {} : { topK }),
    ...(threshold === undefined ? {} : { threshold }),
  };
}
