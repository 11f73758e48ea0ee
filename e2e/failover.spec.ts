/**
 * The Fail-over lab (issue 6 item 5): opened from the header's Platform menu; kill the active PBX and see the
 * fail-over complete: the detection time (VRRP 3 x 1 s + skew = 3.609 s), VM2 active, calls surviving with state
 * replication, a new standby; same host + host failure loses both copies.
 */
import { expect, test } from './fixtures.ts';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('kill the active PBX: VM2 detects it after the master-down interval and takes over', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=kernel&cpu=nehalem');
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });

  await page.getByRole('button', { name: /^Platform/ }).click();
  await page.getByRole('link', { name: /^Fail-over/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Fail-over' })).toBeVisible();
  await expect(page.getByTestId('fo-vm1')).toHaveText('VM1: active');
  await expect(page.getByTestId('fo-vm2')).toHaveText('VM2: standby');

  // A bad priority: a message beside the field, nothing run.
  const pri = page.getByLabel('VM2’s priority');
  await pri.fill('300');
  await page.getByRole('button', { name: 'Kill VM1' }).click();
  await expect(page.getByText(/priority is 1 … 254/)).toBeVisible();
  await expect(pri).toHaveValue('300');
  await pri.fill('100');

  await page.getByRole('button', { name: 'Kill VM1' }).click();
  await expect(page.getByTestId('fo-detection')).toHaveText('3.609 s', { timeout: 20_000 });
  await expect(page.getByTestId('fo-active')).toHaveText('VM2');
  await expect(page.getByTestId('fo-vm2')).toHaveText('VM2: active');
  await expect(page.getByTestId('fo-formula')).toContainText('3 × 1 s + (256 − 100) × 1 s / 256');
  // the numbers open to their formula and source
  await page.getByTestId('fo-detection').click();
  await expect(page.getByRole('note', { name: 'Detection: formula and source' })).toContainText('RFC 5798');
  await expect(page.getByTestId('fo-verdict')).toContainText(/established calls? survived/);
  await expect(page.getByTestId('fo-verdict')).toContainText('new standby is ready');
  await expect(page.getByTestId('fo-new-standby')).toBeVisible();
  await expect(page.getByTestId('failover-timeline')).toBeVisible();
  await expect(page.getByTestId('fo-events').locator('tr[data-kind="takeover"]')).toHaveCount(1);
  await expect.poll(() => page.url()).toContain('#/failover?v=1&place=separate&det=vrrp&adv=1&pri=100');
  await expect.poll(() => page.url()).toContain('k=vm');
});

test('same host, host killed: both copies lost; the link replays it', async ({ page }) => {
  await page.goto('./#/failover?v=1&place=same&det=vrrp&adv=1&pri=100&tok=3000&rep=1&cm=vip&k=host');
  await expect(page.getByTestId('fo-verdict')).toContainText('both copies were lost', { timeout: 20_000 });
  await expect(page.getByTestId('fo-detection')).toHaveText('none (no copy left)');
});
