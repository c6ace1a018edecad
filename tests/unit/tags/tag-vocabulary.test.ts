import { describe, expect, it } from 'vitest';
import { checkTemplates, fillTemplates } from '../../../src/core/tags/prompts';
import { BACKGROUND_PROMPTS, DEFAULT_TAGS, TAG_CATEGORIES, TAG_TEMPLATES } from '../../../src/core/tags/tag-vocabulary';

describe('default tag vocabulary', () => {
  it('holds a few hundred tags, each category contributing', () => {
    expect(DEFAULT_TAGS.length).toBeGreaterThanOrEqual(250);
    expect(DEFAULT_TAGS.length).toBeLessThanOrEqual(400);
    for (const category of TAG_CATEGORIES) expect(category.tags.length, category.name).toBeGreaterThanOrEqual(5);
  });

  it('covers the everyday photo categories', () => {
    const names = TAG_CATEGORIES.map((c) => c.name);
    for (const name of ['people', 'animals', 'food and drink', 'places', 'nature', 'weather and light']) {
      expect(names).toContain(name);
    }
    expect(names).toContain('events and activities');
    expect(names).toContain('documents and screens');
    expect(new Set(names).size).toBe(names.length);
    const expected = ['selfie', 'group of people', 'baby', 'beach', 'city street', 'sunset', 'snow', 'wedding'];
    for (const tag of [...expected, 'receipt', 'screenshot', 'whiteboard', 'handwritten note']) {
      expect(DEFAULT_TAGS).toContain(tag);
    }
  });

  it('is DEFAULT_TAGS = the categories flattened, in order', () => {
    expect(DEFAULT_TAGS).toEqual(TAG_CATEGORIES.flatMap((c) => [...c.tags]));
  });

  it('has no duplicate, case-insensitively', () => {
    const lower = DEFAULT_TAGS.map((t) => t.toLowerCase());
    const dupes = lower.filter((t, i) => lower.indexOf(t) !== i);
    expect(dupes).toEqual([]);
  });

  it('writes every tag as a plain lowercase phrase that fits a template', () => {
    for (const tag of DEFAULT_TAGS) {
      expect(tag, tag).toBe(tag.trim());
      expect(tag, tag).toBe(tag.toLowerCase());
      expect(tag.length, tag).toBeGreaterThan(0);
      expect(tag.length, tag).toBeLessThanOrEqual(40);
      expect(tag, tag).not.toMatch(/[{}]/);
      // Words of letters and digits, joined by one space or a hyphen.
      expect(tag, tag).toMatch(/^[a-z0-9]+([ -][a-z0-9]+)*$/);
    }
  });

  it('has 6–10 templates that checkTemplates accepts, each with exactly one "{}"', () => {
    expect(TAG_TEMPLATES.length).toBeGreaterThanOrEqual(6);
    expect(TAG_TEMPLATES.length).toBeLessThanOrEqual(10);
    expect(checkTemplates([...TAG_TEMPLATES])).toEqual(TAG_TEMPLATES);
    for (const t of TAG_TEMPLATES) expect(t.split('{}').length, t).toBe(2);
    expect(new Set(TAG_TEMPLATES).size).toBe(TAG_TEMPLATES.length);
    expect(fillTemplates('sunset', TAG_TEMPLATES)).toContain('a photo of the sunset.');
  });

  it('has 4–8 background captions that name nothing and stay themselves when filled', () => {
    expect(BACKGROUND_PROMPTS.length).toBeGreaterThanOrEqual(4);
    expect(BACKGROUND_PROMPTS.length).toBeLessThanOrEqual(8);
    expect(new Set(BACKGROUND_PROMPTS).size).toBe(BACKGROUND_PROMPTS.length);
    for (const p of BACKGROUND_PROMPTS) {
      expect(p).not.toMatch(/[{}]/);
      expect(p).toBe(p.trim());
    }
    // The library encodes them as templates filled with '' (photo-library's tagVectors).
    expect(fillTemplates('', BACKGROUND_PROMPTS)).toEqual([...BACKGROUND_PROMPTS]);
    // No tag hides in a background caption.
    for (const p of BACKGROUND_PROMPTS) {
      const words = p.replace(/\.$/, '').split(' ');
      for (const tag of DEFAULT_TAGS) expect(words.includes(tag), `${p} / ${tag}`).toBe(false);
    }
  });
});
