// The browser benchmark: e2e/bench/**/*.bench.ts, one worker, one browser, long timeout.
// Not part of `npm test`; run it with `npm run bench:browser` (after `npm run build`).
import { defineConfig } from '@playwright/test';
import { sharedUse, webServer } from './playwright.config.ts';

export default defineConfig({
  testDir: 'e2e/bench',
  testMatch: '**/*.bench.ts',
  outputDir: 'test-results/bench-artifacts',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  workers: 1,
  retries: 0,
  timeout: 10 * 60_000,
  expect: { timeout: 60_000 },
  reporter: [['list']],
  use: {
    ...sharedUse,
    trace: 'off',
    screenshot: 'off',
    video: 'off',
  },
  projects: [{ name: 'chromium' }],
  webServer,
});
