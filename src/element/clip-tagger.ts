// <clip-tagger>: a drop zone that tags each photo with the page author's labels, on this device;
// each photo embedded once, re-ranked when labels, top-k or threshold change (docs/element.md).
import { isClipError, rankLabels, rankLabelsBy, type Clip, type ClipErrorCode, type Dtype, type LabelScore, type ProgressEvent } from '../index';
import { sharedClip } from './shared-clip';
import { TAGGER_STYLE } from './clip-tagger-style';

let sheet: CSSStyleSheet | undefined;
const taggerSheet = (): CSSStyleSheet => {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(TAGGER_STYLE);
  }
  return sheet;
};

/** One photo the element has tagged (or failed to). */
export interface TaggedPhoto {
  readonly name: string;
  /** Best first: at most top-k labels whose softmax score reaches threshold. */
  readonly tags: readonly LabelScore[];
  /** Set when the photo could not be read: its ClipError code. */
  readonly error?: ClipErrorCode | undefined;
}

export interface ClipTagsDetail extends TaggedPhoto {
  readonly index: number;
}
export interface ClipErrorDetail {
  readonly code: ClipErrorCode | 'INTERNAL';
  readonly message: string;
  /** The photo it concerns, when it concerns one. */
  readonly name?: string;
}

const DEFAULT_LABELS = ['photo', 'drawing', 'screenshot', 'document'];
/** Events bubble out of the shadow root, so a page can listen on any ancestor. */
const EVENT = { bubbles: true, composed: true } as const;

interface Photo {
  name: string;
  url: string;
  vector: Float32Array | null;
  tags: LabelScore[];
  error?: ClipErrorCode;
}

export class ClipTagger extends HTMLElement {
  static readonly observedAttributes = ['model', 'labels', 'top-k', 'threshold', 'device', 'dtype'];

  private readonly root: ShadowRoot;
  private readonly list: HTMLOListElement;
  private readonly statusLine: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly photos: Photo[] = [];
  private clip: Promise<Clip> | null = null;
  private labelVectors: Promise<Float32Array[]> | null = null;
  private resolveReady!: () => void;
  private rejectReady!: (error: unknown) => void;
  /** Resolves when the model is loaded (again after `model`, `device` or `dtype` change). */
  ready: Promise<void>;
  private serial = 0;

  constructor() {
    super();
    this.ready = this.newReady();
    this.root = this.attachShadow({ mode: 'open' });
    // A constructed sheet, shared by every element: a <style> element would be refused by a
    // page whose Content-Security-Policy allows no inline style.
    this.root.adoptedStyleSheets = [taggerSheet()];
    this.input = Object.assign(document.createElement('input'), { type: 'file', accept: 'image/*', multiple: true, hidden: true });
    const zone = document.createElement('button');
    zone.type = 'button';
    zone.setAttribute('part', 'dropzone');
    zone.textContent = 'Add photos, or drop them here';
    zone.addEventListener('click', () => this.input.click());
    this.input.addEventListener('change', () => {
      const files = [...(this.input.files ?? [])];
      this.input.value = '';
      void this.addFiles(files);
    });
    zone.addEventListener('dragover', (event) => {
      event.preventDefault();
      zone.toggleAttribute('data-over', true);
    });
    zone.addEventListener('dragleave', () => zone.removeAttribute('data-over'));
    zone.addEventListener('drop', (event) => {
      event.preventDefault();
      zone.removeAttribute('data-over');
      void this.addFiles([...(event.dataTransfer?.files ?? [])]);
    });
    this.statusLine = Object.assign(document.createElement('p'), { role: 'status' });
    this.statusLine.setAttribute('part', 'status');
    this.list = document.createElement('ol');
    this.list.setAttribute('part', 'list');
    this.list.setAttribute('aria-label', 'Tagged photos');
    this.root.append(zone, this.input, this.statusLine, this.list);
  }

  connectedCallback(): void {
    if (!this.clip) this.load();
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old === value || !this.isConnected) return;
    if (name === 'model' || name === 'device' || name === 'dtype') {
      this.load();
      return;
    }
    if (name === 'labels') this.labelVectors = null;
    void this.retagAll();
  }

  /** The labels photos are tagged with (the `labels` attribute, split on commas). */
  get labels(): string[] {
    const value = this.getAttribute('labels');
    const labels = (value ?? '').split(',').map((l) => l.trim()).filter(Boolean);
    return labels.length > 0 ? labels : DEFAULT_LABELS;
  }

  set labels(labels: readonly string[]) {
    this.setAttribute('labels', labels.join(', '));
  }

  /** Every photo added so far, in order, with its current tags. */
  get results(): TaggedPhoto[] {
    return this.photos.map((p) => this.resultOf(p));
  }

  /** Tags the photos (images only; others are reported with BAD_IMAGE), each as it is done. */
  async addFiles(files: Iterable<File>): Promise<void> {
    const added = [...files].map((file) => ({ file, photo: { name: file.name, url: URL.createObjectURL(file), vector: null, tags: [] } as Photo }));
    if (added.length === 0) return;
    this.photos.push(...added.map((a) => a.photo));
    this.render();
    let clip: Clip;
    try {
      clip = await this.clipNow();
    } catch {
      return; // the load's failure was reported as clip-error
    }
    for (const { file, photo } of added) {
      try {
        [photo.vector] = (await clip.embedImages([file])) as [Float32Array];
      } catch (error) {
        photo.error = isClipError(error) ? error.code : 'BAD_IMAGE';
        this.fail(error, photo.name);
      }
      if (this.photos.includes(photo)) await this.tag(photo);
    }
  }

  /** Forgets every photo. */
  clear(): void {
    for (const p of this.photos) URL.revokeObjectURL(p.url);
    this.photos.length = 0;
    this.render();
  }

  private newReady(): Promise<void> {
    const ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    ready.catch(() => undefined); // also reported as clip-error; awaiting it is optional
    return ready;
  }

  private load(): void {
    const serial = ++this.serial;
    if (this.clip) this.ready = this.newReady();
    const device = (this.getAttribute('device') ?? 'auto') as 'auto' | 'webgpu' | 'wasm';
    const dtype = (this.getAttribute('dtype') ?? 'auto') as 'auto' | Dtype;
    const model = this.getAttribute('model') ?? 'Xenova/clip-vit-base-patch32';
    this.labelVectors = null;
    this.status('Loading the model…');
    const clip = sharedClip({ model, device, dtype }, (event: ProgressEvent) => {
      this.dispatchEvent(new CustomEvent<ProgressEvent>('clip-progress', { detail: event, ...EVENT }));
      if (event.phase === 'download' && event.overall?.total) this.status(`Downloading the model: ${Math.floor((100 * event.overall.loaded) / event.overall.total)} %`);
    });
    this.clip = clip;
    clip.then(
      () => {
        if (serial !== this.serial) return;
        this.status('');
        this.resolveReady();
        this.dispatchEvent(new CustomEvent('clip-ready', EVENT));
        // Photos embedded by another model must be embedded again.
        for (const p of this.photos) p.vector = null;
        void this.reembed();
      },
      (error: unknown) => {
        if (serial !== this.serial) return;
        this.status(isClipError(error) ? `${error.code}: ${error.message}` : String(error));
        this.rejectReady(error);
        this.fail(error);
      },
    );
  }

  private async clipNow(): Promise<Clip> {
    if (!this.clip) this.load();
    return this.clip!;
  }

  private async reembed(): Promise<void> {
    const clip = await this.clipNow();
    for (const photo of this.photos) {
      if (photo.vector || photo.error) continue;
      const blob = await (await fetch(photo.url)).blob();
      try {
        [photo.vector] = (await clip.embedImages([blob])) as [Float32Array];
      } catch (error) {
        photo.error = isClipError(error) ? error.code : 'BAD_IMAGE';
      }
      await this.tag(photo);
    }
  }

  private async retagAll(): Promise<void> {
    for (const photo of this.photos) if (photo.vector) await this.tag(photo);
  }

  private async vectorsOfLabels(): Promise<Float32Array[]> {
    const clip = await this.clipNow();
    // The engine's label path, as classify scores labels (its default prompt, "a photo of a …"):
    // cached there and in IndexedDB, so labels every element shares are encoded once.
    this.labelVectors ??= clip.embedLabels(this.labels);
    return this.labelVectors;
  }

  private tagsOf(photo: Photo, labelVectors: readonly Float32Array[], info: Clip['info']): LabelScore[] {
    if (!photo.vector) return [];
    const topK = Math.max(1, Number.parseInt(this.getAttribute('top-k') ?? '3', 10) || 3);
    const threshold = Number.parseFloat(this.getAttribute('threshold') ?? '0') || 0;
    // SigLIP: each label's own probability; CLIP: the softmax over the labels
    const ranked = info.scoring?.kind === 'sigmoid'
      ? rankLabelsBy(info.scoring, photo.vector, this.labels, labelVectors)
      : rankLabels(photo.vector, this.labels, labelVectors, info.logitScale);
    return ranked.filter((s) => s.score >= threshold).slice(0, topK);
  }

  private async tag(photo: Photo): Promise<void> {
    let labelVectors: Float32Array[];
    let clip: Clip;
    try {
      clip = await this.clipNow();
      labelVectors = await this.vectorsOfLabels();
    } catch (error) {
      this.labelVectors = null;
      this.fail(error);
      return;
    }
    photo.tags = this.tagsOf(photo, labelVectors, clip.info);
    this.render();
    this.dispatchEvent(new CustomEvent<ClipTagsDetail>('clip-tags', { detail: { ...this.resultOf(photo), index: this.photos.indexOf(photo) }, ...EVENT }));
  }

  private resultOf(photo: Photo): TaggedPhoto {
    return { name: photo.name, tags: photo.tags, ...(photo.error ? { error: photo.error } : {}) };
  }

  private fail(error: unknown, name?: string): void {
    const detail: ClipErrorDetail = {
      code: isClipError(error) ? error.code : 'INTERNAL',
      message: error instanceof Error ? error.message : String(error),
      ...(name === undefined ? {} : { name }),
    };
    this.dispatchEvent(new CustomEvent<ClipErrorDetail>('clip-error', { detail, ...EVENT }));
  }

  private status(text: string): void {
    this.statusLine.textContent = text;
  }

  private render(): void {
    this.list.replaceChildren(
      ...this.photos.map((photo) => {
        const item = document.createElement('li');
        item.setAttribute('part', 'item');
        const image = Object.assign(document.createElement('img'), { src: photo.url, alt: photo.name });
        image.setAttribute('part', 'thumbnail');
        const tags = document.createElement('ul');
        tags.setAttribute('part', 'tags');
        const result = this.resultOf(photo);
        if (result.error) tags.append(Object.assign(document.createElement('li'), { textContent: `could not be read (${result.error})` }));
        else if (!photo.vector) tags.append(Object.assign(document.createElement('li'), { textContent: 'tagging…' }));
        for (const t of result.tags) {
          const tag = Object.assign(document.createElement('li'), { textContent: `${t.label} ${Math.round(t.score * 100)} %` });
          tag.setAttribute('part', 'tag');
          tags.append(tag);
        }
        const name = Object.assign(document.createElement('span'), { textContent: photo.name });
        name.setAttribute('part', 'name');
        item.append(image, name, tags);
        return item;
      }),
    );
  }
}
