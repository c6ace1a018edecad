// A page author's script: webclip's API from the self-contained folder, no bundler.
import { createClip, isClipError } from './webclip/webclip.js';

let clip;
const shared = () => (clip ??= createClip({ model: './models/test/', device: 'wasm', dtype: 'fp32' }));
window.app = {
  async embed(url) {
    const c = await shared();
    const [vector] = await c.embedImages([url]);
    return { info: c.info, vector: Array.from(vector) };
  },
  async badImage() {
    try {
      await (await shared()).embedImages([new Blob(['not an image'], { type: 'image/png' })]);
      return 'embedded';
    } catch (error) {
      return isClipError(error) ? error.code : String(error);
    }
  },
  tagger: document.querySelector('clip-tagger'),
};
