// The typed error vocabulary of webclip. Every failure a caller can act on is a ClipError
// with a stable `code`; the worker boundary carries it across intact (shared/transfer-handlers.ts).

export type ClipErrorCode =
  | 'MODEL_NOT_FOUND'
  | 'DOWNLOAD_FAILED'
  | 'INTEGRITY'
  | 'QUOTA'
  | 'BAD_IMAGE'
  | 'BAD_INPUT'
  | 'BAD_CONFIG'
  | 'BACKEND_UNAVAILABLE'
  /** The model's graph lacks an input or output webclip needs, or has a shape it cannot feed. */
  | 'MODEL_INCOMPATIBLE'
  /** A combination webclip refuses on purpose, e.g. an int8 model on WebGPU. */
  | 'UNSUPPORTED'
  | 'ABORTED'
  /** A photo library holds vectors of another model (or preprocessing) than the one running. */
  | 'MODEL_MISMATCH'
  /** A photo id (or library) that is not there. */
  | 'NOT_FOUND'
  /** A file given to importLibrary is not a complete webclip library export. */
  | 'BAD_LIBRARY_FILE'
  /** IndexedDB refused a write other than for room (closed, deleted by another tab, private mode). */
  | 'STORAGE'
  | 'WORKER_CRASHED'
  | 'INTERNAL';

/** One input of a batch that failed while the others were answered. */
export interface ClipFailure {
  readonly index: number;
  readonly code: ClipErrorCode;
  readonly message: string;
}

export interface ClipErrorDetails {
  cause?: unknown;
  /** The inputs of a batch that failed, each with its own code and reason. */
  failures?: readonly ClipFailure[];
  /** The batch's results, `undefined` at the indices of `failures`: no work is lost. */
  embeddings?: readonly (Float32Array | undefined)[];
}

export class ClipError extends Error {
  override readonly name = 'ClipError';
  readonly code: ClipErrorCode;
  readonly failures?: readonly ClipFailure[];
  readonly embeddings?: readonly (Float32Array | undefined)[];

  constructor(code: ClipErrorCode, message: string, details: ClipErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    if (details.failures) this.failures = details.failures;
    if (details.embeddings) this.embeddings = details.embeddings;
  }
}

export function isClipError(value: unknown, code?: ClipErrorCode): value is ClipError {
  return value instanceof ClipError && (code === undefined || value.code === code);
}

/** The ClipError for a cancelled operation, keeping the signal's reason as the cause. */
export function abortError(signal: AbortSignal, what: string): ClipError {
  return new ClipError('ABORTED', `${what} was aborted`, { cause: signal.reason });
}
