// `modelCache`: what the page can see and do with the models in webclip's IndexedDB cache.
// Runs on the page or in a worker: the cache is the origin's, shared by every tab.
import { clear, del, entries } from 'idb-keyval';
import { DTYPES, modelFile, type Dtype } from '../../core/model/dtype-choice';
import { manifestBytes, parseManifest } from '../../core/model/model-manifest';
import { deleteLabels } from '../engine/label-store';
import { chunkStore, deleteChunks, manifestStore } from './chunk-store';

export interface CachedModel {
  readonly id: string;
  /** Where it was downloaded from, or 'local' for files picked from disk. */
  readonly source: string;
  /** Dtypes whose vision and text files are both cached. */
  readonly dtypes: readonly Dtype[];
  readonly files: number;
  readonly bytes: number;
  /** When a load last added files (ms since the epoch). */
  readonly updatedAt: number;
}

export interface CacheUsage {
  readonly models: number;
  /** Bytes of model files webclip holds. */
  readonly bytes: number;
  /** The origin's storage use and quota (navigator.storage.estimate), where the browser says. */
  readonly usage?: number;
  readonly quota?: number;
  readonly persisted?: boolean;
}

async function list(): Promise<CachedModel[]> {
  const all = await entries<IDBValidKey, unknown>(manifestStore());
  const models: CachedModel[] = [];
  for (const [, value] of all) {
    const m = parseManifest(value);
    if (!m) continue;
    const dtypes = DTYPES.filter((d) => m.files[modelFile('vision', d)] && m.files[modelFile('text', d)]);
    models.push({ id: m.id, source: m.source, dtypes, files: Object.keys(m.files).length, bytes: manifestBytes(m), updatedAt: m.updatedAt });
  }
  return models.sort((a, b) => b.updatedAt - a.updatedAt);
}

async function usage(): Promise<CacheUsage> {
  const models = await list();
  const bytes = models.reduce((sum, m) => sum + m.bytes, 0);
  const storage = globalThis.navigator?.storage;
  const estimate = await storage?.estimate?.().catch(() => undefined);
  const persisted = await storage?.persisted?.().catch(() => undefined);
  return {
    models: models.length,
    bytes,
    ...(estimate?.usage === undefined ? {} : { usage: estimate.usage }),
    ...(estimate?.quota === undefined ? {} : { quota: estimate.quota }),
    ...(persisted === undefined ? {} : { persisted }),
  };
}

/** Removes a model: its manifest first (from then on it is absent), then its chunks. */
async function remove(id: string): Promise<void> {
  await del(id, manifestStore());
  await deleteChunks(id);
  await deleteLabels(id);
}

async function clearAll(): Promise<void> {
  await clear(manifestStore());
  await clear(chunkStore());
  await deleteLabels();
}

export const modelCache = { list, usage, delete: remove, clear: clearAll } as const;
