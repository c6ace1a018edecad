// Browser side of bench/families.ts: for each model of the run, webclip (its own worker) and
// transformers.js (a worker of its own) load the same full-size family model; the driver asks
// for one timed call at a time, so several families are measured under the same load.
import * as Comlink from 'comlink';
import { cosine, createClip, type Clip } from '../../src/index';
import { mulberry32 } from '../stats';
import type { FamilyTransformersApi } from './transformers.worker';

const CAPTIONS = Array.from({ length: 32 }, (_, i) =>
  ['a photo of a dog', 'a red car parked on a street', 'two children playing on the beach at sunset', 'a bowl of ramen'][i % 4]! + ` ${i}`);

/** One model of the run: a folder under bench/models/ and its family ('multilingual': a text tower paired with `pairVision`'s image tower). */
export interface BenchModel {
  folder: string;
  family: string;
  pairVision?: string;
}

interface Loaded {
  webclip: Clip;
  tjs: Comlink.Remote<FamilyTransformersApi>;
  worker: Worker;
}

const loaded = new Map<string, Loaded>();
let photos: Blob[] = [];

/** 600×400 JPEGs of smooth shapes plus seeded noise. */
async function makePhotos(n: number): Promise<Blob[]> {
  const out: Blob[] = [];
  for (let k = 0; k < n; k++) {
    const canvas = new OffscreenCanvas(600, 400);
    const c = canvas.getContext('2d')!;
    const random = mulberry32(k + 1);
    c.fillStyle = `hsl(${Math.floor(random() * 360)} 60% 60%)`;
    c.fillRect(0, 0, 600, 400);
    for (let s = 0; s < 12; s++) {
      c.fillStyle = `hsl(${Math.floor(random() * 360)} 70% ${30 + Math.floor(random() * 40)}%)`;
      c.beginPath();
      c.arc(random() * 600, random() * 400, 20 + random() * 120, 0, 2 * Math.PI);
      c.fill();
    }
    out.push(await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 }));
  }
  return out;
}

const minCosine = (a: Float32Array[], b: Float32Array[]): number => Math.min(...a.map((v, i) => cosine(v, b[i]!)));

const api = {
  /** Loads one model in both engines; how far their embeddings of the same inputs agree (NaN: no image tower). */
  async setup(m: BenchModel, o: { dtype: 'q8' | 'fp32'; threads: number }): Promise<{ detail: string; agreeImages: number; agreeTexts: number }> {
    if (photos.length === 0) photos = await makePhotos(8);
    const textOnly = m.family === 'multilingual';
    const webclip = await createClip({
      model: textOnly ? { vision: `/models/${m.pairVision}/`, text: `/models/${m.folder}/` } : `/models/${m.folder}/`,
      ...(textOnly ? { towers: ['text'] as const } : {}),
      device: 'wasm',
      dtype: o.dtype,
      threads: o.threads,
    });
    const worker = new Worker(new URL('./transformers.worker.ts', import.meta.url), { type: 'module' });
    const tjs = Comlink.wrap<FamilyTransformersApi>(worker);
    loaded.set(m.folder, { webclip, tjs, worker });
    const detail = await tjs.load({ localModelPath: '/models/', modelId: m.folder, family: m.family, dtype: o.dtype, ortUrl: new URL('/tjs-ort/', location.href).href, threads: o.threads });
    // the same files give the same embeddings: the two are compared on equal work
    const agreeImages = textOnly ? NaN : minCosine(await webclip.embedImages(photos.slice(0, 2)), await tjs.embedImages(photos.slice(0, 2)));
    const agreeTexts = minCosine(await webclip.embedTexts(CAPTIONS.slice(0, 4)), await tjs.embedTexts(CAPTIONS.slice(0, 4)));
    return { detail: `${m.folder}: ${detail}; webclip ${webclip.info.family} ${webclip.info.dtype}, ${webclip.info.threads} threads`, agreeImages, agreeTexts };
  },

  /** ms of one call of `folder`'s model: `what` 'images' (8 JPEG photos) or 'texts' (32 captions). */
  async time(folder: string, engine: 'webclip' | 'tjs', what: 'images' | 'texts'): Promise<number> {
    const { webclip, tjs } = loaded.get(folder)!;
    const t0 = performance.now();
    if (engine === 'webclip') await (what === 'images' ? webclip.embedImages(photos) : webclip.embedTexts(CAPTIONS));
    else await (what === 'images' ? tjs.embedImages(photos) : tjs.embedTexts(CAPTIONS));
    return performance.now() - t0;
  },

  async teardown(): Promise<void> {
    for (const { webclip, tjs, worker } of loaded.values()) {
      await webclip.dispose();
      await tjs.dispose();
      worker.terminate();
    }
    loaded.clear();
  },
};

declare global {
  interface Window {
    familyBench: typeof api;
  }
}
window.familyBench = api;
document.title = 'ready';
