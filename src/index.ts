// webclip's public surface: everything a page imports, listed by name.
export { createClip } from './client';
export type { Clip, ClipInfo, ClipOptions, ClassifyOptions, Device, Dtype, EmbedOptions, ImageInput, LabelScore, ModelInput } from './client';
export { modelCache } from './runtime/model-cache';
export type { CachedModel, CacheUsage } from './runtime/model-cache';
export { DEFAULT_MODEL, REGISTRY } from './runtime/registry';
export type { RegistryModel } from './runtime/registry';
export { ClipError, isClipError } from './core/errors';
export type { ClipErrorCode, ClipFailure } from './core/errors';
export { cosine, dot } from './core/similarity';
export type { ProgressCallback, ProgressEvent, ProgressPhase } from './wire';
