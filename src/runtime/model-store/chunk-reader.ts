// Reads stored model files in a worker of their own (src/worker/chunk-reader.worker.ts), so they
// stream in while a session build blocks the engine's thread (docs/internals.md#the-model-store).
import type { StoredFile } from '../../core/model/model-manifest';
import { readStoredFile } from './chunk-store';

/** What the reader is asked and answers (one message each way per file). */
export interface ChunkReadRequest {
  readonly id: number;
  readonly model: string;
  readonly path: string;
  readonly entry: StoredFile;
}
export interface ChunkReadReply {
  readonly id: number;
  /** The checked bytes, or null: a chunk missing or wrong (or the reader failed). */
  readonly bytes: Uint8Array | null;
}

/** The reader stays this long after its last read: a start reads a few files in a row, then none. */
const IDLE_MS = 5000;

let reader: Worker | null = null;
let broken = false;
let nextId = 0;
let idleTimer: ReturnType<typeof setTimeout> | undefined;
const waiting = new Map<number, (bytes: Uint8Array | null | 'failed') => void>();

function startReader(): Worker | null {
  if (reader) return reader;
  if (broken || typeof Worker === 'undefined') return null;
  try {
    reader = new Worker(new URL('../../worker/chunk-reader.worker.ts', import.meta.url), { type: 'module', name: 'webclip-chunk-reader' });
  } catch {
    broken = true;
    return null;
  }
  reader.onmessage = (event: MessageEvent<ChunkReadReply>) => {
    const settle = waiting.get(event.data.id);
    waiting.delete(event.data.id);
    settle?.(event.data.bytes);
    scheduleIdleStop();
  };
  // A reader that cannot start (no nested workers, a blocked script) or dies: the reads in
  // flight are done on this thread instead, and so are later ones.
  reader.onerror = (event) => {
    event.preventDefault();
    broken = true;
    stopReader();
  };
  return reader;
}

function stopReader(): void {
  clearTimeout(idleTimer);
  reader?.terminate();
  reader = null;
  for (const settle of waiting.values()) settle('failed');
  waiting.clear();
}

function scheduleIdleStop(): void {
  clearTimeout(idleTimer);
  if (waiting.size === 0) idleTimer = setTimeout(stopReader, IDLE_MS);
}

/** readStoredFile, off this thread where a worker can be started, on it otherwise. */
export async function readStoredFileOffThread(model: string, path: string, entry: StoredFile): Promise<Uint8Array | null> {
  const worker = startReader();
  if (!worker) return readStoredFile(model, path, entry);
  clearTimeout(idleTimer);
  const id = nextId++;
  const answer = await new Promise<Uint8Array | null | 'failed'>((resolve) => {
    waiting.set(id, resolve);
    worker.postMessage({ id, model, path, entry } satisfies ChunkReadRequest);
  });
  return answer === 'failed' ? readStoredFile(model, path, entry) : answer;
}
