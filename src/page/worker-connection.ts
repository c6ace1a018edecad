// The page's hold on webclip's worker across crashes: a Web Lock tells its death, a new worker
// loads from the cache, safe calls run again (docs/internals.md#a-worker-that-dies).
import * as Comlink from 'comlink';
import type { WorkerApi } from '../shared/worker-api';
import { ClipError } from '../shared/errors';

export interface CallPolicy {
  /** Run once more on a new worker when the worker dies during the call. */
  retry: boolean;
}

interface Generation {
  worker: Worker;
  remote: Comlink.Remote<WorkerApi>;
  /** Rejects with WORKER_CRASHED when this worker dies; never resolves. */
  died: Promise<never>;
  dead: boolean;
  /** A new worker has been started in its place. */
  replaced: boolean;
}

let lockCounter = 0;

export class WorkerConnection<Loaded> {
  private current: Promise<Generation>;
  private closed = false;

  /**
   * @param startWorker makes a new Worker (throws a ClipError for a bad URL).
   * @param load loads the model into a fresh worker; `first` is true for the first one.
   * @param onLoaded receives each load's result (the engine's info).
   */
  constructor(
    private readonly startWorker: () => Worker,
    private readonly load: (remote: Comlink.Remote<WorkerApi>, first: boolean) => Promise<Loaded>,
    private readonly onLoaded: (loaded: Loaded) => void,
  ) {
    this.current = this.spawn(true);
  }

  /** Resolves once the first worker has loaded its model (rejects with the load's error). */
  async ready(): Promise<void> {
    await this.current;
  }

  private async spawn(first: boolean): Promise<Generation> {
    const worker = this.startWorker();
    const remote = Comlink.wrap<WorkerApi>(worker);
    let markDied: (error: ClipError) => void = () => undefined;
    const died = new Promise<never>((_, reject) => (markDied = reject));
    died.catch(() => undefined);
    const generation: Generation = { worker, remote, died, dead: false, replaced: false };
    const die = (why: string) => {
      if (generation.dead) return;
      generation.dead = true;
      markDied(new ClipError('WORKER_CRASHED', `the webclip worker stopped: ${why}`));
      worker.terminate();
      remote[Comlink.releaseProxy]();
    };
    // An uncaught error leaves the worker running in an unknown state: it is replaced too.
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      die(event.message || 'it failed to start or threw an uncaught error');
    });
    worker.addEventListener('messageerror', () => die('a message from it could not be read'));
    try {
      if (typeof navigator !== 'undefined' && navigator.locks) {
        const name = `webclip-worker-${Date.now().toString(36)}-${lockCounter++}-${Math.random().toString(36).slice(2)}`;
        await Promise.race([remote.holdLifeLock(name), died]);
        void navigator.locks.request(name, () => die('it ended (killed, out of memory or closed)'));
      }
      this.onLoaded(await Promise.race([this.load(remote, first), died]));
    } catch (error) {
      if (first) {
        die('its start failed');
        throw error;
      }
      // A restart that failed: the callers waiting for it get WORKER_CRASHED saying why, and
      // the next call tries again.
      die(`it could not be started again: ${error instanceof Error ? error.message : String(error)}`);
    }
    return generation;
  }

  /** The live worker, starting a new one if the last one died (one restart per death). */
  private async live(): Promise<Generation> {
    if (this.closed) throw new ClipError('BAD_INPUT', 'this Clip was disposed');
    const generation = await this.current;
    if (!generation.dead) return generation;
    if (!generation.replaced) {
      generation.replaced = true;
      this.current = this.spawn(false);
    }
    return this.current;
  }

  /** Runs `work` on the live worker; see CallPolicy for what happens when it dies meanwhile. */
  async call<T>(work: (remote: Comlink.Remote<WorkerApi>) => Promise<T>, { retry }: CallPolicy): Promise<T> {
    const attempt = (generation: Generation): Promise<T> =>
      generation.dead ? generation.died : Promise.race([Promise.resolve().then(() => work(generation.remote)), generation.died]);
    const generation = await this.live();
    try {
      return await attempt(generation);
    } catch (error) {
      if (!(generation.dead && error instanceof ClipError && error.code === 'WORKER_CRASHED') || !retry || this.closed) throw error;
      // Once: an input that kills the worker every time must not restart it for ever.
      return attempt(await this.live());
    }
  }

  /** The live worker's remote (a new one if the last died). */
  async remote(): Promise<Comlink.Remote<WorkerApi>> {
    return (await this.live()).remote;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const generation = await this.current.catch(() => undefined);
    if (!generation || generation.dead) return;
    try {
      await Promise.race([generation.remote.dispose(), generation.died]);
    } catch {
      // A dead worker has nothing left to free.
    } finally {
      generation.dead = true;
      generation.remote[Comlink.releaseProxy]();
      generation.worker.terminate();
    }
  }
}
