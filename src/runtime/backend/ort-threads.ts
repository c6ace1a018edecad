// ORT starts its WASM threads as workers from the script that holds ORT's own module
// (`new Worker(import.meta.url, {name: 'em-pthread'})`). When an app's bundler inlines every
// dynamic import into webclip's worker (Vite's default `worker.format: 'iife'`), that script
// is webclip's worker itself: the threads start webclip instead of ORT's thread code and the
// first session waits for them forever. Such a bundle runs ORT on one thread instead, and says
// how to get them all.

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
