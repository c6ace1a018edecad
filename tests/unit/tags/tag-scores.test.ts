// Calibrated tag scores: a tag against the background prompts alone, independent of the rest of
// the vocabulary; selection by threshold and topK.
import { describe, expect, it } from 'vitest';
import { isClipError } from '../../../src/shared/errors';
import { calibrate, checkTagSelection, pickTags } from '../../../src/core/tags/tag-scores';

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

describe('tag scores', () => {
  it('is the logistic of logitScale × (cos(tag) − cos(background))', () => {
    expect(calibrate(0.3, 0.3, 100)).toBe(0.5);
    expect(calibrate(0.32, 0.3, 100)).toBeCloseTo(logistic(2), 12);
    expect(calibrate(0.25, 0.3, 100)).toBeCloseTo(logistic(-5), 12);
    expect(calibrate(0.32, 0.3, 50)).toBeCloseTo(logistic(1), 12);
  });

  it('picks by threshold, best first, at most topK; ties keep vocabulary order', () => {
    const tags = ['a', 'b', 'c', 'd', 'e'];
    const cosines = Float32Array.from([0.2, 0.31, 0.3, 0.31, 0.295]);
    const base = 0.3;
    const picked = pickTags(tags, cosines, base, 100, { topK: 10, threshold: 0.5 });
    expect(picked.map((t) => t.tag)).toEqual(['b', 'd', 'c']);
    picked.forEach((t) => expect(t.score).toBeCloseTo(calibrate(cosines[tags.indexOf(t.tag)]!, base, 100), 12));
    expect(pickTags(tags, cosines, base, 100, { topK: 2, threshold: 0 }).map((t) => t.tag)).toEqual(['b', 'd']);
    expect(pickTags(tags, cosines, base, 100, { topK: 5, threshold: 0 }).map((t) => t.tag)).toEqual(['b', 'd', 'c', 'e', 'a']);
    expect(pickTags(tags, cosines, base, 100, { topK: 5, threshold: 0.95 })).toEqual([]);
  });

  it("a tag's score does not depend on the other tags", () => {
    const alone = pickTags(['dog'], Float32Array.from([0.31]), 0.3, 100, { topK: 5, threshold: 0 });
    const crowded = pickTags(['cat', 'dog', 'puppy'], Float32Array.from([0.1, 0.31, 0.312]), 0.3, 100, { topK: 5, threshold: 0 });
    expect(crowded.find((t) => t.tag === 'dog')).toEqual(alone[0]);
  });

  it('checks its options', () => {
    expect(checkTagSelection({})).toEqual({ topK: 5, threshold: 0.5 });
    expect(checkTagSelection({ topK: 3, threshold: 0 })).toEqual({ topK: 3, threshold: 0 });
    for (const bad of [{ topK: 0 }, { topK: 1.5 }, { threshold: -0.1 }, { threshold: 1.1 }, { threshold: Number.NaN }, { topK: '3' }]) {
      let caught: unknown;
      try {
        checkTagSelection(bad);
      } catch (error) {
        caught = error;
      }
      expect(isClipError(caught, 'BAD_INPUT')).toBe(true);
    }
    expect(() => pickTags(['a'], Float32Array.from([0.1, 0.2]), 0, 100, { topK: 1, threshold: 0 })).toThrow();
  });
});
