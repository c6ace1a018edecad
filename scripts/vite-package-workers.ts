// For the npm package's bundler build (vite.package.config.ts): webclip's two workers become
// entries of the build (lib/clip.worker.js, lib/chunk-reader.worker.js) and every
// `new Worker(new URL('…/worker/x.worker.ts', import.meta.url), …)` in the sources comes out as
// `new Worker(new URL('./x.worker.js', import.meta.url), …)`.
//
// Vite's own worker handling would bundle each worker into an asset and write its URL with
// `/* @vite-ignore */`, which hides the worker from the app's bundler: the app would ship
// webclip's modules without the worker files they start. The literal form is what bundlers
// (Vite, webpack 5, Rollup, esbuild-based tools) recognize and emit themselves.
import type { Plugin } from 'vite';

const WORKER_URL = /new\s+URL\(\s*'((?:\.\.\/)+worker\/([\w-]+)\.worker\.ts)'\s*,\s*import\.meta\.url\s*\)/g;
const placeholder = (name: string): string => `__WEBCLIP_WORKER_${name.replace(/-/g, '_').toUpperCase()}__`;
const PLACEHOLDER = /__WEBCLIP_WORKER_([A-Z_]+)__/g;

export function packageWorkers(): Plugin {
  return {
    name: 'webclip:package-workers',
    // Before Vite's worker plugin looks for the pattern.
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]src[\\/].*\.ts$/.test(id) || !WORKER_URL.test(code)) return null;
      WORKER_URL.lastIndex = 0;
      // A bare identifier nothing else resolves; renderChunk turns it back into a literal URL.
      return { code: code.replace(WORKER_URL, (_, _path: string, name: string) => `new URL(${placeholder(name)}, import.meta.url)`), map: null };
    },
    renderChunk(code) {
      if (!PLACEHOLDER.test(code)) return null;
      PLACEHOLDER.lastIndex = 0;
      // Every chunk is written to the output's root folder, beside the worker entries.
      return { code: code.replace(PLACEHOLDER, (_, name: string) => JSON.stringify(`./${name.toLowerCase().replace(/_/g, '-')}.worker.js`)), map: null };
    },
  };
}
