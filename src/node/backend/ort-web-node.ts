// onnxruntime-web's WASM threads in Node. Its loader fetches its own .mjs to make a blob URL
// whenever the files are not on the page's origin (always, in Node), and Node's fetch cannot
// read files. Given the .wasm bytes and a relative folder instead, it imports the .mjs beside
// itself, and Emscripten starts the threads with worker_threads.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where webclip's loadOrt must point ORT (its wasmBaseUrl) for the bytes set here to be used. */
export const NODE_WASM_BASE = './';

const flavors = [
  ['onnxruntime-web/webgpu', 'ort-wasm-simd-threaded.asyncify.wasm'],
  ['onnxruntime-web/wasm', 'ort-wasm-simd-threaded.wasm'],
] as const;

let prepared: Promise<void> | undefined;

/** Gives both of onnxruntime-web's builds their .wasm bytes (once; device 'wasm' in webclip/node, the GPU check). */
export function prepareOrtForNode(): Promise<void> {
  prepared ??= prepare();
  return prepared;
}

async function prepare(): Promise<void> {
  for (const [specifier, wasm] of flavors) {
    const ort = (await import(specifier)) as { env: { wasm: { wasmBinary?: ArrayBufferLike | Uint8Array } } };
    const dist = dirname(fileURLToPath(import.meta.resolve(specifier)));
    ort.env.wasm.wasmBinary = readFileSync(join(dist, wasm));
  }
}
