// Which tower files a start from the cache can begin reading at once, before the configs are
// parsed and onnxruntime is loaded: reading 100+ MB from IndexedDB is the slow part of a warm
// start, and its first second would otherwise pass waiting. Only when the files the start will
// use are plain; a wrong guess would read hundreds of MB for nothing.
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
