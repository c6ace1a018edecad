// Prompt templates for zero-shot classification, and CLIP's prompt ensembling: a label's
// embedding is the renormalized mean of its normalized template embeddings (CLIP paper, §3.1.4).
import { ClipError } from '../../shared/errors';
import { l2Normalize } from '../vectors/similarity';

export const DEFAULT_TEMPLATES: readonly string[] = ['a photo of a {}.'];

/** Fills each template's `{}` with the label. */
export function fillTemplates(label: string, templates: readonly string[]): string[] {
  return templates.map((t) => t.split('{}').join(label));
}

export function checkTemplates(templates: unknown): readonly string[] {
  if (!Array.isArray(templates) || templates.length === 0) {
    throw new ClipError('BAD_INPUT', 'templates must be a non-empty array of strings');
  }
  templates.forEach((t, i) => {
    if (typeof t !== 'string' || !t.includes('{}')) {
      throw new ClipError('BAD_INPUT', `templates[${i}] must be a string containing "{}"`);
    }
  });
  return templates as readonly string[];
}

/** Renormalized mean of normalized vectors. */
export function ensemble(vectors: readonly Float32Array[]): Float32Array {
  const first = vectors[0];
  if (!first) throw new ClipError('INTERNAL', 'nothing to ensemble');
  const sum = new Float64Array(first.length);
  for (const v of vectors) for (let i = 0; i < sum.length; i++) sum[i]! += v[i]!;
  return l2Normalize(sum);
}
