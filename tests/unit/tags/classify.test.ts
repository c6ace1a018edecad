import { describe, expect, it } from 'vitest';
import { checkLabels, rankLabels } from '../../../src/core/tags/classify';
import { LruCache } from '../../../src/core/lru-cache';
import { checkTemplates, ensemble, fillTemplates } from '../../../src/core/tags/prompts';
import { l2Normalize } from '../../../src/core/vectors/similarity';

describe('prompt ensembling', () => {
  it('fills every {} of each template', () => {
    expect(fillTemplates('dog', ['a photo of a {}.', '{} and {}'])).toEqual(['a photo of a dog.', 'dog and dog']);
  });

  it('averages normalized vectors and renormalizes', () => {
    const v = ensemble([l2Normalize([1, 0]), l2Normalize([0, 1])]);
    expect(v[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(v[1]).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('rejects templates without a slot and empty lists', () => {
    expect(() => checkTemplates([])).toThrow(/non-empty/);
    expect(() => checkTemplates(['a photo'])).toThrow(/\{\}/);
    expect(() => checkLabels([])).toThrow(/non-empty/);
    expect(() => checkLabels(['ok', 3])).toThrow(/labels\[1\]/);
  });
});

describe('rankLabels', () => {
  it('scores with softmax(scale × cosine), best first, summing to 1', () => {
    const image = l2Normalize([1, 0.2]);
    const labels = ['cat', 'dog', 'car'];
    const vectors = [l2Normalize([0, 1]), l2Normalize([1, 0]), l2Normalize([-1, 0])];
    const ranked = rankLabels(image, labels, vectors, 100);
    expect(ranked.map((r) => r.label)).toEqual(['dog', 'cat', 'car']);
    expect(ranked.reduce((s, r) => s + r.score, 0)).toBeCloseTo(1, 12);
    const cosDog = image[0]!;
    const cosCat = image[1]!;
    expect(ranked[0]!.score / ranked[1]!.score).toBeCloseTo(Math.exp(100 * (cosDog - cosCat)), 3);
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    cache.delete('a');
    expect(cache.size).toBe(1);
  });
});
