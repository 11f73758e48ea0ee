/**
 * The Popek & Goldberg section of the Software vs hardware lab (issue 5, item 4): the requirements and the
 * theorem, the classification table generated from the VMM's tables with POPF marked as breaking the theorem on
 * IA-32, and its demo link: the Rings & VMX lab on the software VMM running `sensitive`, just after the guest
 * kernel's POPF (which tried to set IF) has executed at ring 1 — and the guest's IF is still 0.
 */
import { expect, test } from './fixtures.ts';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('the Popek & Goldberg table marks POPF as breaking the theorem; its demo shows POPF executed under the software VMM with IF still 0', async ({ page }) => {
  await page.goto('./#/techniques');
  const section = page.getByRole('region', { name: 'Popek & Goldberg: when can a VMM be built?' });
  await expect(section).toBeVisible({ timeout: 20_000 });
  for (const req of ['Equivalence', 'Resource control', 'Efficiency']) await expect(section.getByRole('term').filter({ hasText: req })).toBeVisible();
  await expect(section).toContainText('Communications of the ACM 17(7)');
  await expect(section).toContainText('sensitive ⊆ privileged ⇒ virtualizable');
  await expect(section).toContainText('Robin & Irvine (USENIX Security 2000) found 17 sensitive, unprivileged instructions on the Pentium');

  const table = section.getByRole('table', { name: 'Popek & Goldberg classification of the instructions' });
  const rowOf = (name: string) => table.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  const popf = rowOf('POPF');
  await expect(popf).toHaveCount(1);
  const cells = popf.getByRole('cell');
  await expect(cells.nth(0)).toContainText('No'); // privileged?
  await expect(cells.nth(2)).toHaveText(/Yes: sensitive, not privileged/); // breaks the theorem
  // A trapped instruction, for contrast: privileged, does not break it.
  const cli = rowOf('CLI, STI');
  await expect(cli.getByRole('cell').nth(0)).toContainText('Yes');
  await expect(cli.getByRole('cell').nth(2)).toHaveText('No: it traps');
  await expect(table.getByText('Yes: sensitive, not privileged')).toHaveCount(18);

  // The demo link (its position is found by the worker).
  const demo = popf.getByRole('link', { name: 'Demo: POPF under the software VMM' });
  await expect(demo).toBeVisible({ timeout: 30_000 });
  await demo.click();
  await expect.poll(() => page.url()).toMatch(/#\/rings\?.*s=sensitive.*m=swvmm.*[?&]t=\d+/);
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 30_000 });
  await expect(page.getByRole('group', { name: 'Platform' }).getByRole('button', { name: 'Software VMM' })).toHaveAttribute('aria-pressed', 'true');

  // The Machine tab (Engineer detail): the guest's registers just after POPF — IF is still 0, the kernel really at ring 1.
  await page.getByRole('group', { name: 'Detail' }).getByRole('button', { name: 'Engineer' }).click();
  await page.getByRole('tab', { name: 'Machine' }).click();
  await expect(page.getByTestId('eflags-if')).toHaveText('IF = 0');
  await expect(page.getByText("the guest's view; really ring 1")).toBeVisible();
  // The next instruction is the one after POPFD (the spin loop's set-up): POPF has executed.
  await page.getByRole('tab', { name: 'Code' }).click();
  await expect(page.locator('.code-row.current')).toContainText(/mov\s+ecx, SPIN_LOOPS/i);
  await expect(page.locator('.code-row.current').locator('xpath=preceding-sibling::div[1]')).toContainText('popfd');
  // The Code tab says what the diagram cannot show: POPF ran at ring 1 and nothing trapped.
  await expect(page.getByTestId('quiet-sensitive')).toContainText(/^POPF at 0x[0-9A-F]{8} just ran in ring 1 without a trap/);
  // The POPF line has not been printed yet; the Sensitive tab says so for this run.
  await page.getByRole('tab', { name: 'Sensitive' }).click();
  await expect(page.getByTestId('sensitive-POPF').getByRole('cell').nth(1)).toHaveText('not printed yet');
});
