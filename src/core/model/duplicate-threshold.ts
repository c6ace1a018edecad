// The default cosine at which two photos count as near-duplicates: a property of the model (how
// close its image tower puts a resized or re-encoded copy), each value with where it came from.
import type { ModelFamily } from '../../shared/models';

export interface DuplicateLevel {
  readonly threshold: number;
  readonly source: string;
}

/**
 * The method (docs/models.md#duplicate-thresholds): embed photos and their copies (resized,
 * re-encoded, cropped a few %) and different photos; the threshold lies between the least similar
 * copy and the most similar two different photos. Only CLIP's level is established; no real
 * weights reach this project's machines, so the other families' values are CLIP's until measured.
 */
const CLIP_LEVEL: DuplicateLevel = {
  threshold: 0.95,
  source: 'CLIP: the level commonly used for CLIP near-duplicate search (docs/library.md); not re-measured here',
};

const unmeasured = (family: string): DuplicateLevel => ({
  threshold: CLIP_LEVEL.threshold,
  source: `${family}: not measured on real weights yet; CLIP's level until it is (method: docs/models.md#duplicate-thresholds)`,
});

const BY_FAMILY: Readonly<Record<ModelFamily, DuplicateLevel>> = {
  clip: CLIP_LEVEL,
  mobileclip: unmeasured('MobileCLIP'),
  siglip: unmeasured('SigLIP'),
  siglip2: unmeasured('SigLIP 2'),
};

/** The model's level, by its image tower's family (a pair's duplicates are its image tower's). */
export function duplicateLevelOf(family: ModelFamily): DuplicateLevel {
  return BY_FAMILY[family];
}
