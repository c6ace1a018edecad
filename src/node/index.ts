// webclip/node: the same embeddings in Node — createClip on onnxruntime-node, images decoded as
// PIL decodes them, libraries in `.webclip` files a page can import. Every public name, by name.
export { createClip } from './create-clip';
export { ClipError, isClipError } from '../shared/errors';
export { DEFAULT_MODEL, REGISTRY } from '../core/model/registry';
export { BACKGROUND_PROMPTS, DEFAULT_TAGS, TAG_CATEGORIES, TAG_TEMPLATES } from '../core/tags/tag-vocabulary';
export { cosine, dot } from '../core/vectors/similarity';
export { rankLabels } from '../core/tags/classify';
export type { NodeClip, NodeClipOptions, NodeImageInput, NodeLibrary, NodeLibraryPhotoInput, Tower } from './node-clip';
export type { ClipInfo, Device, Dtype, EmbedOptions, LabelOptions, LabelScore, TextEmbeddings } from '../shared/clip';
export type { ClipErrorCode, ClipFailure } from '../shared/errors';
export type {
  AddResult,
  ImportOptions,
  LibraryInfo,
  LibraryOptions,
  LibrarySummary,
  LibraryWorkOptions,
  PhotoFailure,
  PhotoHit,
  PhotoTags,
  TagOptions,
  TagScore,
  VectorStorage,
} from '../shared/library';
export type { ProgressCallback, ProgressEvent, ProgressPhase } from '../shared/progress';
