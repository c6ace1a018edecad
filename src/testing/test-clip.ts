// createClip for webclip's own tests and benchmarks (never shipped): the test worker, faults at
// load (`testHooks`), and testAccess(clip) for the calls that watch and break it.
import * as Comlink from 'comlink';
import type { Clip, ClipOptions } from '../shared/clip';
import { startClipWorker } from '../page/clip-worker';
import { openClip } from '../page/create-clip';
import type { TestHooks, TestWorkerApi } from './test-worker-api';

export type { TestHooks };

export interface TestClipOptions extends ClipOptions {
  testHooks?: TestHooks;
}

export interface ClipTestAccess {
  loseDevice(): Promise<void>;
  /** Label embeddings held by the engine's label cache. */
  cachedLabels(): Promise<number>;
  /** Texts the worker's engine has run through the text tower. */
  encodedTexts(): Promise<number>;
  /** Terminates the worker from the page, as the browser does to one out of memory. */
  crashWorker(): Promise<void>;
  /** Makes the worker close itself. */
  exitWorker(): Promise<void>;
  /** The most images the engine held decoded at once since the last call of this. */
  peakHeldImages(): Promise<number>;
  /** The next `count` library write transactions fail as a full disk would. */
  failLibraryWrites(count: number): Promise<void>;
  /** Workers started after a crash. */
  restarts(): number;
  /** The WASM build's run stack in the worker (ort-run-stack.ts), once ORT is loaded. */
  ortRunStack(): Promise<{ active: boolean; step: number; moved: number } | undefined>;
}

const accessOf = new WeakMap<Clip, ClipTestAccess>();

function startTestWorker(workerUrl: string | URL | undefined): Worker {
  if (workerUrl !== undefined) return startClipWorker(workerUrl);
  return new Worker(new URL('./clip-test.worker.ts', import.meta.url), { type: 'module', name: 'webclip' });
}

export async function createTestClip(options: TestClipOptions = {}): Promise<Clip> {
  const { testHooks, ...clipOptions } = options;
  const workers: Worker[] = [];
  const { clip, connection } = await openClip(clipOptions, {
    startWorker: (workerUrl) => {
      const worker = startTestWorker(workerUrl);
      workers.push(worker);
      return worker;
    },
    ...(testHooks ? { loadExtras: { testHooks } } : {}),
  });
  const worker = async () => (await connection.remote()) as unknown as Comlink.Remote<TestWorkerApi>;
  accessOf.set(clip, {
    loseDevice: async () => (await worker()).loseDevice(),
    cachedLabels: async () => (await worker()).cachedLabels(),
    encodedTexts: async () => (await worker()).encodedTexts(),
    crashWorker: async () => {
      // The current worker once it has loaded, as the browser would kill it.
      await connection.ready();
      workers[workers.length - 1]!.terminate();
    },
    exitWorker: async () => (await worker()).exit(),
    peakHeldImages: async () => (await worker()).peakHeldImages(),
    failLibraryWrites: async (count) => (await worker()).failLibraryWrites(count),
    ortRunStack: async () => (await worker()).ortRunStack(),
    restarts: () => workers.length - 1,
  });
  return clip;
}

/** The test-only calls of a Clip made by createTestClip. */
export function testAccess(clip: Clip): ClipTestAccess {
  const access = accessOf.get(clip);
  if (!access) throw new Error('testAccess: this Clip was not made by createTestClip');
  return access;
}
