/**
 * The I/O lab's DMA-remapping and shared-device tabs (issue 7 items 6 and 7): a malicious NIC DMAs into the other
 * VM's memory and is blocked; the fault record (reason 05h, source-id 03:00.0, the page) and the line Linux prints
 * appear; a good DMA goes through; a spoofed interrupt is blocked by the source-id check; masked fault events let the
 * records overflow (PFO); bad input gets a message beside its field; the SR-IOV view lists VFs and their throughput.
 */
import { expect, test } from './fixtures.ts';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('a malicious device’s DMA into another VM is blocked, recorded and logged', async ({ page }) => {
  await page.goto('./#/io');
  await page.getByRole('tab', { name: 'DMA remapping' }).click();
  const escape = page.getByRole('button', { name: /Malicious NIC writes into VM2’s memory/ });
  await expect(escape).toBeEnabled({ timeout: 30_000 });

  // A good DMA first: translated into VM1's host memory.
  await page.getByRole('button', { name: /Good DMA: NIC writes a packet into VM1/ }).click();
  await expect(page.getByTestId('dma-verdict')).toContainText('Allowed: write by 03:00.0 at 0x12_3400 → host 0x1012_3400 (VM1)');
  const said = page.getByTestId('dma-announce');
  await expect(said).toHaveText('Allowed: write by 03:00.0 at 0x12_3400 → host 0x1012_3400 (VM1).');
  await expect(page.getByTestId('dma-walk').locator('[data-state="fail"]')).toHaveCount(0);

  await escape.click();
  await expect(page.getByTestId('dma-verdict')).toContainText('Blocked: write by 03:00.0 at 0x2000_1000, fault reason 0x05');
  // The live region names the cause (who, where, the reason) and the effect (blocked, recorded in which register).
  await expect(said).toContainText('Blocked: write by 03:00.0 at 0x2000_1000, fault reason 0x05, recorded in fault record');
  // The walk stops at the page directory: nothing is mapped there in VM1's domain.
  await expect(page.getByTestId('dma-walk').locator('[data-state="fail"]')).toContainText('Page directory (L2)');
  const rec = page.getByTestId('fault-record');
  await expect(rec.getByTestId('fault-reason')).toHaveText('0x05');
  await expect(rec.getByTestId('fault-sid')).toHaveText('0x0300');
  await expect(rec.getByTestId('fault-addr')).toHaveText('0x2000_1000');
  await expect(page.getByTestId('fault-line')).toHaveText('DMAR: [DMA Write NO_PASID] Request device [03:00.0] fault addr 0x20001000 [fault reason 0x05] PTE Write access is not set');
  await expect(page.getByTestId('dma-log')).toContainText('DMAR: DRHD: handling fault status reg 2');

  // The older Linux format, as the reference quotes it.
  await page.getByLabel('Log line format').selectOption('v4.7');
  await escape.click();
  await expect(page.getByTestId('fault-line')).toHaveText('DMAR: [DMA Write] Request device [03:00.0] fault addr 20001000 [fault reason 05] PTE Write access is not set');

  // An unknown function: no context entry.
  await page.getByRole('button', { name: /Unknown device \(no context entry\)/ }).click();
  await expect(page.getByTestId('fault-record').getByTestId('fault-reason')).toHaveText('0x02');
  await expect(page.getByTestId('dma-walk').locator('[data-state="fail"]')).toContainText('Context table');

  // A spoofed interrupt: source-id verification fails.
  await page.getByRole('button', { name: /NIC uses the disk’s IRTE/ }).click();
  await expect(page.getByTestId('fault-record').getByTestId('fault-reason')).toHaveText('0x26');
  await expect(page.getByTestId('irq-checks')).toContainText('SVT=01');
  await expect(said).toContainText('Blocked: interrupt from 03:00.0');
  await expect(said).toContainText('fault reason 0x26');
});

test('masked fault events let the records fill and overflow; bad input is explained beside the field', async ({ page }) => {
  await page.goto('./#/io');
  await page.getByRole('tab', { name: 'DMA remapping' }).click();
  await expect(page.getByRole('button', { name: 'Send DMA' })).toBeEnabled({ timeout: 30_000 });

  await page.getByLabel('DMA address').fill('0xzz');
  await page.getByRole('button', { name: 'Send DMA' }).click();
  await expect(page.getByText('Hex (0x…) or decimal digits only')).toBeVisible();
  await expect(page.getByLabel('DMA address')).toHaveValue('0xzz');

  await page.getByLabel('Mask the fault event (FECTL.IM)').check();
  await page.getByLabel('Stray writes').fill('6');
  await page.getByRole('button', { name: 'Buggy NIC: send the stray writes' }).click();
  await expect(page.getByTestId('dma-verdict')).toContainText('6 stray writes blocked: 4 recorded, 2 lost (Primary Fault Overflow set)');
  await expect(page.getByTestId('dma-announce')).toHaveText('6 stray writes blocked: 4 recorded, 2 lost (Primary Fault Overflow set).');
  await expect(page.getByTestId('fsts')).toHaveText('0x00000003');
  await page.getByLabel('Mask the fault event (FECTL.IM)').uncheck();
  await expect(page.getByTestId('fsts')).toHaveText('0x00000000');
  await expect(page.getByTestId('dma-log')).toContainText('DMAR: DRHD: handling fault status reg 3');
});

test('SR-IOV: one card, a VF per VM, throughput up to the line rate', async ({ page }) => {
  await page.goto('./#/io');
  await page.getByRole('tab', { name: 'Shared device' }).click();
  await expect(page.getByTestId('sr-virtual')).toHaveText('8', { timeout: 30_000 });
  await expect(page.getByTestId('sr-physical')).toHaveText('1');
  await expect(page.getByTestId('sr-throughput')).toContainText('8 Gbit/s');
  const said = page.getByTestId('sr-announce');
  await expect(said).toHaveText('Set up 8 virtual functions, one per VM: 8 of 8 DMAs into a VF’s own VM went through, 8 of 8 DMAs into a neighbour VM’s memory were blocked; 8 Gbit/s aggregate, 12.3 % extra CPU.');
  await page.getByLabel('Virtual functions (one VM each)').fill('20');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('sr-virtual')).toHaveText('20');
  await expect(page.getByTestId('sr-throughput')).toContainText('9.48');
  await expect(page.getByTestId('sr-cpu')).toContainText('33.4');
  await expect(page.getByTestId('sr-vfs').getByRole('listitem')).toHaveCount(20);
  await expect(said).toContainText('Set up 20 virtual functions');
  await expect(said).toContainText('20 of 20 DMAs into a neighbour VM’s memory were blocked; 9.48 Gbit/s aggregate, 33.4 % extra CPU.');
  await page.getByLabel('VF Stride').fill('0');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText(/VF Stride: a whole number 1/)).toBeVisible();
});
