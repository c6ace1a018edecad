// Tagging a library's photos: tags ensembled over TAG_TEMPLATES from the engine's label cache,
// scored on the SIMD kernel; CLIP's scores calibrated against the background prompts
// (core/tags/tag-scores.ts), SigLIP's sigmoid taken as it is (core/tags/score-rule.ts).
import { ClipError, abortError } from '../../shared/errors';
import { dot } from '../../core/vectors/similarity';
import { BACKGROUND_PROMPTS, DEFAULT_TAGS, TAG_TEMPLATES } from '../../core/tags/tag-vocabulary';
import { tagScore } from '../../core/tags/score-rule';
import { checkTagSelection, pickTags, type TagSelection } from '../../core/tags/tag-scores';
import type { ScoreRule } from '../../shared/clip';
import { VectorIndex } from '../../core/vectors/vector-index';
import type { ClipEngine } from '../engine/engine';
import type { LibraryWorkOptions, PhotoTags, TagOptions, TagScore } from '../../shared/library';

function checkVocabulary(vocabulary: unknown): readonly string[] {
  const tags = vocabulary ?? DEFAULT_TAGS;
  if (!Array.isArray(tags) || tags.length === 0 || !tags.every((t) => typeof t === 'string' && t.trim() !== '')) {
    throw new ClipError('BAD_INPUT', 'vocabulary must be a non-empty array of non-empty strings');
  }
  return [...new Set(tags as string[])];
}

/** One vocabulary, ready to tag any number of photos. */
export class Tagger {
  private constructor(
    private readonly vocabulary: readonly string[],
    /** The tags as an index, row i = vocabulary[i]: one kernel call scores a photo against every tag. */
    private readonly tagIndex: VectorIndex,
    private readonly background: Float32Array,
    private readonly rule: ScoreRule,
    private readonly selection: TagSelection,
  ) {}

  static async create(engine: ClipEngine, options: TagOptions, signal: AbortSignal | undefined): Promise<Tagger> {
    const selection = checkTagSelection(options);
    const rule = engine.scoring;
    if (rule === null) {
      throw new ClipError('UNSUPPORTED', 'this SigLIP model\'s trained logit_scale and logit_bias are unknown, so its tags cannot be scored');
    }
    const vocabulary = checkVocabulary(options.vocabulary);
    const [tags, [background]] = await Promise.all([
      engine.labelEmbeddings(vocabulary, TAG_TEMPLATES, signal, { persist: true }),
      // Background prompts name nothing: filled with '' they are themselves.
      engine.labelEmbeddings([''], BACKGROUND_PROMPTS, signal, { persist: true }),
    ]);
    const tagIndex = await VectorIndex.create(engine.info.dim, 'float32');
    vocabulary.forEach((_, i) => tagIndex.upsert(String(i), tags[i]!));
    // Rows follow insertion order while nothing is removed; scoreAll's order is the vocabulary's.
    if (tagIndex.ids().some((id, row) => id !== String(row))) throw new ClipError('INTERNAL', 'tag rows out of vocabulary order');
    return new Tagger(vocabulary, tagIndex, background!, rule, selection);
  }

  /** The photo's tags (photo L2-normalized), best first. */
  tags(photo: Float32Array): TagScore[] {
    const base = dot(photo, this.background);
    const rule = this.rule;
    // CLIP: calibrated against the background prompts; SigLIP: its sigmoid, a probability already
    const score = rule.kind === 'softmax' ? rule.scale : (cosine: number) => tagScore(rule, cosine, base);
    return pickTags(this.vocabulary, this.tagIndex.scoreAll(photo), base, score, this.selection);
  }

  /** Users of this Tagger; a retired one is freed when the last lets go. */
  private holds = 0;
  private retired = false;

  hold(): this {
    this.holds++;
    return this;
  }

  release(): void {
    this.holds--;
    if (this.retired && this.holds === 0) this.tagIndex.dispose();
  }

  /** Frees it once no call is using it any more. */
  retire(): void {
    this.retired = true;
    if (this.holds === 0) this.tagIndex.dispose();
  }
}

/**
 * The Tagger for each set of options, held for the caller (who releases it). The last one is
 * kept, since an app tags photo after photo with the same vocabulary (building one costs a
 * kernel instance and an index of the tags); a replaced one is freed once its callers are done.
 */
export class Taggers {
  private last: { key: string; tagger: Promise<Tagger> } | undefined;

  constructor(private readonly engine: ClipEngine) {}

  hold(options: TagOptions, signal: AbortSignal | undefined): Promise<Tagger> {
    const key = JSON.stringify([options.vocabulary ?? null, options.topK ?? null, options.threshold ?? null]);
    if (this.last?.key !== key) {
      const tagger = Tagger.create(this.engine, options, signal);
      const previous = this.last;
      this.last = { key, tagger };
      // A failed one is not kept.
      tagger.catch(() => {
        if (this.last?.tagger === tagger) this.last = undefined;
      });
      // Retired after the holds taken so far: then() callbacks run in the order they were added.
      void previous?.tagger.then((t) => t.retire(), () => undefined);
    }
    return this.last!.tagger.then((t) => t.hold());
  }

  close(): void {
    void this.last?.tagger.then((t) => t.retire(), () => undefined);
    this.last = undefined;
  }
}

/** How many photos tagEvery scores between abort checks and progress events. */
const TAG_BLOCK = 256;
/** Longest stretch tagEvery keeps the worker to itself. */
const YIELD_MS = 50;

/** Tags of every photo (`vectorOf` undefined: removed meanwhile, skipped). */
export async function tagEvery(
  tagger: Tagger,
  ids: readonly string[],
  vectorOf: (id: string) => Float32Array | undefined,
  { signal, onProgress }: LibraryWorkOptions,
): Promise<PhotoTags[]> {
  const out: PhotoTags[] = [];
  let lastYield = performance.now();
  for (let start = 0; start < ids.length; start += TAG_BLOCK) {
    if (signal?.aborted) throw abortError(signal, 'tagging');
    for (const id of ids.slice(start, start + TAG_BLOCK)) {
      const photo = vectorOf(id);
      if (photo) out.push({ id, tags: tagger.tags(photo) });
    }
    onProgress?.({ phase: 'tag', loaded: Math.min(ids.length, start + TAG_BLOCK), total: ids.length });
    // Let calls queued meanwhile (a search typed during tagging) in, every YIELD_MS or so.
    // Not every block: nested setTimeouts are clamped to 4 ms each.
    if (performance.now() - lastYield > YIELD_MS) {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      lastYield = performance.now();
    }
  }
  return out;
}
