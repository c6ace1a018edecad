// The demo page end to end in Chromium with the committed test model: photos added by the
// picker and by a drop, their tags, search (scores checked against the PyTorch reference), a
// photo opened with its similar photos, the user's own labels, duplicates, settings, a reload
// with the network off, a model that cannot be loaded, a broken photo, and the static build
// served by a plain file server. Screenshots of each view go to test-results/demo/.
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HUB_URL } from '../../src/core/model/registry';
import { cosine, fixtureDir, reference } from './reference';
import { serveStatic } from './static-server';

const INPUTS = join(fixtureDir, 'tiny-clip-inputs');
/** The reference images: their ids in the demo's library are `<name>|<size>|<mtime>`. */
const REFERENCE_FILES = reference.images.map((i) => join(INPUTS, i.file));
const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/demo/${name}.png`, fullPage: true });

async function openDemo(page: Page, query = '?model=test&dtype=fp32'): Promise<void> {
  await page.goto(`/${query}`);
  await expect(page.getByTestId('status')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
}

async function addByPicker(page: Page, files: string[]): Promise<void> {
  const before = await page.getByTestId('photo').count();
  await page.getByTestId('file-input').setInputFiles(files);
  await expect(page.getByTestId('photo')).toHaveCount(before + files.length);
  await expect(page.getByTestId('progress')).toBeHidden({ timeout: 60_000 });
}

/**
 * `visit`: a page in the browser context of a returning visitor, for a test that does not need a
 * first visit: the service worker installed, the models and their tag embeddings cached (as the
 * first such test left them), and the demo's own stores emptied (library, photos, measured
 * speeds), so each test starts with no photo. A failed test restarts the worker, and the context.
 */
const test = base.extend<{ visit: Page }, { returning: BrowserContext }>({
  returning: [
    async ({ browser }, use, workerInfo) => {
      const { baseURL } = workerInfo.project.use;
      const context = await browser.newContext(baseURL === undefined ? {} : { baseURL });
      await use(context);
      await context.close();
    },
    { scope: 'worker' },
  ],
  visit: async ({ returning }, use) => {
    // Closed pages end their workers, so no connection holds the databases open.
    for (const open of returning.pages()) await open.close();
    const page = await returning.newPage();
    await page.goto('/favicon.svg');
    await page.evaluate(async () => {
      for (const name of ['webclip-libraries', 'webclip-demo']) {
        await new Promise<void>((resolve, reject) => {
          const request = indexedDB.deleteDatabase(name);
          request.onsuccess = () => resolve();
          request.onerror = () => reject(request.error);
        });
      }
      localStorage.clear();
    });
    await use(page);
    await page.close();
  },
});

const photoNames = (page: Page) => page.locator('[data-testid="photo"] .name').allTextContents();

/** The Date header of the service worker's copy of onnxruntime's .wasm: when that copy was written. */
const cachedWasmDate = (page: Page) =>
  page.evaluate(async () => {
    const url = new URL('/ort/ort-wasm-simd-threaded.wasm', location.href).href;
    for (const name of await caches.keys()) {
      const hit = await (await caches.open(name)).match(url, { ignoreVary: true });
      if (hit) return hit.headers.get('Date');
    }
    return null;
  });

test.describe('demo page', () => {
  test('the page is cross-origin isolated and every request stays on its own origin', async ({ page, context, baseURL }) => {
    const requests: string[] = [];
    context.on('request', (r) => requests.push(r.url()));
    await openDemo(page, '?model=test&dtype=q8');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const info = await page.evaluate(() => window.webclipDemo?.info);
    expect(info).toMatchObject({ device: 'wasm', dtype: 'q8', dim: 32 });
    expect(info?.threads).toBeGreaterThanOrEqual(Math.min(2, await page.evaluate(() => navigator.hardwareConcurrency)));
    const origin = new URL(baseURL!).origin;
    expect(requests.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    expect(requests.some((url) => /\/ort\/ort-wasm-simd-threaded\.wasm$/.test(url))).toBe(true);
    await expect(page.getByTestId('notice')).toContainText('random weights');
    await expect(page.getByTestId('status')).toContainText('Precision: q8');
    // The cache's figures arrive after the page is ready (they come from a worker of their own).
    await expect(page.getByTestId('status')).toContainText(/Cache: 1 model, [\d.]+ MB/);
  });

  test('photos added by the picker show their tags; search ranks them with the reference scores', async ({ visit: page }) => {
    // Normal use says nothing on the console: no error, no warning.
    const console: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') console.push(`${m.type()}: ${m.text()}`);
    });
    await openDemo(page);
    await addByPicker(page, REFERENCE_FILES);
    // Each card shows its confident tags (calibrated score ≥ 0.5, at most 3), or says there is none.
    await expect(page.getByTestId('tags')).toHaveCount(REFERENCE_FILES.length);
    for (const tags of await page.getByTestId('tags').all()) expect(await tags.locator('li').count()).toBeLessThanOrEqual(3);
    await expect(page.getByTestId('status')).toContainText(`Photos: ${REFERENCE_FILES.length}`);
    await shot(page, 'photos');

    const text = reference.texts[0]!; // 'a photo of a cat'
    await page.getByTestId('search').fill(text.text);
    await expect(page.getByTestId('score')).toHaveCount(REFERENCE_FILES.length);
    const names = await photoNames(page);
    const scores = (await page.getByTestId('score').allTextContents()).map((s) => Number(s.replace('score ', '')));
    const expected = reference.images
      .map((image) => ({ name: image.file, score: cosine(text.text_embeds.fp32, image.image_embeds.fp32) }))
      .sort((a, b) => b.score - a.score);
    expect(names).toEqual(expected.map((e) => e.name));
    scores.forEach((s, i) => expect(Math.abs(s - expected[i]!.score)).toBeLessThan(2e-3)); // shown with 3 decimals
    await shot(page, 'search');
    // Clearing the search restores the added order, tags shown again.
    await page.getByTestId('search').fill('');
    await expect(page.getByTestId('score')).toHaveCount(0);
    await expect(page.getByTestId('tags').first()).toBeVisible();
    // The keyboard reaches a photo and opens it.
    await page.getByTestId('photo').first().getByRole('button').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('photo-dialog')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('photo-dialog')).toBeHidden();
    expect(console).toEqual([]);
  });

  test('a picked folder adds its photos and skips its other files', async ({ visit: page }) => {
    await openDemo(page);
    // tiny-clip-inputs holds 4 PNGs and 2 raw tensors (.f32).
    await page.getByTestId('folder-input').setInputFiles(INPUTS);
    await expect(page.getByTestId('photo')).toHaveCount(4);
    await expect(page.getByTestId('progress')).toBeHidden({ timeout: 60_000 });
    expect((await photoNames(page)).sort()).toEqual(reference.images.map((i) => `tiny-clip-inputs/${i.file}`).sort());
  });

  test('adding can be cancelled: what was indexed stays, the rest goes', async ({ visit: page }) => {
    await openDemo(page);
    // 240 distinct files (a PNG decodes the same with bytes after its end; the bytes differ, so
    // each is embedded).
    const png = readFileSync(REFERENCE_FILES[1]!);
    const files = Array.from({ length: 240 }, (_, i) => ({
      name: `photo-${String(i).padStart(3, '0')}.png`,
      mimeType: 'image/png',
      buffer: Buffer.concat([png, Buffer.from(`trailer ${i}`)]),
    }));
    await page.getByTestId('file-input').setInputFiles(files);
    await expect(page.getByTestId('progress')).toBeVisible();
    await expect(page.locator('#progress-text')).toContainText(/photos\/s/, { timeout: 60_000 });
    await page.getByTestId('cancel').click();
    await expect(page.getByTestId('progress')).toBeHidden({ timeout: 60_000 });
    const shown = await page.getByTestId('photo').count();
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(files.length);
    await expect(page.getByTestId('status')).toContainText(`Photos: ${shown}`);
    await expect(page.locator('.card.pending')).toHaveCount(0);
    // What the page shows is what the library holds: a reload shows the same photos.
    const stored = await cachedWasmDate(page);
    expect(stored).not.toBeNull();
    await openDemo(page);
    await expect(page.getByTestId('photo')).toHaveCount(shown);
    // The reload fetched the shell again, and the service worker kept the copy it had (same ETag).
    expect(await cachedWasmDate(page)).toBe(stored);
  });

  test('photos dropped on the page are added; a photo opens large with tags and similar photos', async ({ visit: page }) => {
    await openDemo(page);
    const payload = reference.images.map((i) => ({ name: i.file, bytes: [...readFileSync(join(INPUTS, i.file))] }));
    const transfer = await page.evaluateHandle((files) => {
      const data = new DataTransfer();
      for (const f of files) data.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: 'image/png' }));
      return data;
    }, payload);
    await page.dispatchEvent('body', 'dragenter', { dataTransfer: transfer });
    await expect(page.locator('#drop-overlay')).toBeVisible();
    await page.dispatchEvent('body', 'drop', { dataTransfer: transfer });
    await expect(page.locator('#drop-overlay')).toBeHidden();
    await expect(page.getByTestId('photo')).toHaveCount(payload.length);
    await expect(page.getByTestId('progress')).toBeHidden({ timeout: 60_000 });

    await page.getByTestId('photo').first().getByRole('button').click();
    const dialog = page.getByTestId('photo-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('photo-tags').locator('li').first()).not.toHaveText('…');
    const tagScores = (await dialog.locator('[data-testid="photo-tags"] .value').allTextContents()).map(Number);
    expect(tagScores.length).toBeLessThanOrEqual(8);
    for (const score of tagScores) expect(score).toBeGreaterThanOrEqual(0.5);
    const similar = dialog.getByTestId('photo-similar').getByTestId('photo');
    await expect(similar).toHaveCount(payload.length - 1);
    const similarities = (await dialog.getByTestId('label').allTextContents()).map((s) => Number(s.replace('similarity ', '')));
    expect([...similarities].sort((a, b) => b - a)).toEqual(similarities);
    await shot(page, 'photo');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  });

  test('your own labels classify every photo; duplicates are grouped', async ({ visit: page }) => {
    await openDemo(page);
    await addByPicker(page, REFERENCE_FILES);
    await page.getByRole('tab', { name: 'Your labels' }).click();
    await page.getByTestId('labels').fill('receipt, screenshot, selfie, landscape');
    await page.getByRole('button', { name: 'Classify' }).click();
    await expect(page.getByTestId('label')).toHaveCount(REFERENCE_FILES.length);
    for (const label of await page.getByTestId('label').allTextContents()) expect(label).toMatch(/^(receipt|screenshot|selfie|landscape) \d\.\d\d$/);
    await shot(page, 'labels');

    // The same bytes under another name: a duplicate group of two.
    const copy = readFileSync(REFERENCE_FILES[1]!);
    await page.getByTestId('file-input').setInputFiles({ name: 'copy-of-scene.png', mimeType: 'image/png', buffer: copy });
    await expect(page.getByTestId('photo')).toHaveCount(REFERENCE_FILES.length + 1);
    await page.getByRole('tab', { name: 'Duplicates' }).click();
    // The test model's random weights put unrelated photos close too (cosine 0.87–0.997), so
    // other groups may form at the default 0.95; the copy must share a group with its original.
    const groups = page.getByTestId('duplicate-group');
    await expect(groups.first()).toBeVisible();
    const members = await groups.evaluateAll((els) => els.map((g) => [...g.querySelectorAll('.name')].map((n) => n.textContent)));
    expect(members.some((names) => names.includes('scene-640x480.png') && names.includes('copy-of-scene.png'))).toBe(true);
    await shot(page, 'duplicates');
  });

  test('?model= takes a model of each other family: photos indexed and tagged, search scored as its reference', async ({ visit: page }) => {
    for (const family of ['mobileclip', 'siglip2'] as const) {
      const ref = JSON.parse(readFileSync(join(fixtureDir, `tiny-${family}`, 'reference.json'), 'utf8')) as typeof reference;
      await openDemo(page, `?model=/tests/fixtures/tiny-${family}/&dtype=fp32`);
      await expect(page.getByTestId('status')).toContainText(`Family: ${family}`);
      const images = ref.images.slice(0, 2);
      await addByPicker(page, images.map((i) => join(INPUTS, i.file)));
      await expect(page.getByTestId('tags')).toHaveCount(images.length);
      const text = ref.texts[0]!;
      await page.getByTestId('search').fill(text.text);
      await expect(page.getByTestId('score')).toHaveCount(images.length);
      // a card's name (its "no confident tag" line has the same class)
      const names = await page.locator('[data-testid="photo"] .name:not([data-testid="tags"])').allTextContents();
      const scores = (await page.getByTestId('score').allTextContents()).map((s) => Number(s.replace('score ', '')));
      expect([...names].sort()).toEqual(images.map((i) => i.file).sort());
      names.forEach((name, k) => {
        const image = images.find((i) => i.file === name)!;
        expect(Math.abs(scores[k]! - cosine(text.text_embeds.fp32, image.image_embeds.fp32)), `${family} ${name}`).toBeLessThan(2e-3);
      });
    }
  });

  test('settings switch the precision; the library stays; a reload with the network off still shows it', async ({ visit: page }) => {
    const context = page.context();
    await openDemo(page);
    await addByPicker(page, REFERENCE_FILES.slice(0, 2));
    await page.getByTestId('settings-button').click();
    await expect(page.getByTestId('settings-dialog')).toBeVisible();
    // every family of the registry is offered, with its languages and download size
    const offered = await page.getByTestId('hub-model').locator('option').allTextContents();
    for (const family of ['— clip,', '— mobileclip,', '— siglip,', '— siglip2,', '— clip+multilingual-text,']) {
      expect(offered.some((o) => o.includes(family)), family).toBe(true);
    }
    expect(offered.find((o) => o.startsWith('Xenova/clip-vit-base-patch32 '))).toContain('154 MB at q8');
    // what each costs: the download per precision from the registry, and the speed measured here
    // while the two photos were indexed (the test model's, as the page runs it)
    await expect(page.getByTestId('hub-cost')).toContainText('download: fp32 606 MB · fp16 303 MB · q8 154 MB');
    await expect(page.getByTestId('hub-cost')).toContainText('not run on this device yet');
    await expect(page.getByTestId('test-cost')).toHaveText(/^measured here: \d+\.\d photos\/s \(wasm fp32\)$/);
    await shot(page, 'settings');
    await page.getByTestId('dtype').selectOption('q8');
    await page.getByTestId('device').selectOption('wasm');
    await page.getByTestId('apply-settings').click();
    await expect(page.getByTestId('status')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
    await expect(page.getByTestId('status')).toContainText('Precision: q8');
    expect(new URL(page.url()).searchParams.get('dtype')).toBe('q8');
    await expect(page.getByTestId('photo')).toHaveCount(2);

    await context.setOffline(true);
    try {
      await page.reload();
      await expect(page.getByTestId('status')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
      await expect(page.getByTestId('photo')).toHaveCount(2);
      await expect(page.getByTestId('tags')).toHaveCount(2);
      // The previews come back from IndexedDB too.
      expect(await page.locator('[data-testid="photo"] img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0))).toBe(true);
      await shot(page, 'offline');
    } finally {
      await context.setOffline(false);
    }
  });

  test('the Hub out of reach is said plainly, with the other sources offered', async ({ page, baseURL }) => {
    // Every request for another origin fails here, as offline: none leaves this machine. The
    // default model's are the Hub's (HUB_URL).
    const local = new URL(baseURL!).origin;
    const blocked: string[] = [];
    await page.context().route(
      (url) => url.origin !== local,
      (route) => {
        blocked.push(route.request().url());
        return route.abort('internetdisconnected');
      },
    );
    await page.goto('/');
    const notice = page.getByTestId('notice');
    await expect(notice).toContainText('could not be downloaded from the Hugging Face Hub', { timeout: 60_000 });
    await expect(notice).toContainText('DOWNLOAD_FAILED');
    await expect(notice.getByRole('button', { name: 'Load a model folder…' })).toBeVisible();
    expect(blocked.length).toBeGreaterThan(0);
    expect(blocked.every((url) => url.startsWith(HUB_URL))).toBe(true);
    await shot(page, 'hub-unreachable');
  });

  test('a model that cannot be loaded is said plainly, with the other sources offered', async ({ visit: page }) => {
    await page.goto('/?model=/models/does-not-exist/');
    const notice = page.getByTestId('notice');
    await expect(notice).toContainText('MODEL_NOT_FOUND', { timeout: 30_000 });
    await expect(page.getByTestId('status')).toContainText('MODEL_NOT_FOUND');
    await shot(page, 'model-missing');
    await notice.getByRole('button', { name: 'Use the test model (offline)' }).click();
    await expect(page.getByTestId('status')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
    expect(new URL(page.url()).searchParams.get('model')).toBe('test');
  });

  test('a file that is not a photo is marked with its error; the others are indexed', async ({ visit: page }) => {
    await openDemo(page);
    await page.getByTestId('file-input').setInputFiles([
      { name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('not a png') },
      { name: 'gradient-224.png', mimeType: 'image/png', buffer: readFileSync(REFERENCE_FILES[0]!) },
    ]);
    await expect(page.getByTestId('failure')).toContainText('BAD_IMAGE', { timeout: 60_000 });
    await expect(page.getByTestId('tags')).toHaveCount(1);
    await expect(page.getByTestId('notice')).toContainText('1 of 2 files could not be read');
  });

  // Last of the returning visits: it clears the model cache they share.
  test('a model folder from disk loads through the settings; clearing the cache leaves the photos', async ({ visit: page }) => {
    await openDemo(page);
    await addByPicker(page, REFERENCE_FILES.slice(0, 1));
    await page.getByTestId('settings-button').click();
    await page.getByTestId('model-folder').setInputFiles(join(fixtureDir, 'tiny-clip'));
    await page.getByTestId('apply-settings').click();
    await expect(page.getByTestId('status')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
    await expect(page.getByTestId('status')).toContainText('Model: local:tiny-clip');

    await page.getByTestId('settings-button').click();
    await page.getByTestId('clear-cache').click();
    await expect(page.getByTestId('notice')).toContainText('cached models are deleted');
    expect(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).toContain('webclip-demo');
    // The test model again: downloaded anew, its library (and the photo in it) still there.
    await page.getByTestId('notice').getByRole('button', { name: 'Reload the model' }).click();
    await expect(page.getByTestId('status')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
    await expect(page.getByTestId('photo')).toHaveCount(1);
  });
});

test('the static build works from a plain file server: isolated through its service worker, photos indexed', async ({ page }) => {
  test.setTimeout(240_000);
  const out = mkdtempSync(join(tmpdir(), 'webclip-site-'));
  execFileSync('node_modules/.bin/vite', ['build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], { stdio: 'inherit' });
  const { server, url } = await serveStatic(out);
  try {
    await page.goto(`${url}?model=test&dtype=q8`);
    // The host sends no COOP/COEP: the service worker adds them and the page reloads once.
    await expect(page.getByTestId('status')).toHaveAttribute('data-ready', 'true', { timeout: 90_000 });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await addByPicker(page, REFERENCE_FILES.slice(0, 2));
    await expect(page.getByTestId('tags')).toHaveCount(2);
    await shot(page, 'static-build');
  } finally {
    server.close();
    rmSync(out, { recursive: true, force: true });
  }
});
