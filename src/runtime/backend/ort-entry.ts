// ORT imports this module in place of its Emscripten loader (ort-run-stack.ts): the URL's
// fragment names the loader and ORT's flavor; the started module is handed to webclip on its
// way back to ORT. A module of webclip's own origin, so a strict script-src 'self' allows it;
// only dynamically imported, so it has a script of its own.

export interface EntryTarget {
  /** The Emscripten loader ORT would have imported. */
  loader: string;
  /** ORT's build ('wasm', 'webgpu'): whose RunStack gets the module. */
  flavor: string;
}

type Factory = (options: unknown) => Promise<Record<string, unknown>>;
type ModuleHook = (flavor: string, module: Record<string, unknown>) => void;

/** The global ort-run-stack.ts listens on (a registered symbol: this module is imported only dynamically). */
const MODULE_HOOK = Symbol.for('webclip.ortModule');

/** This module's URL for `target`: the target rides in the fragment, which no server sees. */
export function entryHref(target: EntryTarget): string {
  const url = new URL(import.meta.url);
  url.hash = encodeURIComponent(JSON.stringify(target));
  return url.href;
}

export function readEntryTarget(href: string): EntryTarget {
  const target = JSON.parse(decodeURIComponent(new URL(href).hash.slice(1))) as Partial<EntryTarget>;
  if (typeof target.loader !== 'string' || typeof target.flavor !== 'string') throw new Error(`webclip: no ORT loader named in ${href}`);
  return { loader: target.loader, flavor: target.flavor };
}

/** Starts ORT's module through its loader as ORT would, and hands it to webclip. */
export async function startThroughEntry(target: EntryTarget, options: unknown): Promise<Record<string, unknown>> {
  const { default: factory } = (await import(/* @vite-ignore */ target.loader)) as { default: Factory };
  const module = await factory(options);
  (globalThis as { [MODULE_HOOK]?: ModuleHook })[MODULE_HOOK]?.(target.flavor, module);
  return module;
}

/** What ORT calls: its loader's factory, by way of webclip. */
export default function webclipOrtEntry(options: unknown): Promise<Record<string, unknown>> {
  return startThroughEntry(readEntryTarget(import.meta.url), options);
}
