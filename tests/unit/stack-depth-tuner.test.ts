import { describe, expect, it } from 'vitest';
import { StackDepthTuner } from '../../src/core/stack-depth-tuner';

/** Runs `n` runs of `kind` through the tuner, each taking what `msAt(depth)` says. */
function drive(tuner: StackDepthTuner, kind: string, n: number, msAt: (depth: number, i: number) => number): number[] {
  const depths: number[] = [];
  for (let i = 0; i < n; i++) {
    const depth = tuner.depthFor(kind);
    depths.push(depth);
    tuner.record(kind, depth, msAt(depth, i));
  }
  return depths;
}

describe('StackDepthTuner', () => {
  it('stays at its depth while runs keep their speed, trying another now and then', () => {
    const tuner = new StackDepthTuner();
    const depths = drive(tuner, 'vision:8x3x224x224', 100, () => 1400);
    expect(tuner.current).toBe(0);
    expect(tuner.moved).toBe(0);
    // every 24th run tries depth 1, which is no faster
    expect(depths.filter((d) => d === 1)).toHaveLength(4);
    expect(depths.findIndex((d) => d === 1)).toBe(23);
  });

  it('moves on after two slow runs in a row at its depth (the issue-15 slowdown), and stays where runs are fast again', () => {
    const tuner = new StackDepthTuner();
    // depth 0 turns bad after 10 runs, as when V8 re-tiers a function below ORT's run
    const depths = drive(tuner, 'k', 40, (depth, i) => (depth === 0 && i >= 10 ? 3000 : 1400));
    expect(depths.slice(0, 12)).toEqual(new Array(12).fill(0));
    expect(depths[12]).toBe(1);
    expect(tuner.current).toBe(1);
    expect(tuner.moved).toBe(1);
  });

  it('does not move for one slow run (a busy machine), nor for runs slower by less than half', () => {
    const tuner = new StackDepthTuner();
    drive(tuner, 'k', 20, (_, i) => (i === 5 ? 5000 : i % 2 ? 1900 : 1400));
    expect(tuner.moved).toBe(0);
  });

  it('does not move for short runs whose slow ones lose less than the minimum gap (noise in a small model\'s runs)', () => {
    const tuner = new StackDepthTuner();
    // 30 ms runs slowed to 70 ms two at a time, and tried depths at 25 ms: past both ratios, within 50 ms
    const msAt = (depth: number, i: number) => (depth !== 0 ? 25 : i % 4 < 2 ? 70 : 30);
    drive(tuner, 'text:1x7', 100, msAt);
    expect(tuner.moved).toBe(0);
    // the same runs ten times as long: the slow pairs and the faster tried depth move it
    const long = new StackDepthTuner();
    drive(long, 'vision:8x3x224x224', 100, (depth, i) => 10 * msAt(depth, i));
    expect(long.moved).toBeGreaterThan(0);
  });

  it('finds a faster depth by trying when the page started at a bad one', () => {
    const tuner = new StackDepthTuner();
    const depths = drive(tuner, 'k', 30, (depth) => (depth === 0 ? 3000 : 1400));
    expect(depths[23]).toBe(1);
    expect(tuner.current).toBe(1);
    expect(depths.slice(24)).toEqual(new Array(6).fill(1));
  });

  it('keeps going through the depths while each is slow, and wraps around', () => {
    const tuner = new StackDepthTuner({ depths: 3 });
    drive(tuner, 'k', 3, () => 1000);
    const depths = drive(tuner, 'k', 7, () => 2000);
    expect(depths).toEqual([0, 0, 1, 1, 2, 2, 0]);
    expect(tuner.moved).toBe(3);
  });

  it('compares runs only with runs of their own kind', () => {
    const tuner = new StackDepthTuner();
    for (let i = 0; i < 30; i++) {
      // a text batch is far quicker than an image batch: neither makes the other look slow
      tuner.record('text:32x77', tuner.depthFor('text:32x77'), 90);
      tuner.record('vision:8x3x224x224', tuner.depthFor('vision:8x3x224x224'), 1400);
    }
    expect(tuner.moved).toBe(0);
  });

  it('ignores times that are not times, and refuses options that cannot work', () => {
    const tuner = new StackDepthTuner();
    tuner.record('k', 0, 100);
    tuner.record('k', 0, Number.NaN);
    tuner.record('k', 0, -5);
    tuner.record('k', 0, 100);
    expect(tuner.moved).toBe(0);
    expect(() => new StackDepthTuner({ depths: 0 })).toThrow(RangeError);
    expect(() => new StackDepthTuner({ tryEvery: 1.5 })).toThrow(RangeError);
  });
});
