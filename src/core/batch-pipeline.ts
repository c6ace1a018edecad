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
  /**
   * Batches being prepared while one runs (default 1). Two keep threads that prepare slower than
   * inference busy across a batch's last, slowest inputs.
   */
  ahead?: number;
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
  const { batchSize, prepare, run, signal, onBatch, ahead = 1 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ClipError('BAD_INPUT', `batch size must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(ahead) || ahead < 1) throw new ClipError('BAD_INPUT', `ahead must be a positive integer, got ${ahead}`);
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

  const preparing: Promise<Settled<T>[]>[] = [];
  let unprepared = 0;
  const prepareAhead = (): void => {
    for (; preparing.length < ahead && unprepared < count; unprepared += batchSize) preparing.push(prepareBatch(unprepared));
  };
  prepareAhead();
  for (let start = 0; start < count; start += batchSize) {
    if (signal?.aborted) throw abortError(signal, 'embedding');
    const settled = await preparing.shift()!;
    if (signal?.aborted) throw abortError(signal, 'embedding');
    // Start preparing the next batch now: decoding happens off this thread and overlaps
    // with inference of the current batch.
    prepareAhead();
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
