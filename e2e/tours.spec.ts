/**
 * Guided tours (issue 8 item 1-2): a whole tour with the keyboard alone — open the list with "g", start,
 * Page Down through the steps (a waiting step runs to its event first), answer the questions with the
 * keyboard, finish — and the place is kept for Resume.
 */
import { expect, test, type Page } from './fixtures.ts';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

async function ready(page: Page): Promise<void> {
  await page.goto('./#/rings?v=1&s=kernel&cpu=nehalem');
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });
}

/** Tabs until the element is focused (keyboard only), at most `max` presses. */
async function tabTo(page: Page, target: ReturnType<Page['getByRole']>, max = 40): Promise<void> {
  for (let k = 0; k < max; k++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error('could not reach the element with Tab');
}

test('@motion the VT-x tour, start to finish, with the keyboard alone', async ({ page }) => {
  await ready(page);
  await page.keyboard.press('g');
  const dialog = page.getByRole('dialog', { name: 'Guided tours' });
  await expect(dialog).toBeVisible();
  const start = dialog.getByRole('button', { name: 'Start the tour VT-x and VMX operation' });
  await tabTo(page, start);
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();

  const tour = page.getByRole('complementary', { name: 'Tour: VT-x and VMX operation' });
  await expect(tour.getByRole('heading', { name: 'Entering VMX operation' })).toBeVisible();
  await expect(tour.getByText('Step 1 of 4')).toBeVisible();
  // The step waits for the VM entry: Page Down runs to it, and the step says it happened.
  await expect(tour.getByText(/Press Step/)).toBeVisible({ timeout: 15_000 });
  await page.keyboard.press('PageDown');
  await expect(tour.getByText(/Done: the event happened/)).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText('VM entry (VMLAUNCH)', { exact: false }).first()).toBeVisible();

  // Step 2 waits for a VM exit: the clicker's Page Down runs to it, then goes on.
  await page.keyboard.press('PageDown');
  await expect(tour.getByRole('heading', { name: 'A VM exit' })).toBeVisible();
  await page.keyboard.press('PageDown');
  await expect(tour.getByText(/Done: the event happened/)).toBeVisible({ timeout: 15_000 });
  // The step narrates CPUID: the run went past the EPT violations of the first page touches to the CPUID exit.
  await expect(page.getByText('VM exit: CPUID', { exact: false }).first()).toBeVisible();
  // "." (some clickers) and Page Up work too.
  await page.keyboard.press('.');
  await expect(tour.getByRole('heading', { name: 'The VMM handles it' })).toBeVisible();
  await page.keyboard.press('PageUp');
  await expect(tour.getByRole('heading', { name: 'A VM exit' })).toBeVisible();
  // Back on a waiting step, it waits for the next such event.
  await page.keyboard.press('PageDown');
  await expect(tour.getByText(/Done: the event happened/)).toBeVisible({ timeout: 15_000 });
  await page.keyboard.press('PageDown');
  await expect(tour.getByRole('heading', { name: 'The VMM handles it' })).toBeVisible();
  await page.keyboard.press('PageDown');
  await expect(tour.getByText(/Done: the event happened/)).toBeVisible({ timeout: 15_000 });
  await page.keyboard.press('PageDown');
  await expect(tour.getByRole('heading', { name: 'The VMM chooses what exits' })).toBeVisible();
  await page.keyboard.press('PageDown');

  // The questions: choose with the keyboard, check, read the explanation; a live one is put to the simulation.
  await expect(tour.getByText('Question 1 of 4')).toBeVisible();
  const q1 = tour.getByRole('group', { name: /very first VM exit/ });
  await tabTo(page, q1.getByRole('radio').first());
  await page.keyboard.press('ArrowDown'); // the second choice: EPT violation (48)
  await expect(q1.getByRole('radio', { name: 'EPT violation (48)' })).toBeChecked();
  await tabTo(page, tour.getByRole('button', { name: 'Check answer' }));
  await page.keyboard.press('Enter');
  await expect(tour.getByText('✓ Right.')).toBeVisible();
  await tabTo(page, tour.getByRole('button', { name: 'Ask the simulation' }));
  await page.keyboard.press('Enter');
  await expect(tour.getByText('The simulation says: exit reason 48, EPT violation.')).toBeVisible({ timeout: 20_000 });

  await page.keyboard.press('PageDown');
  await expect(tour.getByText('Question 2 of 4')).toBeVisible();
  const q2 = tour.getByRole('group', { name: /first CPUID/ });
  await tabTo(page, q2.getByRole('radio').first());
  // A wrong answer is explained too (Space ticks the focused radio button; it does not turn the page).
  await page.keyboard.press('Space');
  await expect(q2.getByRole('radio').first()).toBeChecked();
  await tabTo(page, tour.getByRole('button', { name: 'Check answer' }));
  await page.keyboard.press('Enter');
  await expect(tour.getByText('✗ Not quite.')).toBeVisible();
  await tabTo(page, tour.getByRole('button', { name: 'Ask the simulation' }));
  await page.keyboard.press('Enter');
  await expect(tour.getByText('The simulation says: exit reason 10, CPUID.')).toBeVisible({ timeout: 20_000 });

  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageDown');
  await expect(tour.getByText('Question 4 of 4')).toBeVisible();
  await expect(tour.getByRole('button', { name: 'Finish ✓' })).toBeVisible();
  await page.keyboard.press('PageDown');
  await expect(tour).toBeHidden();

  // The list now shows it completed.
  await page.keyboard.press('g');
  await expect(page.getByRole('dialog', { name: 'Guided tours' }).getByText('✓ Completed')).toBeVisible();
});

test('a tour resumes where it was left, across a reload', async ({ page }) => {
  await ready(page);
  await page.getByRole('button', { name: 'Tours' }).click();
  await page.getByRole('button', { name: 'Start the tour Workload migration' }).click();
  const tour = page.getByRole('complementary', { name: 'Tour: Workload migration' });
  await expect(page.getByRole('heading', { level: 1, name: 'Migration' })).toBeVisible({ timeout: 20_000 });
  await tour.getByRole('button', { name: 'Next →' }).click();
  await expect(tour.getByRole('heading', { name: 'Pre-copy, round by round' })).toBeVisible();
  await page.reload();
  await page.getByRole('button', { name: 'Tours' }).click();
  const dialog = page.getByRole('dialog', { name: 'Guided tours' });
  await expect(dialog.getByText('Stopped at 2 of 4')).toBeVisible();
  await dialog.getByRole('button', { name: 'Resume the tour Workload migration' }).click();
  await expect(page.getByRole('complementary', { name: 'Tour: Workload migration' }).getByRole('heading', { name: 'Pre-copy, round by round' })).toBeVisible();
});
