// webclip's public surface: everything a page imports, listed by name.
export { createClip } from './client';
export type {
  Clip,
  ClipInfo,
  ClipOptions,
  ClassifyOptions,
  Device,
  Dtype,
  EmbedOptions,
  ImageInput,
  ImportOptions,
  LabelScore,
  Library,
  LibraryInfo,
  LibraryOptions,
  LibrarySummary,
  ModelInput,
  TextEmbeddings,
} from './client';
export type {
  AddResult,
  LibraryPhotoInput,
  LibraryWorkOptions,
  PhotoFailure,
  PhotoHit,
  PhotoTags,
  TagOptions,
  TagScore,
} from './library-client';
export { BACKGROUND_PROMPTS, DEFAULT_TAGS, TAG_CATEGORIES, TAG_TEMPLATES } from './core/tag-vocabulary';
export type { TagCategory } from './core/tag-vocabulary';
export { modelCache } from './runtime/model-cache';
export type { CachedModel, CacheUsage } from './runtime/model-cache';
export { DEFAULT_MODEL, REGISTRY } from './runtime/registry';
export type { RegistryModel } from './runtime/registry';
export { ClipError, isClipError } from './core/errors';
export type { ClipErrorCode, ClipFailure } from './core/errors';
export { cosine, dot } from './core/similarity';
/** Softmax scores of one image against labels, from vectors already computed (what classify does, without re-embedding). */
export { rankLabels } from './core/classify';
export { labelScores, rankLabelsBy, SIGMOID_CONSTANTS } from './core/score-rule';
export type { ScoreRule, SigmoidConstants } from './core/score-rule';
export type { ModelFamily } from './core/model-family';
export type { ProgressCallback, ProgressEvent, ProgressPhase } from './wire';
