// Runs inputs through prepare (decode + preprocess) and run (inference) in batches, the next
// batch prepared while one runs; a bad input fails alone; an abort stops between batches.
import { abortError, ClipError, type ClipFailure } from '../shared/errors';

export interface PipelineOptions<T> {
  batchSize: number;
  /** Prepares input i; a rejection fails that input alone. */
  prepare: (index: number) => Promise<T>;
  /** Runs one batch of prepared inputs; results in the same order. A rejection fails the call. */
  run: (batch: readonly T[]) => Promise<Float32Array[]>;
  signal?: AbortSignal | undefined;
  /** Called after each batch with the number of inputs finished (answered or failed). */
  onBatch?: ((done: number, total: number) => void) | undefined;
}

export interface PipelineResult {
  embeddings: (Float32Array | undefined)[];
  failures: ClipFailure[];
}

function asFailure(index: number, error: unknown): ClipFailure {
  if (error instanceof ClipError) return { index, code: error.code, message: error.message };
  return { index, code: 'BAD_IMAGE', message: error instanceof Error ? error.message : String(error) };
}

type Settled<T> = { ok: true; value: T } | { ok: false; failure: ClipFailure };

export async function runPipeline<T>(count: number, options: PipelineOptions<T>): Promise<PipelineResult> {
  const { batchSize, prepare, run, signal, onBatch } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ClipError('BAD_INPUT', `batch size must be a positive integer, got ${batchSize}`);
  const embeddings: (Float32Array | undefined)[] = new Array<Float32Array | undefined>(count).fill(undefined);
  const failures: ClipFailure[] = [];
  const prepareBatch = (start: number): Promise<Settled<T>[]> => {
    const jobs: Promise<Settled<T>>[] = [];
    for (let i = start; i < Math.min(start + batchSize, count); i++) {
      jobs.push(
        prepare(i).then(
          (value): Settled<T> => ({ ok: true, value }),
          (error: unknown): Settled<T> => ({ ok: false, failure: asFailure(i, error) }),
        ),
      );
    }
    return Promise.all(jobs);
  };

  let next = count > 0 ? prepareBatch(0) : undefined;
  for (let start = 0; start < count; start += batchSize) {
    if (signal?.aborted) throw abortError(signal, 'embedding');
    const settled = await next!;
    if (signal?.aborted) throw abortError(signal, 'embedding');
    // Start preparing the next batch now: decoding happens off this thread and overlaps
    // with inference of the current batch.
    next = start + batchSize < count ? prepareBatch(start + batchSize) : undefined;
    const ready: T[] = [];
    const slots: number[] = [];
    settled.forEach((s, k) => {
      if (s.ok) {
        ready.push(s.value);
        slots.push(start + k);
      } else {
        failures.push(s.failure);
      }
    });
    if (ready.length > 0) {
      const results = await run(ready);
      results.forEach((vector, k) => (embeddings[slots[k]!] = vector));
    }
    onBatch?.(Math.min(start + batchSize, count), count);
  }
  if (signal?.aborted) throw abortError(signal, 'embedding');
  return { embeddings, failures };
}
