// Where onnxruntime-web's runtime files (.wasm and their .mjs loaders) are found when
// ClipOptions.ortUrl is not given. Each build of webclip says which through the Vite `define`
// __WEBCLIP_ORT_FILES__ (vite.config.ts, vite.package.config.ts):
//  - 'site': the demo site and the tests serve them at <site base>/ort/
//    (scripts/vite-static-folders.ts);
//  - 'bundler': the npm package for bundlers. onnxruntime-web is a dependency the app's bundler
//    resolves, and its bundled build finds its .wasm beside its own module
//    (`new URL('ort-wasm-….wasm', import.meta.url)`), which the bundler emits: nothing to set;
//  - 'beside-module': the self-contained build for pages without a bundler ships them in an
//    `ort/` folder beside webclip's own module.
declare const __WEBCLIP_ORT_FILES__: 'site' | 'bundler' | 'beside-module' | undefined;

export type OrtFiles = 'site' | 'bundler' | 'beside-module';

// A build that defines nothing (a tool compiling the sources directly) behaves like the site.
const ORT_FILES: OrtFiles = typeof __WEBCLIP_ORT_FILES__ === 'undefined' ? 'site' : __WEBCLIP_ORT_FILES__;

// Not a string literal inside `new URL(…, import.meta.url)`, so bundlers leave it to run time.
const BESIDE_MODULE = './ort/';

/** The folder ORT's files are loaded from by default, or undefined to let ORT find its own. */
export function defaultOrtUrl(): string | undefined {
  if (ORT_FILES === 'bundler') return undefined;
  if (ORT_FILES === 'beside-module') return new URL(BESIDE_MODULE, import.meta.url).href;
  return new URL(`${import.meta.env.BASE_URL}ort/`, location.href).href;
}
