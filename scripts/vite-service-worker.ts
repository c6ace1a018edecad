// Serves (dev) and emits (build) the demo site's service worker, src/demo/service-worker.ts, as
// `sw.js` at the site's root so its scope is the whole site. The build fills in the list of the
// site's files to cache on install and a version that changes with them.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transformWithOxc, type Plugin } from 'vite';

const source = fileURLToPath(new URL('../src/demo/service-worker.ts', import.meta.url));

/** Plain script (a classic worker runs everywhere module workers do not): types and the module marker go. */
async function compile(precache: readonly string[], version: string): Promise<string> {
  const { code } = await transformWithOxc(readFileSync(source, 'utf8'), source, { lang: 'ts' });
  return code
    .replace(/^export \{\s*\};?\s*$/m, '')
    .replaceAll('__PRECACHE__', JSON.stringify(precache))
    .replaceAll('__SHELL_VERSION__', JSON.stringify(version));
}

/**
 * What a first visit caches: the pages and the bundle. Not onnxruntime-web's binaries (four
 * variants, tens of MB; the one a browser uses is cached when it loads it) and not the test model
 * (the model store keeps models in IndexedDB).
 */
const precached = (file: string): boolean => !file.endsWith('.map') && !file.startsWith('ort/') && !file.startsWith('models/');

export function serviceWorker(): Plugin {
  let base = '/';
  return {
    name: 'webclip:service-worker',
    // After Vite's own plugins, so the bundle it lists holds the pages too.
    enforce: 'post',
    configResolved(config) {
      base = config.base;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if ((req.url ?? '').split('?')[0] !== `${base}sw.js`) return next();
        compile([], 'dev').then(
          (code) => {
            res.setHeader('Content-Type', 'text/javascript');
            res.setHeader('Cache-Control', 'no-cache');
            res.end(code);
          },
          (error: unknown) => next(error),
        );
      });
    },
    async generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter(precached).sort();
      const hash = createHash('sha256');
      for (const file of files) {
        const item = bundle[file]!;
        hash.update(file).update(item.type === 'chunk' ? item.code : item.source);
      }
      const version = hash.digest('hex').slice(0, 16);
      // Paths relative to the scope (the site's base), which the worker resolves.
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: await compile(['./', ...files], version) });
    },
  };
}
