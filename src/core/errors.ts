// The typed error vocabulary of webclip. Every failure a caller can act on is a ClipError
// with a stable `code`; the worker boundary carries it across intact (see DESIGN.md).

export type ClipErrorCode =
  | 'MODEL_NOT_FOUND'
  | 'DOWNLOAD_FAILED'
  | 'INTEGRITY'
  | 'QUOTA'
  | 'BAD_IMAGE'
  | 'BAD_INPUT'
  | 'BAD_CONFIG'
  | 'BACKEND_UNAVAILABLE'
  | 'ABORTED'
  | 'INTERNAL';

export class ClipError extends Error {
  override readonly name = 'ClipError';
  readonly code: ClipErrorCode;

  constructor(code: ClipErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isClipError(value: unknown, code?: ClipErrorCode): value is ClipError {
  return value instanceof ClipError && (code === undefined || value.code === code);
}
