/**
 * A tampered share link (issue 9): a link that carried the user's own program, with its payload altered, opens
 * with a message saying what is wrong, and the program the user typed in this browser is not lost.
 */
import { expect, test, type Page } from './fixtures.ts';

async function ready(page: Page): Promise<void> {
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });
}

test('a tampered program link is refused with a message, and the typed program survives', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=cpuid');
  await ready(page);
  await page.getByRole('tab', { name: 'Program' }).click();
  const editor = page.getByRole('textbox', { name: 'Program source (assembly)' });
  await editor.press('Control+End');
  await editor.type('\n; my own line\n');
  await page.getByRole('button', { name: 'Assemble and run' }).click();
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('src=');
  const link = await page.evaluate(() => location.href);

  // Flip the payload: same length, other characters (as a transmission error or a hand edit would).
  const tampered = link.replace(/src=([A-Za-z0-9_-]+)/, (_, z: string) => `src=${z.slice(0, 4)}${[...z.slice(4, 24)].reverse().join('')}${z.slice(24)}`);
  expect(tampered).not.toBe(link);
  // A fresh page (as when the link is pasted into a new tab).
  await page.goto('about:blank');
  await page.goto(tampered);
  await ready(page);
  await expect(page.getByRole('alert')).toContainText(/link/i);
  await expect(page.getByRole('alert')).toContainText(/program/i);

  // What the user typed is still their draft of that program.
  await page.getByRole('combobox', { name: 'Program' }).selectOption('cpuid');
  await ready(page);
  await page.getByRole('tab', { name: 'Program' }).click();
  await expect(page.getByRole('textbox', { name: 'Program source (assembly)' })).toHaveValue(/; my own line/);
});
