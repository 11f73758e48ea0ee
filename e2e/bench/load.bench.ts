/**
 * Load speed (issue 8 item 8; not part of `npm test`, run `npm run bench:browser`): the first view's time to
 * interactive from the local static server (navigation start to the Play button enabled, i.e. the simulator
 * worker started and the first scenario loaded), cold (empty cache, no service worker) and warm, and the
 * JavaScript the first view loads, gzipped, measured on the built files. Figures to stdout and
 * test-results/bench-load.json. Targets: interactive within 1.5 s, initial JS at most 300 KB gzipped.
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

test('first view: time to interactive and initial JavaScript', async ({ browser, baseURL }) => {
  const runs: number[] = [];
  const initialJs = new Set<string>();
  for (let k = 0; k < 5; k++) {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    page.on('request', (r) => {
      if (k === 0 && new URL(r.url()).pathname.endsWith('.js')) initialJs.add(new URL(r.url()).pathname);
    });
    const t0 = Date.now();
    await page.goto(`${baseURL}/#/rings?v=1&s=kernel&cpu=nehalem`);
    await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 30_000 });
    runs.push(Date.now() - t0);
    await context.close();
  }
  const dist = process.env.VTLAB_DIST?.trim() || 'dist';
  // The scripts the page asked for before it was interactive (the worker included: it is needed to be interactive).
  const files = [...initialJs].map((p) => p.replace(/^.*\/assets\//, 'assets/'));
  const gz = files.map((f) => ({ file: f, worker: /worker/.test(f), gzipKB: +(gzipSync(readFileSync(join(dist, f))).length / 1024).toFixed(1) }));
  const sorted = [...runs].sort((a, b) => a - b);
  const result = {
    interactiveMs: { runs, median: sorted[Math.floor(sorted.length / 2)], best: sorted[0] },
    initialJs: gz,
    /** The page's own JavaScript before it is interactive (the simulator worker is counted apart: it loads in parallel, off the main thread). */
    initialJsGzipKB: +gz.filter((f) => !f.worker).reduce((n, f) => n + f.gzipKB, 0).toFixed(1),
    workerGzipKB: +gz.filter((f) => f.worker).reduce((n, f) => n + f.gzipKB, 0).toFixed(1),
    targets: { interactiveMs: 1500, initialJsGzipKB: 300 },
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/bench-load.json', JSON.stringify(result, null, 2) + '\n');
});
