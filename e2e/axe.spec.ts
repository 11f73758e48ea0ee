/**
 * Accessibility on every view (issue 8 item 7): zero serious or critical axe-core violations (WCAG 2.1 A/AA
 * rules) on each lab and each of its tabs, in the light and the dark theme, and on the tour, the dialogs and
 * the presenter window.
 */
import { expect, test, type Page } from './fixtures.ts';
import AxeBuilder from '@axe-core/playwright';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

async function scan(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${where}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`)).toEqual([]);
  // Every string comes from the catalogue (src/i18n): none may show as a raw key or with a placeholder unfilled.
  const text = await page.locator('body').innerText();
  expect(text.match(/\{[A-Za-z]\w*\}/g) ?? [], `${where}: unfilled placeholders`).toEqual([]);
  expect(text.match(/\b(common|rings|viz|shell|engine|io|isolation|security|migration|failover|consolidation|techniques|tours|present|export|recovery)\.[a-z]\w*(\.\w+)*\b/g) ?? [], `${where}: raw catalogue keys`).toEqual([]);
}

async function open(page: Page, hash: string, title: string): Promise<void> {
  await page.goto(`./${hash}`);
  // The lab the link names (not the default one while the simulator starts).
  await expect(page.getByRole('main', { name: title })).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('.lab-loading')).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByRole('main')).toBeVisible();
}

/** Every tab of the view's (first) tab list, each scanned. */
async function everyTab(page: Page, where: string): Promise<void> {
  const list = page.getByRole('main').getByRole('tablist').first();
  if ((await page.getByRole('main').getByRole('tablist').count()) === 0) {
    await scan(page, where);
    return;
  }
  await expect(list).toBeVisible();
  const names = (await list.getByRole('tab').allTextContents()).map((t) => t.trim());
  for (const name of names) {
    await list.getByRole('tab', { name, exact: true }).click();
    await page.waitForTimeout(400);
    await scan(page, `${where} / ${name}`);
  }
}

const LABS: [string, string, string][] = [
  ['Rings & VMX (Engineer)', '#/rings?v=1&s=kernel&cpu=nehalem', 'Rings & VMX'],
  ['Software vs hardware', '#/techniques?v=1&w=sensitive&cpu=nehalem', 'Software vs hardware'],
  ['Isolation', '#/isolation?v=1&tab=faults', 'Isolation'],
  ['Fail-over', '#/failover', 'Fail-over'],
  ['Consolidation', '#/consolidation', 'Consolidation'],
  ['Migration', '#/migration', 'Migration'],
  ['Security', '#/security?v=1&tab=access', 'Security'],
  ['I/O', '#/io?v=1&tab=path', 'I/O'],
];

for (const theme of ['light', 'dark'] as const) {
  for (const [name, hash, title] of LABS) {
    test(`no serious or critical axe violations: ${name}, every tab, ${theme} theme`, async ({ page }) => {
      // Some views run a simulation when opened (Isolation, Software vs hardware): give them time.
      test.setTimeout(240_000);
      await open(page, hash, title);
      if (theme === 'dark') await page.keyboard.press('t');
      if (name.startsWith('Rings')) {
        await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });
        await page.getByRole('radio', { name: /Engineer/ }).or(page.getByRole('button', { name: /Engineer/ })).first().click();
      }
      await everyTab(page, `${name} (${theme})`);
    });
  }
}

test('no serious or critical axe violations: the tour, its questions, the dialogs, the presenter window', async ({ page }) => {
  test.setTimeout(120_000);
  await open(page, '?view=presenter#/rings?v=1&s=kernel&cpu=nehalem', 'Rings & VMX');
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Tours' }).click();
  await scan(page, 'tours dialog');
  await page.getByRole('button', { name: 'Start the tour Workload migration' }).click();
  await expect(page.getByRole('complementary', { name: 'Tour: Workload migration' })).toBeVisible();
  await scan(page, 'presenter window with a tour');
  for (let k = 0; k < 3; k++) await page.keyboard.press('PageDown');
  await expect(page.getByText('Check your understanding')).toBeVisible();
  await page.getByRole('radio').first().check();
  await page.getByRole('button', { name: 'Check answer' }).click();
  await scan(page, 'tour question');
  await page.getByRole('button', { name: 'Share ▾' }).click();
  await scan(page, 'share menu');
  await page.getByRole('button', { name: 'Embed…' }).click();
  await scan(page, 'embed dialog');
  await page.getByRole('dialog', { name: 'Embed this scene' }).getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Share ▾' }).click();
  await page.getByRole('button', { name: 'Import…' }).click();
  await scan(page, 'import dialog');
});
