/**
 * The I/O lab's path tab (issue 7 item 5): trace a packet through the three I/O paths on the VMX core — an emulated
 * NE2000 (every register access a VM exit), a paravirtual ring (one notification exit per batch) and a VT-d
 * assigned device (no exit on the data path, DMA through the IOMMU, the completion interrupt still exits) — and
 * read the comparison with each figure's basis. Also the overhead chart of §3.3.5.
 */
import { expect, test } from './fixtures.ts';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('trace a packet through the emulated, paravirtual and assigned paths', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('./#/io?v=1&tab=path');
  await expect(page.getByRole('tab', { name: 'I/O path' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('region', { name: 'Comparison of the three paths' })).toBeVisible({ timeout: 30_000 });

  // Bad input: the message beside the field, what was typed kept, nothing run.
  const packets = page.getByRole('textbox', { name: 'Packets' });
  await packets.fill('0');
  await page.getByRole('button', { name: 'Trace the three paths' }).click();
  await expect(page.getByText('requests must be a whole number from 1 to 64')).toBeVisible();
  await expect(packets).toHaveValue('0');

  await packets.fill('4');
  await page.getByRole('textbox', { name: 'Batch size' }).fill('2');
  await page.getByRole('button', { name: 'Trace the three paths' }).click();
  await expect(page.getByRole('button', { name: 'Trace the three paths' })).toBeEnabled({ timeout: 30_000 });
  // The live region says the run's outcome in one sentence: the exit count of each path.
  const said = page.getByTestId('iop-announce');
  await expect(said).toHaveText('Traced 4 packets: 18 exits per request emulated, 1.5 paravirtual, 1 assigned.');

  // (a) Emulated NE2000: 15 register exits per packet + 3 for its interrupt = 72 for 4 packets.
  const current = page.getByTestId('iop-current');
  await page.getByRole('tab', { name: 'Emulated device' }).click();
  await expect(page.getByText(/Emulated device: 72 VM exits/)).toBeVisible();
  await page.getByRole('button', { name: 'Next exit' }).click();
  await expect(current).toContainText('Exit #1');
  await expect(current).toContainText('out dx, al → NE2000 CR (command)');
  await expect(current).toContainText('exit qualification 0x03000000');
  await expect(said).toContainText('exits so far: 1).');
  await page.getByRole('button', { name: 'Next step' }).click();
  await expect(current).toContainText('Device model');
  await expect(current).toContainText('device model: CR ← 0x22');

  // (b) Paravirtual: 2 batches → 2 Queue Notify exits, + ISR read and EOI per batch interrupt = 6.
  await page.getByRole('tab', { name: 'Paravirtual ring' }).click();
  await expect(page.getByText(/Paravirtual ring: 6 VM exits/)).toBeVisible();
  await page.getByRole('button', { name: 'Next exit' }).click();
  await expect(current).toContainText('Queue Notify');
  await expect(current).toContainText('data path');

  // (c) Assigned: no data-path exit; the first exit is the completion interrupt, after the IOMMU translated the DMA.
  await page.getByRole('tab', { name: 'Assigned (VT-d)' }).click();
  await expect(page.getByText(/Assigned device \(VT-d\): 4 VM exits/)).toBeVisible();
  await expect(page.getByRole('list', { name: 'All steps' }).getByRole('button', { name: /IOMMU: DMA read/ }).first()).toBeVisible();
  await page.getByRole('button', { name: 'Next exit' }).click();
  await expect(current).toContainText('External interrupt');
  await expect(current).toContainText('completion interrupt');

  // Play steps through by itself; Pause stops it.
  await page.getByRole('button', { name: 'First' }).click();
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.getByText(/Step [3-9] of/)).toBeVisible({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Pause' }).click();

  // The comparison: exits per packet, each number with its basis one click away.
  const emulatedExits = page.getByRole('button', { name: /^VM exits per request, Emulated device: 18 / });
  await expect(emulatedExits).toBeVisible();
  await expect(page.getByRole('button', { name: /^… on the data path, Assigned device \(VT-d\): 0 / })).toBeVisible();
  await emulatedExits.click();
  await expect(page.getByText(/VM exits counted in this run \(72\) \/ requests \(4\)/)).toBeVisible();
  await expect(page.getByRole('cell', { name: /ASPLOS 2012/ }).first()).toBeVisible();
});

test('posted interrupts: refused on Nehalem, accepted on Ice Lake-SP where they remove the interrupt exits', async ({ page }) => {
  await page.goto('./#/io?v=1&tab=path');
  await expect(page.getByRole('region', { name: 'Comparison of the three paths' })).toBeVisible({ timeout: 30_000 });
  await page.getByLabel('Assigned device: posted interrupts / exit-less interrupts (ELI)').check();
  await page.getByRole('button', { name: 'Trace the three paths' }).click();
  await expect(page.getByText(/has no posted-interrupt processing/)).toBeVisible();
  await page.getByLabel('CPU model').selectOption('modern');
  await page.getByRole('button', { name: 'Trace the three paths' }).click();
  await expect(page.getByRole('button', { name: /^VM exits per request, Assigned device \(VT-d\): 0 \(derived\)/ })).toBeVisible({ timeout: 30_000 });
});

test('the overhead chart quantifies §3.3.5 across CPU models and workloads', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('./#/io?v=1&tab=overhead');
  await expect(page.getByText(/This is a permanent overhead that needs to be accepted/)).toBeVisible();
  const chart = page.getByRole('img', { name: 'VMM share of the cycles per workload and CPU model' });
  await expect(chart).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('img', { name: /round trip per CPU model/ })).toBeVisible();
  await expect(page.getByRole('cell', { name: /1,579 cycles = 526.3 ns/ })).toBeVisible();
  // An assumption row can be changed; the chart follows.
  const lv = page.getByLabel('assumption: round trip (cycles)').first();
  await lv.fill('3963');
  await expect(page.getByRole('cell', { name: /3,963 cycles/ })).toBeVisible();
  await lv.fill('x');
  await expect(page.getByText('enter whole cycles from 1 to 100000')).toBeVisible();
});
