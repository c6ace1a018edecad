// bench/index.html: the public createClip, as an app loads it, for bench/browser-index.ts.
import { createClip } from '../../src/index';

declare global {
  interface Window {
    indexBench: { createClip: typeof createClip };
  }
}
window.indexBench = { createClip };
document.body.dataset.ready = 'true';
