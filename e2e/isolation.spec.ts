/**
 * The Isolation lab's Faults tab (issue 7 item 1): crash one VM on the VMX core and see the other VMs continue,
 * the VM exit that reported it, the VMM's restart; the same fault on the consolidated server takes every service down.
 */
import { expect, test } from './fixtures.ts';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('a triple fault in the PBX VM: VM exit 2, the VM is restarted, the other VMs keep running; the consolidated server is down', async ({ page }) => {
  await page.goto('./#/isolation');
  const run = page.getByRole('button', { name: 'Inject fault and run' });
  await expect(run).toBeEnabled({ timeout: 20_000 });

  // A bad assumption: the message beside the field, what was typed kept, nothing run.
  await page.getByText('Timing and model assumptions').click();
  const wd = page.getByLabel('Watchdog timeout (assumption)');
  await wd.fill('0.1');
  await run.click();
  await expect(page.getByText(/At least 3 time slices/)).toBeVisible();
  await expect(wd).toHaveValue('0.1');
  await wd.fill('0.25');

  await page.getByLabel('Fault', { exact: true }).selectOption({ label: 'Triple fault' });
  await page.getByRole('radio', { name: /VM2: SIP PBX/ }).check();
  await run.click();

  await expect(page.getByTestId('iso-vm-story')).toContainText('VM exit 2 (Triple fault)', { timeout: 30_000 });
  await expect(page.getByTestId('iso-exit-reason')).toContainText('2');
  await expect(page.getByTestId('iso-exit-reason')).toContainText('Triple fault');
  await expect(page.getByTestId('iso-vm-story')).toContainText('The VMM marked VM2 failed');
  await expect(page.getByTestId('iso-vm-story')).toContainText('VM2 restarted at');
  await expect(page.getByTestId('iso-vm-verdict')).toContainText('Contained');
  // The other VMs continue: running to the end, their work at least that of the fault-free run.
  await expect(page.getByTestId('iso-vm-end-0')).toHaveText('running');
  await expect(page.getByTestId('iso-vm-end-2')).toHaveText('running');
  await expect(page.getByTestId('iso-vm-end-1')).toContainText('↻ 1×');
  await expect(page.getByTestId('iso-vm-story')).toContainText('their console output is identical');
  // The consolidated server: every service down.
  for (const k of [0, 1, 2]) await expect(page.getByTestId(`iso-server-end-${k}`)).toHaveText('down');
  await expect(page.getByTestId('iso-server-verdict')).toContainText('Every service is down');
  await expect(page.getByTestId('iso-events').locator('tr[data-kind="server-down"]')).toHaveCount(1);
  // The live region narrates the run in one sentence: the fault and its exit, the restart, the others, the server.
  const said = page.getByTestId('iso-announce');
  await expect(said).toContainText('Triple fault injected into VM2 (SIP PBX): VM exit 2 (Triple fault) at');
  await expect(said).toContainText('the VMM stopped it and restarted it at');
  await expect(said).toContainText('the other VMs kept running');
  await expect(said).toContainText('without virtualization, every service went down');
});

test('a wild write on a CPU with EPT is an EPT violation with its qualification decoded', async ({ page }) => {
  await page.goto('./#/isolation');
  const run = page.getByRole('button', { name: 'Inject fault and run' });
  await expect(run).toBeEnabled({ timeout: 20_000 });
  await page.getByLabel('Fault', { exact: true }).selectOption({ label: 'Wild write' });
  await page.getByRole('radio', { name: /VM1: Firewall/ }).check();
  await page.getByLabel('CPU model').selectOption('modern');
  await page.getByLabel('Restart policy').selectOption('never');
  await run.click();
  await expect(page.getByTestId('iso-exit-reason')).toContainText('48', { timeout: 30_000 });
  await expect(page.getByTestId('iso-exit-qual')).toContainText('0x00000182');
  await expect(page.getByTestId('iso-exit-gpa')).toHaveText('0x600000');
  await expect(page.getByRole('table', { name: /Exit qualification, field by field/ })).toContainText('Data write');
  await expect(page.getByTestId('iso-vm-end-0')).toHaveText('off');
  await expect(page.getByTestId('iso-vm-end-1')).toHaveText('running');
  await expect(page.getByTestId('iso-server-story')).toContainText('pbx: state corrupted');
  await expect(page.getByTestId('iso-announce')).toContainText('Wild write injected into VM1 (Firewall): VM exit 48');
  await expect(page.getByTestId('iso-announce')).toContainText('the VMM stopped it and it stays off');
});
