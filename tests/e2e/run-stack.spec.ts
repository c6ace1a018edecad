// onnxruntime-web's runs go through webclip's entry module in a real worker (issue 15,
// src/runtime/backend/ort-run-stack.ts): ORT's Emscripten module is caught as it starts, so the
// depth its runs start at can move when they turn slow. Answers stay the reference's.
import { expect, test } from '@playwright/test';
import { cosine, reference } from './reference';

test('ORT is started through the entry module: its runs are wrapped and still answer as the reference', async ({ page }) => {
  await page.goto('/tests/e2e/harness.html');
  const result = await page.evaluate(async (files) => {
    const clip = await window.webclip.createClip({ model: '/models/test/', device: 'wasm', dtype: 'fp32' });
    const images = await Promise.all(files.map((f) => window.webclip.fixtureImage('blob', f)));
    const first = await clip.embedImages(images);
    const second = await clip.embedImages(images);
    const stack = await window.webclip.access(clip).ortRunStack();
    await clip.dispose();
    return { first: first.map((e) => [...e]), second: second.map((e) => [...e]), stack };
  }, reference.images.map((i) => i.file));
  expect(result.stack).toEqual({ active: true, step: expect.any(Number), moved: expect.any(Number) });
  reference.images.forEach((image, i) => {
    expect(cosine(result.first[i]!, image.image_embeds.fp32)).toBeGreaterThan(0.9999);
    expect(result.second[i]).toEqual(result.first[i]);
  });
});
