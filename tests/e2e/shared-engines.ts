// Starting an engine is most of a browser test's time (on SwiftShader: WebGPU's start, the
// shaders and the WASM probe, up to a minute), so a spec file's tests share one harness page per
// Playwright worker (one browser configuration) and one engine per set of options.
import { test as base, expect, type Page } from '@playwright/test';

export async function openHarness(page: Page): Promise<void> {
  await page.goto('/tests/e2e/harness.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
}

/** `test` with `shared`: one harness page per worker. A failed test restarts the worker, and the page. */
export const test = base.extend<Record<never, never>, { shared: Page }>({
  shared: [
    async ({ browser }, use, workerInfo) => {
      const { baseURL } = workerInfo.project.use;
      const context = await browser.newContext(baseURL === undefined ? {} : { baseURL });
      const page = await context.newPage();
      await openHarness(page);
      await use(page);
      await context.close();
    },
    { scope: 'worker' },
  ],
});

/**
 * Makes `window.clip` the shared page's engine for these options (model: the test model unless
 * given), started on first use (a failed start is not kept); returns its info.
 */
export async function useClip(page: Page, options: Record<string, unknown>) {
  return page.evaluate(async (o) => {
    const key = JSON.stringify(o);
    const clips = (window.clips ??= {});
    const started = (clips[key] ??= window.webclip.createClip({ model: '/models/test/', ...o }));
    started.catch(() => delete clips[key]);
    window.clip = await started;
    return window.clip.info;
  }, options);
}
