/**
 * Offline (issue 8 item 6): after the first visit the service worker has precached the app, so with the
 * network gone the page reloads, the simulator starts, and another lab (its own chunk) and the PlanetLab
 * traces still load. No request ever leaves the origin.
 */
import { expect, test } from './fixtures.ts';

test('the app reloads and runs offline after the first visit; no request leaves the origin', async ({ page, context, baseURL }) => {
  // Installing precaches about a thousand files (the app and the PlanetLab traces).
  test.setTimeout(120_000);
  const origin = new URL(baseURL!).origin;
  const foreign: string[] = [];
  context.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol !== 'data:' && u.protocol !== 'blob:' && u.origin !== origin) foreign.push(r.url());
  });
  page.on('pageerror', (e) => {
    throw e;
  });

  await page.goto('./#/rings?v=1&s=kernel&cpu=nehalem');
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });
  // The service worker installs (precaching everything) and takes control.
  await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller === null) {
      await new Promise<void>((r) => navigator.serviceWorker.addEventListener('controllerchange', () => r(), { once: true }));
    }
    return reg.active?.state;
  });

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('event-counter')).not.toHaveText('0');

  // Another lab is its own chunk; the Consolidation lab's day replays the PlanetLab traces: both from the cache.
  await page.getByRole('button', { name: /^Platform/ }).click();
  await page.getByRole('link', { name: /^Consolidation/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Consolidation' })).toBeVisible({ timeout: 20_000 });
  const res = await page.evaluate(async () => (await fetch('./data/planetlab/20110303.index.json')).status);
  expect(res).toBe(200);

  await context.setOffline(false);
  expect(foreign).toEqual([]);
});
