// Tagging a library's photos: each tag's embedding ensembled over TAG_TEMPLATES (from the
// engine's label cache, so a vocabulary is encoded once), scored on the SIMD kernel, calibrated
// against the background prompts (src/core/tag-scores.ts).
import { ClipError } from '../core/errors';
import { dot } from '../core/similarity';
import { BACKGROUND_PROMPTS, DEFAULT_TAGS, TAG_TEMPLATES } from '../core/tag-vocabulary';
import { calibrate, checkTagSelection, selectTags, type TagScore, type TagSelection } from '../core/tag-scores';
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
  private readonly scores: Float64Array;

  private constructor(
    private readonly vocabulary: readonly string[],
    /** The tags as an index: one kernel call scores a photo against every tag. */
    private readonly tagIndex: VectorIndex,
    /** Each index row's position in the vocabulary. */
    private readonly rowTag: readonly number[],
    private readonly background: Float32Array,
    private readonly logitScale: number,
    private readonly selection: TagSelection,
  ) {
    this.scores = new Float64Array(vocabulary.length);
  }

  static async create(engine: ClipEngine, options: TagOptions, signal: AbortSignal | undefined): Promise<Tagger> {
    const selection = checkTagSelection(options);
    const vocabulary = checkVocabulary(options.vocabulary);
    const [tags, [background]] = await Promise.all([
      engine.labelEmbeddings(vocabulary, TAG_TEMPLATES, signal),
      // Background prompts name nothing: filled with '' they are themselves.
      engine.labelEmbeddings([''], BACKGROUND_PROMPTS, signal),
    ]);
    const tagIndex = await VectorIndex.create(engine.info.dim, 'float32');
    vocabulary.forEach((_, i) => tagIndex.upsert(String(i), tags[i]!));
    return new Tagger(vocabulary, tagIndex, tagIndex.ids().map(Number), background!, engine.logitScale, selection);
  }

  /** The photo's tags (photo L2-normalized), best first. */
  tags(photo: Float32Array): TagScore[] {
    const base = dot(photo, this.background);
    const cosines = this.tagIndex.scoreAll(photo);
    this.rowTag.forEach((tag, row) => (this.scores[tag] = calibrate(cosines[row]!, base, this.logitScale)));
    return selectTags(this.vocabulary, this.scores, this.selection);
  }

  dispose(): void {
    this.tagIndex.dispose();
  }
}
