// Image decoding against PIL, pixel for pixel: EXIF orientation, ICC profiles (ignored, as PIL
// ignores them), grayscale and straight alpha, through webclip's decoder ('auto'), its
// createImageBitmap path alone (the fallback where WebCodecs is missing) and its WebCodecs path
// alone (which declines translucent images: Chromium's frames are premultiplied). The
// fixtures and their references come from scripts/fixtures/decode_reference.py.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { DecodePath } from './decode-harness';

interface DecodeCase {
  file: string;
  reference: string;
  width: number;
  height: number;
  note: string;
}
const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'decode', 'manifest.json'), 'utf8')) as {
  cases: DecodeCase[];
};
const cases = manifest.cases;
const opaque = cases.filter((c) => !c.file.endsWith('alpha.png'));

test.beforeEach(async ({ page }) => {
  await page.goto('/tests/e2e/decode-harness.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
});

const compare = (page: import('@playwright/test').Page, c: DecodeCase, path: DecodePath) =>
  page.evaluate(([file, reference, path]) => window.decodeHarness.compare(file, reference, path), [c.file, c.reference, path] as const);

test('this Chromium has WebCodecs ImageDecoder, so the tests below reach the fast path', async ({ page }) => {
  expect(await page.evaluate(() => window.decodeHarness.hasImageDecoder)).toBe(true);
});

for (const path of ['auto', 'bitmap'] as const) {
  test(`${path}: every fixture decodes to exactly PIL's pixels`, async ({ page }) => {
    for (const c of cases) {
      const result = await compare(page, c, path);
      expect(result, `${c.file} (${c.note})`).toEqual({ width: c.width, height: c.height, differing: 0, maxDiff: 0 });
    }
  });
}

test("image-decoder (WebCodecs): opaque fixtures decode to exactly PIL's pixels", async ({ page }) => {
  for (const c of opaque) {
    const result = await compare(page, c, 'image-decoder');
    expect(result, `${c.file} (${c.note})`).toEqual({ width: c.width, height: c.height, differing: 0, maxDiff: 0 });
  }
});

test("the fixtures bite: the browser's default decode differs from PIL on the ICC-tagged and alpha files", async ({ page }) => {
  for (const file of ['display-p3.jpg', 'alpha.png']) {
    const c = cases.find((k) => k.file === file)!;
    const result = await compare(page, c, 'browser-default');
    expect(result.differing, file).toBeGreaterThan(0);
  }
});

test('the WebCodecs path declines a translucent image rather than return premultiplied colour', async ({ page }) => {
  const c = cases.find((k) => k.file === 'alpha.png')!;
  await expect(compare(page, c, 'image-decoder')).rejects.toThrow(/declined/);
});
