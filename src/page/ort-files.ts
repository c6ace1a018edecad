// Where ORT's .wasm/.mjs files are when ClipOptions.ortUrl is not given, per build (the define
// __WEBCLIP_ORT_FILES__: 'site', 'bundler', 'beside-module'; docs/deploying.md).
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
