// <clip-tagger> in Chromium with the committed test model: attributes, events, re-tagging on a
// `labels` change without re-embedding, two elements sharing one worker, errors as clip-error,
// keyboard access, and styles that stay on their side of the shadow root.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureDir, reference } from './reference';

const INPUTS = join(fixtureDir, 'tiny-clip-inputs');
const FILES = reference.images.map((i) => join(INPUTS, i.file));

async function open(page: Page): Promise<void> {
  await page.goto('/tests/e2e/element-harness.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
  await page.evaluate(() => Promise.all([window.elementTest.tagger('a').ready, window.elementTest.tagger('b').ready]));
}

const tagEvents = (page: Page, element: string) =>
  page.evaluate((id) => window.elementTest.events.filter((e) => e.element === id && e.type === 'clip-tags').length, element);
const results = (page: Page, element: string) => page.evaluate((id) => window.elementTest.tagger(id).results, element);

test.describe('<clip-tagger>', () => {
  test('two elements share one worker and one model; each tags photos with its own labels, top-k and threshold', async ({ page }) => {
    await open(page);
    // Every Clip starts one worker of this name: one worker, so one Clip, for both elements.
    expect(await page.evaluate(() => window.elementTest.workers.filter((w) => w === 'webclip'))).toEqual(['webclip']);
    expect(await page.evaluate(() => window.elementTest.events.filter((e) => e.type === 'clip-ready').map((e) => e.element).sort())).toEqual(['a', 'b']);

    // Through the file picker inside the shadow root, as a user would.
    await page.locator('#a input[type="file"]').setInputFiles(FILES);
    await expect.poll(() => tagEvents(page, 'a')).toBe(FILES.length);
    const a = await results(page, 'a');
    expect(a.map((r) => r.name)).toEqual(reference.images.map((i) => i.file));
    for (const r of a) {
      expect(r.tags.length).toBe(2); // top-k="2", threshold="0"
      for (const t of r.tags) expect(['cat', 'dog', 'city']).toContain(t.label);
      expect(r.tags[0]!.score).toBeGreaterThanOrEqual(r.tags[1]!.score);
    }
    // The tags are shown in the element, one part per tag.
    await expect(page.locator('#a [part="tag"]')).toHaveCount(FILES.length * 2);

    // Through the script API, on the other element: its labels, default top-k (3) over 2 labels.
    await page.evaluate(async () => {
      const file = await window.elementTest.photoFile('/tests/fixtures/images/chelsea.png');
      await window.elementTest.tagger('b').addFiles([file]);
    });
    const b = await results(page, 'b');
    expect(b).toHaveLength(1);
    expect(b[0]!.tags.map((t) => t.label).sort()).toEqual(['beach', 'food']);
    expect(b[0]!.tags.reduce((sum, t) => sum + t.score, 0)).toBeCloseTo(1, 5); // a softmax over the labels

    // A threshold no tag reaches leaves none; scores stay those of the softmax.
    await page.evaluate(() => window.elementTest.tagger('b').setAttribute('threshold', '1.01'));
    await expect.poll(async () => (await results(page, 'b'))[0]!.tags.length).toBe(0);
  });

  test('changing labels re-tags every photo without embedding it again', async ({ page }) => {
    await open(page);
    await page.locator('#a input[type="file"]').setInputFiles(FILES.slice(0, 2));
    await expect.poll(() => tagEvents(page, 'a')).toBe(2);
    const embeddedBefore = await page.evaluate(() => window.elementTest.embeddedImages());
    expect(embeddedBefore).toBe(2);

    await page.evaluate(() => {
      window.elementTest.tagger('a').labels = ['receipt', 'selfie', 'mountain'];
    });
    await expect.poll(() => tagEvents(page, 'a')).toBe(4);
    expect(await page.locator('#a').getAttribute('labels')).toBe('receipt, selfie, mountain');
    for (const r of await results(page, 'a')) for (const t of r.tags) expect(['receipt', 'selfie', 'mountain']).toContain(t.label);
    expect(await page.evaluate(() => window.elementTest.embeddedImages())).toBe(embeddedBefore);

    // top-k is observed too: one tag each, still no new embedding.
    await page.evaluate(() => window.elementTest.tagger('a').setAttribute('top-k', '1'));
    await expect.poll(async () => (await results(page, 'a')).map((r) => r.tags.length)).toEqual([1, 1]);
    expect(await page.evaluate(() => window.elementTest.embeddedImages())).toBe(embeddedBefore);

    // clear() forgets the photos.
    await page.evaluate(() => window.elementTest.tagger('a').clear());
    expect(await results(page, 'a')).toEqual([]);
    await expect(page.locator('#a [part="item"]')).toHaveCount(0);
  });

  test('errors surface as clip-error with their code: a photo that is not one, a model that is not there', async ({ page }) => {
    await open(page);
    await page.locator('#b input[type="file"]').setInputFiles([
      { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is text, not a JPEG') },
      { name: reference.images[0]!.file, mimeType: 'image/png', buffer: readFileSync(FILES[0]!) },
    ]);
    await expect.poll(() => tagEvents(page, 'b')).toBe(2);
    const errors = await page.evaluate(() => window.elementTest.events.filter((e) => e.type === 'clip-error').map((e) => e.detail));
    expect(errors).toEqual([expect.objectContaining({ code: 'BAD_IMAGE', name: 'notes.jpg' })]);
    const b = await results(page, 'b');
    expect(b[0]).toMatchObject({ name: 'notes.jpg', error: 'BAD_IMAGE', tags: [] });
    expect(b[1]!.tags.length).toBeGreaterThan(0);
    await expect(page.locator('#b [part="item"]').first()).toContainText('could not be read (BAD_IMAGE)');

    // A model that is not there: clip-error MODEL_NOT_FOUND, `ready` rejects, the other element works on.
    const failed = await page.evaluate(async () => {
      const element = document.createElement('clip-tagger');
      element.id = 'c';
      element.setAttribute('model', '/models/not-there/');
      element.setAttribute('device', 'wasm');
      document.body.append(element);
      return element.ready.then(
        () => 'ready',
        (error: { code?: string }) => error.code,
      );
    });
    expect(failed).toBe('MODEL_NOT_FOUND');
    expect(await page.evaluate(() => window.elementTest.events.filter((e) => e.element === 'c' && e.type === 'clip-error').map((e) => (e.detail as { code: string }).code))).toEqual(['MODEL_NOT_FOUND']);
    await expect(page.locator('#c [part="status"]')).toContainText('MODEL_NOT_FOUND');
  });

  test('keyboard and screen readers: the drop zone is a labelled button that opens the picker; styles stay inside', async ({ page }) => {
    await open(page);
    const zone = page.locator('#a [part="dropzone"]');
    await expect(zone).toHaveAccessibleName('Add photos, or drop them here');
    // Enter on the focused drop zone opens the picker (a click on its file input; Playwright's
    // own file-chooser plumbing missed 1 run in 3 here, so the click is what is checked).
    await page.evaluate(() => {
      const input = document.getElementById('a')!.shadowRoot!.querySelector('input[type="file"]')!;
      input.addEventListener('click', (event) => {
        event.preventDefault(); // no native dialog in a headless run
        document.body.dataset.pickerOpened = 'true';
      });
    });
    await zone.focus();
    await expect(zone).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('body')).toHaveAttribute('data-picker-opened', 'true');
    await page.locator('#a input[type="file"]').setInputFiles(FILES[0]!);
    await expect.poll(() => tagEvents(page, 'a')).toBe(1);
    await expect(page.locator('#a [part="list"]')).toHaveAttribute('aria-label', 'Tagged photos');
    // The page's `li { display: none }` and `button { color: red }` do not reach in; ::part does.
    const styles = await page.evaluate(() => {
      const root = document.getElementById('a')!.shadowRoot!;
      const zone = root.querySelector('[part="dropzone"]')!;
      return {
        item: getComputedStyle(root.querySelector('[part="item"]')!).display,
        color: getComputedStyle(zone).color,
        border: getComputedStyle(zone).borderTopColor,
      };
    });
    expect(styles.item).not.toBe('none');
    expect(styles.color).not.toBe('rgb(255, 0, 0)');
    expect(styles.border).toBe('rgb(1, 2, 3)');
  });
});

test.describe('<clip-tagger> with other families', () => {
  test('a SigLIP model: each label its own probability, so another label set leaves a label\'s score as it was', async ({ page }) => {
    await open(page);
    const scores = await page.evaluate(async (file) => {
      const blob = await (await fetch(`/tests/fixtures/tiny-clip-inputs/${file}`)).blob();
      const tag = async (labels: string) => {
        const el = document.createElement('clip-tagger');
        for (const [k, v] of Object.entries({ model: '/tests/fixtures/tiny-siglip/', labels, 'top-k': '5', threshold: '0', device: 'wasm', dtype: 'fp32' })) el.setAttribute(k, v);
        document.body.append(el);
        await el.ready;
        await el.addFiles([new File([blob], file, { type: blob.type })]);
        const tags = el.results[0]!.tags;
        el.remove();
        return Object.fromEntries(tags.map((t) => [t.label, t.score]));
      };
      return [await tag('cat, dog, city'), await tag('cat, beach')];
    }, reference.images[0]!.file);
    const [three, two] = scores as [Record<string, number>, Record<string, number>];
    expect(Object.keys(three).sort()).toEqual(['cat', 'city', 'dog']);
    expect(two['cat']).toBeCloseTo(three['cat']!, 6);
    expect(Math.abs(Object.values(three).reduce((a, b) => a + b, 0) - 1)).toBeGreaterThan(1e-3);
  });
});
