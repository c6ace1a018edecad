// Browser side of bench/cache.ts. Times createClip until ready (both towers built) with the
// model's files coming from the local server (cold: download and store), from IndexedDB (warm:
// read and check every chunk) and from Blobs already in memory with the cache off (the floor),
// and measures IndexedDB write and read throughput of the model store itself.
// The test entry's createClip (src/testing/): the in-memory floor needs its `noCache` hook, and
// every start of the table runs the same worker.
import { createTestClip as createClip } from '../../src/testing/test-clip';
import { modelFile } from '../../src/core/model/model-files';
import type { Dtype } from '../../src/shared/clip';
import { ModelStore } from '../../src/runtime/model-store/model-store';
import { modelCache } from '../../src/page/model-cache';

const MODEL = new URL('/models/bench/', location.href).href;
const JSON_FILES = ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'];

async function inMemory(dtype: Dtype): Promise<File[]> {
  const paths = [...JSON_FILES, modelFile('vision', dtype), modelFile('text', dtype)];
  return Promise.all(
    paths.map(async (path) => {
      const blob = await (await fetch(MODEL + path)).blob();
      const file = new File([blob], path.split('/').pop()!);
      // As a folder picker names them: '<folder>/<path>'.
      Object.defineProperty(file, 'webkitRelativePath', { value: `clip-vit-b-32-random/${path}` });
      return file;
    }),
  );
}

export interface StartTiming {
  readyMs: number;
  dtype: string;
}

async function start(dtype: Dtype, from: 'url' | 'memory'): Promise<StartTiming> {
  const model = from === 'url' ? MODEL : await inMemory(dtype);
  const t0 = performance.now();
  const clip = await createClip({ model, device: 'wasm', dtype, ...(from === 'memory' ? { testHooks: { noCache: true } } : {}) });
  const readyMs = performance.now() - t0;
  const info = clip.info;
  await clip.dispose();
  return { readyMs, dtype: info.dtype };
}

export interface Throughput {
  bytes: number;
  writeMs: number;
  readMs: number;
}

/** The store alone: both towers from memory into IndexedDB (hashing included), then back out, checked. */
async function throughput(dtype: Dtype): Promise<Throughput> {
  const files = Object.fromEntries((await inMemory(dtype)).map((f) => [f.webkitRelativePath.split('/').slice(1).join('/'), f]));
  const id = `bench-throughput-${dtype}`;
  await modelCache.delete(id);
  const towers = [modelFile('vision', dtype), modelFile('text', dtype)];
  const writer = await ModelStore.open(id, { kind: 'files', files });
  let t0 = performance.now();
  let bytes = 0;
  for (const path of towers) bytes += (await writer.read(path)).length;
  await writer.commit();
  const writeMs = performance.now() - t0;
  const reader = await ModelStore.open(id, { kind: 'url', baseUrl: 'http://0.0.0.0/never/' });
  t0 = performance.now();
  for (const path of towers) await reader.read(path);
  const readMs = performance.now() - t0;
  await modelCache.delete(id);
  return { bytes, writeMs, readMs };
}

const cacheBench = { start, throughput, clear: () => modelCache.clear() };
export type CacheBench = typeof cacheBench;
(globalThis as unknown as { cacheBench: CacheBench }).cacheBench = cacheBench;
document.title = 'ready';
