// What an app author writes after `npm install webclip`: the API and the element, imported by
// name. The test drives the page through `window.app`.
import { createClip, isClipError, type Clip, type ClipInfo } from 'webclip';
// The element registers itself when its module runs: a side-effect import (a type-only one is erased).
import 'webclip/element';
import type { ClipTagger } from 'webclip/element';

declare global {
  interface Window {
    app: {
      embed(url: string): Promise<{ info: ClipInfo; vector: number[] }>;
      badImage(): Promise<string>;
      tagger: ClipTagger;
    };
  }
}

let clip: Promise<Clip> | undefined;
const shared = (): Promise<Clip> => (clip ??= createClip({ model: '/models/test/', device: 'wasm', dtype: 'fp32' }));

window.app = {
  async embed(url) {
    const c = await shared();
    const [vector] = await c.embedImages([url]);
    return { info: c.info, vector: Array.from(vector!) };
  },
  async badImage() {
    try {
      await (await shared()).embedImages([new Blob(['not an image'], { type: 'image/png' })]);
      return 'embedded';
    } catch (error) {
      return isClipError(error) ? error.code : String(error);
    }
  },
  tagger: document.querySelector('clip-tagger')!,
};
