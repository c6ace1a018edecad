// The demo page end to end in Chromium: worker, ORT WASM from our own origin, tokenizer,
// browser decoding + PIL-faithful preprocessing, against the PyTorch references.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { cosine, fixtureDir, reference, type Variant } from './reference';

const dtypes: { dtype: string; variant: Variant; min: number }[] = [
  { dtype: 'fp32', variant: 'fp32', min: 0.9999 },
  { dtype: 'q8', variant: 'int8_sim', min: 0.999 },
  { dtype: 'q4', variant: 'q4_sim', min: 0.999 },
];

async function openDemo(page: Page, query: string): Promise<void> {
  await page.goto(`/${query}`);
  await expect(page.getByTestId('status')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
}

const lastVector = (page: Page, kind: 'text' | 'image') =>
  page.evaluate((k) => window.webclipDemo?.[k] ?? null, kind);

test('the page is cross-origin isolated and every request stays on its own origin', async ({ page, context, baseURL }) => {
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  await openDemo(page, '?dtype=q8');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const info = await page.evaluate(() => window.webclipDemo?.info);
  expect(info).toMatchObject({ device: 'wasm', dtype: 'q8', dim: 32 });
  // crossOriginIsolated lets ORT use threads; the client asks for at least 2 on 2 cores.
  expect(info?.threads).toBeGreaterThanOrEqual(Math.min(2, await page.evaluate(() => navigator.hardwareConcurrency)));
  const origin = new URL(baseURL!).origin;
  expect(requests.filter((url) => new URL(url).origin !== origin)).toEqual([]);
  expect(requests.some((url) => /\/ort\/ort-wasm-simd-threaded\.wasm$/.test(url))).toBe(true);
  expect(requests.some((url) => url.endsWith('/models/test/onnx/vision_model_quantized.onnx'))).toBe(true);
});

for (const { dtype, variant, min } of dtypes) {
  test(`${dtype}: text and image embeddings match the PyTorch references`, async ({ page }) => {
    await openDemo(page, `?dtype=${dtype}`);
    for (const ref of reference.texts) {
      await page.getByTestId('text').fill(ref.text);
      await page.getByTestId('embed-text').click();
      await expect.poll(() => page.getByTestId('results').locator('dt[data-kind="text"]').textContent()).toContain(
        JSON.stringify(ref.text),
      );
      const vector = await lastVector(page, 'text');
      expect(vector, ref.text).not.toBeNull();
      expect(cosine(vector!, ref.text_embeds[variant]), `text ${JSON.stringify(ref.text)}`).toBeGreaterThanOrEqual(min);
    }
    for (const ref of reference.images) {
      await page.getByTestId('image').setInputFiles(join(fixtureDir, 'tiny-clip-inputs', ref.file));
      await expect.poll(() => page.getByTestId('results').locator('dt[data-kind="image"]').textContent()).toContain(ref.file);
      const vector = await lastVector(page, 'image');
      expect(cosine(vector!, ref.image_embeds[variant]), `image ${ref.file}`).toBeGreaterThanOrEqual(min);
      // Reset so the next file's change event fires even for a repeated name.
      await page.getByTestId('image').setInputFiles([]);
    }
  });
}

test('a missing model reaches the page as a ClipError with its code', async ({ page }) => {
  await page.goto('/?model=/models/does-not-exist/');
  // Vite, like many static hosts, answers a missing path with index.html: still MODEL_NOT_FOUND.
  await expect(page.getByTestId('status')).toContainText('MODEL_NOT_FOUND', { timeout: 30_000 });
  await expect(page.getByTestId('status')).toContainText('is the model URL right?');
});

test('an undecodable image is rejected with BAD_IMAGE and the page keeps working', async ({ page }) => {
  await openDemo(page, '?dtype=fp32');
  await page.getByTestId('image').setInputFiles({ name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('not a png') });
  await expect(page.getByTestId('status')).toContainText('BAD_IMAGE');
  const ref = reference.texts[0]!;
  await page.getByTestId('text').fill(ref.text);
  await page.getByTestId('embed-text').click();
  await expect.poll(async () => cosine((await lastVector(page, 'text')) ?? [0], ref.text_embeds.fp32)).toBeGreaterThanOrEqual(0.9999);
});
