/**
 * The Rings & VMX lab's Controls tab (issue 4, item 6), with the keyboard only where the issue asks: HLT exiting off
 * makes the HLT exits disappear from the histogram; a control the CPU model's capability MSRs forbid makes the VM
 * entry fail with VMfailValid, error 7, shown and explained; the link carries the settings.
 */
import { expect, test, type Page } from './fixtures.ts';

async function ready(page: Page): Promise<void> {
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });
}

/** Presses Tab (or Shift+Tab) until the element matching `pred` has the focus. */
async function tabTo(page: Page, pred: () => boolean, what: string, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<void> {
  for (let k = 0; k < 120; k++) {
    await page.keyboard.press(key);
    if (await page.evaluate(pred)) return;
  }
  throw new Error(`could not reach ${what} with ${key}`);
}

/** With the focus on a tab of the tab list, arrows to the tab called `name`. */
async function arrowToTab(page: Page, name: string): Promise<void> {
  for (let k = 0; k < 10; k++) {
    if ((await page.evaluate(() => document.activeElement?.textContent)) === name) break;
    await page.keyboard.press('ArrowRight');
  }
  await expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
}

const focusedTab = () => document.activeElement?.getAttribute('role') === 'tab';
const ended = (page: Page) => expect(page.locator('.state-pill')).toContainText('ended', { timeout: 30_000 });
const hltRow = (page: Page) => page.getByRole('table', { name: /VM exits by reason/ }).getByRole('rowheader', { name: 'HLT', exact: true });

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('@motion keyboard only: HLT exiting off, apply, run to the end: the HLT exits disappear from the histogram', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=hlt-idle&cpu=nehalem');
  await ready(page);
  await page.locator('body').press('Escape');
  await page.keyboard.press('End'); // Run to end
  await ended(page);
  await tabTo(page, focusedTab, 'the tab list');
  await arrowToTab(page, 'Exits');
  await expect(hltRow(page)).toBeVisible();

  await page.keyboard.press('Shift+Tab'); // back onto the tab list from the panel, if the panel took the focus
  if (!(await page.evaluate(focusedTab))) await tabTo(page, focusedTab, 'the tab list');
  await arrowToTab(page, 'Controls');
  const hlt = page.getByRole('checkbox', { name: 'HLT exiting', exact: true });
  await expect(hlt).toBeChecked();
  await tabTo(page, () => (document.activeElement as HTMLInputElement | null)?.labels?.[0]?.textContent === 'HLT exiting', 'the HLT exiting checkbox');
  await page.keyboard.press('Space');
  await expect(hlt).not.toBeChecked();
  await expect(page.getByTestId('controls-prediction')).toContainText('VM entry will pass the control checks');
  await expect(page.getByText('Changed: not applied yet')).toBeVisible();
  await tabTo(page, () => document.activeElement?.textContent === 'Apply and re-run', 'Apply and re-run', 'Shift+Tab');
  await page.keyboard.press('Enter');
  await ended(page);
  await expect(page.getByText('Applied (in the link)')).toBeVisible();
  await expect.poll(() => page.url()).toContain('vmm=hltExiting=false');

  await tabTo(page, focusedTab, 'the tab list', 'Shift+Tab');
  for (let k = 0; k < 10 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Exits'; k++) await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('tab', { name: 'Exits' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('table', { name: /VM exits by reason/ })).toBeVisible();
  await expect(hltRow(page)).toHaveCount(0);
});

test('@motion keyboard only: EPT on the 2006 Xeon LV (no EPT): predicted, then the VM entry fails with VMfailValid, error 7, explained; the link reproduces it', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto('./#/rings?v=1&s=hlt-idle&cpu=xeon-lv');
  await ready(page);
  await page.locator('body').press('Escape');
  await tabTo(page, focusedTab, 'the tab list');
  await arrowToTab(page, 'Controls');
  const ept = page.getByRole('checkbox', { name: 'EPT', exact: true });
  await expect(ept).not.toBeChecked();
  await tabTo(page, () => (document.activeElement as HTMLInputElement | null)?.labels?.[0]?.textContent === 'EPT', 'the EPT checkbox');
  await page.keyboard.press('Space');
  await expect(ept).toBeChecked();
  const prediction = page.getByTestId('controls-prediction');
  await expect(prediction).toContainText('VMLAUNCH will fail: VMfailValid, VM-instruction error 7 (VM entry with invalid control field(s))');
  await expect(prediction).toContainText('‘Enable EPT’ (secondary bit 1) must be 0 on');
  await expect(prediction).toContainText('IA32_VMX_PROCBASED_CTLS allowed-1 bit 31 is 0');
  await tabTo(page, () => document.activeElement?.textContent === 'Apply and re-run', 'Apply and re-run', 'Shift+Tab');
  await page.keyboard.press('Enter');
  await ended(page);
  const banner = page.getByTestId('entry-failure');
  await expect(banner).toContainText('VM entry failed: VMfailValid, VM-instruction error 7');
  await expect(banner).toContainText('IA32_VMX_PROCBASED_CTLS allowed-1 bit 31 = 0');
  await expect(banner).toContainText('§26.2.1.1');
  await expect(banner).toContainText('§30.4');
  await expect(page.locator('.state-pill')).toContainText('vm-crash');
  await expect.poll(() => page.url()).toContain('vmm=ept=true');

  // The VMCS tab's VM-instruction error field holds 7.
  await tabTo(page, focusedTab, 'the tab list', 'Shift+Tab');
  for (let k = 0; k < 10 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'VMCS'; k++) await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('tab', { name: 'VMCS' })).toHaveAttribute('aria-selected', 'true');
  await tabTo(page, () => (document.activeElement as HTMLInputElement | null)?.type === 'search', 'the VMCS filter');
  await page.keyboard.type('instruction error');
  const inspector = page.getByRole('region', { name: /VMCS inspector/ });
  await expect(inspector).toContainText('0x4400');
  await expect(inspector.getByText('0x00000007').first()).toBeVisible();

  // The link reproduces the settings in a fresh page.
  const link = page.url();
  const fresh = await page.context().newPage();
  await fresh.goto(link);
  // The link opens at the position it was copied at: the end of the run, where the entry failed.
  await expect(fresh.getByTestId('entry-failure')).toContainText('VM-instruction error 7', { timeout: 20_000 });
  await fresh.getByRole('tab', { name: 'Controls' }).click();
  await expect(fresh.getByRole('checkbox', { name: 'EPT', exact: true })).toBeChecked();
  await expect(fresh.getByText('Applied (in the link)')).toBeVisible();
  // The Code tab does not claim the guest runs the highlighted instruction next: the VMM stopped the VM. The banner
  // above the tabs has the explanation; the Code tab points to it rather than repeating it.
  await fresh.getByRole('tab', { name: 'Code' }).click();
  await expect(fresh.getByTestId('vm-stopped')).toContainText('its VM entry failed (explained above). Nothing runs next.');
  await expect(fresh.getByTestId('vm-stopped')).not.toContainText('error 7');
  await expect(fresh.getByTestId('entry-failure')).toContainText('error 7');
});

test('invalid input: a message beside the field, what was typed is kept, nothing is applied', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=hlt-idle&cpu=nehalem');
  await ready(page);
  await page.getByRole('tab', { name: 'Controls' }).click();
  const mask = page.getByRole('textbox', { name: /CR0 guest\/host mask/ });
  await mask.fill('0xZZ');
  await expect(mask).toHaveValue('0xZZ');
  await expect(mask).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText("'0xZZ' is not a hexadecimal number")).toBeVisible();
  await expect(page.getByRole('button', { name: 'Apply and re-run' })).toBeDisabled();
  await expect(page.getByText('1 field to fix before applying')).toBeVisible();
  await mask.fill('0x80000021');
  await expect(mask).toHaveAttribute('aria-invalid', 'false');

  const port = page.getByRole('textbox', { name: /Add a port or range/ });
  await port.fill('0x10000');
  await port.press('Enter');
  await expect(port).toHaveValue('0x10000');
  await expect(page.getByText('port 0x10000 is above 0xFFFF')).toBeVisible();
  await port.fill('0x3f8-0x3ff');
  await port.press('Enter');
  await expect(page.getByRole('button', { name: 'Remove port 0x3F8–0x3FF (COM1, 16550A UART)' })).toBeVisible();
  // Passing COM1 through is legal, with a warning about what it means.
  await expect(page.getByText(/are the host's COM1/)).toBeVisible();

  const msr = page.getByRole('textbox', { name: /Add a MSR or range/ });
  await msr.fill('0x2000');
  await msr.press('Enter');
  await expect(page.getByText(/MSR 0x2000 is outside the MSR bitmap's ranges/)).toBeVisible();
  await expect(msr).toHaveValue('0x2000');
});

test('Engineer detail: the exception bitmap as 32 named checkboxes and raw control bits; a raw bit the CPU forbids is predicted to fail', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=hlt-idle&cpu=xeon-lv');
  await ready(page);
  await page.getByRole('group', { name: 'Detail' }).getByRole('button', { name: 'Engineer' }).click();
  await page.getByRole('tab', { name: 'Controls' }).click();
  await expect(page.getByRole('group', { name: 'Exceptions that cause VM exits (reason 0)' }).getByRole('checkbox')).toHaveCount(32);
  const pf = page.getByRole('checkbox', { name: '#PF (14)' });
  await expect(pf).toBeChecked(); // shadow paging on the 2006 model: #PF exits by default
  await page.getByRole('checkbox', { name: '#UD (6)' }).check();
  await expect(page.getByRole('textbox', { name: /^Exception bitmap/ })).toHaveValue('0x4040');
  // Activate secondary controls (primary bit 31): the 2006 model has none (allowed-1 bit 31 = 0).
  await page.getByRole('textbox', { name: /Set in primary/ }).fill('0x80000000');
  await expect(page.getByTestId('controls-prediction')).toContainText('‘Activate secondary controls’ (primary bit 31) must be 0');
});
