/**
 * The white paper's §3.1 and §3.1.1 in the Software vs hardware lab (issue 5, item 5): open the lab on the
 * `sensitive` workload, run it; the four §3.1.1 challenge cards each quote the paper and show a number from the
 * run (trap count, translations, the paravirtual VMM's crash, the kernel port's changed lines); the §3.1 section
 * says the paper prints no table of its 17 instructions, reproduces Table 1, and links each instruction to its
 * demo on the software VMM.
 */
import { expect, test } from './fixtures.ts';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('§3.1.1 challenges each backed by a number from the run; §3.1 quoted with demo links', async ({ page }) => {
  await page.goto('./#/techniques?v=1&w=sensitive&cpu=nehalem');
  await expect(page.getByRole('heading', { level: 1, name: 'Software vs hardware' })).toBeVisible({ timeout: 20_000 });
  await page.getByRole('combobox', { name: 'Workload' }).selectOption('sensitive');
  await page.getByRole('button', { name: 'Run all six' }).click();
  await expect(page.getByTestId('cost-table')).toBeVisible({ timeout: 60_000 });

  const challenges = page.getByRole('region', { name: /White paper §3\.1\.1/ });
  await expect(challenges).toBeVisible();
  const card = (id: string) => challenges.locator(`li[data-challenge="${id}"]`);
  for (const id of ['conflict', 'workarounds', 'unmodified', 'modification']) {
    await expect(card(id)).toBeVisible();
    await expect(card(id).locator('blockquote')).not.toBeEmpty();
    await expect(card(id).getByTestId('challenge-figure')).toHaveText(/^\d[\d,]*( cycles| %)? \S/);
  }
  await expect(challenges.locator('li[data-challenge]')).toHaveCount(4);

  // The paper's words, and what each run showed.
  await expect(card('conflict')).toContainText('this could cause conflict resulting in system fault of wrong response');
  await expect(card('conflict')).toContainText('Wrong');
  await expect(card('conflict')).toContainText('SGDT did not trap');
  await expect(card('conflict')).toContainText('SGDT: base 0x000105F8');
  await expect(card('conflict').getByTestId('challenge-figure')).toContainText('traps');
  await expect(card('workarounds')).toContainText('translation-cache hits');
  await expect(card('workarounds')).toContainText('cycles spent in callouts');
  await expect(card('unmodified')).toContainText('Para-virtualization prevents VMM from hosting unmodified guest operating system');
  await expect(card('unmodified')).toContainText('domain 1 crashed: `cli`');
  await expect(card('modification').getByTestId('challenge-figure')).toContainText('lines of kernel.s removed or replaced');
  await expect(card('modification')).toContainText('The evidence: the source difference kernel.s → paravirt/kernel-pv.s');

  // The figures are the run's: the trap count matches the cost table's trap-and-emulate row.
  const trapFigure = (await card('conflict').locator('.tq-wp-num').textContent())!.trim();
  await expect(page.getByTestId('cost-table').locator('tr[data-technique="trap-and-emulate"]')).toContainText(`Traps ${trapFigure}`);

  // §3.1: the paper's sentence, no table of the instructions, Table 1 reproduced, demo links.
  const s31 = page.getByRole('region', { name: 'White paper §3.1: the 17 instructions' });
  await expect(s31).toContainText('When any of the 17 instructions controlling critical platform resources arises in the guest OS');
  await expect(s31).toContainText('No table of the instructions.');
  await expect(s31).toContainText('18 mnemonics');
  await expect(s31.getByRole('table', { name: 'Table 1. Virtualized vs Non Virtualized Platforms' })).toContainText('VMM runs on Ring0 and guest OS runs on Ring1 or Ring3.');
  const insns = s31.getByRole('table', { name: 'The sensitive unprivileged instructions and their demos' });
  await expect(insns.getByRole('rowheader')).toHaveCount(18);
  const demo = insns.getByRole('link', { name: 'Demo of POPF at ring 1' });
  await expect(demo).toBeVisible({ timeout: 30_000 });
  await expect(demo).toHaveAttribute('href', /#\/rings\?.*m=swvmm.*&t=\d+/);
  await demo.click();
  await expect.poll(() => page.url()).toContain('#/rings');
});
