// Calibrated tag scores: a tag against the background prompts alone, independent of the rest of
// the vocabulary; selection by threshold and topK.
import { describe, expect, it } from 'vitest';
import { isClipError } from '../../src/core/errors';
import { l2Normalize } from '../../src/core/similarity';
import { calibrate, checkTagSelection, selectTags, tagScores } from '../../src/core/tag-scores';

const v = (...xs: number[]) => l2Normalize(xs);

describe('tag scores', () => {
  it('is the logistic of logitScale × (cos(tag) − cos(background))', () => {
    const photo = v(1, 0, 0);
    const background = v(1, 1, 0);
    const tags = [v(1, 0.1, 0), v(0, 1, 0), v(1, 1, 0)];
    const scores = tagScores(photo, tags, background, 100);
    const base = Math.SQRT1_2;
    tags.forEach((t, i) => expect(scores[i]).toBeCloseTo(1 / (1 + Math.exp(-100 * (t[0]! - base))), 5));
    // A tag exactly as close as the background scores 0.5; closer is above, farther below.
    expect(scores[2]).toBeCloseTo(0.5, 5);
    expect(scores[0]).toBeGreaterThan(0.99);
    expect(scores[1]).toBeLessThan(0.01);
    expect(calibrate(0.3, 0.3, 100)).toBe(0.5);
  });

  it("a tag's score does not depend on the other tags", () => {
    const photo = v(0.3, 0.5, 0.8);
    const background = v(0.2, 0.2, 0.9);
    const dog = v(0.4, 0.4, 0.8);
    const alone = tagScores(photo, [dog], background, 100)[0];
    const crowded = tagScores(photo, [v(0, 1, 0), dog, v(0.4, 0.41, 0.8), v(1, 0, 0)], background, 100)[1];
    expect(crowded).toBe(alone);
  });

  it('selects by threshold, then best first, then topK; ties keep vocabulary order', () => {
    const tags = ['a', 'b', 'c', 'd', 'e'];
    const scores = [0.2, 0.9, 0.6, 0.9, 0.55];
    expect(selectTags(tags, scores, { topK: 10, threshold: 0.5 })).toEqual([
      { tag: 'b', score: 0.9 },
      { tag: 'd', score: 0.9 },
      { tag: 'c', score: 0.6 },
      { tag: 'e', score: 0.55 },
    ]);
    expect(selectTags(tags, scores, { topK: 2, threshold: 0 }).map((t) => t.tag)).toEqual(['b', 'd']);
    expect(selectTags(tags, scores, { topK: 5, threshold: 0.95 })).toEqual([]);
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
  });
});
