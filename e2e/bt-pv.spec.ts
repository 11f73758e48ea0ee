/**
 * Binary translation and paravirtualization as platforms of the Rings & VMX lab (issue 5): step the
 * binary-translated kernel event by event — a translation-cache miss, then a callout where the guest has CLI —
 * and see the translated code next to the original bytes; step the paravirtual port to its first hypercall;
 * then run the unmodified kernel on the paravirtual VMM and see it crashed at its first privileged instruction.
 */
import { expect, test, type Page } from './fixtures.ts';

async function ready(page: Page): Promise<void> {
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });
}

/** Steps (→) until the diagram's caption matches `re`, at most `max` events. */
async function stepUntil(page: Page, re: RegExp, max = 40): Promise<void> {
  await page.locator('body').press('Escape');
  for (let k = 0; k < max; k++) {
    if (re.test((await page.getByTestId('ring-now').textContent()) ?? '')) return;
    const before = await page.getByTestId('event-counter').textContent();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('event-counter')).not.toHaveText(before ?? '');
  }
  await expect(page.getByTestId('ring-now')).toContainText(re);
}

// Whole runs (the kernel to its end, six techniques, every instruction form) take tens of seconds on a busy machine.
test.setTimeout(180_000);

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('binary translation: step to the first translation-cache miss and the CLI callout; the translated code beside the original bytes', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=kernel&cpu=nehalem');
  await ready(page);
  const bt = page.getByRole('group', { name: 'Platform' }).getByRole('button', { name: 'Binary translation' });
  await bt.focus();
  await page.keyboard.press('Space');
  await expect(bt).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => page.url(), { timeout: 15_000 }).toContain('m=bt');
  await ready(page);
  const figure = page.getByRole('img', { name: /^Binary translation platform/ });
  await expect(figure).toHaveAccessibleName(/Guest kernel in ring 1 \(ring 1, runs from the translation cache\); VMM \+ translator in ring 0/);

  // The first event: the kernel's entry is not in the translation cache yet — a miss, the VMM translates.
  await stepUntil(page, /Translation-cache miss/);
  await expect(page.getByTestId('ring-now')).toContainText('Translation-cache miss at 0x00010000');
  await expect(page.getByTestId('ring-now')).toContainText('(assumption)');
  // Then the CLI at the entry: a callout into the VMM, not a trap.
  await stepUntil(page, /Callout/);
  await expect(page.getByTestId('ring-now')).toContainText('Callout: CLI at 0x00010000');
  await expect(page.getByTestId('ring-now')).toContainText('no trap');
  await expect(page.getByTestId('token-location')).toHaveText('CPU: ring 0 — the VMM runs');
  await expect(page.getByTestId('narration')).toContainText('the VMM emulates CLI at 0x00010000 against the virtual CPU');

  // The Translation tab: counters, and the translation with the original bytes next to what runs instead.
  await page.getByRole('tab', { name: 'Translation' }).click();
  await expect(page.getByTestId('bt-misses')).not.toHaveText('0');
  const code = page.getByRole('table', { name: /^Translation \d+: original and translated code$/ });
  const cli = code.getByRole('row', { name: /cli/ }).first();
  await expect(cli.getByRole('cell').nth(1)).toHaveText('FA');
  await expect(cli).toContainText('callout');
  await expect(cli).toContainText('call VMM: emulate CLI against the virtual CPU');

  // Run on: translations are reused — hits far outnumber misses by the end.
  await page.getByRole('button', { name: 'Run to end' }).click();
  await expect(page.getByText(/^ended: halted$/)).toBeVisible({ timeout: 60_000 });
  const misses = Number(((await page.getByTestId('bt-misses').textContent()) ?? '').replace(/\D/g, ''));
  const hits = Number(((await page.getByTestId('bt-hits').textContent()) ?? '').replace(/\D/g, ''));
  expect(hits).toBeGreaterThan(misses);
});

test('paravirtualization: the port makes hypercalls; the unmodified kernel is crashed at its first privileged instruction', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=kernel&cpu=nehalem');
  await ready(page);
  await page.getByRole('group', { name: 'Platform' }).getByRole('button', { name: 'Paravirtual' }).click();
  await expect.poll(() => page.url(), { timeout: 15_000 }).toContain('m=pv');
  await ready(page);
  await expect(page.getByRole('img', { name: /^Paravirtualization platform/ })).toBeVisible();
  // "Next hypercall or trap" (the key x) fast-forwards to the next entry into the VMM.
  for (let k = 0; k < 10 && !/Hypercall/.test((await page.getByTestId('narration').textContent()) ?? ''); k++) {
    await page.getByRole('button', { name: 'Next hypercall or trap' }).click();
    await ready(page);
  }
  await expect(page.getByTestId('ring-now')).toContainText(/Hypercall \w+/);
  await expect(page.getByTestId('ring-now')).toContainText('The ported kernel calls the VMM (INT 0x82)');

  await page.getByRole('tab', { name: 'Hypercalls' }).click();
  await expect(page.getByTestId('pv-choice')).toContainText('paravirt/kernel-pv.s');
  await expect(page.getByRole('table', { name: 'Hypercalls by name' })).toBeVisible();

  // The same kernel, not ported: the paravirtual VMM emulates nothing, so its first instruction (CLI) ends the domain.
  await page.getByRole('button', { name: 'Run the unmodified kernel on the paravirtual VMM' }).click();
  await ready(page);
  await expect(page.getByTestId('pv-choice')).toContainText('not ported');
  await page.getByRole('button', { name: 'Run to end' }).click();
  await expect(page.getByText(/^ended: vm-crash$/)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('ring-now')).toContainText('Domain crashed at 0x00010000');
  await expect(page.getByTestId('ring-now')).toContainText('CLI at 0x00010000 raised #GP at ring 1');
  await expect(page.getByRole('button', { name: 'Run the preset\'s port instead' })).toBeVisible();
});

test('Software vs hardware: I/O-heavy work with the sourced native I/O cost; the translation cache as figures; every instruction classified', async ({ page }) => {
  await page.goto('./#/techniques?v=1&w=io-heavy&cpu=xeon-lv');
  await expect(page.getByRole('heading', { level: 1, name: 'Software vs hardware' })).toBeVisible({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Run all six' }).click();
  await expect(page.getByTestId('cost-table')).toBeVisible({ timeout: 90_000 });
  // Native port I/O costs the trip to the chipset (Adams & Agesen's Pentium 4 figure), said on screen with its source.
  await expect(page.getByTestId('native-io-note')).toContainText('Native port I/O: 3,209 cycles per IN or OUT');
  await expect(page.getByTestId('native-io-note')).toContainText('ASPLOS 2006');
  const costRow = (t: string) => page.getByTestId('cost-table').locator(`tr[data-technique="${t}"]`);
  // So binary translation (an emulated device) beats native here, and first-generation VT-x does not.
  await expect(costRow('binary-translation').getByTestId('overhead')).toHaveText(/^-/);
  await expect(costRow('vtx-shadow').getByTestId('overhead')).toHaveText(/^\+/);
  // Beside the chart, the reason a bar goes below zero.
  await expect(page.getByTestId('faster-than-native')).toContainText('Not because a VMM beats bare metal');
  await expect(costRow('binary-translation').getByTestId('tc-figures')).toContainText(/Translation cache: [\d,]+ misses, [\d,]+ hits/);
  // The assumption can be changed: bad input keeps the text and says why beside the field; a cheap native IN/OUT
  // (the instruction alone, no device) makes every VMM look far slower on this workload.
  const io = page.getByRole('textbox', { name: /Native port I\/O, cycles per IN\/OUT/ });
  await io.fill('lots');
  await page.getByRole('button', { name: 'Re-run with this I/O cost' }).click();
  await expect(page.getByText("'lots' is not a number of cycles.")).toBeVisible();
  await expect(io).toHaveValue('lots');
  await io.fill('300');
  await page.getByRole('button', { name: 'Re-run with this I/O cost' }).click();
  await expect(page.getByTestId('native-io-note')).toContainText('Native port I/O: 300 cycles per IN or OUT', { timeout: 90_000 });
  await expect(costRow('binary-translation').getByTestId('overhead')).toHaveText(/^\+/);
  await expect(page.getByTestId('faster-than-native')).toHaveCount(0);

  // Every instruction form the core implements, classified by running it at ring 1.
  await page.getByRole('button', { name: 'Classify every instruction' }).click();
  await expect(page.getByTestId('ic-summary')).toContainText(/\d+ forms of \d+ mnemonics: \d+ privileged/, { timeout: 60_000 });
  const table = page.getByRole('table', { name: 'Every instruction form, classified, and what each technique does with it' });
  const sgdt = table.locator('tr[data-ic="sgdt"]');
  await expect(sgdt).toContainText('Sensitive, not privileged');
  await expect(sgdt).toContainText('never sees it');
  await expect(sgdt).toContainText('callout');
  await expect(table.locator('tr[data-ic="cli"]')).toContainText('Privileged');
  await expect(table.locator('tr[data-ic="add"]')).toHaveCount(0);
  await page.getByRole('checkbox', { name: 'Show the innocuous instructions too' }).check();
  await expect(table.locator('tr[data-ic="add"]').first()).toContainText('Innocuous');
});

for (const theme of ['light', 'dark'] as const) {
  test(`no accessibility violations on the binary-translation and paravirtual panels (axe, ${theme} theme)`, async ({ page }) => {
    await page.goto('./#/rings?v=1&s=kernel&cpu=nehalem');
    await ready(page);
    if (theme === 'dark') await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
    const { default: AxeBuilder } = await import('@axe-core/playwright');
    const check = async (): Promise<void> => {
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    };
    await page.getByRole('group', { name: 'Platform' }).getByRole('button', { name: 'Binary translation' }).click();
    await ready(page);
    await stepUntil(page, /Callout/);
    await page.getByRole('tab', { name: 'Translation' }).click();
    await expect(page.getByTestId('tc-panel')).toBeVisible();
    await check();
    await page.getByRole('group', { name: 'Platform' }).getByRole('button', { name: 'Paravirtual' }).click();
    await ready(page);
    await page.getByRole('tab', { name: 'Hypercalls' }).click();
    await expect(page.getByTestId('pv-choice')).toBeVisible();
    await check();
  });
}
