/**
 * The Security lab (issue 7 items 3 and 4): log in as HR and be refused the PBX console, with the audit entry;
 * lock an account by guessing; run a guest-escape attempt on the VMX core and see it stopped.
 */
import { expect, test } from './fixtures.ts';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('HR is refused the SIP PBX console, and the audit log records who, what, which VM and why', async ({ page }) => {
  await page.goto('./#/security');
  await expect(page.getByRole('note').filter({ hasText: 'a simulation in your browser' })).toBeVisible();
  // The demo accounts are created (PBKDF2 hashes) in the worker first.
  await expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled({ timeout: 30_000 });

  // Empty password: a message beside the field, what was typed is kept.
  await page.getByLabel('User name').fill('hana');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByText('Enter the password.')).toBeVisible();
  await expect(page.getByLabel('User name')).toHaveValue('hana');

  await page.getByLabel('Password', { exact: true }).fill('hr-payroll-42');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('sec-session')).toContainText('Logged in as hana (HR)', { timeout: 20_000 });
  const said = page.getByTestId('access-announce');
  await expect(said).toHaveText('Logged in as hana, group HR.');

  await page.getByRole('button', { name: 'Open console — SIP PBX' }).click();
  await expect(page.getByTestId('sec-decision')).toContainText('✕ Denied');
  await expect(page.getByTestId('sec-decision')).toContainText('group HR has no rights on SIP PBX');
  await expect(said).toContainText('Denied: Open console on SIP PBX.');
  await expect(said).toContainText('group HR has no rights on SIP PBX');

  const newest = page.getByTestId('sec-audit').locator('tbody tr').first();
  await expect(newest).toContainText('hana');
  await expect(newest).toContainText('HR');
  await expect(newest).toContainText('Open console');
  await expect(newest).toContainText('SIP PBX');
  await expect(newest).toContainText('✕ denied');

  // Her own server's console is allowed.
  await page.getByRole('button', { name: 'Open console — HRM, email & FTP' }).click();
  await expect(page.getByTestId('sec-decision')).toContainText('✓ Allowed');
  await expect(said).toContainText('Allowed: Open console on HRM, email & FTP.');

  // The stored accounts show salts and hashes, never the password.
  await expect(page.getByTestId('sec-accounts')).not.toContainText('hr-payroll-42');
});

test('repeated wrong passwords lock the account; the right one is then refused until the time passes', async ({ page }) => {
  await page.goto('./#/security');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled({ timeout: 30_000 });
  // A smaller policy keeps the test short: 2 failures, 60 s.
  await page.getByLabel('Lock after').fill('2');
  await page.getByLabel('Locked for').fill('60');
  await page.getByRole('button', { name: 'Apply policy' }).click();
  const said = page.getByTestId('access-announce');
  await expect(said).toHaveText('Lockout policy: 2 failures lock an account for 60 s.');
  for (const guess of ['guess-1', 'guess-2']) {
    await page.getByLabel('User name').fill('victor');
    await page.getByLabel('Password', { exact: true }).fill(guess);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByTestId('sec-login-msg')).toBeVisible({ timeout: 20_000 });
  }
  await expect(page.getByTestId('sec-login-msg')).toContainText('locked');
  await expect(said).toContainText('Login as victor refused:');
  await expect(said).toContainText('locked');
  await page.getByRole('button', { name: 'Fill in victor (Voice team)' }).click();
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('sec-audit').locator('tbody tr').first()).toContainText('password not checked');
  await page.getByLabel('Let time pass').fill('60');
  await page.getByRole('button', { name: 'Advance the clock' }).click();
  await page.getByRole('button', { name: 'Fill in victor (Voice team)' }).click();
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('sec-session')).toContainText('Logged in as victor', { timeout: 20_000 });
  await expect(said).toContainText('Logged in as victor, group');
});

test('attack surface: counts side by side, and a write to another VM stopped by an EPT violation', async ({ page }) => {
  await page.goto('./#/security');
  await page.getByRole('tab', { name: 'Attack surface' }).click();
  await page.getByLabel('Processor').selectOption('nehalem');
  await expect(page.getByTestId('sec-count-vtx')).toContainText('hypercalls', { timeout: 30_000 });
  await expect(page.getByTestId('sec-count-sw')).toContainText('45 callouts');
  await expect(page.getByTestId('sec-vtx-exits')).toContainText('EPT violation');
  await expect(page.getByTestId('surface-announce')).toContainText('Attack surface on');
  await expect(page.getByTestId('surface-announce')).toContainText('in the software VMM');
  await page.getByRole('button', { name: "Run: Write another VM's memory" }).click();
  const card = page.getByTestId('sec-escape-memory');
  await expect(card).toContainText('✓ Stopped', { timeout: 30_000 });
  await expect(card).toContainText('EPT violation (exit reason 48)');
  await expect(card).toContainText('0x5EC2E7ED before, 0x5EC2E7ED after');
  await expect(page.getByTestId('surface-announce')).toContainText(': stopped — ');
  await expect(page.getByTestId('surface-announce')).toContainText('EPT violation');
});
