// The npm package's builds (`npm run build:lib`), next to the demo site's (vite.config.ts):
//  - default mode → lib/: ES modules for bundlers, `webclip` and `webclip/element` plus the
//    workers, with onnxruntime-web, comlink and idb-keyval left as imports the app resolves
//    (so an app never carries two copies). The app's bundler emits ORT's .wasm beside ORT.
//  - `--mode browser` → lib/browser/: one self-contained folder for a page without a bundler
//    (`<script type="module" src="…/element.js">`): dependencies bundled in, ORT's runtime files
//    copied into lib/browser/ort/, found relative to webclip's own module.
import { resolve } from 'node:path';
import { defaultClientConditions, defineConfig, type UserConfig } from 'vite';
import { packageWorkers } from './scripts/vite-package-workers.ts';
import { ortRuntimeFolder, staticFolders } from './scripts/vite-static-folders.ts';

const dependencies = [/^onnxruntime-web(\/.*)?$/, /^comlink$/, /^idb-keyval$/];
const entries = { webclip: resolve('src/index.ts'), element: resolve('src/element/index.ts') };

const bundlerBuild: UserConfig = {
  define: { __WEBCLIP_ORT_FILES__: JSON.stringify('bundler') },
  publicDir: false,
  plugins: [packageWorkers()],
  build: {
    outDir: 'lib',
    emptyOutDir: false,
    target: 'es2022',
    // Apps minify; readable modules are easier to debug from node_modules.
    minify: false,
    sourcemap: true,
    lib: {
      entry: {
        ...entries,
        'clip.worker': resolve('src/worker/clip.worker.ts'),
        'chunk-reader.worker': resolve('src/worker/chunk-reader.worker.ts'),
      },
      formats: ['es'],
    },
    rolldownOptions: { external: dependencies, output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' } },
  },
};

const browserBuild: UserConfig = {
  define: { __WEBCLIP_ORT_FILES__: JSON.stringify('beside-module') },
  publicDir: false,
  // URLs of the emitted workers relative to the module that starts them, wherever the folder is served.
  base: './',
  // ORT's "extern wasm" build: its loader and .wasm come from the ort/ folder copied beside us,
  // instead of a second copy of the loader inlined in the bundle.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  plugins: [staticFolders([ortRuntimeFolder()])],
  worker: { format: 'es' },
  build: {
    outDir: 'lib/browser',
    emptyOutDir: false,
    target: 'es2022',
    sourcemap: true,
    lib: { entry: entries, formats: ['es'] },
    // Entries and chunks side by side: `./ort/` resolves from whichever holds the client code.
    rolldownOptions: { output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' } },
  },
};

export default defineConfig(({ mode }) => (mode === 'browser' ? browserBuild : bundlerBuild));
