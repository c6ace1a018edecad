// The demo page: index photos, see their tags, search by a sentence, classify with your labels,
// open one with its similar photos, group duplicates; all on this device, offline once visited.
import { createClip, isClipError, modelCache, REGISTRY, type Clip, type Library } from '../index';
import { addFiles, isImageFile, type ProgressUi } from './adding';
import { registerAppShell } from './app-shell';
import { byId, make } from './dom';
import { Gallery } from './gallery';
import { addressFor, choiceFromAddress, isHubModel, modelInput, type ModelChoice } from './model-choice';
import { recordIndexing, recordSearch } from './model-speed';
import { loadPhotos } from './photo-store';
import { openSettings } from './settings';
import { StatusBar } from './status-bar';

const BASE = import.meta.env.BASE_URL;
/** Tags shown on each photo. */
const TOP_TAGS = 3;
/** A search waits this long after the last key. */
const SEARCH_DEBOUNCE_MS = 250;

/** What the page shows of itself to scripts and tests (its only global). */
declare global {
  interface Window {
    webclipDemo?: { info: Clip['info']; library: string; photos: number };
  }
}

const fileInput = byId<HTMLInputElement>('file-input');
const folderInput = byId<HTMLInputElement>('folder-input');
const searchInput = byId<HTMLInputElement>('search');
const notice = byId<HTMLDivElement>('notice');
const gallery = new Gallery(byId<HTMLUListElement>('gallery'), byId('empty'), (id) => void openPhoto(id).catch(showError));
const status = new StatusBar(byId('status'));
const progress: ProgressUi = {
  region: byId('progress'),
  bar: byId<HTMLProgressElement>('progress-bar'),
  text: byId('progress-text'),
  cancel: byId<HTMLButtonElement>('cancel'),
};

let clip: Clip | null = null;
let library: Library | null = null;
let choice: ModelChoice = choiceFromAddress(location.search);

function setNotice(kind: 'info' | 'warning' | 'error' | null, text = '', actions: { label: string; run: () => void }[] = []): void {
  notice.hidden = kind === null;
  notice.className = `notice ${kind ?? ''}`;
  notice.replaceChildren(
    make('p', {}, text),
    make('div', { class: 'actions' }, ...actions.map(({ label, run }) => {
      const button = make('button', { type: 'button' }, label);
      button.addEventListener('click', run);
      return button;
    })),
  );
}

function showError(error: unknown): void {
  const text = isClipError(error) ? `${error.code}: ${error.message}` : `Something went wrong: ${error instanceof Error ? error.message : String(error)}`;
  setNotice('error', text);
}

function enable(on: boolean): void {
  for (const input of [fileInput, folderInput, searchInput]) input.disabled = !on;
}

/** Loads a model (an id, URL or 'test' from the address; or a picked folder) and its library. */
async function start(model: string | FileList, device = choice.device, dtype = choice.dtype): Promise<void> {
  enable(false);
  setNotice(null);
  await clip?.dispose().catch(() => undefined);
  clip = null;
  library = null;
  gallery.remove(gallery.ids());
  const label = typeof model === 'string' ? (model === 'test' ? 'the test model' : model) : 'the model folder';
  status.loading(`Loading ${label}…`);
  try {
    clip = await createClip({
      model: typeof model === 'string' ? modelInput(model, BASE) : model,
      device,
      dtype,
      onProgress: (e) => {
        if (e.phase === 'download' && e.overall) status.loading(`Downloading ${label}`, e.overall.loaded, e.overall.total);
        else if (e.message) status.loading(e.message);
      },
    });
  } catch (error) {
    status.failed(error);
    modelFailed(model, error);
    return;
  }
  const info = clip.info;
  if (typeof model === 'string' && model === 'test') {
    setNotice('warning', 'This is the test model: the real CLIP architecture with random weights, so its tags and search results mean nothing. It is here to try the page offline.', [
      { label: 'Use CLIP ViT-B/32 instead', run: () => navigate({ ...choice, model: REGISTRY[0]!.id }) },
    ]);
  }
  library = await clip.library(`photos · ${info.model}`);
  window.webclipDemo = { info, library: library.name, photos: 0 };
  await status.ready(info, library);
  await restore(library);
  updateCount();
  enable(true);
  status.markReady();
}

/** The hub (or the host) could not be reached, or the model is not there: say so, offer the rest. */
function modelFailed(model: string | FileList, error: unknown): void {
  const code = isClipError(error) ? error.code : 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  const where = typeof model === 'string' && isHubModel(model) ? 'the Hugging Face Hub' : 'that model location';
  const offline = !navigator.onLine || code === 'DOWNLOAD_FAILED';
  const text = offline
    ? `The model could not be downloaded from ${where} (${code}: ${message}). You may be offline. Models already downloaded, a model folder on this computer and the test model still work.`
    : `The model could not be loaded (${code}: ${message}).`;
  setNotice('error', text, [
    { label: 'Try again', run: () => void start(model).catch(showError) },
    { label: 'Use the test model (offline)', run: () => navigate({ ...choice, model: 'test' }) },
    { label: 'Load a model folder…', run: () => void openSettings(settingsContext(), 'disk') },
  ]);
}

/** The photos a previous visit indexed: previews from the demo's store, tags from the library. */
async function restore(lib: Library): Promise<void> {
  const ids = await lib.ids();
  if (ids.length === 0) return;
  const stored = await loadPhotos(lib.name, ids);
  // In the order they were added (the library's ids come unordered).
  const photos = ids
    .map((id, i) => ({ id, name: stored[i]?.name ?? id.split('|')[0]!, preview: stored[i]?.preview ?? null, addedAt: stored[i]?.addedAt ?? Number.MAX_SAFE_INTEGER }))
    .sort((a, b) => a.addedAt - b.addedAt);
  gallery.put(photos);
  gallery.setTags(await lib.tagAll({ topK: TOP_TAGS }));
}

function updateCount(): void {
  if (window.webclipDemo) window.webclipDemo.photos = gallery.size;
  status.photos(gallery.size);
}

async function add(files: readonly File[]): Promise<void> {
  const lib = library;
  if (!lib) return;
  const images = files.filter(isImageFile);
  if (images.length === 0) {
    setNotice('info', 'None of those files is a photo.');
    return;
  }
  const result = await addFiles(images, { library: lib, gallery, ui: progress, tagsOf: (id) => lib.tag(id, { topK: TOP_TAGS }) });
  if (clip && !result.cancelled) recordIndexing(choice.model, clip.info.device, clip.info.dtype, result.indexed, result.addSeconds);
  updateCount();
  if (result.failed > 0) setNotice('warning', `${result.failed} of ${images.length} files could not be read as photos; they are marked in red.`);
  await rerunView();
}

// ---- views: photos (with a search), your labels, duplicates ----

let view: 'photos' | 'labels' | 'duplicates' = 'photos';
let searchTimer: ReturnType<typeof setTimeout> | undefined;
let searchSerial = 0;

async function runSearch(): Promise<void> {
  const lib = library;
  const text = searchInput.value.trim();
  const serial = ++searchSerial;
  if (!lib || text === '') {
    if (view !== 'labels') gallery.show({ kind: 'tags' });
    return;
  }
  const searchStarted = performance.now();
  const hits = await lib.search(text, { k: Math.max(1, gallery.size) });
  if (clip) recordSearch(choice.model, clip.info.device, clip.info.dtype, performance.now() - searchStarted);
  // A later keystroke's search may already have answered.
  if (serial === searchSerial) gallery.show({ kind: 'search', text, hits });
}

async function classifyWithLabels(): Promise<void> {
  const lib = library;
  if (!lib) return;
  const labels = byId<HTMLInputElement>('labels').value.split(',').map((l) => l.trim()).filter(Boolean);
  if (labels.length === 0) return setNotice('info', 'Type a few labels, separated by commas.');
  const tagged = await lib.tagAll({ vocabulary: labels, topK: 1, threshold: 0 });
  gallery.show({ kind: 'labels', best: new Map(tagged.flatMap((t) => (t.tags[0] ? [[t.id, t.tags[0]]] : []))) });
}

async function showDuplicates(): Promise<void> {
  const lib = library;
  const section = byId('duplicates');
  if (!lib) return;
  const groups = await lib.duplicates();
  section.replaceChildren(
    groups.length === 0
      ? make('p', { class: 'empty' }, 'No near-identical photos found.')
      : make('div', {}, ...groups.map((ids, i) =>
          make('div', { class: 'group', 'data-testid': 'duplicate-group' },
            make('h3', {}, `Group ${i + 1}: ${ids.length} photos`),
            make('ul', { class: 'gallery small' }, ...ids.map((id) => gallery.cardFor(id))),
          ),
        )),
  );
}

async function rerunView(): Promise<void> {
  if (view === 'labels') await classifyWithLabels();
  else if (view === 'duplicates') await showDuplicates();
  else await runSearch();
}

function selectView(next: typeof view): void {
  view = next;
  for (const tab of document.querySelectorAll<HTMLButtonElement>('[role="tab"]')) tab.setAttribute('aria-selected', String(tab.dataset.view === next));
  byId('labels-panel').hidden = next !== 'labels';
  byId('gallery').hidden = next === 'duplicates';
  byId('duplicates').hidden = next !== 'duplicates';
  void rerunView().catch(showError);
}

// ---- one photo, large ----

async function openPhoto(id: string): Promise<void> {
  const lib = library;
  if (!lib) return;
  const dialog = byId<HTMLDialogElement>('photo-dialog');
  byId('photo-title').textContent = gallery.nameOf(id);
  const image = byId<HTMLImageElement>('photo-large');
  image.src = gallery.previewOf(id) ?? '';
  image.alt = gallery.nameOf(id);
  byId('photo-tags').replaceChildren(make('li', {}, '…'));
  byId('photo-similar').replaceChildren();
  if (!dialog.open) dialog.showModal();
  const [tags, similar] = await Promise.all([lib.tag(id, { topK: 8 }), lib.similar(id, { k: 6 })]);
  byId('photo-tags').replaceChildren(
    ...(tags.length > 0
      ? tags.map((t) => make('li', {}, t.tag, make('span', { class: 'value' }, t.score.toFixed(2))))
      : [make('li', {}, 'no confident tag')]),
  );
  byId('photo-similar').replaceChildren(...similar.map((h) => gallery.cardFor(h.id, `similarity ${h.score.toFixed(3)}`)));
}

// ---- settings ----

function navigate(next: ModelChoice): void {
  choice = next;
  history.replaceState(null, '', addressFor(next));
  void start(next.model, next.device, next.dtype).catch(showError);
}

function settingsContext() {
  return {
    choice,
    apply: (next: ModelChoice) => navigate(next),
    applyFolder: (files: FileList, device: ModelChoice['device'], dtype: ModelChoice['dtype']) => void start(files, device, dtype).catch(showError),
    clearCache: async () => {
      await clip?.dispose().catch(() => undefined);
      clip = null;
      await modelCache.clear();
      setNotice('info', 'The cached models are deleted. Your photos and their index stay; the next start downloads the model again.', [
        { label: 'Reload the model', run: () => navigate(choice) },
      ]);
      status.loading('No model loaded.');
    },
  };
}

// ---- wiring ----

fileInput.addEventListener('change', () => {
  const files = [...(fileInput.files ?? [])];
  fileInput.value = '';
  void add(files).catch(showError);
});
folderInput.addEventListener('change', () => {
  const files = [...(folderInput.files ?? [])];
  folderInput.value = '';
  void add(files).catch(showError);
});
searchInput.addEventListener('input', () => {
  clearTimeout(searchTimer);
  if (view !== 'photos') selectView('photos');
  searchTimer = setTimeout(() => void runSearch().catch(showError), SEARCH_DEBOUNCE_MS);
});
for (const tab of document.querySelectorAll<HTMLButtonElement>('[role="tab"]')) {
  tab.addEventListener('click', () => selectView(tab.dataset.view as typeof view));
}
byId<HTMLFormElement>('labels-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void classifyWithLabels().catch(showError);
});
byId('settings-button').addEventListener('click', () => void openSettings(settingsContext()));

// Drop anywhere: an overlay while files are over the page.
const overlay = byId('drop-overlay');
let dragDepth = 0;
const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
document.addEventListener('dragenter', (event) => {
  if (!carriesFiles(event)) return;
  dragDepth++;
  overlay.hidden = !library;
});
document.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) overlay.hidden = true;
});
document.addEventListener('dragover', (event) => {
  if (carriesFiles(event)) event.preventDefault();
});
document.addEventListener('drop', (event) => {
  if (!carriesFiles(event)) return;
  event.preventDefault();
  dragDepth = 0;
  overlay.hidden = true;
  void add([...(event.dataTransfer?.files ?? [])]).catch(showError);
});

async function main(): Promise<void> {
  // Before the model loads, so the worker and onnxruntime's files come through the service
  // worker and are kept: the next visit starts with no network.
  await registerAppShell(BASE);
  await start(choice.model);
}

main().catch(showError);

