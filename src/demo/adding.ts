// Adding photos on the demo page: previews first, then the library embeds them in groups with
// progress, rate and time left, and a Cancel that keeps what was indexed.
import { isClipError, type Library, type TagScore } from '../index';
import type { Gallery } from './gallery';
import { forgetPhotos, makePreview, savePhotos } from './photo-store';

export interface ProgressUi {
  readonly region: HTMLElement;
  readonly bar: HTMLProgressElement;
  readonly text: HTMLElement;
  readonly cancel: HTMLButtonElement;
}

export interface AddContext {
  readonly library: Library;
  readonly gallery: Gallery;
  readonly ui: ProgressUi;
  /** Tags a finished photo is shown with. */
  readonly tagsOf: (id: string) => Promise<TagScore[]>;
}

/** Photos embedded per call: small enough that tags and progress come often. */
const GROUP = 16;
const IMAGE_NAME = /\.(jpe?g|png|gif|webp|avif|bmp|heic|heif|tiff?)$/i;

export const isImageFile = (file: File): boolean => file.type.startsWith('image/') || IMAGE_NAME.test(file.name);

/** A photo's id in the library: its path in the picked folder (or its name), size and date. */
export const photoId = (file: File): string => `${file.webkitRelativePath || file.name}|${file.size}|${file.lastModified}`;

let running: AbortController | null = null;

/** Adds image files; resolves with how many were indexed (already-indexed ones count too). */
export async function addFiles(
  files: readonly File[],
  context: AddContext,
): Promise<{ indexed: number; failed: number; cancelled: boolean; addSeconds: number }> {
  if (running) throw new Error('photos are already being added');
  const { library, gallery, ui } = context;
  const photos = dedupe(files.filter(isImageFile)).map((file) => ({ id: photoId(file), file }));
  const controller = new AbortController();
  running = controller;
  ui.region.hidden = false;
  ui.cancel.disabled = false;
  ui.cancel.onclick = () => controller.abort();
  const started = performance.now();
  let done = 0;
  let failed = 0;
  // the library's own time (decode, embed, store), without previews and tags: the model's speed
  let addMs = 0;
  const report = () => {
    ui.bar.max = Math.max(1, photos.length);
    ui.bar.value = done;
    const seconds = (performance.now() - started) / 1000;
    const rate = done / Math.max(seconds, 1e-3);
    const left = rate > 0 ? (photos.length - done) / rate : NaN;
    ui.text.textContent =
      `${done} of ${photos.length} photos` +
      (done > 0 ? ` · ${rate.toFixed(1)} photos/s · ${Number.isFinite(left) ? `about ${formatSeconds(left)} left` : ''}` : ' · preparing…');
  };
  report();
  // Previews run ahead of the embedding, so every photo shows at once.
  const previews = makePreviews(photos, gallery, library.name, controller.signal);
  try {
    for (let at = 0; at < photos.length && !controller.signal.aborted; at += GROUP) {
      const group = photos.slice(at, at + GROUP);
      await previews.upTo(at + group.length);
      const addStarted = performance.now();
      const result = await library.add(
        group.map((p) => ({ id: p.id, image: p.file })),
        { signal: controller.signal },
      );
      addMs += performance.now() - addStarted;
      const ok = [...result.added, ...result.unchanged];
      gallery.indexed(ok);
      gallery.failed(result.failed);
      failed += result.failed.length;
      done += group.length;
      report();
      // The first tags of a model encode its whole vocabulary (about a minute for ViT-B/32 on 2
      // cores, once: then it is kept in IndexedDB); say so rather than seem stuck.
      const slow = setTimeout(() => {
        ui.text.textContent = `${done} of ${photos.length} photos · preparing the tag vocabulary (once per model)…`;
      }, 1000);
      const tags = await Promise.all(ok.map(async (id) => ({ id, tags: await context.tagsOf(id) }))).finally(() => clearTimeout(slow));
      gallery.setTags(tags);
    }
  } catch (error) {
    if (!isClipError(error, 'ABORTED')) throw error;
  } finally {
    running = null;
    const cancelled = controller.signal.aborted;
    controller.abort(); // stops the previews still to come
    await previews.settled();
    if (cancelled) {
      // What was not indexed goes, preview and all: the grid shows only what the library holds.
      const indexed = new Set(await library.ids());
      const dropped = photos.map((p) => p.id).filter((id) => !indexed.has(id));
      gallery.remove(dropped);
      await forgetPhotos(library.name, dropped);
    }
    ui.region.hidden = true;
  }
  return { indexed: done - failed, failed, cancelled: controller.signal.aborted && done < photos.length, addSeconds: addMs / 1000 };
}

/** One file per id (the same file picked twice, or dropped with its folder). */
function dedupe(files: readonly File[]): File[] {
  const seen = new Map<string, File>();
  for (const f of files) seen.set(photoId(f), f);
  return [...seen.values()];
}

function makePreviews(photos: readonly { id: string; file: File }[], gallery: Gallery, libraryName: string, signal: AbortSignal) {
  let made = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  const release = () => {
    made = Infinity;
    for (const w of waiters) w.resolve();
  };
  const work = (async () => {
    for (let at = 0; at < photos.length && !signal.aborted; at += GROUP) {
      const group = photos.slice(at, at + GROUP);
      const shown = await Promise.all(
        group.map(async (p) => ({ id: p.id, name: p.file.webkitRelativePath || p.file.name, preview: await makePreview(p.file), addedAt: Date.now() })),
      );
      gallery.put(shown.map((s) => ({ ...s, pending: true })));
      await savePhotos(
        libraryName,
        shown.flatMap((s) => (s.preview ? [{ ...s, preview: s.preview }] : [])),
      );
      made += group.length;
      for (const w of waiters.filter((w) => w.count <= made)) w.resolve();
    }
  })().finally(release); // a failed preview store must not leave the embedding waiting
  return {
    upTo: (count: number) => (made >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve }))),
    settled: () => work.catch(() => undefined),
  };
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}
