// Browser tests: real Chromium (found by scripts/find-chromium.mjs, never downloaded), against
// the Vite dev server, which sends COOP/COEP so pages are crossOriginIsolated.
import { defineConfig } from '@playwright/test';

const port = 5174;

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 120_000,
  // Two cores: one worker keeps the WASM thread pools of parallel pages from starving each other.
  workers: 1,
  retries: 0,
  use: {
    baseURL: `http://localhost:${port}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: `node_modules/.bin/vite --port ${port} --strictPort`,
    url: `http://localhost:${port}/`,
    reuseExistingServer: false,
    timeout: 120_000,
  },
});
