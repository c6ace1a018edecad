// The engine's label embeddings: each label ensembled over its prompt templates, cached in
// memory (shared by concurrent calls) and, where asked, in IndexedDB (label-store.ts).
import type { Device, Dtype } from '../../shared/clip';
import { LruCache } from '../../core/lru-cache';
import { ensemble, fillTemplates } from '../../core/tags/prompts';
import { readLabels, writeLabels, type LabelSpace } from './label-store';

/** Label embeddings kept in memory (each a few KB). */
const LABEL_CACHE_SIZE = 20_000;

export interface LabelSource {
  /** The model's id, part of a stored vector's key. */
  readonly model: string;
  /** SHA-256 of each cached text-tower file, by dtype: what stored label vectors are keyed on. */
  readonly textFiles: ReadonlyMap<Dtype, string>;
  /** The backend running the text tower now (a WebGPU fallback changes it). */
  backend(): { device: Device; dtype: Dtype };
  /** L2-normalized embeddings of the texts, in order. */
  embedTexts(texts: readonly string[], signal: AbortSignal | undefined): Promise<Float32Array[]>;
}

export class LabelEmbeddings {
  private readonly cache = new LruCache<string, Promise<Float32Array>>(LABEL_CACHE_SIZE);

  constructor(private readonly source: LabelSource) {}

  /** How many label embeddings are held in memory. */
  get size(): number {
    return this.cache.size;
  }

  /**
   * Each label's ensembled embedding. The cache holds promises, so concurrent calls with the
   * same labels share one encoding instead of each starting their own. With `persist` (tag
   * vocabularies, classify labels; not search queries) labels are also read from and kept in
   * IndexedDB, so a later visit does not encode them again.
   */
  get(
    labels: readonly string[],
    templates: readonly string[],
    signal: AbortSignal | undefined,
    { persist = false }: { persist?: boolean } = {},
  ): Promise<Float32Array[]> {
    const keyOf = (label: string): string => `${templates.join('\u0000')}\u0001${label}`;
    const pending = new Map<string, Promise<Float32Array>>();
    for (const label of labels) {
      const cached = this.cache.get(keyOf(label));
      if (cached) pending.set(label, cached);
    }
    const missing = [...new Set(labels.filter((label) => !pending.has(label)))];
    if (missing.length > 0) {
      const encoded = this.encode(missing, templates, signal, persist);
      missing.forEach((label, i) => {
        const vector = encoded.then((vectors) => vectors[i]!);
        // A failed (or aborted) encoding must not stay cached for the next caller.
        vector.catch(() => this.cache.delete(keyOf(label)));
        this.cache.set(keyOf(label), vector);
        pending.set(label, vector);
      });
    }
    return Promise.all(labels.map((label) => pending.get(label)!));
  }

  /** The labels' ensembled vectors: stored ones read, the rest encoded (and stored). */
  private async encode(
    labels: readonly string[],
    templates: readonly string[],
    signal: AbortSignal | undefined,
    persist: boolean,
  ): Promise<Float32Array[]> {
    const { model, textFiles } = this.source;
    const { device, dtype } = this.source.backend();
    const textFile = textFiles.get(dtype);
    const space: LabelSpace | undefined = persist && textFile ? { model, textFile, device, dtype, templates } : undefined;
    const out: (Float32Array | undefined)[] = space ? await readLabels(space, labels) : labels.map(() => undefined);
    const todo = labels.filter((_, i) => !out[i]);
    if (todo.length > 0) {
      const vectors = await this.source.embedTexts(
        todo.flatMap((label) => fillTemplates(label, templates)),
        signal,
      );
      const fresh: [string, Float32Array][] = todo.map((label, i) => [
        label,
        ensemble(vectors.slice(i * templates.length, (i + 1) * templates.length)),
      ]);
      const byLabel = new Map(fresh);
      labels.forEach((label, i) => (out[i] ??= byLabel.get(label)));
      // Only if the backend did not change meanwhile (a WebGPU fallback): else the key would lie.
      const now = this.source.backend();
      if (space && now.device === device && now.dtype === dtype) void writeLabels(space, fresh);
    }
    return out as Float32Array[];
  }
}
