// Which tower files a start from the cache can read at once, before the configs are parsed: only
// when the files it will use are certain (a wrong guess reads hundreds of MB for nothing).
import { wasmFallbackCandidates } from '../../core/model/dtype-choice';
import { modelFile, towersSmallerFirst } from '../../core/model/model-files';
import type { Device, Dtype } from '../../shared/clip';

export interface CachedFiles {
  has(path: string): boolean;
  sizeOf(path: string): number | undefined;
}

/**
 * The two tower files of the dtype a WASM start will use, smaller first (built first, see
 * backend-build.ts), or [] when that is not certain (WebGPU possible: its choice depends on the
 * adapter) or not cached. A WASM start takes the first of its candidates that is cached.
 */
export function towerFilesToPrefetch(cache: CachedFiles, device: 'auto' | Device, dtype: 'auto' | Dtype, webgpuExists: boolean): string[] {
  if (device === 'webgpu' || (device === 'auto' && webgpuExists)) return [];
  const cached = (d: Dtype): boolean => cache.has(modelFile('vision', d)) && cache.has(modelFile('text', d));
  const chosen = wasmFallbackCandidates(dtype).find(cached);
  if (chosen === undefined) return [];
  // In the order readCachedPair (backend-build.ts) will ask for them.
  return towersSmallerFirst(chosen, (path) => cache.sizeOf(path)).map((tower) => modelFile(tower, chosen));
}
