/**
 * The Software VMM platform of the Rings & VMX lab (the white paper's Figure 2, §3.1: ring deprivileging,
 * trap and emulate): switch to it with the keyboard, step to the first trap, and check that the diagram, the
 * caption, the code panel and the narration all say where the guest kernel is (ring 1) and why the processor
 * is in the VMM (ring 0); the link reopens there. On the `sensitive` program, the sensitive unprivileged
 * instructions print different values under the software VMM and under VT-x.
 */
import { expect, test, type Page } from './fixtures.ts';

async function ready(page: Page): Promise<void> {
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });
}

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('switch to the Software VMM, step to the first trap: guest kernel in ring 1, the CPU in the VMM at ring 0, the cause named; the link reopens there', async ({ page, context }) => {
  await page.goto('./#/rings?v=1&s=kernel&cpu=nehalem');
  await ready(page);
  const platform = page.getByRole('group', { name: 'Platform' });
  const sw = platform.getByRole('button', { name: 'Software VMM' });
  await expect(sw).toBeEnabled();
  // Keyboard: focus the button and press Space.
  await sw.focus();
  await page.keyboard.press('Space');
  await expect(sw).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => page.url()).toContain('m=swvmm');
  await ready(page);
  const figure = page.getByRole('img', { name: /^Software VMM platform/ });
  await expect(figure).toBeVisible();
  // The contrast with VT-x: no VMX columns; the guest kernel pushed out of ring 0 to ring 1, the VMM in ring 0.
  await expect(page.locator('svg text', { hasText: 'VMX non-root operation' })).toHaveCount(0);
  await expect(figure).toHaveAccessibleName(/Guest apps in ring 3; Guest kernel in ring 1 \(pushed out of ring 0 to ring 1\); VMM in ring 0 \(traps and emulates\)/);
  await expect(page.locator('svg text', { hasText: 'pushed out of ring 0 to ring 1' })).toBeVisible();

  // Step (→) until the first trap; the kernel's first instruction, CLI, faults at ring 1.
  await page.locator('body').press('Escape');
  for (let k = 0; k < 10; k++) {
    if (/Trap to the VMM/.test((await page.getByTestId('ring-now').textContent()) ?? '')) break;
    const before = await page.getByTestId('event-counter').textContent();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('event-counter')).not.toHaveText(before ?? '');
  }
  await expect(page.getByTestId('ring-now')).toContainText('Trap to the VMM: CLI at 0x00010000');
  await expect(page.getByTestId('ring-now')).toContainText('In ring 1 it faults (#GP(0): CPL 1 > IOPL 0)');
  await expect(page.getByTestId('ring-now')).toContainText('clears the virtual IF');
  await expect(page.getByTestId('ring-now')).toContainText('2,030 cycles (assumption)');
  await expect(page.getByTestId('token-location')).toHaveText('CPU: ring 0 — the VMM runs');
  await expect(figure).toHaveAccessibleName(/The CPU is in ring 0\.$/);
  await expect(page.getByTestId('narration')).toContainText('Trap: CLI at 0x00010000 faults at ring 1 (#GP); the VMM emulates it: clears the virtual IF; 2,030 cycles.');
  // The code panel: which instruction trapped and what the emulation does.
  await expect(page.getByTestId('vmm-running')).toContainText('Ring 0: the VMM emulates CLI');
  await expect(page.locator('.code-row.trapped')).toContainText('cli');

  // One more step: back to the guest kernel in ring 1.
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('token-location')).toHaveText('CPU: ring 1 — the guest kernel runs, deprivileged');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('token-location')).toHaveText('CPU: ring 0 — the VMM runs');

  // The link reopens on the software VMM at the same event (wait until the address bar has caught up with it).
  const at = ((await page.getByTestId('event-counter').textContent()) ?? '').replace(/\D/g, '');
  expect(at).not.toBe('');
  await expect.poll(() => page.url()).toMatch(new RegExp(`m=swvmm.*[?&]t=${at}(&|$)`));
  const link = page.url();
  const again = await context.newPage();
  await again.goto(link);
  await ready(again);
  await expect(again.getByRole('group', { name: 'Platform' }).getByRole('button', { name: 'Software VMM' })).toHaveAttribute('aria-pressed', 'true');
  await expect(again.getByRole('img', { name: /^Software VMM platform/ })).toBeVisible();
  await expect(again.getByTestId('ring-now')).toContainText('Trap to the VMM: CLI');
  await expect(again.getByTestId('token-location')).toHaveText('CPU: ring 0 — the VMM runs');
});

test('sensitive: the sensitive unprivileged instructions print different values under the Software VMM and under VT-x', async ({ page }) => {
  const runToEnd = async (): Promise<void> => {
    await page.getByRole('button', { name: 'Run to end' }).click();
    await expect(page.getByText(/^ended: halted$/)).toBeVisible({ timeout: 30_000 });
  };
  await page.goto('./#/rings?v=1&s=sensitive&cpu=nehalem&m=swvmm');
  await ready(page);
  await runToEnd();
  // The console (Machine tab, Engineer detail): what the deprivileged kernel saw.
  await page.getByRole('group', { name: 'Detail' }).getByRole('button', { name: 'Engineer' }).click();
  await page.getByRole('tab', { name: 'Machine' }).click();
  const consoleText = page.getByTestId('console');
  await expect(consoleText).toContainText('PUSHF after CLI: IF = 1');
  await expect(consoleText).toContainText('SGDT: base 0xFFC10000, limit 0xFFFF');
  const swOutput = await consoleText.textContent();

  // The lesson panel: one row per instruction, one column per platform.
  await page.getByRole('tab', { name: 'Sensitive' }).click();
  const table = page.getByRole('table', { name: 'What each sensitive instruction returned, per platform' });
  await expect(page.getByTestId('sensitive-summary')).toContainText('18 of 18 lines differ between the Software VMM and VT-x');
  await expect(page.getByText('Robin & Irvine (2000) counted 17; this list spells 18 mnemonics', { exact: false })).toBeVisible();
  const sgdt = table.getByRole('row', { name: /SGDT/ });
  await expect(sgdt.getByRole('cell').nth(1)).toHaveText('base 0xFFC10000, limit 0xFFFF'); // Software VMM (this run)
  await expect(sgdt.getByRole('cell').nth(2)).toHaveText('base 0x000105F8, limit 0x0047'); // VT-x

  // Switch to VT-x: the same program, the kernel back in ring 0, prints its own state.
  await page.getByRole('group', { name: 'Platform' }).getByRole('button', { name: 'VT-x' }).click();
  await expect.poll(() => page.url()).toContain('m=guest');
  await ready(page);
  await runToEnd();
  await page.getByRole('tab', { name: 'Machine' }).click();
  await expect(consoleText).toContainText('PUSHF after CLI: IF = 0');
  await expect(consoleText).toContainText('SGDT: base 0x000105F8, limit 0x0047');
  expect(await consoleText.textContent()).not.toBe(swOutput);
  await page.getByRole('tab', { name: 'Sensitive' }).click();
  const pushf = table.getByRole('row', { name: /PUSHF/ });
  await expect(pushf.getByRole('cell').nth(1)).toHaveText('after CLI: IF = 1'); // Software VMM (whole run)
  await expect(pushf.getByRole('cell').nth(2)).toHaveText('after CLI: IF = 0'); // VT-x (this run)
});
