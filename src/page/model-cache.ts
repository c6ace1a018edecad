// `modelCache` on the page: each call borrows a worker (the cache's IndexedDB code stays there,
// src/runtime/model-store/model-cache.ts), which ends once no call needs it.
import * as Comlink from 'comlink';
import { ClipError } from '../shared/errors';
import type { CachedModel, CacheUsage } from '../shared/models';
import { installTransferHandlers } from '../shared/transfer-handlers';
import type { WorkerApi } from '../shared/worker-api';
import { startClipWorker } from './clip-worker';

/** A borrowed worker stays this long after its last call: a settings page asks several things in a row. */
const IDLE_MS = 2000;

interface Borrowed {
  worker: Worker;
  remote: Comlink.Remote<WorkerApi>;
  /** Rejects when the worker fails (it could not start, or threw): no call waits for ever. */
  failed: Promise<never>;
  calls: number;
  idle?: ReturnType<typeof setTimeout>;
}
let borrowed: Borrowed | undefined;

function borrow(): Borrowed {
  const worker = startClipWorker(undefined, 'webclip-model-cache');
  const failed = new Promise<never>((_, reject) =>
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      if (borrowed?.worker === worker) borrowed = undefined;
      reject(new ClipError('WORKER_CRASHED', `the webclip worker failed: ${event.message || 'it could not start'}`));
    }),
  );
  failed.catch(() => undefined);
  return { worker, remote: Comlink.wrap<WorkerApi>(worker), failed, calls: 0 };
}

async function withWorker<T>(work: (remote: Comlink.Remote<WorkerApi>) => Promise<T>): Promise<T> {
  installTransferHandlers();
  const current = (borrowed ??= borrow());
  clearTimeout(current.idle);
  current.calls++;
  try {
    return await Promise.race([work(current.remote), current.failed]);
  } finally {
    if (--current.calls === 0) {
      current.idle = setTimeout(() => {
        if (borrowed === current) borrowed = undefined;
        current.remote[Comlink.releaseProxy]();
        current.worker.terminate();
      }, IDLE_MS);
    }
  }
}

export const modelCache = {
  /** The cached models, most recently updated first. */
  list: (): Promise<CachedModel[]> => withWorker((remote) => remote.cacheList()),
  /** Bytes held by cached models, with the origin's storage use and quota where the browser says. */
  usage: (): Promise<CacheUsage> => withWorker((remote) => remote.cacheUsage()),
  /** Removes a model and its stored label embeddings. */
  delete: (id: string): Promise<void> => withWorker((remote) => remote.cacheDelete(id)),
  /** Removes every cached model. */
  clear: (): Promise<void> => withWorker((remote) => remote.cacheClear()),
} as const;
