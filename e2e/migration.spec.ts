/**
 * The Migration lab (issue 6 item 4): opened from the header's Platform menu; a bad value gets a message beside
 * its field (the text kept); a VM with an active SIP call is migrated and the call survives: the media gap is
 * shown and there is no reconnect; the link carries the parameters.
 */
import { expect, test } from './fixtures.ts';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('migrate a VM with an active call: the call survives with a short gap and no reconnect', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=kernel&cpu=nehalem');
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });

  await page.getByRole('button', { name: /^Platform/ }).click();
  await page.getByRole('link', { name: /^Migration/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Migration' })).toBeVisible();
  await expect.poll(() => page.url()).toContain('#/migration?v=1&mem=4096');

  // A bad value: a message beside the field, the text kept, nothing run.
  const mem = page.getByLabel('Memory size');
  await mem.fill('4 GiB');
  await page.getByRole('button', { name: 'Migrate' }).click();
  await expect(page.getByText('Enter a whole number (digits only).')).toBeVisible();
  await expect(mem).toHaveValue('4 GiB');
  await expect(mem).toHaveAttribute('aria-invalid', 'true');

  await mem.fill('2048');
  await page.getByRole('button', { name: 'Migrate' }).click();
  await expect(page.getByTestId('migration-summary')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('mg-downtime')).toHaveText(/\d+(\.\d+)? ms/);
  await expect(page.getByTestId('mg-stop')).toContainText('Converged.');
  await expect(page.getByTestId('rounds-chart')).toBeVisible();
  await expect.poll(() => page.url()).toContain('mem=2048');
  await expect.poll(() => page.url()).toContain('r=1');

  // The call: gap shown, no reconnect (after the replay reaches the end).
  const call = page.getByTestId('client-sip-call');
  await expect(call.getByTestId('gap')).toHaveText(/\d+(\.\d+)? ms/);
  await expect(call.getByTestId('outcome')).toHaveText('✓ stays connected: no reconnect', { timeout: 15_000 });
  await expect(page.getByText('gratuitous ARP sent: traffic follows')).toBeVisible();
  await expect(page.getByTestId('client-stream').getByTestId('outcome')).toHaveText('✓ stays connected: no reconnect');
});

test('a shared link runs on opening; a migration that cannot converge says so and the video client reconnects', async ({ page }) => {
  await page.goto('./#/migration?v=1&mem=1024&bw=1000&d=200&wws=0&rule=xen&dt=300&rc=0&ac=0&pc=0&st=2000&r=1');
  await expect(page.getByTestId('mg-stop')).toContainText('Did not converge.', { timeout: 20_000 });
  await page.getByRole('slider', { name: 'Simulated time' }).fill('1000');
  await expect(page.getByTestId('client-stream').getByTestId('outcome')).toContainText('reconnects');
});

test('a VM running on the VMX core is migrated with its real dirty pages and resumes with identical state', async ({ page }) => {
  await page.goto('./#/migration');
  await expect(page.getByRole('heading', { level: 1, name: 'Migration' })).toBeVisible({ timeout: 20_000 });
  await page.getByRole('tab', { name: 'VM running on the VMX core' }).click();

  const hot = page.getByLabel('Hot pages', { exact: true });
  await hot.fill('0');
  await page.getByRole('button', { name: 'Migrate the running VM' }).click();
  await expect(page.getByText('Hot pages must be at least 1 and at most 1,024')).toBeVisible();
  await expect(hot).toHaveValue('0');
  await hot.fill('64');
  await page.getByRole('button', { name: 'Migrate the running VM' }).click();

  await expect(page.getByTestId('vmx-verdict')).toContainText('Resumed on the destination with identical state', { timeout: 60_000 });
  await expect(page.getByTestId('vmx-differing')).toHaveText('0');
  await expect(page.getByTestId('vmx-console-after')).toContainText(/tick \d+ sum \d+/);
  const after = await page.getByTestId('vmx-console-after').textContent();
  await expect(page.getByTestId('vmx-console-reference')).toHaveText(after ?? '');
  await expect(page.getByTestId('vmx-rounds-table').locator('tbody tr')).not.toHaveCount(0);

  // Every figure opens to its formula and source.
  await page.getByTestId('vmx-downtime').click();
  await expect(page.getByRole('note', { name: 'Downtime: formula and source' })).toContainText('usage-models.md §B4');
});
