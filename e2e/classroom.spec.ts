/**
 * Classroom use (issue 8 items 3-5): presenter and audience windows in step over a BroadcastChannel, the
 * audience blanked from the presenter; an embed link that opens read-only; an exported PNG that re-opens as
 * the same scene; a malformed import explained without losing anything.
 */
import { expect, test, type Page } from './fixtures.ts';
import { readFileSync } from 'node:fs';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

async function ready(page: Page, path = './#/rings?v=1&s=kernel&cpu=nehalem'): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });
}

test('presenter and audience windows stay in step across a tour step; b blanks the audience', async ({ context }) => {
  // Two windows, each with its own simulator.
  test.setTimeout(90_000);
  const presenter = await context.newPage();
  await ready(presenter, './?view=presenter#/rings?v=1&s=kernel&cpu=nehalem');
  const audience = await context.newPage();
  await audience.goto('./?view=audience#/rings?v=1&s=kernel&cpu=nehalem');
  await expect(presenter.getByText('✓ Audience window connected')).toBeVisible({ timeout: 20_000 });
  // The audience window has no header or playback bar: the big view only.
  await expect(audience.getByRole('navigation', { name: 'Labs' })).toBeHidden();

  await presenter.getByRole('button', { name: 'Tours' }).click();
  await presenter.getByRole('button', { name: 'Start the tour Rings without and with a VMM' }).click();
  const pTour = presenter.getByRole('complementary', { name: 'Tour: Rings without and with a VMM' });
  const aTour = audience.getByRole('complementary', { name: 'Tour: Rings without and with a VMM' });
  await expect(pTour.getByRole('heading', { name: 'No VMM: the kernel owns ring 0' })).toBeVisible();
  await expect(aTour.getByRole('heading', { name: 'No VMM: the kernel owns ring 0' })).toBeVisible({ timeout: 10_000 });
  // Notes are the presenter's only.
  await expect(pTour.getByText('Notes (only you see these)')).toBeVisible();
  await expect(aTour.getByText('Notes (only you see these)')).toHaveCount(0);

  // Next step (run to the awaited event, then on): the audience follows, scene and narration.
  await presenter.keyboard.press('PageDown');
  await expect(pTour.getByText(/Done: the event happened/)).toBeVisible({ timeout: 15_000 });
  await presenter.keyboard.press('PageDown');
  await expect(pTour.getByRole('heading', { name: 'A software VMM: the guest kernel in ring 1' })).toBeVisible();
  await expect(aTour.getByRole('heading', { name: 'A software VMM: the guest kernel in ring 1' })).toBeVisible({ timeout: 10_000 });
  await expect(audience).toHaveURL(/m=swvmm/, { timeout: 10_000 });

  // A clicker aimed at the audience window still turns the page (forwarded to the presenter).
  await audience.keyboard.press('PageUp');
  await expect(pTour.getByRole('heading', { name: 'No VMM: the kernel owns ring 0' })).toBeVisible({ timeout: 10_000 });

  await presenter.keyboard.press('b');
  await expect(audience.getByRole('status', { name: 'The presenter has blanked this screen' })).toBeVisible({ timeout: 10_000 });
  await presenter.keyboard.press('b');
  await expect(audience.getByRole('status', { name: 'The presenter has blanked this screen' })).toBeHidden({ timeout: 10_000 });

  // The tab and the detail level the presenter shows are what the audience sees.
  await presenter.getByRole('button', { name: 'Close the tour' }).first().click();
  await presenter.getByRole('group', { name: 'Detail' }).getByRole('button', { name: 'Engineer' }).click();
  await presenter.getByRole('tab', { name: 'VMCS' }).click();
  await expect(audience.getByRole('tab', { name: 'VMCS' })).toHaveAttribute('aria-selected', 'true', { timeout: 10_000 });
  await expect(audience.getByRole('group', { name: 'Detail' }).getByRole('button', { name: 'Engineer' })).toHaveAttribute('aria-pressed', 'true');

  // Ending the presentation tells the audience window, which stops following.
  await presenter.getByRole('button', { name: 'End presenting' }).click();
  await expect(audience.getByRole('status').filter({ hasText: 'The presenter ended the presentation' })).toBeVisible({ timeout: 10_000 });
});

test('an embed link opens with minimal chrome; the read-only one cannot be changed', async ({ page }) => {
  test.setTimeout(60_000);
  await ready(page);
  await page.getByRole('button', { name: 'Share ▾' }).click();
  await page.getByRole('button', { name: 'Embed…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Embed this scene' });
  await dialog.getByRole('checkbox', { name: /Read-only/ }).check();
  const code = await dialog.getByRole('textbox', { name: 'iframe code' }).inputValue();
  expect(code).toMatch(/^<iframe src="http:\/\/[^"]+\?view=embed-readonly#\/rings\?v=1&amp;s=kernel[^"]*" title="VT Lab"/);
  const src = /src="([^"]+)"/.exec(code)![1].replace(/&amp;/g, '&');

  await page.goto(src);
  await expect(page.getByText('read-only')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('link', { name: 'Open in VT Lab ↗' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Labs' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toHaveCount(0);
  // The lab is inert: its tabs and buttons cannot be reached or pressed.
  await expect(page.locator('.lab-area')).toHaveAttribute('inert', '');
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(/t=0/);
});

test('an exported PNG re-opens as the same scene; a malformed import is explained and changes nothing', async ({ page }) => {
  test.setTimeout(90_000);
  await ready(page);
  for (let k = 0; k < 7; k++) await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('event-counter')).toHaveText('7');
  // (the address bar follows the position a moment later)
  await expect(page).toHaveURL(/&t=7$/);
  const link = new URL(page.url()).hash;

  await page.getByRole('button', { name: 'Share ▾' }).click();
  const dl = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export image (PNG)' }).click();
  const png = await dl;
  expect(png.suggestedFilename()).toBe('vt-lab-rings-event-7.png');
  const file = await png.path();
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');

  // Somewhere else entirely, then import the picture: the scene comes back.
  await ready(page, './#/rings?v=1&s=cpuid&cpu=nehalem');
  await page.getByRole('button', { name: 'Share ▾' }).click();
  await page.getByRole('button', { name: 'Import…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import' });
  await dialog.getByLabel('File to import').setInputFiles(file);
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('event-counter')).toHaveText('7', { timeout: 20_000 });
  expect(new URL(page.url()).hash).toBe(link);

  // A broken trace: the message names the line; the scene is untouched.
  await page.getByRole('button', { name: 'Share ▾' }).click();
  await page.getByRole('button', { name: 'Import…' }).click();
  await dialog.getByLabel('File to import').setInputFiles({ name: 'broken.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from('{"type":"vmexit","reason":10,"name":"CPUID","cycle":1}\n{"type":"vmexit",\n') });
  await expect(dialog.getByRole('alert')).toContainText('broken.jsonl, line 2: not JSON');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('event-counter')).toHaveText('7');
  expect(new URL(page.url()).hash).toBe(link);
});

test('the trace exports as JSON lines and the exit log as CSV, and the trace imports back as a summary', async ({ page }) => {
  test.setTimeout(60_000);
  await ready(page, './#/rings?v=1&s=cpuid&cpu=nehalem');
  await page.getByRole('button', { name: 'Run to end', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Run to end', exact: true })).toBeDisabled({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Share ▾' }).click();
  const dlT = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export trace (JSON lines)' }).click();
  const trace = readFileSync(await (await dlT).path()).toString();
  const first = JSON.parse(trace.split('\n')[0]) as { type: string };
  expect(typeof first.type).toBe('string');
  expect(trace).toContain('"type":"vmexit","reason":10,"name":"CPUID"');

  await page.getByRole('button', { name: 'Share ▾' }).click();
  const dlC = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export exit log (CSV)' }).click();
  const csv = readFileSync(await (await dlC).path()).toString().split('\r\n');
  expect(csv[0]).toBe('index,cycle,cpu,reason,name,qualification,instruction_length,guest_eip,vmcs,entry_failure');
  expect(csv.some((l) => /^\d+,\d+,0,10,CPUID,/.test(l))).toBe(true);

  await page.getByRole('button', { name: 'Share ▾' }).click();
  await page.getByRole('button', { name: 'Import…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import' });
  await dialog.getByLabel('File to import').setInputFiles({ name: 'cpuid.trace.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(trace) });
  await expect(dialog.getByRole('table', { name: 'VM exits by reason' })).toContainText('CPUID');
});

test('the Share menu works from the keyboard: Down opens it, arrows move, Home/End jump, Escape closes', async ({ page }) => {
  await ready(page);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Back', exact: true })).toBeEnabled();
  const share = page.getByRole('button', { name: 'Share ▾' });
  await share.focus();
  await page.keyboard.press('ArrowDown');
  const first = page.getByRole('button', { name: /Present/ });
  await expect(first).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('button', { name: /Embed/ })).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp'); // wraps to the last item
  await expect(page.getByRole('button', { name: /Import my data/i })).toBeFocused();
  await page.keyboard.press('Home');
  await expect(first).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByRole('button', { name: /Import my data/i })).toBeFocused();
  await page.keyboard.press('Home');
  // Home moved in the menu: the lab did not reset to its start (Back is still possible).
  await expect(page.getByRole('button', { name: 'Back', exact: true })).toBeEnabled();
  await page.keyboard.press('Escape');
  await expect(share).toBeFocused();
  await expect(share).toHaveAttribute('aria-expanded', 'false');
});
