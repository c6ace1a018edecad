// Serves folders outside `public/` under URL prefixes of the site, in dev and in the built
// site: onnxruntime-web's runtime files (so nothing comes from a CDN) and the committed test
// model (so the demo works offline with model id `test`).
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);

export interface StaticFolder {
  /** URL path under the site's base, without leading or trailing slash, e.g. `ort`. */
  urlPath: string;
  dir: string;
  /** Which files (paths relative to `dir`, `/`-separated) are served. */
  include: (file: string) => boolean;
}

/**
 * onnxruntime-web's WASM binaries and their Emscripten loaders: the plain build (WASM backend)
 * and the asyncify build that ORT 1.30's WebGPU bundle loads; not the jsep/jspi builds nothing
 * here uses (45 MB more on every deployed site).
 */
export function ortRuntimeFolder(): StaticFolder {
  return {
    urlPath: 'ort',
    // The package exports its .wasm files but not package.json: locate dist/ through one of them.
    dir: dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm')),
    include: (file) => /^ort-wasm-simd-threaded(\.asyncify)?\.(wasm|mjs)$/.test(file),
  };
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

const contentTypes: Record<string, string> = {
  wasm: 'application/wasm',
  mjs: 'text/javascript',
  js: 'text/javascript',
  json: 'application/json',
  png: 'image/png',
  jpg: 'image/jpeg',
};

export function staticFolders(folders: StaticFolder[]): Plugin {
  let base = '/';
  return {
    name: 'webclip:static-folders',
    configResolved(config) {
      base = config.base;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
        for (const folder of folders) {
          const prefix = `${base}${folder.urlPath}/`;
          if (!path.startsWith(prefix)) continue;
          const file = path.slice(prefix.length);
          // `include` sees only normalized relative names, so `..` can never escape the folder.
          if (file.split('/').includes('..') || !folder.include(file)) continue;
          const full = join(folder.dir, file);
          let size: number;
          let modified: Date;
          try {
            const stat = statSync(full);
            if (!stat.isFile()) continue;
            size = stat.size;
            modified = stat.mtime;
          } catch {
            continue;
          }
          res.setHeader('Content-Type', contentTypes[file.split('.').pop() ?? ''] ?? 'application/octet-stream');
          res.setHeader('Content-Length', size);
          // Validators, as a static host sends them: the demo's service worker keeps a file it
          // already holds instead of writing it again on every visit.
          res.setHeader('Last-Modified', modified.toUTCString());
          res.setHeader('ETag', `"${size.toString(36)}-${modified.getTime().toString(36)}"`);
          res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
          // ORT starts its WASM threads as workers from these .mjs files; in a
          // crossOriginIsolated page a worker script needs COEP itself, or it is blocked.
          res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
          res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
          createReadStream(full).pipe(res);
          return;
        }
        next();
      });
    },
    generateBundle() {
      for (const folder of folders) {
        for (const file of listFiles(folder.dir).filter(folder.include)) {
          this.emitFile({
            type: 'asset',
            fileName: `${folder.urlPath}/${file}`,
            source: readFileSync(join(folder.dir, file)),
          });
        }
      }
    },
  };
}
