// The app's Vite config as the README gives it: webclip's worker loads onnxruntime-web as a
// module of its own, so ORT can start its WASM threads. (package.spec.ts also builds the app
// without this file: Vite's default then runs ORT on one thread, with a warning.)
import { defineConfig } from 'vite';

const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  worker: { format: 'es' },
  server: { headers: isolation },
  preview: { headers: isolation },
});
