// Vite serves the demo page and builds the static site. The page must be crossOriginIsolated
// (COOP + COEP) so onnxruntime-web's WASM backend can use threads (SharedArrayBuffer).
import { defaultClientConditions, defineConfig } from 'vite';
import { serviceWorker } from './scripts/vite-service-worker.ts';
import { ortRuntimeFolder, staticFolders } from './scripts/vite-static-folders.ts';

const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [
    staticFolders([
      ortRuntimeFolder(),
      // The committed test model (random weights), model id `test`: the page works offline.
      { urlPath: 'models/test', dir: 'tests/fixtures/tiny-clip', include: (f) => !f.endsWith('reference.json') },
    ]),
    // sw.js: the app shell offline, and COOP/COEP on hosts that cannot send them.
    serviceWorker(),
  ],
  // onnxruntime-web's "extern wasm" builds load their Emscripten glue and .wasm from
  // env.wasm.wasmPaths (our own /ort/ folder) instead of inlining a copy into our bundle.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  // Pre-bundling our small dependencies up front keeps Vite from discovering them on a page's
  // first load and reloading the page mid-test.
  optimizeDeps: { exclude: ['onnxruntime-web'], include: ['comlink', 'idb-keyval'] },
  server: {
    headers: isolationHeaders,
    port: 5173,
    // The browser tests' server (WEBCLIP_TEST=1) never reloads a page under a running test.
    ...(process.env.WEBCLIP_TEST ? { hmr: false, watch: null } : {}),
  },
  preview: { headers: isolationHeaders, port: 4173 },
  worker: { format: 'es' },
  build: { target: 'es2022' },
});
