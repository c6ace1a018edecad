// How many WASM threads ORT can be given: one when a bundler inlined ORT into webclip's worker
// (its threads would start webclip; docs/internals.md#ort-threads), with a console warning.

let split: Promise<boolean> | undefined;

/** Whether dynamic imports get scripts of their own here (so ORT's threads start ORT). */
export function dynamicImportsSplit(): Promise<boolean> {
  split ??= import('./split-import-marker').then(
    ({ markerUrl }) => markerUrl !== import.meta.url,
    () => false,
  );
  return split;
}

let warned = false;

/** The thread count ORT can safely be asked for in this bundle. */
export async function safeThreadCount(wanted: number): Promise<number> {
  if (wanted <= 1 || (await dynamicImportsSplit())) return wanted;
  if (!warned) {
    warned = true;
    console.warn(
      'webclip: onnxruntime-web is bundled into the same script as webclip\'s worker, so it cannot start its WASM threads; ' +
        'running on one thread. With Vite, set `worker: { format: "es" }` in vite.config to use every core.',
    );
  }
  return 1;
}
