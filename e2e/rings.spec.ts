/**
 * The Rings & VMX lab, walked with the keyboard only (as the acceptance test asks): step to the
 * first CPUID exit, check where the CPU token is, what the VMCS inspector shows and what the narration says;
 * one Step more runs the VMM's handler, and the inspector shows what it changed.
 */
import { expect, test, type Page } from './fixtures.ts';

async function ready(page: Page): Promise<void> {
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });
}

/** Presses Tab until the element matching `pred` has the focus. */
async function tabTo(page: Page, pred: () => boolean, what: string): Promise<void> {
  for (let k = 0; k < 80; k++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(pred)) return;
  }
  throw new Error(`could not reach ${what} with Tab`);
}

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('@motion keyboard only: step to the first CPUID exit; token in VMX root, VMCS shows reason 10 and length 2, narration says so', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=cpuid&cpu=nehalem');
  await ready(page);
  await page.locator('body').press('Escape');
  // "x" runs to the next VM exit; the first exits are EPT violations and port I/O before the first CPUID.
  let found = false;
  for (let k = 0; k < 60 && !found; k++) {
    const before = await page.getByTestId('event-counter').textContent();
    await page.keyboard.press('x');
    // Wait for the run to land (the counter moves and the engine is paused again) before reading.
    await expect(page.getByTestId('event-counter')).not.toHaveText(before ?? '');
    await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
    found = /VM exit: CPUID/.test((await page.getByTestId('ring-now').textContent()) ?? '');
  }
  expect(found).toBe(true);
  await expect(page.getByTestId('token-location')).toContainText('VMX root, ring 0');
  await expect(page.getByTestId('narration')).toContainText('VM exit: CPUID (reason 10)');
  await expect(page.getByTestId('narration')).toContainText('instruction length 2');
  // The code panel names the handler and marks the instruction that caused the exit.
  await expect(page.getByTestId('vmm-running')).toContainText('handle_cpuid');
  await expect(page.locator('.code-row.exited')).toContainText('cpuid');
  // To the VMCS tab with the keyboard: Tab to the tab list, then the arrow keys.
  await tabTo(page, () => document.activeElement?.getAttribute('role') === 'tab', 'the tab list');
  for (let k = 0; k < 8; k++) {
    if ((await page.evaluate(() => document.activeElement?.textContent)) === 'VMCS') break;
    await page.keyboard.press('ArrowRight');
  }
  await expect(page.getByRole('tab', { name: 'VMCS' })).toHaveAttribute('aria-selected', 'true');
  await tabTo(page, () => (document.activeElement as HTMLInputElement | null)?.type === 'search', 'the VMCS filter');
  await page.keyboard.type('exit reason');
  const inspector = page.getByRole('region', { name: /VMCS inspector/ });
  await expect(inspector).toContainText('0x4402');
  await expect(inspector).toContainText(/CPUID/);
  await expect(inspector.getByText('0x0000000A').first()).toBeVisible();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('instruction length');
  await expect(inspector).toContainText('0x440C');
  await expect(inspector.getByText('0x00000002').first()).toBeVisible();
  // GUEST_RIP holds the CPUID itself: the exit saved it and the VMM's handler has not run yet (SDM Vol. 3C §27.3.1).
  const at = /VM exit: CPUID at 0x([0-9A-F]{8})/.exec((await page.getByTestId('ring-now').textContent()) ?? '');
  expect(at).not.toBeNull();
  const rip = Number.parseInt(at![1], 16);
  const hex8 = (n: number): string => `0x${n.toString(16).toUpperCase().padStart(8, '0')}`;
  await page.keyboard.press('Control+a');
  await page.keyboard.type('guest rip');
  const ripRow = inspector.getByRole('listitem').filter({ hasText: 'GUEST_RIP' });
  await expect(ripRow).toContainText(hex8(rip));
  // Step on (the CPUID's own retirement event comes first): the VMM's handler emulates CPUID and moves GUEST_RIP
  // past the 2-byte instruction; the inspector says who changed it.
  let handled = false;
  for (let k = 0; k < 4 && !handled; k++) {
    const before = await page.getByTestId('event-counter').textContent();
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByTestId('event-counter')).not.toHaveText(before ?? '');
    await expect(ripRow).toContainText(/0x[0-9A-F]{8}/);
    handled = /exit handler/.test((await inspector.textContent()) ?? '');
    if (!handled) await expect(ripRow).toContainText(hex8(rip)); // not yet: still the exit's value
  }
  expect(handled).toBe(true);
  await expect(ripRow).toContainText(hex8(rip + 2));
  await expect(ripRow).toContainText(`was ${hex8(rip)}`);
});

test('the three platforms: native has no VMX column, VT-x has two; switching runs the same program', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=kernel');
  await ready(page);
  const figure = page.getByRole('img', { name: /VT-x platform/ });
  await expect(figure).toBeVisible();
  await expect(page.locator('svg text', { hasText: 'VMX non-root operation' })).toBeVisible();
  await page.getByRole('group', { name: 'Platform' }).getByRole('button', { name: 'Native' }).click();
  await expect(page.getByRole('img', { name: /Native platform/ })).toBeVisible();
  await expect(page.locator('svg text', { hasText: 'VMX non-root operation' })).toHaveCount(0);
  await expect.poll(() => page.url()).toContain('m=bare');
  await page.getByRole('button', { name: 'Step 10' }).click();
  await expect(page.getByTestId('token-location')).toContainText('ring 0');
});

test('detail levels: Sales hides registers and code, Engineer shows the machine tab', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=kernel&t=400');
  await ready(page);
  await page.getByRole('group', { name: 'Detail' }).getByRole('button', { name: 'Sales' }).click();
  await expect(page.getByRole('tab', { name: 'Code' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'What is happening' })).toContainText('VMX non-root');
  await page.getByRole('group', { name: 'Detail' }).getByRole('button', { name: 'Engineer' }).click();
  await expect(page.getByRole('tab', { name: 'Machine' })).toBeVisible();
  await page.getByRole('tab', { name: 'Machine' }).click();
  await expect(page.getByRole('region', { name: 'Machine' })).toContainText(/eax/i);
});

test('the guest editor: an error is shown at its line, the running program is kept, the draft survives a reload', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=cpuid');
  await ready(page);
  await page.getByRole('tab', { name: 'Program' }).click();
  const editor = page.getByRole('textbox', { name: 'Program source (assembly)' });
  await expect(editor).toHaveValue(/cpuid/);
  await editor.press('Control+End');
  await editor.type('\n        movv eax, 1\n');
  await expect(page.locator('#editor-errors')).toContainText(/Line \d+/);
  await page.getByRole('button', { name: 'Assemble and run' }).click();
  await expect(page.locator('#editor-errors')).toContainText('Not run');
  // On the 1280×720 projector the message is on screen and on top: not scrolled away, not under the scenario card.
  const message = page.locator('#editor-errors li').first();
  await expect(message).toBeInViewport();
  expect(
    await message.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return el.contains(document.elementFromPoint(r.left + Math.min(40, r.width / 2), r.top + r.height / 2));
    }),
  ).toBe(true);
  await page.reload();
  await ready(page);
  await page.getByRole('tab', { name: 'Program' }).click();
  await expect(page.getByRole('textbox', { name: 'Program source (assembly)' })).toHaveValue(/movv eax, 1/);
});

test('breakpoints: Run stops before the marked instruction', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=cpuid');
  await ready(page);
  const hlt = page.locator('.code-row', { hasText: /hlt/ }).first();
  await hlt.getByRole('button', { name: /Breakpoint at/ }).click();
  await page.getByRole('button', { name: 'Run to end' }).click();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  await expect(page.locator('.code-row.current')).toContainText('hlt');
});

test('CPU models: the same program on every model, with what changed', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=kernel&p=TICKS_TO_RUN.2');
  await ready(page);
  await page.getByRole('tab', { name: 'CPU models' }).click();
  await page.getByRole('button', { name: 'Run on every CPU model' }).click();
  const table = page.getByRole('table', { name: 'The same program on every CPU model' });
  await expect(table).toBeVisible({ timeout: 30_000 });
  for (const name of ['Xeon LV', 'Nehalem']) await expect(table).toContainText(name);
  await expect(page.getByText(/shadow page tables/)).toBeVisible();
});
