// Calibrated tag scores: each tag judged alone against a caption that names nothing, so one
// threshold means the same for every tag (why: docs/internals.md#calibrated-tag-scores).
import { ClipError } from '../../shared/errors';
import type { TagScore } from '../../shared/library';
import { topK } from '../vectors/top-k';

export interface TagSelection {
  /** At most this many tags, best first. */
  readonly topK: number;
  /** Only tags scoring at least this (0…1). */
  readonly threshold: number;
}

export const DEFAULT_TAG_SELECTION: TagSelection = { topK: 5, threshold: 0.5 };

export function checkTagSelection(options: { topK?: unknown; threshold?: unknown }): TagSelection {
  const topK = options.topK ?? DEFAULT_TAG_SELECTION.topK;
  const threshold = options.threshold ?? DEFAULT_TAG_SELECTION.threshold;
  if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1) {
    throw new ClipError('BAD_INPUT', `topK must be a positive integer, got ${String(topK)}`);
  }
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw new ClipError('BAD_INPUT', `threshold must be a number from 0 to 1, got ${String(threshold)}`);
  }
  return { topK, threshold };
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** The calibrated score from cos(photo, tag) and cos(photo, background). */
export function calibrate(cosine: number, base: number, logitScale: number): number {
  return sigmoid(logitScale * (cosine - base));
}

/**
 * The tags to report for one photo: at or above the threshold, best first (ties in vocabulary
 * order), at most topK. `cosines[i]` is cos(photo, tags[i]) and `base` cos(photo, background).
 * `score` is CLIP's logit scale (the calibration above), or a family's own score of a cosine
 * (SigLIP's sigmoid, already a probability: score-rule.ts). Either rises with the cosine, so the
 * top k are picked on cosines and only they are scored.
 */
export function pickTags(
  tags: readonly string[],
  cosines: Float32Array,
  base: number,
  score: number | ((cosine: number) => number),
  { topK: k, threshold }: TagSelection,
): TagScore[] {
  if (tags.length !== cosines.length) throw new ClipError('INTERNAL', 'one cosine per tag expected');
  const best = topK(cosines, k);
  const out: TagScore[] = [];
  for (let i = 0; i < best.indices.length; i++) {
    const cosine = best.scores[i]!;
    const value = typeof score === 'number' ? calibrate(cosine, base, score) : score(cosine);
    if (value < threshold) break;
    out.push({ tag: tags[best.indices[i]!]!, score: value });
  }
  return out;
}
