// Zero-shot classification scores: cosine similarity of an image to each label, scaled by
// CLIP's logit scale and turned into probabilities with a softmax, best first.
import type { LabelScore } from '../../shared/clip';
import { ClipError } from '../../shared/errors';
import { dot, softmax } from '../vectors/similarity';

/** `image` and every label vector must be L2-normalized. */
export function rankLabels(
  image: Float32Array,
  labels: readonly string[],
  labelVectors: readonly Float32Array[],
  logitScale: number,
): LabelScore[] {
  if (labels.length !== labelVectors.length) throw new ClipError('INTERNAL', 'one vector per label expected');
  const probabilities = softmax(
    labelVectors.map((v) => dot(image, v)),
    logitScale,
  );
  return labels
    .map((label, i) => ({ label, score: probabilities[i]! }))
    .sort((a, b) => b.score - a.score);
}

export function checkLabels(labels: unknown): readonly string[] {
  if (!Array.isArray(labels) || labels.length === 0) throw new ClipError('BAD_INPUT', 'labels must be a non-empty array of strings');
  labels.forEach((l, i) => {
    if (typeof l !== 'string') throw new ClipError('BAD_INPUT', `labels[${i}] is not a string`);
  });
  return labels as readonly string[];
}
