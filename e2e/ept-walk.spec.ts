/**
 * The EPT walk (Engineer detail level): the EPT-violation lesson run to its first VM exit shows the walk failing
 * at the not-present EPT entry, with the exit's guest-physical address and its qualification decoded; one Step
 * runs the VMM's handler and the same walk then translates; a typed
 * address is walked; a bad one gets a message beside the field and keeps its text.
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

test('EPT violation lesson: the walk stops at the not-present entry of the exit\'s address; a typed address is walked', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=ept-violation&cpu=nehalem');
  await ready(page);
  await page.getByRole('group', { name: 'Detail' }).getByRole('button', { name: 'Engineer' }).click();
  await page.locator('body').press('Escape');
  // x runs to the next VM exit: the first one is the EPT violation of the first instruction fetch.
  const before = await page.getByTestId('event-counter').textContent();
  await page.keyboard.press('x');
  await expect(page.getByTestId('event-counter')).not.toHaveText(before ?? '');
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  await expect(page.getByTestId('narration')).toContainText('EPT violation');

  // The tab, with the keyboard: focus the selected tab, then End (the EPT walk is the last Engineer tab) or arrows.
  await page.getByRole('tab', { selected: true }).focus();
  for (let k = 0; k < 12; k++) {
    if ((await page.evaluate(() => document.activeElement?.textContent)) === 'EPT walk') break;
    await page.keyboard.press('ArrowRight');
  }
  await expect(page.getByRole('tab', { name: 'EPT walk' })).toHaveAttribute('aria-selected', 'true');
  const walk = page.getByTestId('ept-walk');
  await expect(walk.getByRole('radio', { name: 'Last EPT violation' })).toBeChecked();

  // The exit: guest-physical 0x00010000 (the program's first instruction), an instruction fetch.
  await expect(walk.getByTestId('ept-exit-gpa')).toHaveText('0x00010000');
  await expect(walk.getByTestId('ept-qual-summary')).toContainText('instruction fetch');
  await expect(walk).toContainText('Exit qualification 0x00000184');
  await walk.getByText(/^Qualification bits/).click();
  await expect(walk.getByRole('row', { name: /Guest-linear address valid/ })).toContainText('yes');
  await expect(walk.getByRole('row', { name: /Access to final translation/ })).toContainText('the translated address');

  // The walk fails at a not-present EPT entry, marked in words, and the outcome names the address.
  const stop = walk.getByTestId('ept-walk-stop');
  await expect(stop).toHaveCount(1);
  await expect(stop).toContainText('not present');
  await expect(stop).toContainText('Stops here');
  await expect(walk.getByTestId('ept-walk-outcome')).toContainText('EPT violation (VM exit 48) at guest-physical 0x00010000');
  await expect(walk.getByTestId('ept-walk-refs')).toContainText('memory references');
  // The timeline rests at the exit, before the VMM's handler: one Step runs it, and the same walk then translates.
  await expect(walk).toContainText('The VMM has not handled this exit yet');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(walk).toContainText('after the VMM handled the exit');
  await expect(walk.getByTestId('ept-walk-outcome')).toContainText('EPT violation (VM exit 48) at guest-physical 0x00010000');

  // A bad address: a message beside the field, the text kept.
  const field = walk.getByRole('textbox', { name: 'Address (hex)' });
  await field.fill('0xZZ12');
  await field.press('Enter');
  await expect(walk.getByRole('alert')).toContainText('hexadecimal');
  await expect(field).toHaveValue('0xZZ12');
  await expect(field).toHaveAttribute('aria-invalid', 'true');

  // A good one: guest-physical 0x10000 (mapped by now) translates.
  await field.fill('0x10000');
  await walk.getByRole('combobox', { name: 'Access' }).selectOption('fetch');
  await walk.getByRole('button', { name: 'Walk' }).click();
  await expect(walk.getByRole('alert')).toHaveCount(0);
  await expect(walk.getByRole('radio', { name: 'An address' })).toBeChecked();
  await expect(walk.getByTestId('ept-walk-outcome')).toContainText(/Translated: guest-physical 0x00010000 → host-physical 0x[0-9A-F]+/);
  await expect(walk.getByTestId('ept-walk-refs')).toContainText('4 memory references');
  await expect(walk.getByTestId('ept-walk-stop')).toHaveCount(0);

  // The guest's EIP, as a guest-linear address through the VMM's identity map (nehalem: no unrestricted guest).
  await walk.getByRole('radio', { name: 'Guest EIP' }).check();
  await expect(walk.getByTestId('ept-walk-outcome')).toContainText('Translated');
  await expect(walk).toContainText('identity map');
  await expect(walk.getByTestId('ept-walk-refs')).toContainText('9 memory references');
});

test('no EPT: a CPU model without it says shadow paging', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=ept-violation&cpu=xeon-5100');
  await ready(page);
  await page.getByRole('group', { name: 'Detail' }).getByRole('button', { name: 'Engineer' }).click();
  await page.getByRole('button', { name: 'Step 10' }).click();
  await page.getByRole('tab', { name: 'EPT walk' }).click();
  await page.getByTestId('ept-walk').getByRole('radio', { name: 'Guest EIP' }).check();
  await expect(page.getByTestId('ept-walk-unavailable')).toContainText('shadow paging');
});

for (const theme of ['light', 'dark'] as const) {
  test(`the EPT walk has no accessibility violations (axe, ${theme} theme)`, async ({ page }) => {
    await page.goto('./#/rings?v=1&s=ept-violation&cpu=nehalem&t=3');
    await ready(page);
    if (theme === 'dark') await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
    await page.getByRole('group', { name: 'Detail' }).getByRole('button', { name: 'Engineer' }).click();
    await page.getByRole('tab', { name: 'EPT walk' }).click();
    const walk = page.getByTestId('ept-walk');
    await expect(walk.getByTestId('ept-walk-stop')).toHaveCount(1);
    // Open every "All fields" table and show a bad-address message too, so axe sees them.
    for (const s of await walk.locator('summary').all()) await s.click();
    await walk.getByRole('textbox', { name: 'Address (hex)' }).fill('nope');
    await walk.getByRole('button', { name: 'Walk' }).click();
    await expect(walk.getByRole('alert')).toBeVisible();
    const { default: AxeBuilder } = await import('@axe-core/playwright');
    const results = await new AxeBuilder({ page }).include('[data-testid="ept-walk"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`)).toEqual([]);
  });
}
