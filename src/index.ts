// webclip's public surface: everything a page imports, listed by name.
export { createClip } from './client';
export type { Clip, ClipInfo, ClipOptions, Dtype } from './client';
export { ClipError, isClipError } from './core/errors';
export type { ClipErrorCode } from './core/errors';
export { cosine, dot } from './core/similarity';
