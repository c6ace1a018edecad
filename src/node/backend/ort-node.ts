// onnxruntime-node, loaded on first use (an optional peer dependency: webclip/node needs it, a
// page never does). Its InferenceSession and Tensor are onnxruntime-common's, as onnxruntime-web's
// are, so the backend layer's Encoder drives it unchanged.
import { availableParallelism } from 'node:os';
import { ClipError } from '../../shared/errors';
import type { Ort } from '../../runtime/backend/ort-loader';

let loading: Promise<Ort> | undefined;

export function loadOrtNode(): Promise<Ort> {
  loading ??= import('onnxruntime-node').then(
    (module) => {
      const ort = ((module as { default?: unknown }).default ?? module) as Ort;
      // ORT warns about nodes it places on the CPU on purpose; errors still show.
      ort.env.logLevel = 'error';
      return ort;
    },
    (cause: unknown) => {
      loading = undefined;
      throw new ClipError('BACKEND_UNAVAILABLE', 'webclip/node runs models with onnxruntime-node, which is not installed: npm install onnxruntime-node', { cause });
    },
  );
  return loading;
}

/** ORT's native CPU provider uses one thread per core unless told otherwise. */
export const cpuThreads = (): number => availableParallelism();
