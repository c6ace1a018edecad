// Privacy and page security (issue 8): no request leaves the page's origin except model
// downloads from the configured model location, and the demo site works under a strict
// Content-Security-Policy (no inline script; 'wasm-unsafe-eval' the only relaxation).
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelServerPort } from '../../playwright.config';
import { fixtureDir, reference } from './reference';
import { serveStatic, STRICT_CSP } from './static-server';

const HOST = `http://127.0.0.1:${modelServerPort}`;

test('every request stays on the page\'s origin, except the model\'s files from the configured model host', async ({ page, context }) => {
  test.setTimeout(180_000);
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  await page.goto('/tests/e2e/harness.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
  const model = `${HOST}/m/privacy-${Date.now()}/`;
  await page.evaluate(async (m) => {
    const { createClip, photo, PHOTO_FILES } = window.webclip;
    const clip = await createClip({ model: m, device: 'wasm', dtype: 'q8' });
    const files = await Promise.all(PHOTO_FILES.slice(0, 3).map((f) => photo(f)));
    await clip.embedImages(files);
    await clip.embedTexts(['a photo of a cat']);
    await clip.classify(files[0]!, ['cat', 'dog']);
    const lib = await clip.library(`privacy-${Date.now()}`);
    await lib.add(files.map((blob, i) => ({ id: `p${i}`, image: blob })));
    await lib.search('a cat');
    await lib.tagAll({ vocabulary: ['cat', 'dog', 'beach'] });
    await lib.similar('p0');
    await (await lib.export()).arrayBuffer();
    await clip.dispose();
  }, model);
  const page0 = new URL(page.url()).origin;
  const foreign = requests.filter((u) => !u.startsWith(`${page0}/`) && !u.startsWith('blob:') && !u.startsWith('data:'));
  expect(foreign.length).toBeGreaterThan(0); // the model did come from its host
  expect(foreign.filter((u) => !u.startsWith(model))).toEqual([]);
});

test('the demo site under a strict Content-Security-Policy: photos tagged, no violation', async ({ page }) => {
  test.setTimeout(240_000);
  const out = mkdtempSync(join(tmpdir(), 'webclip-csp-'));
  execFileSync('node_modules/.bin/vite', ['build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], { stdio: 'inherit' });
  const server = await serveStatic(out, { isolate: true, headers: { 'Content-Security-Policy': STRICT_CSP } });
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Refused to load: CSP ${e.violatedDirective} ${e.blockedURI}`));
  });
  try {
    await page.goto(`${server.url}?model=test&dtype=q8`);
    await expect(page.getByTestId('status')).toHaveAttribute('data-ready', 'true', { timeout: 90_000 });
    const inputs = join(fixtureDir, 'tiny-clip-inputs');
    await page.getByTestId('file-input').setInputFiles(reference.images.slice(0, 2).map((i) => join(inputs, i.file)));
    await expect(page.getByTestId('photo')).toHaveCount(2);
    await expect(page.getByTestId('progress')).toBeHidden({ timeout: 60_000 });
    await expect(page.getByTestId('tags')).toHaveCount(2, { timeout: 60_000 });
    expect(violations).toEqual([]);
    // The policy was in force all along: an inline script is refused.
    expect(
      await page.evaluate(() => {
        const script = document.createElement('script');
        script.textContent = 'document.body.dataset.inline = "ran"';
        document.head.append(script);
        return document.body.dataset.inline ?? 'refused';
      }),
    ).toBe('refused');
  } finally {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
});
