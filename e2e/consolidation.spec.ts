/**
 * The Consolidation lab (issue 6 items 2, 3, 6): opened from the header's Platform menu; the seed roster is
 * consolidated (fewer hosts after than servers before); a VM dragged onto an overfull host is refused with the
 * violation in words next to the host and nothing moves; a VM moved with the keyboard alternative to a spare host
 * changes the numbers; a day of dynamic consolidation runs in the worker and shows the metrics beside CloudSim's.
 */
import { expect, test } from './fixtures.ts';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('consolidate the seed roster, refuse a move onto an overfull host, move by keyboard, run a PlanetLab day', async ({ page }) => {
  test.setTimeout(120_000); // the day replay runs in the worker of a shared CI machine
  await page.goto('./#/rings?v=1&s=kernel&cpu=nehalem');
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });

  await page.getByRole('button', { name: /^Platform/ }).click();
  await page.getByRole('link', { name: /^Consolidation/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Consolidation' })).toBeVisible();
  await expect.poll(() => page.url()).toContain('#/consolidation?v=1&alg=ffd&ht=xeon-5100-5000p');

  // Before: 11 servers; after FFD on Xeon 5100 hosts: fewer.
  await page.getByRole('combobox', { name: 'Placement algorithm' }).selectOption('ffd');
  await expect(page.getByTestId('cn-hosts-before').locator('summary')).toHaveText('11');
  await expect(page.getByTestId('cn-hosts-after').locator('summary')).toHaveText('2');
  await expect(page.getByTestId('cn-verdict')).toContainText('11 servers become 2 hosts');
  // every number opens to its formula and source
  await page.getByTestId('cn-hosts-after').locator('summary').click();
  await expect(page.getByTestId('cn-hosts-after').getByRole('note')).toContainText('Formula.');

  // VM tiles are labelled by role in words.
  const web = page.getByTestId('rack-host-2').locator('button[data-vm="web"]');
  await expect(web).toContainText('Web');

  // Drag the web server onto host-1, which is full: refused, in words, beside host-1; nothing moves.
  await web.dragTo(page.getByTestId('rack-host-1'));
  const refusal = page.getByTestId('rack-host-1').getByTestId('cn-refusal');
  await expect(refusal).toContainText('Refused: Web hosting stays where it is.');
  await expect(refusal).toContainText(/memory.*too much/);
  await expect(page.getByTestId('rack-host-2').locator('button[data-vm="web"]')).toBeVisible();
  await expect(page.getByTestId('cn-hosts-after').locator('summary')).toHaveText('2');

  // Keyboard alternative: select the tile, choose a host, Move. The spare host takes it; the numbers follow.
  await page.getByTestId('rack-host-2').locator('button[data-vm="web"]').focus();
  await page.keyboard.press('Enter');
  await page.getByRole('combobox', { name: 'Move to host' }).selectOption('host-3');
  await page.getByRole('button', { name: 'Move', exact: true }).click();
  await expect(page.getByTestId('rack-host-3').locator('button[data-vm="web"]')).toBeVisible();
  await expect(page.getByTestId('cn-hosts-after').locator('summary')).toHaveText('3');
  await expect.poll(() => page.url()).toContain('mv=web.host-3');

  // A bad TCO input: a message beside the field, the text kept.
  const pue = page.getByLabel(/^PUE/);
  await pue.fill('0.5');
  await expect(page.getByText('A PUE is at least 1')).toBeVisible();
  await expect(pue).toHaveValue('0.5');
  await pue.fill('1.5');
  await expect.poll(() => page.url()).toContain('tco=pue.1.5');

  // A day of dynamic consolidation.
  await page.getByRole('combobox', { name: 'Policy' }).selectOption('thr-mmt-0.8');
  await page.getByRole('button', { name: 'Run the day' }).click();
  const metrics = page.getByTestId('cn-day-metrics');
  await expect(metrics).toBeVisible({ timeout: 90_000 });
  await expect(metrics.locator('tr[data-metric="energy"]')).toContainText('192.62 kWh');
  await expect(metrics.locator('tr[data-metric="migrations"]')).toContainText('26,711');
  for (const k of ['slatah', 'pdm', 'slav', 'esv']) await expect(metrics.locator(`tr[data-metric="${k}"] td`).first()).not.toBeEmpty();
  await expect(page.getByTestId('cn-hour-chart')).toBeVisible();
  await page.getByRole('slider', { name: /^Hour/ }).fill('3');
  await expect(page.getByTestId('cn-hour-read')).toContainText('03:00');
  await expect.poll(() => page.url()).toContain('h=3');
  // The host-by-host view follows the hour: its first five minutes, not the last interval of the hour before.
  await expect(page.getByTestId('cn-hostday-read')).toContainText('03:00–03:05');

  // Host by host: scrub to an interval and read which hosts are on, switched off and how many VMs moved.
  const hostday = page.getByTestId('cn-hostday');
  await expect(hostday.getByRole('img', { name: /Each of the 800 hosts as a cell/ })).toBeVisible();
  await hostday.getByRole('slider', { name: 'Interval of the day (5 minutes each)' }).fill('37');
  await expect(page.getByTestId('cn-hostday-read')).toContainText(/03:00–03:05: \d+ of 800 hosts run VMs; \d+ migrations; \d+ hosts switched off/);
  await hostday.getByRole('button', { name: 'Play the day' }).click();
  await expect(hostday.getByRole('button', { name: 'Pause the day' })).toBeVisible();
  await hostday.getByRole('button', { name: 'Pause the day' }).click();
});

test('evacuate a host for maintenance: every VM migrates elsewhere (capacity and anti-affinity kept) and the host can go off', async ({ page }) => {
  await page.goto('./#/consolidation?v=1&alg=ffd&ht=xeon-5100-5000p');
  await expect(page.getByRole('heading', { level: 1, name: 'Consolidation' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('cn-hosts-after').locator('summary')).toHaveText('2');
  const before = await page.getByTestId('rack-host-2').locator('button[data-vm]').count();
  expect(before).toBeGreaterThan(0);

  await page.getByRole('button', { name: 'Evacuate host-2' }).click();
  const report = page.getByTestId('cn-evacuation');
  await expect(page.getByTestId('cn-evac-verdict')).toContainText('host-2 is empty after');
  await expect(page.getByTestId('cn-evac-verdict')).toContainText('it can be shut down for maintenance');
  await expect(report.getByRole('list', { name: 'Migrations off host-2' }).locator('li')).toHaveCount(before);
  await expect(page.getByTestId('rack-host-2').locator('button[data-vm]')).toHaveCount(0);
  // host-1 was full: the VMs went to a host switched on for them, and the move list is in the link
  await expect(report).toContainText('switched on');
  await expect.poll(() => page.url()).toContain('mv=');
  // each migration time opens to its model and source
  await report.locator('summary').first().click();
  await expect(report.getByRole('note').first()).toContainText('§A4');
});

test('a number opens to its formula and source on top of everything, whole (the table no longer clips it)', async ({ page }) => {
  await page.goto('./#/consolidation');
  // The Before/After table's power figure of the "after" row: its pop-up used to show two lines, cut by the table's scroller.
  const summary = page.locator('details.cn-fig > summary').nth(5);
  await summary.click();
  const pop = page.locator('details.cn-fig[open] .cn-fig-pop');
  await expect(pop).toBeVisible();
  await expect(pop).toContainText('Source');
  const whole = await pop.evaluate((el) => {
    const b = el.getBoundingClientRect();
    const inView = b.top >= 0 && b.left >= 0 && b.bottom <= innerHeight && b.right <= innerWidth;
    const corners = [[b.left + 4, b.top + 4], [b.right - 4, b.bottom - 4]].every(([x, y]) => el.contains(document.elementFromPoint(x, y)));
    return inView && corners;
  });
  expect(whole, 'the whole pop-up is inside the window and on top').toBe(true);
  // Scrolling the lab takes it along with its number (it does not float away from it).
  await page.mouse.move(200, 600);
  await page.mouse.wheel(0, 120);
  await expect(async () => {
    const gap = await page.evaluate(() => {
      const d = document.querySelector('details.cn-fig[open]');
      if (d === null) return 0; // closed: its number left the window
      const s = d.querySelector('summary')!.getBoundingClientRect();
      const p = d.querySelector('.cn-fig-pop')!.getBoundingClientRect();
      return Math.min(Math.abs(p.top - s.bottom), Math.abs(s.top - p.bottom));
    });
    expect(gap).toBeLessThan(12);
  }).toPass();
});
