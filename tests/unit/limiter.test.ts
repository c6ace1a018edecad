import { describe, expect, it } from 'vitest';
import { ClipError } from '../../src/shared/errors';
import { createLimiter } from '../../src/core/limiter';

/** A task that finishes when told to, recording when it started. */
function gate(log: string[], name: string) {
  let open!: () => void;
  let fail!: (e: Error) => void;
  const done = new Promise<string>((resolve, reject) => {
    open = () => resolve(name);
    fail = reject;
  });
  return { task: () => (log.push(name), done), open, fail };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('createLimiter', () => {
  it('runs at most `slots` tasks at once, the rest in arrival order', async () => {
    const limit = createLimiter(2);
    const log: string[] = [];
    const gates = ['a', 'b', 'c', 'd', 'e'].map((n) => gate(log, n));
    const results = gates.map((g) => limit(g.task));
    await tick();
    expect(log).toEqual(['a', 'b']);
    gates[1]!.open();
    await tick();
    expect(log).toEqual(['a', 'b', 'c']);
    gates[0]!.open();
    gates[2]!.open();
    await tick();
    expect(log).toEqual(['a', 'b', 'c', 'd', 'e']);
    gates[3]!.open();
    gates[4]!.open();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('frees the slot of a task that fails, and passes the failure on', async () => {
    const limit = createLimiter(1);
    const log: string[] = [];
    const [a, b] = [gate(log, 'a'), gate(log, 'b')];
    const first = limit(a.task);
    const second = limit(b.task);
    a.fail(new Error('broken'));
    await expect(first).rejects.toThrow('broken');
    await tick();
    expect(log).toEqual(['a', 'b']);
    b.open();
    expect(await second).toBe('b');
    // The slot is free again: a new task starts at once.
    const c = gate(log, 'c');
    void limit(c.task);
    await tick();
    expect(log).toEqual(['a', 'b', 'c']);
  });

  it('refuses a slot count that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => createLimiter(bad)).toThrow(ClipError);
  });
});
