// The engine's platform in Node (EnginePlatform): model files from folders or the cache folder,
// towers on onnxruntime-node's CPU provider (or onnxruntime-web's WASM build, the browser's
// exact kernels), images decoded by sharp as PIL decodes them.
import { fileURLToPath } from 'node:url';
import { ClipError } from '../shared/errors';
import type { EnginePlatform, ImagePreparer } from '../runtime/engine/engine-platform';
import { ModelSessions } from '../runtime/backend/model-sessions';
import { CpuSessions } from './backend/cpu-sessions';
import { NODE_WASM_BASE, prepareOrtForNode } from './backend/ort-web-node';
import { digestBlob } from './images/blob-digest';
import { decodeNodeImage } from './images/node-decode';
import { CacheFiles } from './model/cache-files';
import { FolderFiles } from './model/folder-files';

export interface NodePlatformOptions {
  /** Where downloaded models are kept. */
  readonly cacheDir: string;
  /** Download retries and the first backoff (tests shorten them). */
  readonly retries?: { retries?: number; backoffMs?: number };
  /** Worker threads that decode and preprocess (image-pool.ts); without, the engine does it on this thread. */
  readonly preparer?: ImagePreparer;
}

export function nodePlatform({ cacheDir, retries, preparer }: NodePlatformOptions): EnginePlatform {
  return {
    async openStore(model) {
      if (model.source.kind !== 'url') throw new ClipError('BAD_INPUT', 'webclip/node reads models from folders or URLs');
      const { baseUrl } = model.source;
      return baseUrl.startsWith('file:') ? FolderFiles.open(fileURLToPath(baseUrl)) : CacheFiles.open(model.id, baseUrl, cacheDir, retries);
    },
    async createSessions(options) {
      if (options.device === 'webgpu') throw new ClipError('BACKEND_UNAVAILABLE', "webclip/node runs on the CPU ('cpu') or onnxruntime-web's WASM ('wasm'), not WebGPU");
      if (options.device !== 'wasm') return CpuSessions.create(options);
      // The browser's own path: the same WASM kernels give the same numbers as a page's.
      await prepareOrtForNode();
      return ModelSessions.create({ ...options, wasmBaseUrl: NODE_WASM_BASE });
    },
    decode: decodeNodeImage,
    digest: digestBlob,
    ...(preparer ? { preparer } : {}),
    webgpuExists: () => false,
  };
}
