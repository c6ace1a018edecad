// The page tests/e2e/sessions.spec.ts drives: ModelSessions (src/runtime/backend/model-sessions.ts)
// imported directly, on the main thread, with the committed tiny model served at /models/test/.
import { clear, createStore } from 'idb-keyval';
import { ClipError } from '../../src/shared/errors';
import { ModelSessions, type SessionsInfo, type SessionStatus, type SessionTestHooks } from '../../src/runtime/backend/model-sessions';

export interface HarnessCreate {
  device: 'auto' | 'webgpu' | 'wasm';
  dtype: 'auto' | 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';
  hooks?: SessionTestHooks;
  /** Model files served instead of the real ones, by path (e.g. a graph with a renamed input). */
  overrides?: Record<string, number[]>;
  /** Files that answer MODEL_NOT_FOUND although they exist. */
  hide?: string[];
  numThreads?: number;
  /** Aborts the start this many ms after it begins (0: before it begins). */
  abortAfterMs?: number;
}

export interface HarnessError {
  error: { name: string; code?: string; message: string };
}

const base = '/models/test/';
const live = new Map<number, ModelSessions>();
let nextId = 1;
/** Model file paths read, in order, by every create so far. */
const reads: string[] = [];

async function readFile(path: string, options: HarnessCreate): Promise<Uint8Array> {
  reads.push(path);
  const override = options.overrides?.[path];
  if (override) return Uint8Array.from(override);
  if (options.hide?.includes(path)) throw new ClipError('MODEL_NOT_FOUND', `${path} is hidden by the test`);
  const response = await fetch(base + path);
  // Vite answers unknown paths with index.html (200): a missing model file, as download.ts says.
  if (!response.ok || (response.headers.get('Content-Type') ?? '').startsWith('text/html')) {
    throw new ClipError('MODEL_NOT_FOUND', `${base}${path} does not exist`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

function asError(error: unknown): HarnessError {
  const e = error as { name?: string; code?: string; message?: string };
  return { error: { name: e?.name ?? 'Error', ...(e?.code ? { code: e.code } : {}), message: e?.message ?? String(error) } };
}

const config = fetch(`${base}config.json`).then((r) => r.json() as Promise<unknown>);

const harness = {
  async create(options: HarnessCreate): Promise<{ id: number; info: SessionsInfo; statuses: SessionStatus[]; ms: number } | HarnessError> {
    const statuses: SessionStatus[] = [];
    const started = performance.now();
    const controller = new AbortController();
    if (options.abortAfterMs === 0) controller.abort(new Error('test abort'));
    else if (options.abortAfterMs !== undefined) setTimeout(() => controller.abort(new Error('test abort')), options.abortAfterMs);
    try {
      const sessions = await ModelSessions.create({
        files: { read: (path) => readFile(path, options) },
        modelId: new URL(base, location.href).href,
        config: await config,
        device: options.device,
        dtype: options.dtype,
        wasmBaseUrl: '/ort/',
        numThreads: options.numThreads ?? (crossOriginIsolated ? 2 : 1),
        ...(options.abortAfterMs === undefined ? {} : { signal: controller.signal }),
        onStatus: (s) => {
          statuses.push(s);
          console.info(`[sessions] ${s.phase}: ${s.message}`);
        },
        ...(options.hooks ? { hooks: options.hooks } : {}),
      });
      const id = nextId++;
      live.set(id, sessions);
      return { id, info: sessions.info, statuses, ms: performance.now() - started };
    } catch (error) {
      return asError(error);
    }
  },

  info(id: number): SessionsInfo {
    return live.get(id)!.info;
  },

  /** Embeds the committed pixel_values files (each [1,3,224,224]) as one batch, rows in order. */
  async runVision(id: number, files: string[]): Promise<number[][] | HarnessError> {
    try {
      const batch = await pixelBatch(files);
      const block = await live.get(id)!.runVision(batch, [files.length, 3, 224, 224]);
      return rows(block, files.length);
    } catch (error) {
      return asError(error);
    }
  },

  /** Embeds id rows (cut to `length`, which must cover each row's eos) as one batch. */
  async runText(id: number, ids: number[][], length: number): Promise<number[][] | HarnessError> {
    try {
      const block = await live.get(id)!.runText(
        BigInt64Array.from(ids.flatMap((row) => row.slice(0, length)), (v) => BigInt(v)),
        [ids.length, length],
      );
      return rows(block, ids.length);
    } catch (error) {
      return asError(error);
    }
  },

  /**
   * Queues `count` runs alternating vision and text, destroys the GPU device once the first has
   * answered (so the second is running and the rest are queued), and waits for all of them.
   */
  async runThroughLoss(id: number, files: string[], ids: number[][], length: number, count: number) {
    const sessions = live.get(id)!;
    const batch = await pixelBatch(files);
    const idBatch = BigInt64Array.from(ids.flatMap((row) => row.slice(0, length)), (v) => BigInt(v));
    const calls: Promise<{ kind: 'vision' | 'text'; device: string; rows: number[][] | HarnessError }>[] = [];
    for (let i = 0; i < count; i++) {
      const kind = i % 2 === 0 ? ('vision' as const) : ('text' as const);
      const run =
        kind === 'vision'
          ? sessions.runVision(batch, [files.length, 3, 224, 224]).then((b) => rows(b, files.length))
          : sessions.runText(idBatch, [ids.length, length]).then((b) => rows(b, ids.length));
      // The device is read when the run answers: which backend it finished on.
      calls.push(run.then((r) => r, asError).then((r) => ({ kind, device: sessions.info.device, rows: r })));
    }
    await calls[0];
    const deviceAtLoss = sessions.info.device;
    await sessions.loseDeviceForTest();
    return { deviceAtLoss, results: await Promise.all(calls), info: sessions.info };
  },

  /** Median ms of `reps` runs of one tower on a batch of `n` (synthetic inputs), after one warm-up run. */
  async timeRuns(id: number, tower: 'vision' | 'text', n: number, reps: number): Promise<number> {
    const sessions = live.get(id)!;
    const pixels = new Float32Array(n * 3 * 224 * 224).map((_, i) => Math.sin(i));
    const ids = BigInt64Array.from({ length: n * 8 }, (_, i) => BigInt(i % 8 === 0 ? 1512 : i % 8 === 7 ? 1513 : 300 + i));
    const once = () =>
      tower === 'vision' ? sessions.runVision(pixels, [n, 3, 224, 224]) : sessions.runText(ids, [n, 8]);
    await once();
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const start = performance.now();
      await once();
      times.push(performance.now() - start);
    }
    return times.sort((a, b) => a - b)[Math.floor(reps / 2)]!;
  },

  async loseDevice(id: number): Promise<void> {
    await live.get(id)!.loseDeviceForTest();
  },

  async dispose(id: number): Promise<void> {
    await live.get(id)?.dispose();
    live.delete(id);
  },

  reads(): string[] {
    return [...reads];
  },

  async clearVerdicts(): Promise<void> {
    await clear(createStore('webclip-probe', 'verdicts'));
  },

  async adapter(): Promise<{ found: boolean; info?: Record<string, unknown>; features?: string[] }> {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    const adapter = (await gpu?.requestAdapter()) as
      | { info: Record<string, unknown>; features: Set<string> }
      | null
      | undefined;
    if (!adapter) return { found: false };
    const { vendor, architecture, device, description, isFallbackAdapter } = adapter.info;
    return { found: true, info: { vendor, architecture, device, description, isFallbackAdapter }, features: [...adapter.features] };
  },
};

async function pixelBatch(files: string[]): Promise<Float32Array> {
  const tensors = await Promise.all(
    files.map(async (f) => new Float32Array(await (await fetch(`/tests/fixtures/tiny-clip-inputs/${f}`)).arrayBuffer())),
  );
  const size = 3 * 224 * 224;
  const batch = new Float32Array(files.length * size);
  tensors.forEach((t, i) => batch.set(t, i * size));
  return batch;
}

function rows(block: Float32Array, n: number): number[][] {
  const dim = block.length / n;
  return Array.from({ length: n }, (_, r) => Array.from(block.subarray(r * dim, (r + 1) * dim)));
}

declare global {
  interface Window {
    sessionsHarness: typeof harness;
    sessionsHarnessReady: boolean;
  }
}

window.sessionsHarness = harness;
window.sessionsHarnessReady = true;
