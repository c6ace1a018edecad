import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { entryHref, readEntryTarget, startThroughEntry } from '../../../src/runtime/backend/ort-entry';
import { atStackDepth, RunStack, runStackFor } from '../../../src/runtime/backend/ort-run-stack';

/** How many more frames fit on the stack from here: fewer the deeper we start. */
function framesLeft(): number {
  let depth = 0;
  const down = (): void => {
    depth++;
    down();
  };
  try {
    down();
  } catch {
    // RangeError: the stack is full
  }
  return depth;
}

describe('atStackDepth', () => {
  it('starts the call deeper on the stack by its step, and returns what the call returns', () => {
    for (let i = 0; i < 5; i++) framesLeft(); // let V8 settle the probe's frame size
    const at0 = atStackDepth(0, framesLeft);
    const at50 = atStackDepth(50, framesLeft); // 2000 bytes deeper
    const again0 = atStackDepth(0, framesLeft);
    expect(at50).toBeLessThan(Math.min(at0, again0));
    expect(atStackDepth(3, () => 'result')).toBe('result');
  });
});

describe('RunStack', () => {
  it('wraps the module run exports: same arguments, same answer, from the chosen depth', async () => {
    const calls: unknown[][] = [];
    const module: Record<string, unknown> = {
      _OrtRun: (...args: unknown[]) => (calls.push(args), 0),
      _OrtRunWithBinding: (...args: unknown[]) => Promise.resolve(args.length),
      _OrtCreateSession: () => 7,
    };
    const createSession = module._OrtCreateSession;
    const stack = new RunStack();
    expect(stack.active).toBe(false);
    stack.hook(module);
    expect(stack.active).toBe(true);
    expect(module._OrtCreateSession).toBe(createSession);
    const run = module._OrtRun as (...a: unknown[]) => number;
    expect(await stack.timed('k', async () => run(1, 2, 3))).toBe(0);
    expect(calls).toEqual([[1, 2, 3]]);
    expect(await (module._OrtRunWithBinding as (...a: unknown[]) => Promise<number>)(1, 2)).toBe(2);
  });

  it('times each run for its tuner, which moves the depth the runs then start at', async () => {
    for (let i = 0; i < 5; i++) framesLeft(); // let V8 settle the probe's frame size
    const stack = new RunStack();
    let framesAtRun = 0;
    const module: Record<string, unknown> = { _OrtRun: () => (framesAtRun = framesLeft()) };
    stack.hook(module);
    const run = module._OrtRun as () => number;
    let ms = 10;
    const wait = () => new Promise((resolve) => setTimeout(resolve, ms));
    for (let i = 0; i < 3; i++) await stack.timed('k', async () => (await wait(), run()));
    const before = framesAtRun;
    ms = 150; // runs 15 times slower: every two, the tuner moves one step on (40 bytes)
    for (let i = 0; i < 6; i++) await stack.timed('k', async () => (await wait(), run()));
    expect(stack.tuner.current).toBe(3);
    ms = 10;
    await stack.timed('k', async () => (await wait(), run()));
    expect(framesAtRun).toBeLessThan(before);
  });

  it('leaves runs alone until a module is caught, and fails a run the way the run fails', async () => {
    const stack = new RunStack();
    expect(await stack.timed('k', async () => 5)).toBe(5);
    expect(stack.tuner.moved).toBe(0);
    stack.hook({ _OrtRun: () => 0 });
    await expect(stack.timed('k', () => Promise.reject(new Error('ORT failed')))).rejects.toThrow('ORT failed');
  });
});

describe('the entry module', () => {
  const dir = mkdtempSync(join(tmpdir(), 'webclip-ort-entry-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("names the loader in its URL's fragment, which no server sees", () => {
    const target = { loader: 'https://example.org/ort/ort-wasm-simd-threaded.mjs?v=1#x', flavor: 'wasm' };
    const href = entryHref(target);
    expect(href.split('#')[0]).toMatch(/ort-entry\.ts$/);
    expect(readEntryTarget(href)).toEqual(target);
    expect(() => readEntryTarget(`${href.split('#')[0]}#${encodeURIComponent('{}')}`)).toThrow(/no ORT loader/);
  });

  it("starts ORT's module through the loader, hands it to the RunStack of its flavor, and gives ORT the same module", async () => {
    // A stand-in for Emscripten's loader: a default export that starts and returns the module.
    const loader = join(dir, 'loader.mjs');
    writeFileSync(loader, 'export default async (options) => ({ options, _OrtRun: () => 42 });\n');
    const stack = runStackFor('test-flavor', {});
    const module = await startThroughEntry({ loader: pathToFileURL(loader).href, flavor: 'test-flavor' }, { numThreads: 2 });
    expect(module.options).toEqual({ numThreads: 2 });
    expect(stack.active).toBe(true);
    expect((module._OrtRun as () => number)()).toBe(42);
  });
});
