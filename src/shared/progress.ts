// Progress events: what `onProgress` callbacks receive, from the worker, for loads and long work.

export type ProgressPhase = 'download' | 'backend' | 'session' | 'probe' | 'fallback' | 'embed' | 'index' | 'tag';

/** Reported through `onProgress`; `file` and byte counts for downloads, item counts for work. */
export interface ProgressEvent {
  readonly phase: ProgressPhase;
  readonly file?: string;
  readonly loaded?: number;
  readonly total?: number;
  /** Downloads: bytes of every file of this load so far; `total` once every size is known. */
  readonly overall?: { readonly loaded: number; readonly total?: number };
  readonly message?: string;
}

export type ProgressCallback = (event: ProgressEvent) => void;
