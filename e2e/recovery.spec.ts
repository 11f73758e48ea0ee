/**
 * Crashes and recovery (issue 9 item 4): the simulation worker is killed mid-run (terminated behind the page's
 * back, or made to throw) and the page says so, restarts it at the last checkpoint and plays on with the same
 * program; a program typed in the guest editor, and the tour position, come back after a reload (IndexedDB);
 * all user data goes out as one file and comes back in a fresh browser; a malformed file is refused with a
 * message and nothing is lost.
 *
 * The kill switch is the test hook of src/ui/engine/recovery.ts, present only with `?test-hooks` in the address.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from './fixtures.ts';
import { stored, storedDraft } from './drafts.ts';

const LAB = './?test-hooks=1#/rings?v=1&s=kernel&cpu=nehalem';

// Each test loads the app, plays, and restarts a worker (or reloads the page): on a busy CI machine that is more
// than Playwright's default 30 s.
test.describe.configure({ timeout: 120_000 });

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

async function ready(page: Page, url = LAB): Promise<void> {
  await page.goto(url);
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });
}

const cycles = async (page: Page): Promise<number> => Number(((await page.getByTestId('cycle-counter').textContent()) ?? '').replace(/[^0-9]/g, ''));
const events = async (page: Page): Promise<number> => Number(((await page.getByTestId('event-counter').textContent()) ?? '').replace(/[^0-9]/g, ''));

async function kill(page: Page, mode: 'terminate' | 'throw' | 'hang'): Promise<void> {
  await page.evaluate((m) => {
    const hooks = (window as unknown as { __vtlab?: { recovery?: { killWorker(mode: string): void } } }).__vtlab?.recovery;
    if (hooks === undefined) throw new Error('the recovery test hook is missing (is ?test-hooks in the address?)');
    hooks.killWorker(m);
  }, mode);
}


const PROGRAM = 'mov eax, 1\ncpuid\nhlt\n; typed by the recovery test\n';

/** The guest editor, in the Rings lab's Program tab. */
async function editorOf(page: Page) {
  const editor = page.getByRole('textbox', { name: 'Program source (assembly)' });
  if (!(await editor.isVisible())) await page.getByRole('tab', { name: 'Program' }).click();
  await expect(editor).toBeVisible();
  return editor;
}

async function typeProgram(page: Page, text: string): Promise<void> {
  const editor = await editorOf(page);
  await expect(editor).not.toHaveValue('', { timeout: 15_000 });
  await editor.fill(text);
  await expect.poll(() => storedDraft(page, 'kernel'), { message: 'the draft reaches IndexedDB' }).toBe(text);
}

test('the worker is terminated mid-run: the page says so, restarts it at the checkpoint and plays on', async ({ page }) => {
  await ready(page);
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(() => cycles(page), { timeout: 15_000 }).toBeGreaterThan(0);
  const before = await events(page);
  expect(before).toBeGreaterThan(0);

  await kill(page, 'terminate');

  const banner = page.getByTestId('recovery-banner');
  await expect(banner).toContainText('The simulator stopped (its worker was terminated)', { timeout: 15_000 });
  await expect(banner).toContainText(/was restarted: same lab, same program, back at event [\d,]+ and playing again/, { timeout: 30_000 });
  await expect(banner).toHaveAttribute('role', 'status');
  // Back at (or after) the checkpoint, and moving again.
  const resumedAt = await events(page);
  expect(resumedAt).toBeGreaterThan(0);
  const c0 = await cycles(page);
  await expect.poll(() => cycles(page), { timeout: 15_000 }).toBeGreaterThan(c0);
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  await expect(page).toHaveURL(/s=kernel/);
  // No leftover failure banner: the restart explained it.
  await expect(page.getByRole('alert')).toHaveCount(0);
  await banner.getByRole('button', { name: 'Dismiss' }).click();
  await expect(banner).toBeHidden();
});

test('the worker throws an uncaught error while playing the user’s own program: restarted with that program', async ({ page }) => {
  await ready(page);
  await typeProgram(page, 'start:\n  mov eax, 0\n  cpuid\n  jmp start\n');
  await page.getByRole('button', { name: 'Assemble and run' }).click();
  await expect(page.getByText('Assembled and loaded')).toBeVisible({ timeout: 15_000 });
  // The running program goes into the link (encoded, a moment later).
  await expect(page).toHaveURL(/[?&]src=/);
  const url = page.url();
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(() => events(page), { timeout: 15_000 }).toBeGreaterThan(0);

  await kill(page, 'throw');

  const banner = page.getByTestId('recovery-banner');
  await expect(banner).toContainText('an error in the simulator', { timeout: 15_000 });
  await expect(banner).toContainText('playing again', { timeout: 30_000 });
  const c0 = await cycles(page);
  await expect.poll(() => cycles(page), { timeout: 15_000 }).toBeGreaterThan(c0);
  // The same program: still in the editor, and still the one the link (and the worker) runs.
  await expect(await editorOf(page)).toHaveValue('start:\n  mov eax, 0\n  cpuid\n  jmp start\n');
  expect(new URL(page.url()).hash.match(/src=[^&]+/)?.[0]).toBe(new URL(url).hash.match(/src=[^&]+/)?.[0]);
});

test('the worker hangs: the heartbeat says it is not answering, then replaces it', async ({ page }) => {
  await ready(page);
  // The real times are 10 s and 45 s (recovery-model.ts); the hook shortens them for the test.
  await page.evaluate(() => {
    (window as unknown as { __vtlab: { recovery: { setWatchdog(c: object): void } } }).__vtlab.recovery.setWatchdog({ warnAfterMs: 2_000, restartAfterMs: 5_000 });
  });
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(() => events(page), { timeout: 15_000 }).toBeGreaterThan(0);

  await kill(page, 'hang');

  const banner = page.getByTestId('recovery-banner');
  await expect(banner).toContainText(/has not answered for \d+ s/, { timeout: 15_000 });
  await expect(banner.getByRole('button', { name: 'Restart the simulator now' })).toBeVisible();
  await expect(banner).toContainText(/stopped \(it did not answer for \d+ s\) and was restarted/, { timeout: 30_000 });
  const c0 = await cycles(page);
  await expect.poll(() => cycles(page), { timeout: 15_000 }).toBeGreaterThan(c0);
});

test('a program typed in the guest editor is there after a reload', async ({ page }) => {
  await ready(page);
  await typeProgram(page, PROGRAM);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });
  await expect(await editorOf(page)).toHaveValue(PROGRAM, { timeout: 15_000 });
  await expect(page.getByText('Your saved draft of this program')).toBeVisible();
});

test('without IndexedDB (a locked-down profile) the draft is kept in localStorage instead', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
  });
  await ready(page);
  const editor = await editorOf(page);
  await expect(editor).not.toHaveValue('', { timeout: 15_000 });
  await editor.fill(PROGRAM);
  await expect.poll(() => page.evaluate(() => localStorage.getItem('vt-lab.kv.draft:kernel'))).toContain('typed by the recovery test');
  await page.reload();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });
  await expect(await editorOf(page)).toHaveValue(PROGRAM, { timeout: 15_000 });
});

test('the open tour and its step are there after a reload', async ({ page }) => {
  await ready(page);
  await page.keyboard.press('g');
  const dialog = page.getByRole('dialog', { name: 'Guided tours' });
  await dialog.getByRole('button', { name: 'Start the tour VT-x and VMX operation' }).click();
  const tour = page.getByRole('complementary', { name: 'Tour: VT-x and VMX operation' });
  await expect(tour.getByText('Step 1 of 4')).toBeVisible();
  // The first step waits for the VM entry: "Run to it" first, then "Next".
  const runToIt = tour.getByRole('button', { name: 'Run to it →' });
  const next = tour.getByRole('button', { name: 'Next →' });
  await expect(runToIt.or(next)).toBeVisible({ timeout: 15_000 });
  if (await runToIt.isVisible()) await runToIt.click();
  await expect(next).toBeVisible({ timeout: 30_000 });
  await next.click();
  await expect(tour.getByText('Step 2 of 4')).toBeVisible();
  await expect(tour.getByRole('heading', { name: 'A VM exit' })).toBeVisible();
  await expect.poll(() => stored(page, 'tour-open'), { message: 'the open tour reaches IndexedDB' }).toMatchObject({ step: 1 });

  await page.reload();
  await expect(tour.getByText('Step 2 of 4')).toBeVisible({ timeout: 20_000 });
  await expect(tour.getByRole('heading', { name: 'A VM exit' })).toBeVisible();
  // Closing it is remembered too: the next reload opens no tour.
  await tour.getByRole('button', { name: 'Close the tour' }).click();
  await expect.poll(() => stored(page, 'tour-open')).toBeNull();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });
  await expect(page.getByRole('complementary', { name: /^Tour:/ })).toHaveCount(0);
});

test('all user data is exported as one file and imported back in a fresh browser; a malformed file changes nothing', async ({ page, browser, baseURL }, info) => {
  test.setTimeout(180_000);
  await ready(page);
  await typeProgram(page, PROGRAM);
  // Dark theme (the "t" key, outside the editor): a preference that travels too.
  await page.getByRole('tab', { name: 'Program' }).focus();
  await page.keyboard.press('t');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

  await page.getByRole('button', { name: 'Share ▾' }).click();
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export all my data (JSON)' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^vt-lab-data-\d{4}-\d{2}-\d{2}\.json$/);
  const file = info.outputPath('vt-lab-data.json');
  await download.saveAs(file);
  const exported = JSON.parse(readFileSync(file, 'utf8')) as { app: string; drafts: Record<string, { text: string }>; prefs: { theme: string } };
  expect(exported.app).toBe('vt-lab');
  expect(exported.drafts.kernel.text).toBe(PROGRAM);
  expect(exported.prefs.theme).toBe('dark');
  await expect(page.getByRole('status').filter({ hasText: /Saved vt-lab-data-.*1 program draft/ })).toBeVisible();

  // A fresh browser profile: nothing stored.
  const fresh = await browser.newContext({ baseURL });
  const other = await fresh.newPage();
  other.on('pageerror', (e) => {
    throw e;
  });
  await ready(other);
  const editor = await editorOf(other);
  await expect(editor).not.toHaveValue('', { timeout: 15_000 });
  await expect(editor).not.toHaveValue(PROGRAM);

  // A malformed file first: refused, named, nothing changed.
  const bad = info.outputPath('bad.json');
  writeFileSync(bad, JSON.stringify({ ...exported, version: 7, drafts: { kernel: { text: 3, savedAt: 1 } } }));
  await other.getByRole('button', { name: 'Share ▾' }).click();
  let chooser = other.waitForEvent('filechooser');
  await other.getByRole('button', { name: 'Import my data…' }).click();
  await (await chooser).setFiles(bad);
  const alert = other.getByRole('alert').filter({ hasText: 'This file cannot be imported, so nothing was changed' });
  await expect(alert).toContainText('version: is not 1');
  await expect(alert).toContainText('drafts › kernel › text');
  expect(await storedDraft(other, 'kernel')).toBeNull();

  // The good file: imported, the page reloads and shows it.
  await other.getByRole('button', { name: 'Share ▾' }).click();
  chooser = other.waitForEvent('filechooser');
  await other.getByRole('button', { name: 'Import my data…' }).click();
  await (await chooser).setFiles(file);
  await expect(other.getByRole('status').filter({ hasText: 'Imported your data: 1 program added (kernel)' })).toBeVisible({ timeout: 20_000 });
  await expect(await editorOf(other)).toHaveValue(PROGRAM, { timeout: 15_000 });
  await expect(other.locator('html')).toHaveAttribute('data-theme', 'dark');
  await fresh.close();
});

test('the worker dies during a lab run: the run fails with a message, its button comes back, and a second run works', async ({ page }) => {
  await page.goto('./?test-hooks=1#/isolation');
  const run = page.getByRole('button', { name: 'Inject fault and run' });
  await expect(run).toBeEnabled({ timeout: 20_000 });
  await page.getByLabel('Fault', { exact: true }).selectOption({ label: 'Triple fault' });
  await run.click();
  // The guests really run for a few seconds in the worker: kill it under the run.
  await expect(page.getByRole('button', { name: /Running|Inject fault and run/ })).toBeDisabled();
  await kill(page, 'terminate');
  await expect(page.getByText(/stopped while working on this and was restarted/)).toBeVisible({ timeout: 30_000 });
  await expect(run).toBeEnabled({ timeout: 30_000 });
  await run.click();
  await expect(page.getByTestId('iso-announce')).toContainText(/VM exit 2/, { timeout: 60_000 });
});
