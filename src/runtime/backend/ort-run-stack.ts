// Starts onnxruntime-web's WASM runs at a stack depth chosen by their times (core/stack-depth-tuner):
// ORT's Emscripten module is caught as it starts, through an entry module that wraps ORT's
// loader (ort-entry.ts), and its run exports are wrapped (docs/internals.md#run-stack-depth).
import { StackDepthTuner } from '../../core/stack-depth-tuner';
import { dynamicImportsSplit } from './ort-threads';

/** The global ort-entry.ts hands the started module to (never imported statically: see there). */
const MODULE_HOOK = Symbol.for('webclip.ortModule');

/** The Emscripten module's exports that run a session: ORT calls them as `module._OrtRun(…)`. */
const RUN_EXPORTS = ['_OrtRun', '_OrtRunWithBinding'] as const;

/** Extra arguments per depth step: 40 bytes, which moves a slot across both 16-byte halves. */
const SLOTS_PER_STEP = 5;

type RunExport = (...args: unknown[]) => unknown;

function enter(run: () => unknown): unknown {
  return run();
}

/**
 * Calls `run` with `step` × 40 bytes more on the stack: V8 keeps every argument of a call on the
 * stack, so `enter` called with extra ones starts that much deeper. Called once per run, `enter`
 * is never hot enough to be inlined away.
 */
export function atStackDepth<T>(step: number, run: () => T): T {
  if (step <= 0) return run();
  const args: unknown[] = new Array<unknown>(1 + step * SLOTS_PER_STEP).fill(0);
  args[0] = run;
  return Reflect.apply(enter, undefined, args) as T;
}

/** One ORT instance's runs: where they start, and their times for the tuner. */
export class RunStack {
  readonly tuner = new StackDepthTuner();
  /** The depth the next call of a run export starts at. */
  private step = 0;
  private hooked = false;

  /** True once ORT's module is caught: runs then start at the chosen depth. */
  get active(): boolean {
    return this.hooked;
  }

  /** Wraps the module's run exports (once) so they start at the chosen depth. */
  hook(module: Record<string, unknown>): void {
    if (this.hooked) return;
    for (const name of RUN_EXPORTS) {
      const original = module[name];
      if (typeof original !== 'function') continue;
      const run = original as RunExport;
      module[name] = (...args: unknown[]) => atStackDepth(this.step, () => run(...args));
    }
    this.hooked = true;
  }

  /**
   * Runs `work` (one session run of `kind`: a session and input shape, whose times compare) at
   * the depth the tuner picks, and tells it the time taken.
   */
  async timed<T>(kind: string, work: () => Promise<T>): Promise<T> {
    if (!this.hooked) return work();
    const step = this.tuner.depthFor(kind);
    this.step = step;
    const started = performance.now();
    try {
      const result = await work();
      const ms = performance.now() - started;
      const moved = this.tuner.moved;
      this.tuner.record(kind, step, ms);
      if (this.tuner.moved !== moved) {
        // Said at debug level: what a user profiling a slowdown wants to see, and nothing more.
        console.debug(`webclip: ORT runs now start ${this.tuner.current * SLOTS_PER_STEP * 8} bytes deeper on the stack (a ${Math.round(ms)} ms run at depth step ${step})`);
      }
      return result;
    } finally {
      this.step = this.tuner.current;
    }
  }
}

type ModuleHook = (flavor: string, module: Record<string, unknown>) => void;

const stacks = new Map<string, RunStack>();
const byOrt = new WeakMap<object, RunStack>();

/** The RunStack of ORT's `flavor` build in this worker, whose JS module is `ort`. */
export function runStackFor(flavor: string, ort: object): RunStack {
  let stack = stacks.get(flavor);
  if (!stack) {
    stack = new RunStack();
    stacks.set(flavor, stack);
  }
  byOrt.set(ort, stack);
  const scope = globalThis as { [MODULE_HOOK]?: ModuleHook };
  scope[MODULE_HOOK] ??= (started, module) => stacks.get(started)?.hook(module);
  return stack;
}

/** The RunStack of ORT's `flavor` build, once loaded in this worker. */
export function loadedRunStack(flavor: string): RunStack | undefined {
  return stacks.get(flavor);
}

/** The RunStack of the ORT instance `ort` (loaded by ort-loader.ts), if any. */
export function runStackOf(ort: object): RunStack | undefined {
  return byOrt.get(ort);
}

/**
 * The URL ORT should import in place of the loader at `loaderUrl` (ort-entry.ts), or undefined
 * where the entry cannot be used: a bundle that inlined it into webclip's worker (it would have
 * no script of its own), or one that refuses to load it. ORT then imports its loader itself and
 * runs start where they always did.
 */
export async function entryModuleUrl(loaderUrl: string, flavor: string): Promise<string | undefined> {
  if (!(await dynamicImportsSplit())) return undefined;
  try {
    // `default` is what ORT calls; naming it here also keeps bundlers from dropping it.
    const entry = await import('./ort-entry');
    if (typeof entry.default !== 'function') return undefined;
    const href = entry.entryHref({ loader: loaderUrl, flavor });
    // Inlined into this script after all: importing it again would start this script again.
    if (href.split('#')[0] === import.meta.url) return undefined;
    // Imported here first, so a refusal is known before ORT (which cannot start twice) tries.
    await import(/* @vite-ignore */ href);
    return href;
  } catch {
    return undefined;
  }
}
