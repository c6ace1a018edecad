// Starts webclip's worker (src/worker/clip.worker.ts): for a Clip, and for `modelCache`.
import { ClipError } from '../shared/errors';

/** A new worker from `workerUrl`, or from the worker file beside webclip's module. */
export function startClipWorker(workerUrl?: string | URL, name = 'webclip'): Worker {
  // The literal `new Worker(new URL('…', import.meta.url))` is what bundlers recognize and emit.
  if (workerUrl === undefined) return new Worker(new URL('../worker/clip.worker.ts', import.meta.url), { type: 'module', name });
  try {
    return new Worker(workerUrl, { type: 'module', name });
  } catch (error) {
    // A malformed or cross-origin URL throws here (SyntaxError / SecurityError).
    throw new ClipError('BAD_INPUT', `workerUrl cannot start a worker: ${(error as Error).message}`);
  }
}
