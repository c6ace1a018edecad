// What `modelCache` (src/page/model-cache.ts) sees and does with the models in webclip's
// IndexedDB cache, run in a worker: the cache is the origin's, shared by every tab.
import { clear, del, entries } from 'idb-keyval';
import type { CachedModel, CacheUsage } from '../../shared/models';
import { DTYPES, modelFile } from '../../core/model/model-files';
import { manifestBytes, parseManifest } from '../../core/model/model-manifest';
import { deleteLabels } from '../engine/label-store';
import { chunkStore, deleteChunks, manifestStore } from './chunk-store';

export async function listCachedModels(): Promise<CachedModel[]> {
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

export async function cacheUsage(): Promise<CacheUsage> {
  const models = await listCachedModels();
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
export async function deleteCachedModel(id: string): Promise<void> {
  await del(id, manifestStore());
  await deleteChunks(id);
  await deleteLabels(id);
}

export async function clearModelCache(): Promise<void> {
  await clear(manifestStore());
  await clear(chunkStore());
  await deleteLabels();
}

