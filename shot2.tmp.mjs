import { chromium } from '@playwright/test';
const [,, url, out, w, h, theme, actions] = process.argv;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
const page = await browser.newPage({ viewport: { width: +w, height: +h } });
const logs = [];
page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
await page.goto(url);
await page.waitForTimeout(1500);
if (theme === 'dark') await page.keyboard.press('t');
for (const a of (actions || '').split(',').filter(Boolean)) {
  if (a.startsWith('wait')) await page.waitForTimeout(+a.slice(4));
  else if (a.startsWith('tab:')) await page.getByRole('tab', { name: a.slice(4) }).click();
  else if (a.startsWith('btn:')) await page.getByRole('button', { name: a.slice(4), exact: true }).first().click();
  else if (a.startsWith("scroll:")) await page.locator(".tabpanel").evaluate((el, n) => { el.scrollTop = n; }, +a.slice(7));
  else if (a.startsWith("click:")) await page.getByText(a.slice(6)).first().click();
  else await page.keyboard.press(a);
  await page.waitForTimeout(150);
}
await page.waitForTimeout(800);
await page.screenshot({ path: out });
console.log(logs.join('\n'));
console.log('url:', page.url());
await browser.close();
