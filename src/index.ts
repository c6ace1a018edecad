// webclip's public surface: everything a page imports, listed by name.
export { createClip } from './page/create-clip';
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
} from './page/create-clip';
export type {
  AddResult,
  LibraryPhotoInput,
  LibraryWorkOptions,
  PhotoFailure,
  PhotoHit,
  PhotoTags,
  TagOptions,
  TagScore,
} from './page/library-client';
export { BACKGROUND_PROMPTS, DEFAULT_TAGS, TAG_CATEGORIES, TAG_TEMPLATES } from './core/tags/tag-vocabulary';
export type { TagCategory } from './core/tags/tag-vocabulary';
export { modelCache } from './runtime/model-store/model-cache';
export type { CachedModel, CacheUsage } from './runtime/model-store/model-cache';
export { DEFAULT_MODEL, REGISTRY } from './core/model/registry';
export type { RegistryModel } from './core/model/registry';
export { ClipError, isClipError } from './shared/errors';
export type { ClipErrorCode, ClipFailure } from './shared/errors';
export { cosine, dot } from './core/vectors/similarity';
/** Softmax scores of one image against labels, from vectors already computed (what classify does, without re-embedding). */
export { rankLabels } from './core/tags/classify';
export type { ProgressCallback, ProgressEvent, ProgressPhase } from './shared/wire';
