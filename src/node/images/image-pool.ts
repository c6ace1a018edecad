// webclip/node's photos read, decoded and preprocessed on worker threads (the engine's
// ImagePreparer): onnxruntime-node runs each batch synchronously on the main thread, so work
// done there waits for inference; here the next photos are prepared meanwhile, on every core.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PreprocessorConfig } from '../../core/image/preprocess';
import { ClipError, abortError } from '../../shared/errors';
import type { WireImage } from '../../shared/wire';
import type { ImagePreparer, ImageTensor } from '../../runtime/engine/engine-platform';
import { fetchImage } from '../../runtime/images/image-decoder';
import { filePathOf } from './image-input';
import { prepareSource, WORKER_JOBS, type ImageJob, type JobAnswer, type JobSource, type PreparedSource, type WorkerNote } from './image-job';
import { loadSharp } from './sharp-loader';

/** Jobs posted to one worker at once: those in hand, and one to start while the main thread is busy in a batch. */
const BACKLOG = WORKER_JOBS + 1;
/** Photos prepared ahead while the model loads, at most: two batches (a wrong guess costs as many decodes). */
export const MAX_AHEAD = 16;

/** How a worker is started: a module file, or (eval) code that loads one. */
export interface WorkerModule {
  readonly source: URL | string;
  readonly eval: boolean;
}

/**
 * Built, lib/node/image-worker.js beside this code's chunk; in the sources (tests, benches),
 * the TypeScript file through tsx's loader, which a worker does not inherit.
 */
export function imageWorkerModule(): WorkerModule {
  if (!import.meta.url.endsWith('.ts')) return { source: new URL('./image-worker.js', import.meta.url), eval: false };
  // tsx's "./esm/api" export, as an import resolves it (a require gets its CommonJS build, whose register fails in an eval'd worker).
  const tsx = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href;
  const worker = new URL('./image-worker.ts', import.meta.url).href;
  return { source: `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(worker)}); });`, eval: true };
}

interface Job {
  readonly id: number;
  readonly source: JobSource;
  readonly config: PreprocessorConfig;
  readonly resolve: (prepared: PreparedSource) => void;
  readonly reject: (error: ClipError) => void;
  settled: boolean;
  forget?: () => void;
}

interface Thread {
  readonly worker: Worker;
  /** Posted to it and not yet answered. */
  readonly jobs: Job[];
  /** Its module loaded (the 'ready' note): a failure after that is a photo's, before it the pool's. */
  ready: boolean;
}

export class ImagePool implements ImagePreparer {
  /** The engine hands over as many as the workers hold; the rest wait in its own queue. */
  readonly slots: number;
  private readonly threads: Thread[] = [];
  private readonly waiting: Job[] = [];
  private nextId = 0;
  private closed = false;
  /** Why no worker could start; photos are then prepared on this thread. */
  private brokenBecause: string | undefined;
  /** Files to prepare once the model's preprocessing is known (begin), before they are asked for. */
  private aheadPaths: string[] = [];
  /** Those being prepared or done, by path, with the preprocessing they were prepared for. */
  private readonly ahead = new Map<string, { config: PreprocessorConfig; prepared: Promise<PreparedSource> }>();

  constructor(
    /** Worker threads at most (started as photos come). */
    readonly size: number,
    private readonly module: WorkerModule = imageWorkerModule(),
  ) {
    if (!Number.isInteger(size) || size < 1) throw new ClipError('BAD_INPUT', `the image pool needs a positive number of threads, got ${size}`);
    this.slots = size * BACKLOG;
  }

  /** Threads running now (none after close). */
  get running(): number {
    return this.threads.length;
  }

  /** Why the workers could not start, if they could not (photos are then prepared on this thread). */
  get broken(): string | undefined {
    return this.brokenBecause;
  }

  /**
   * Files the caller will ask for first (the first photos of a new library): prepared as soon as
   * the engine knows the model's preprocessing, while its sessions are still being built.
   */
  prepareAhead(paths: readonly string[]): void {
    this.aheadPaths = paths.slice(0, MAX_AHEAD);
  }

  /** The engine's preprocessing is known: the files given to prepareAhead start now. */
  async begin(config: PreprocessorConfig): Promise<void> {
    const paths = this.aheadPaths;
    this.aheadPaths = [];
    if (paths.length === 0 || this.closed) return;
    await loadSharp().catch(() => undefined); // a missing sharp is each photo's error, later
    for (const path of paths) {
      // All of them to the workers now: the main thread is about to build the sessions, and a
      // job left waiting here would not be posted until it is done.
      const prepared = this.brokenBecause === undefined ? this.enqueue({ path }, config, undefined, MAX_AHEAD) : prepareSource({ path }, config);
      prepared.catch(() => undefined); // a failure is found again when the photo is asked for
      this.ahead.set(path, { config, prepared });
    }
  }

  async prepare(image: WireImage, config: PreprocessorConfig, signal: AbortSignal | undefined): Promise<ImageTensor> {
    if (signal?.aborted) throw abortError(signal, 'embedding');
    if (this.closed) throw new ClipError('ABORTED', 'this Clip was disposed');
    const source = await sourceOf(image, signal);
    const early = 'path' in source ? await this.takeAhead(source.path, source.size, config) : undefined;
    if (early) return early;
    const { data, width, height } = await this.submit(source, config, signal);
    return { data, width, height };
  }

  /**
   * The file's tensor if it was prepared ahead, from the bytes the library has since hashed (the
   * same size: a file rewritten in between is as likely as between hashing and decoding).
   */
  private async takeAhead(path: string, size: number | undefined, config: PreprocessorConfig): Promise<ImageTensor | undefined> {
    const ahead = this.ahead.get(path);
    if (!ahead || ahead.config !== config) return undefined;
    this.ahead.delete(path);
    const prepared = await ahead.prepared.catch(() => undefined);
    if (!prepared || (size !== undefined && prepared.bytes !== size)) return undefined;
    return { data: prepared.data, width: prepared.width, height: prepared.height };
  }

  private async submit(source: JobSource, config: PreprocessorConfig, signal: AbortSignal | undefined): Promise<PreparedSource> {
    if (this.brokenBecause !== undefined) return prepareSource(source, config);
    // sharp stays loaded for the process' life only if the main thread holds it too: a worker
    // that unloads libvips' shared libraries as it exits can crash the others.
    await loadSharp();
    // Aborted while the above was awaited: the listener below would never hear it.
    if (signal?.aborted) throw abortError(signal, 'embedding');
    return this.enqueue(source, config, signal);
  }

  /** A job for the workers, posted now to one with fewer than `backlog` in hand (else when one has room). */
  private enqueue(source: JobSource, config: PreprocessorConfig, signal: AbortSignal | undefined, backlog = BACKLOG): Promise<PreparedSource> {
    return new Promise<PreparedSource>((resolve, reject) => {
      const job: Job = { id: this.nextId++, source, config, resolve, reject, settled: false };
      if (signal) {
        const onAbort = () => this.settle(job, abortError(signal, 'embedding'));
        signal.addEventListener('abort', onAbort, { once: true });
        job.forget = () => signal.removeEventListener('abort', onAbort);
      }
      this.waiting.push(job);
      this.pump(backlog);
    });
  }

  /**
   * Drops the photos not started and lets each worker finish the one in hand, then exits them
   * (ending a worker in the middle of a sharp call can take the process down).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ahead.clear();
    const closed = new ClipError('ABORTED', 'this Clip was disposed');
    for (const job of [...this.waiting, ...this.threads.flatMap((t) => t.jobs)]) this.settle(job, closed);
    await Promise.all(
      this.threads.splice(0).map(
        (t) =>
          new Promise<void>((resolve) => {
            t.worker.once('exit', () => resolve());
            t.worker.ref(); // until it has exited: nothing keeps running behind the caller
            t.worker.postMessage({ close: true });
          }),
      ),
    );
  }

  private settle(job: Job, outcome: PreparedSource | ClipError): void {
    if (job.settled) return;
    job.settled = true;
    job.forget?.();
    const waiting = this.waiting.indexOf(job);
    if (waiting >= 0) this.waiting.splice(waiting, 1);
    if (outcome instanceof ClipError) job.reject(outcome);
    else job.resolve(outcome);
  }

  /** Posts waiting jobs to workers with room (`backlog` each), an idle one first, starting workers up to `size`. */
  private pump(backlog = BACKLOG): void {
    while (this.waiting.length > 0 && !this.closed && this.brokenBecause === undefined) {
      const thread = this.roomiest(backlog);
      if (!thread) return;
      const job = this.waiting.shift()!;
      thread.jobs.push(job);
      thread.worker.ref();
      thread.worker.postMessage({ id: job.id, source: job.source, config: job.config } satisfies ImageJob);
    }
  }

  private roomiest(backlog: number): Thread | undefined {
    let best: Thread | undefined;
    for (const t of this.threads) if (t.jobs.length < backlog && (!best || t.jobs.length < best.jobs.length)) best = t;
    if ((!best || best.jobs.length > 0) && this.threads.length < this.size) return this.start();
    return best;
  }

  private start(): Thread {
    const worker = new Worker(this.module.source, { eval: this.module.eval });
    const thread: Thread = { worker, jobs: [], ready: false };
    worker.on('message', (message: JobAnswer | WorkerNote) => this.answered(thread, message));
    worker.on('error', (error) => this.lost(thread, error));
    worker.on('exit', (code) => this.lost(thread, new Error(`it exited with code ${code}`)));
    this.threads.push(thread);
    return thread;
  }

  private answered(thread: Thread, message: JobAnswer | WorkerNote): void {
    if ('ready' in message) {
      thread.ready = true;
      return;
    }
    const at = thread.jobs.findIndex((j) => j.id === message.id);
    const [job] = at >= 0 ? thread.jobs.splice(at, 1) : [];
    // An idle pool never keeps the process alive; a closing one does, until its threads are gone.
    if (thread.jobs.length === 0 && !this.closed) thread.worker.unref();
    if (job) this.settle(job, message.ok ? { data: message.data, width: message.width, height: message.height, bytes: message.bytes } : new ClipError(message.code, message.message));
    this.pump();
  }

  /** A worker died (out of memory, a crash) or could not start. */
  private lost(thread: Thread, error: Error): void {
    const at = this.threads.indexOf(thread);
    if (at < 0) return; // closed, or already handled (an 'error' is followed by its 'exit')
    this.threads.splice(at, 1);
    const reason = error.message.split('\n')[0]!;
    if (!thread.ready) {
      // Its module did not load (e.g. a bundler left image-worker.js behind), so no worker
      // will: the same pixels, prepared on this thread, only slower.
      this.brokenBecause = reason;
      process.emitWarning(`webclip/node's image worker could not start (${reason}); photos are prepared on the main thread`, { code: 'WEBCLIP_IMAGE_WORKER' });
      const others = this.threads.splice(0);
      for (const t of others) void t.worker.terminate(); // none of them loaded its module either
      for (const job of [...thread.jobs, ...others.flatMap((t) => t.jobs), ...this.waiting]) this.prepareHere(job);
      return;
    }
    // One of the photos in its hands is what it died of (which, it cannot say): they fail; the
    // ones still waiting there go to another worker.
    const inHand = thread.jobs.slice(0, WORKER_JOBS);
    for (const job of inHand) this.settle(job, new ClipError('BAD_IMAGE', `the image worker stopped while preparing this image: ${reason}`, { cause: error }));
    this.waiting.unshift(...thread.jobs.slice(WORKER_JOBS).filter((j) => !j.settled));
    this.pump();
  }

  private prepareHere(job: Job): void {
    prepareSource(job.source, job.config).then(
      (tensor) => this.settle(job, tensor),
      (error: unknown) => this.settle(job, error instanceof ClipError ? error : new ClipError('BAD_IMAGE', String(error))),
    );
  }
}

/**
 * What a worker is sent for an image, or the image's failure. Nothing is transferred: pixels are
 * copied (the caller keeps its own), and a job handed to another worker still has them.
 */
async function sourceOf(image: WireImage, signal: AbortSignal | undefined): Promise<JobSource> {
  switch (image.kind) {
    case 'blob': {
      const path = filePathOf(image.blob);
      return path === undefined ? { blob: image.blob } : { path, size: image.blob.size };
    }
    case 'url':
      return { blob: await fetchImage(image.url, signal) };
    case 'pixels':
      return { pixels: { data: image.data, width: image.width, height: image.height } };
    case 'bitmap':
      throw new ClipError('BAD_IMAGE', 'ImageBitmaps exist only in browsers');
    case 'failed':
      throw new ClipError(image.code, image.message);
  }
}
