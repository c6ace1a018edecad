// webclip's public surface: everything a page imports, listed by name.
export { createClip } from './page/create-clip';
export { modelCache } from './page/model-cache';
export { ClipError, isClipError } from './shared/errors';
export { DEFAULT_MODEL, REGISTRY } from './core/model/registry';
export { BACKGROUND_PROMPTS, DEFAULT_TAGS, TAG_CATEGORIES, TAG_TEMPLATES } from './core/tags/tag-vocabulary';
export { cosine, dot } from './core/vectors/similarity';
/** Softmax scores of one image against labels, from vectors already computed (what classify does, without re-embedding). */
export { rankLabels } from './core/tags/classify';
/** Scores by a family's rule (CLIP's softmax, SigLIP's sigmoid), from vectors already computed. */
export { labelScores, rankLabelsBy, SIGMOID_CONSTANTS } from './core/tags/score-rule';
export type {
  AdapterSummary,
  ClassifyOptions,
  Clip,
  ClipInfo,
  ClipOptions,
  Device,
  Dtype,
  EmbedOptions,
  ImageInput,
  LabelOptions,
  LabelScore,
  ScoreRule,
  SigmoidConstants,
  TextEmbeddings,
} from './shared/clip';
export type { ClipErrorCode, ClipFailure } from './shared/errors';
export type {
  AddResult,
  ImportOptions,
  Library,
  LibraryInfo,
  LibraryOptions,
  LibraryPhotoInput,
  LibrarySummary,
  LibraryWorkOptions,
  PhotoFailure,
  PhotoHit,
  PhotoTags,
  TagCategory,
  TagOptions,
  TagScore,
  VectorStorage,
} from './shared/library';
export type { CachedModel, CacheUsage, ModelFamily, ModelFolder, ModelInput, PairedModel, RegistryModel, TowerSizes } from './shared/models';
export type { ProgressCallback, ProgressEvent, ProgressPhase } from './shared/progress';
