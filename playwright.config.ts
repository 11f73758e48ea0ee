// End-to-end tests: e2e/**/*.spec.ts against the production build (`vite build` → dist/), served by
// `vite preview`. `npm test` runs them after `scripts/ensure-browser.mjs` has found a Chromium.
// The browser benchmark (e2e/bench/*.bench.ts) has its own config: playwright.bench.config.ts.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, devices, type LaunchOptions } from '@playwright/test';

// 4173 (vite preview's default); VTLAB_PORT moves it, e.g. when two checkouts test side by side.
const PORT = Number(process.env.VTLAB_PORT) || 4173;
export const baseURL = `http://127.0.0.1:${PORT}`;

/**
 * The Chromium to drive: $VTLAB_CHROMIUM, else the one scripts/ensure-browser.mjs chose last
 * (node_modules/.cache/vt-lab/browser-path), else undefined: Playwright's own download.
 */
function chromiumPath(): string | undefined {
  const fromEnv = process.env.VTLAB_CHROMIUM?.trim();
  if (fromEnv) return fromEnv;
  try {
    const cacheFile = fileURLToPath(new URL('./node_modules/.cache/vt-lab/browser-path', import.meta.url));
    const cached = readFileSync(cacheFile, 'utf8').trim();
    if (cached && existsSync(cached)) return cached;
  } catch {
    // no cached choice
  }
  return undefined;
}

export const launchOptions: LaunchOptions = {
  executablePath: chromiumPath(),
  args: [
    '--no-sandbox', // CI runs as root in a container, where Chromium's sandbox cannot start
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

// VTLAB_DIST serves another build folder (e.g. `vite build --outDir dist-b`), so two checkouts or two
// people can run the end-to-end tests side by side.
const DIST = process.env.VTLAB_DIST?.trim() || 'dist';

export const webServer = {
  command: `node node_modules/vite/bin/vite.js preview --host 127.0.0.1 --port ${PORT} --strictPort --outDir ${DIST}`,
  url: baseURL,
  reuseExistingServer: !process.env.CI,
  timeout: 60_000,
  stdout: 'ignore' as const,
  stderr: 'pipe' as const,
};

export const sharedUse = {
  ...devices['Desktop Chrome'],
  baseURL,
  viewport: { width: 1280, height: 720 },
  launchOptions,
};

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  testIgnore: '**/bench/**',
  outputDir: 'test-results/artifacts',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  reporter: [['list'], ['html', { outputFolder: 'test-results/html', open: 'never' }]],
  use: {
    ...sharedUse,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'chromium' },
    {
      // The tests tagged @motion again, with prefers-reduced-motion: reduce.
      name: 'chromium-reduced-motion',
      grep: /@motion/,
      use: { reducedMotion: 'reduce' },
    },
  ],
  webServer,
});
