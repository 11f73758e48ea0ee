/**
 * The Software vs hardware lab (issue 5): opened from the header's navigation, the `sensitive` program run
 * under native, trap-and-emulate, binary translation, paravirtualization and VT-x (shadow paging and EPT):
 * trap-and-emulate is wrong (the instruction that broke it named), binary translation and VT-x right, the
 * unmodified guest fails under paravirtualization; the cost table and the chart are there; changing an
 * assumption (bad input first: a message beside the field, the text kept) changes the table and the link.
 */
import { expect, test, type Page } from './fixtures.ts';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

const row = (page: Page, technique: string) => page.locator(`li.tq-verdict[data-technique="${technique}"]`);
const costRow = (page: Page, technique: string) => page.getByTestId('cost-table').locator(`tr[data-technique="${technique}"]`);

test('open from the header, run the five techniques on `sensitive`: verdicts, cost table, chart; change an assumption and the table changes', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=kernel&cpu=nehalem');
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });

  // From the header's navigation, with the keyboard.
  const nav = page.getByRole('navigation', { name: 'Labs' });
  const link = nav.getByRole('link', { name: 'Software vs hardware' });
  await link.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Software vs hardware' })).toBeVisible();
  await expect(link).toHaveAttribute('aria-current', 'page');
  await expect.poll(() => page.url()).toContain('#/techniques?v=1&w=sensitive&cpu=nehalem');

  await page.getByRole('combobox', { name: 'Workload' }).selectOption('sensitive');
  await page.getByRole('combobox', { name: 'CPU model' }).selectOption('nehalem');
  await page.getByRole('button', { name: 'Run all six' }).click();
  await expect(page.getByTestId('cost-table')).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => page.url()).toContain('r=1');

  // Verdicts, in words (the colour is a second cue only).
  await expect(row(page, 'native').locator('.tq-badge')).toHaveText(/Baseline/);
  await expect(row(page, 'trap-and-emulate').locator('.tq-badge')).toHaveText(/Wrong/);
  await expect(row(page, 'trap-and-emulate')).toContainText('Broke it: SGDT');
  await expect(row(page, 'trap-and-emulate')).toContainText('POPF');
  await expect(row(page, 'trap-and-emulate')).toContainText('Native, line 2: SGDT: base 0x000105F8');
  await expect(row(page, 'binary-translation').locator('.tq-badge')).toHaveText(/Right/);
  await expect(row(page, 'vtx-shadow').locator('.tq-badge')).toHaveText(/Right/);
  await expect(row(page, 'vtx-ept').locator('.tq-badge')).toHaveText(/Right/);
  await expect(row(page, 'paravirt').locator('.tq-badge')).toHaveText(/Failed/);
  await expect(row(page, 'paravirt')).toContainText('domain-crash');
  await expect(row(page, 'paravirt')).toContainText('Broke it: cli');

  // The cost table and the chart.
  await expect(costRow(page, 'native')).toContainText('baseline');
  await expect(costRow(page, 'trap-and-emulate')).toContainText('Traps');
  await expect(costRow(page, 'vtx-ept')).toContainText('VM exits');
  await expect(costRow(page, 'vtx-ept')).toContainText('30 I/O instruction');
  await expect(costRow(page, 'paravirt').getByTestId('overhead')).toHaveText('did not finish');
  const chart = page.getByTestId('overhead-chart');
  await expect(chart).toBeVisible();
  // Signed: with port I/O costing the trip to the chipset natively (the native I/O note), a program that mostly prints can run faster under a VMM.
  await expect(chart).toHaveAttribute('aria-label', /Trap-and-emulate: [+-][\d,.]+ %/);
  await expect(chart.locator('rect.bar')).toHaveCount(5);
  await expect(page.getByTestId('pv-diff')).toContainText('kernel.s');

  // A link from a technique to the Rings & VMX lab on its platform.
  await expect(row(page, 'trap-and-emulate').getByRole('link', { name: /Rings & VMX \(the software VMM\)/ })).toHaveAttribute('href', /m=swvmm/);

  // Change an assumption: bad input first — a message beside the field, the text kept.
  const before = await costRow(page, 'trap-and-emulate').getByTestId('overhead').textContent();
  const trap = page.getByLabel(/Trap round trip/);
  await trap.fill('lots');
  await page.getByRole('button', { name: 'Apply and re-run' }).click();
  await expect(page.getByText("'lots' is not a number of cycles.")).toBeVisible();
  await expect(trap).toHaveValue('lots');
  await expect(trap).toHaveAttribute('aria-invalid', 'true');
  await trap.fill('6000');
  await page.getByRole('button', { name: 'Apply and re-run' }).click();
  await expect(costRow(page, 'trap-and-emulate').getByTestId('overhead')).not.toHaveText(before ?? '', { timeout: 60_000 });
  await expect.poll(() => page.url()).toContain('c=trap.6000');
  await expect(trap).toHaveValue('6000');
  // VT-x does not use that assumption: its overhead is unchanged
  await expect(row(page, 'trap-and-emulate').locator('.tq-badge')).toHaveText(/Wrong/);
});

test('a shared link reopens the lab with its workload, CPU and assumptions, and runs it', async ({ page }) => {
  await page.goto('./#/techniques?v=1&w=pagefault-heavy&cpu=xeon-lv&c=hypercall.889&r=1');
  await expect(page.getByTestId('cost-table')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('combobox', { name: 'Workload' })).toHaveValue('pagefault-heavy');
  await expect(page.getByRole('combobox', { name: 'CPU model' })).toHaveValue('xeon-lv');
  await expect(page.getByLabel(/Hypercall/)).toHaveValue('889');
  await expect(row(page, 'vtx-ept').locator('.tq-badge')).toHaveText(/Not run/);
  await expect(row(page, 'vtx-ept')).toContainText('has no EPT');
  await expect(costRow(page, 'vtx-shadow')).toContainText('14 INVLPG');
});

for (const theme of ['light', 'dark'] as const) {
  test(`no accessibility violations in the lab with results (axe, ${theme} theme)`, async ({ page }) => {
    await page.goto('./#/techniques?v=1&w=sensitive&cpu=nehalem&r=1');
    await expect(page.getByTestId('cost-table')).toBeVisible({ timeout: 60_000 });
    if (theme === 'dark') await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
    await page.waitForTimeout(700); // the bars' grow-in animation
    const { default: AxeBuilder } = await import('@axe-core/playwright');
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`)).toEqual([]);
  });
}
