// Browser tests: real Chromium (found by scripts/find-chromium.mjs, never downloaded), against
// the Vite dev server, which sends COOP/COEP so pages are crossOriginIsolated. The engine suite
// runs in three browser configurations: WebGPU (SwiftShader), WASM forced, and `auto` in a
// browser without a WebGPU adapter (the fallback path). Tests tagged @webgpu need an adapter;
// @decode tests do not depend on the backend and run once.
import { defineConfig } from '@playwright/test';

// $WEBCLIP_TEST_PORT lets two runs (or a dev server) coexist on one machine.
const port = Number(process.env.WEBCLIP_TEST_PORT ?? 5174);
/** The cross-origin model host of model-store.spec.ts (tests/e2e/model-server.ts). */
export const modelServerPort = port + 1;

export const baseArgs = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** A WebGPU adapter in headless Chromium without a GPU: SwiftShader, Chromium's CPU Vulkan. */
export const webgpuArgs = ['--enable-unsafe-webgpu'];

export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ProjectMetadata {
  device: 'webgpu' | 'wasm' | 'auto';
}

export default defineConfig({
  testDir: 'tests/e2e',
  // Playwright empties its output folder when it starts: its own, so that what `npm test` runs
  // beside it (scripts/test.mjs) keeps its files in test-results/.
  outputDir: 'test-results/playwright',
  timeout: 120_000,
  // Waiting assertions (expect.poll, toHaveText…) wait longer than Playwright's 5 s: on a busy
  // 2-core machine tagging four photos can take more. What they wait for is unchanged.
  expect: { timeout: 30_000 },
  // Two cores: one worker keeps the WASM thread pools of parallel pages from starving each other.
  workers: 1,
  retries: 0,
  use: {
    baseURL: `http://localhost:${port}`,
    browserName: 'chromium',
  },
  projects: [
    {
      name: 'wasm',
      metadata: { device: 'wasm' } satisfies ProjectMetadata,
      grepInvert: /@webgpu/,
      use: { launchOptions: { executablePath, args: baseArgs } },
    },
    {
      name: 'webgpu',
      metadata: { device: 'webgpu' } satisfies ProjectMetadata,
      testMatch: /(engine|families)\.spec\.ts$/,
      grepInvert: /@decode/,
      use: { launchOptions: { executablePath, args: [...baseArgs, ...webgpuArgs] } },
    },
    {
      name: 'auto-no-adapter',
      metadata: { device: 'auto' } satisfies ProjectMetadata,
      testMatch: /engine\.spec\.ts$/,
      grepInvert: /@webgpu|@decode/,
      use: { launchOptions: { executablePath, args: baseArgs } },
    },
  ],
  webServer: [
    {
      command: `node_modules/.bin/vite --port ${port} --strictPort`,
      env: { WEBCLIP_TEST: '1' },
      url: `http://localhost:${port}/`,
      reuseExistingServer: false,
      timeout: 120_000,
    },
    {
      command: `node_modules/.bin/tsx tests/e2e/model-server.ts ${modelServerPort}`,
      url: `http://127.0.0.1:${modelServerPort}/log`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
