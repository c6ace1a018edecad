// createClip for Node: the browser's engine in this process (no worker), on webclip/node's
// platform (engine-platform.ts), with libraries kept in `.webclip` files.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { ClipError } from '../shared/errors';
import { checkTowers } from '../core/model/model-files';
import { ClipEngine } from '../runtime/engine/engine';
import { nodePlatform } from './engine-platform';
import { ImagePool } from './images/image-pool';
import { toWireImage, toWireImages } from './images/image-input';
import { NodeLibraries } from './library/node-libraries';
import { defaultCacheDir, resolveNodeModel } from './model/node-model';
import type { NodeClip, NodeClipOptions } from './node-clip';

const DEVICES = ['auto', 'cpu', 'wasm'];
const DTYPES = ['auto', 'fp32', 'fp16', 'q8', 'q4', 'q4f16'];

function strings(list: readonly string[], what: string): string[] {
  if (!Array.isArray(list) || !list.every((t) => typeof t === 'string')) throw new ClipError('BAD_INPUT', `${what} must be an array of strings`);
  return [...list];
}

/** Loads the model in this process and returns a Clip (the browser's API, Node's inputs). */
export async function createClip(options: NodeClipOptions = {}): Promise<NodeClip> {
  const device = options.device ?? 'auto';
  const dtype = options.dtype ?? 'auto';
  if (!DEVICES.includes(device)) throw new ClipError('BAD_INPUT', `device must be one of ${DEVICES.join(', ')}, got ${String(device)}`);
  if (!DTYPES.includes(dtype)) throw new ClipError('BAD_INPUT', `dtype must be one of ${DTYPES.join(', ')}, got ${String(dtype)}`);
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new ClipError('BAD_INPUT', `threads must be a positive integer, got ${String(options.threads)}`);
  }
  // Each image thread keeps two cores busy (image-job.ts, WORKER_JOBS).
  const imageThreads = options.imageThreads ?? Math.max(1, Math.floor(availableParallelism() / 2));
  if (!(Number.isInteger(imageThreads) && imageThreads >= 0)) {
    throw new ClipError('BAD_INPUT', `imageThreads must be a whole number, got ${String(options.imageThreads)}`);
  }
  const model = resolveNodeModel(options.model, options.modelId);
  const towers = checkTowers(options.towers);
  // Without the image tower no photo is prepared; 0 threads: prepared on this thread.
  const pool = imageThreads > 0 && towers.includes('vision') ? new ImagePool(imageThreads) : undefined;
  if (options.prepareAhead !== undefined) pool?.prepareAhead(strings(options.prepareAhead, 'prepareAhead'));
  const platform = nodePlatform({ cacheDir: options.cacheDir ?? defaultCacheDir(), ...(pool ? { preparer: pool } : {}) });
  let engine: ClipEngine;
  try {
    engine = await ClipEngine.load(
      {
        model,
        device: device === 'auto' ? 'cpu' : device,
        dtype,
        numThreads: options.threads ?? Math.min(4, availableParallelism()),
        towers,
      },
      { signal: options.signal, onProgress: options.onProgress },
      {},
      platform,
    );
  } catch (error) {
    await pool?.close();
    throw error;
  }
  const libraries = new NodeLibraries(engine, resolve(options.libraryDir ?? '.'));
  let disposed = false;
  const live = (): ClipEngine => {
    if (disposed) throw new ClipError('BAD_INPUT', 'this Clip was disposed');
    return engine;
  };
  return {
    get info() {
      return engine.info;
    },
    async embedImages(images, { signal, onProgress } = {}) {
      if (!Array.isArray(images)) throw new ClipError('BAD_INPUT', 'images must be an array');
      return live().embedImages(await toWireImages(images), { signal, onProgress });
    },
    async embedTexts(texts, { signal } = {}) {
      const { vectors, truncated } = await live().embedTextsWithInfo(strings(texts, 'texts'), { signal });
      return Object.assign(vectors, { truncated });
    },
    async classify(image, labels, { templates, signal } = {}) {
      return live().classify(await toWireImage(image), strings(labels, 'labels'), { templates: templates && strings(templates, 'templates'), signal });
    },
    async embedLabels(labels, { templates, signal } = {}) {
      return live().embedLabels(strings(labels, 'labels'), { templates: templates && strings(templates, 'templates'), signal });
    },
    library: (name, libraryOptions) => (live(), libraries.library(name, libraryOptions)),
    importLibrary: (file, importOptions) => (live(), libraries.importLibrary(file, importOptions)),
    deleteLibrary: (name) => libraries.deleteLibrary(name),
    libraries: () => libraries.list(),
    async dispose() {
      if (disposed) return;
      disposed = true;
      try {
        await libraries.closeAll();
      } finally {
        await Promise.all([engine.dispose(), pool?.close()]);
      }
    },
  };
}
