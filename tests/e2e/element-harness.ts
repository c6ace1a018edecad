// The page element.spec.ts drives: two <clip-tagger>s on one model, every event they fire
// recorded, the workers the page starts counted, and the shared Clip's image embeddings counted
// (so a test can tell a re-tag from a re-embed).
import type { Clip } from '../../src/index';
import type { ClipTagger } from '../../src/element/index';

const workers: string[] = [];
const NativeWorker = window.Worker;
window.Worker = class extends NativeWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    workers.push(options?.name ?? String(url));
  }
};

const events: { element: string; type: string; detail: unknown }[] = [];
for (const type of ['clip-ready', 'clip-progress', 'clip-tags', 'clip-error']) {
  document.addEventListener(type, (event) => {
    const target = event.target as HTMLElement;
    events.push({ element: target.id, type, detail: (event as CustomEvent).detail ?? null });
  });
}

const { sharedClip } = await import('../../src/element/shared-clip');
await import('../../src/element/index');

let embedded = 0;
const clip: Clip = await sharedClip({ model: '/models/test/', device: 'wasm', dtype: 'fp32' });
const embedImages = clip.embedImages.bind(clip);
(clip as { embedImages: Clip['embedImages'] }).embedImages = (images, options) => {
  embedded += images.length;
  return embedImages(images, options);
};

async function photoFile(path: string, name = path.split('/').pop()!): Promise<File> {
  const blob = await (await fetch(path)).blob();
  return new File([blob], name, { type: blob.type });
}

const tagger = (id: string) => document.getElementById(id) as ClipTagger;

window.elementTest = { workers, events, embeddedImages: () => embedded, photoFile, tagger };

declare global {
  interface Window {
    elementTest: {
      workers: string[];
      events: { element: string; type: string; detail: unknown }[];
      embeddedImages(): number;
      photoFile(path: string, name?: string): Promise<File>;
      tagger(id: string): ClipTagger;
    };
  }
}
document.body.dataset.ready = 'true';
