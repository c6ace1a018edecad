// The photo grid: one card per photo (preview, name, top tags), in the order photos were added,
// or ranked by a search with each photo's score, or labelled with the user's own labels.
import type { TagScore } from '../index';
import { make } from './dom';

interface Card {
  readonly id: string;
  name: string;
  url: string | null;
  tags: TagScore[] | null;
  /** Why it could not be indexed (a ClipError code and message). */
  failure: string | null;
  pending: boolean;
  /** Bumped on every change: a card's element is rebuilt only when this (or what it shows) changed. */
  version: number;
}

export type Shown =
  | { readonly kind: 'tags' }
  | { readonly kind: 'search'; readonly text: string; readonly hits: readonly { id: string; score: number }[] }
  | { readonly kind: 'labels'; readonly best: ReadonlyMap<string, { tag: string; score: number }> };

export class Gallery {
  private readonly cards = new Map<string, Card>();
  /** The grid's element of each card, with what it was built from: a render reuses unchanged ones. */
  private readonly elements = new Map<string, { key: string; element: HTMLLIElement }>();
  private shown: Shown = { kind: 'tags' };

  constructor(
    private readonly list: HTMLUListElement,
    private readonly empty: HTMLElement,
    private readonly onOpen: (id: string) => void,
  ) {}

  get size(): number {
    return this.cards.size;
  }

  ids(): string[] {
    return [...this.cards.keys()];
  }

  has(id: string): boolean {
    return this.cards.has(id);
  }

  nameOf(id: string): string {
    return this.cards.get(id)?.name ?? id;
  }

  previewOf(id: string): string | null {
    return this.cards.get(id)?.url ?? null;
  }

  tagsOf(id: string): TagScore[] | null {
    return this.cards.get(id)?.tags ?? null;
  }

  /** Adds or updates photos; `preview` blobs become object URLs owned here. */
  put(photos: readonly { id: string; name: string; preview: Blob | null; pending?: boolean }[]): void {
    for (const p of photos) {
      const card = this.cards.get(p.id);
      const url = p.preview ? URL.createObjectURL(p.preview) : null;
      if (card) {
        if (card.url) URL.revokeObjectURL(card.url);
        Object.assign(card, { name: p.name, url, pending: p.pending ?? false, failure: null, version: card.version + 1 });
      } else {
        this.cards.set(p.id, { id: p.id, name: p.name, url, tags: null, failure: null, pending: p.pending ?? false, version: 0 });
      }
    }
    this.render();
  }

  indexed(ids: readonly string[]): void {
    for (const id of ids) {
      const card = this.cards.get(id);
      if (card) Object.assign(card, { pending: false, version: card.version + 1 });
    }
    this.render();
  }

  failed(failures: readonly { id: string; code: string; message: string }[]): void {
    for (const f of failures) {
      const card = this.cards.get(f.id);
      if (card) Object.assign(card, { pending: false, failure: `${f.code}: ${f.message}`, version: card.version + 1 });
    }
    this.render();
  }

  setTags(tags: readonly { id: string; tags: TagScore[] }[]): void {
    for (const t of tags) {
      const card = this.cards.get(t.id);
      if (card) Object.assign(card, { tags: t.tags, version: card.version + 1 });
    }
    this.render();
  }

  remove(ids: readonly string[]): void {
    for (const id of ids) {
      const url = this.cards.get(id)?.url;
      if (url) URL.revokeObjectURL(url);
      this.cards.delete(id);
      this.elements.delete(id);
    }
    this.render();
  }

  show(shown: Shown): void {
    this.shown = shown;
    this.render();
  }

  /** A card for `id` on its own (the dialog's similar photos, the duplicates view). */
  cardFor(id: string, caption?: string): HTMLLIElement {
    const card = this.cards.get(id);
    return this.cardElement(card ?? { id, name: id, url: null, tags: null, failure: null, pending: false, version: 0 }, caption, null);
  }

  private render(): void {
    this.empty.hidden = this.cards.size > 0;
    const shown = this.shown;
    let items: { card: Card; score: number | null }[];
    if (shown.kind === 'search') {
      items = shown.hits.flatMap((h) => {
        const card = this.cards.get(h.id);
        return card ? [{ card, score: h.score }] : [];
      });
    } else {
      items = [...this.cards.values()].map((card) => ({ card, score: null }));
    }
    const label = (id: string) => (shown.kind === 'labels' ? shown.best.get(id) : undefined);
    this.list.replaceChildren(
      ...items.map(({ card, score }) => {
        const best = label(card.id);
        const caption = best ? `${best.tag} ${best.score.toFixed(2)}` : undefined;
        const key = `${card.version}\n${caption ?? ''}\n${score ?? ''}`;
        const cached = this.elements.get(card.id);
        if (cached?.key === key) return cached.element;
        const element = this.cardElement(card, caption, score);
        this.elements.set(card.id, { key, element });
        return element;
      }),
    );
  }

  private cardElement(card: Card, caption: string | undefined, score: number | null): HTMLLIElement {
    const image = make('img', { alt: '', loading: 'lazy', decoding: 'async' });
    if (card.url) image.src = card.url;
    const meta = make('div', { class: 'meta' }, make('span', { class: 'name' }, card.name));
    if (score !== null) meta.append(make('span', { class: 'score', 'data-testid': 'score' }, `score ${score.toFixed(3)}`));
    if (caption) meta.append(make('span', { class: 'score', 'data-testid': 'label' }, caption));
    if (card.failure) meta.append(make('span', { 'data-testid': 'failure' }, card.failure));
    else if (card.pending) meta.append(make('span', {}, 'indexing…'));
    else if (card.tags && !caption) {
      // Only tags the model is confident of (calibrated score ≥ 0.5); none is an answer too.
      meta.append(
        card.tags.length > 0
          ? make('ul', { class: 'tags', 'data-testid': 'tags' }, ...card.tags.map((t) => make('li', {}, t.tag)))
          : make('span', { class: 'name', 'data-testid': 'tags' }, 'no confident tag'),
      );
    }
    const description = [card.name, score === null ? '' : `score ${score.toFixed(3)}`, caption ?? card.tags?.map((t) => t.tag).join(', ') ?? '']
      .filter(Boolean)
      .join('; ');
    const button = make('button', { type: 'button', class: `card${card.failure ? ' failed' : ''}${card.pending ? ' pending' : ''}`, 'aria-label': description }, image, meta);
    button.dataset.id = card.id;
    button.addEventListener('click', () => this.onOpen(card.id));
    const item = make('li', { 'data-testid': 'photo' }, button);
    item.dataset.id = card.id;
    return item;
  }
}
