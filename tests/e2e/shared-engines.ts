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
 * given; dtype: 'auto' unless given), started on first use (a failed start is not kept); returns
 * its info. Options name an engine whatever their order. An engine started with dtype 'auto' also
 * serves later asks for the dtype it chose: createClip picks the same files and sessions for both.
 */
export async function useClip(page: Page, options: Record<string, unknown>) {
  return page.evaluate(async (o) => {
    const full: Record<string, unknown> = { model: '/models/test/', dtype: 'auto', ...o };
    const keyOf = (x: Record<string, unknown>) => JSON.stringify(Object.keys(x).sort().map((k) => [k, x[k]]));
    const clips = (window.clips ??= {});
    const key = keyOf(full);
    let started = clips[key];
    if (!started) {
      started = clips[key] = window.webclip.createClip(full as Parameters<typeof window.webclip.createClip>[0]);
      started.then(
        (clip) => {
          if (full.dtype === 'auto') clips[keyOf({ ...full, dtype: clip.info.dtype })] ??= started!;
        },
        () => delete clips[key],
      );
    }
    window.clip = await started;
    return window.clip.info;
  }, options);
}

/** Disposes `window.clip` and forgets it as a shared engine, for a test that leaves it changed. */
export async function dropClip(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const clip = window.clip;
    for (const [key, started] of Object.entries(window.clips ?? {})) {
      if ((await started.catch(() => undefined)) === clip) delete window.clips![key];
    }
    await clip?.dispose();
  });
}
