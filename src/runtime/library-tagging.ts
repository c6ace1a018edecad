// Tagging a library's photos: each tag's embedding ensembled over TAG_TEMPLATES (from the
// engine's label cache, so a vocabulary is encoded once), scored on the SIMD kernel, calibrated
// against the background prompts (src/core/tag-scores.ts).
import { ClipError } from '../core/errors';
import { dot } from '../core/similarity';
import { BACKGROUND_PROMPTS, DEFAULT_TAGS, TAG_TEMPLATES } from '../core/tag-vocabulary';
import { checkTagSelection, pickTags, type TagScore, type TagSelection } from '../core/tag-scores';
import { VectorIndex } from '../core/vector-index';
import type { ClipEngine } from './engine';
import type { TagOptions } from './library-types';

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
    private readonly logitScale: number,
    private readonly selection: TagSelection,
  ) {}

  static async create(engine: ClipEngine, options: TagOptions, signal: AbortSignal | undefined): Promise<Tagger> {
    const selection = checkTagSelection(options);
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
    return new Tagger(vocabulary, tagIndex, background!, engine.logitScale, selection);
  }

  /** The photo's tags (photo L2-normalized), best first. */
  tags(photo: Float32Array): TagScore[] {
    const base = dot(photo, this.background);
    return pickTags(this.vocabulary, this.tagIndex.scoreAll(photo), base, this.logitScale, this.selection);
  }

  dispose(): void {
    this.tagIndex.dispose();
  }
}
