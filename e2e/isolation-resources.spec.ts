/**
 * The Isolation lab's Resources tab (issue 7 item 2): four VMs on one CPU of the VMX core. Turn on the noisy
 * neighbour under round robin and see the PBX's packets wait past their 20-ms interval; give the PBX shares, or cap
 * the neighbour, and see it recover. A bad weight gets its message beside the field and keeps what was typed.
 */
import { expect, test } from './fixtures.ts';
import AxeBuilder from '@axe-core/playwright';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

const p99 = async (page: import('@playwright/test').Page): Promise<number> => parseFloat((await page.getByTestId('rs-p99').textContent()) ?? 'NaN');

test('a noisy neighbour hurts the PBX; shares or a cap bring it back', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('./#/isolation');
  await page.getByRole('tab', { name: 'Resources' }).click();
  const verdict = page.getByTestId('rs-verdict');
  await expect(verdict).toHaveText('Good', { timeout: 60_000 });
  const quiet = await p99(page);
  expect(quiet).toBeLessThan(20);

  // The noisy neighbour under round robin (no shares): the PBX waits for whole slices.
  await page.getByRole('checkbox', { name: /Noisy neighbour/ }).check();
  await expect(verdict).toHaveText('Bad', { timeout: 60_000 });
  await expect(page.getByTestId('rs-announce')).toContainText('Run finished. Bad:');
  const noisy = await p99(page);
  expect(noisy).toBeGreaterThan(20);
  expect(noisy).toBeGreaterThan(quiet);
  await expect(page.getByTestId('rs-missed')).not.toHaveText(/^0 of/);
  await expect(page.getByRole('img', { name: /Schedule of the first .* ended by the preemption timer/ })).toBeVisible();

  // Give the PBX shares (credit scheduler, weight 1024): it recovers.
  await page.getByRole('button', { name: 'Give the PBX shares' }).click();
  await expect(page.getByLabel('SIP PBX weight')).toHaveValue('1024');
  await expect(verdict).toHaveText('Good', { timeout: 60_000 });
  expect(await p99(page)).toBeLessThan(20);

  // Back to no shares: bad again; then cap the neighbour at 25 %: good, and it gets no more than its cap.
  await page.getByRole('radio', { name: /Round robin, no shares/ }).check();
  await expect(verdict).toHaveText('Bad', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Cap the neighbour' }).click();
  await expect(page.getByLabel(/Noisy neighbour \(batch job\) cap/)).toHaveValue('25');
  await expect(verdict).toHaveText('Good', { timeout: 60_000 });
  await expect(page.getByTestId('rs-cpu-noisy')).toContainText('(cap 25 %)');
  await expect(page.getByTestId('rs-announce')).toContainText('Run finished. Good:');
  const received = parseFloat((await page.getByTestId('rs-cpu-noisy').locator('td').first().textContent())!.trim());
  expect(received).toBeLessThanOrEqual(26);
});

test('a bad weight: the message beside the field, what was typed kept, nothing run', async ({ page }) => {
  await page.goto('./#/isolation');
  await page.getByRole('tab', { name: 'Resources' }).click();
  await expect(page.getByTestId('rs-verdict')).toBeVisible({ timeout: 60_000 });
  const w = page.getByLabel('Firewall weight');
  await w.fill('0');
  await page.getByRole('button', { name: 'Run on the VMX core' }).click();
  await expect(page.getByText(/Weight must be a whole number from 1 to 65535/)).toBeVisible();
  await expect(w).toHaveValue('0');
  await expect(w).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('rs-announce')).toHaveText('Some settings need fixing: see the messages beside the fields.');
});

test('the results (schedule, CPU table, histogram, verdict) have no serious or critical axe violations, light and dark', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('./#/isolation');
  await page.getByRole('tab', { name: 'Resources' }).click();
  await page.getByRole('checkbox', { name: /Noisy neighbour/ }).check();
  await expect(page.getByTestId('rs-verdict')).toHaveText('Bad', { timeout: 60_000 });
  for (const theme of ['light', 'dark']) {
    if (theme === 'dark') await page.getByRole('button', { name: 'Dark' }).click();
    const results = await new AxeBuilder({ page }).include('[data-testid="resources-panel"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${theme}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`)).toEqual([]);
  }
});
