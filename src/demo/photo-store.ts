// The demo's own record of each photo (name, 384-px JPEG preview) in IndexedDB (`webclip-demo`),
// so a reopened page shows its library without the original files.
import { createStore, delMany, getMany, setMany, type UseStore } from 'idb-keyval';

export interface StoredPhoto {
  readonly id: string;
  readonly name: string;
  readonly preview: Blob;
  readonly addedAt: number;
}

const PREVIEW_SIZE = 384;
let store: UseStore | undefined;
const photos = (): UseStore => (store ??= createStore('webclip-demo', 'photos'));
const key = (library: string, id: string) => `${library}\n${id}`;

/** A JPEG preview of an image file, or null when the browser cannot decode it. */
export async function makePreview(file: Blob): Promise<Blob | null> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return null;
  }
  const scale = Math.min(1, PREVIEW_SIZE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) return null;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.82 });
}

export async function savePhotos(library: string, records: readonly StoredPhoto[]): Promise<void> {
  await setMany(records.map((r) => [key(library, r.id), r]), photos());
}

/** The stored photos of these ids (undefined where none is stored). */
export async function loadPhotos(library: string, ids: readonly string[]): Promise<(StoredPhoto | undefined)[]> {
  return getMany<StoredPhoto>(ids.map((id) => key(library, id)), photos());
}

export async function forgetPhotos(library: string, ids: readonly string[]): Promise<void> {
  await delMany(ids.map((id) => key(library, id)), photos());
}
