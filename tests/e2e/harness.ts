// The page the browser tests drive: webclip's public API on `window.webclip`, loaded as an app
// would load it, except that createClip is the test entry's (src/testing/test-clip.ts: the test
// worker, `testHooks`, and `access(clip)` for the test-only calls), plus the committed test
// images in every form an app might hold them.
import { BACKGROUND_PROMPTS, ClipError, isClipError, modelCache, rankLabels, TAG_TEMPLATES, type Clip } from '../../src/index';
import { createTestClip as createClip, testAccess as access } from '../../src/testing/test-clip';
import { registerAppShell } from '../../src/demo/app-shell';
import { distinctPhotos, photo, PHOTO_FILES, reencode } from './library-photos';

export type FixtureKind = 'url' | 'blob' | 'bitmap' | 'imagedata';

async function fixtureImage(kind: FixtureKind, file: string): Promise<string | Blob | ImageBitmap | ImageData> {
  const url = `/tests/fixtures/tiny-clip-inputs/${file}`;
  if (kind === 'url') return url;
  const blob = await (await fetch(url)).blob();
  if (kind === 'blob') return blob;
  const bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  if (kind === 'bitmap') return bitmap;
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D context');
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, bitmap.width, bitmap.height);
}

const webclip = { createClip, access, fixtureImage, ClipError, isClipError, modelCache, rankLabels, photo, PHOTO_FILES, reencode, distinctPhotos, TAG_TEMPLATES, BACKGROUND_PROMPTS };

declare global {
  interface Window {
    webclip: typeof webclip;
    clip?: Clip;
    /** Engines a spec file shares between its tests, by their options (tests/e2e/engine.spec.ts). */
    clips?: Record<string, Promise<Clip>>;
    /** Whatever a library test keeps in the page between evaluate calls. */
    kept?: Record<string, unknown>;
  }
}

window.webclip = webclip;
// `?shell`: under the demo site's service worker, as the offline tests need.
if (new URLSearchParams(location.search).has('shell')) {
  document.body.dataset.shell = await registerAppShell(import.meta.env.BASE_URL);
}
document.body.dataset.ready = 'true';
