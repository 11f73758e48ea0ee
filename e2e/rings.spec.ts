/**
 * The Rings & VMX lab, walked with the keyboard only (as the acceptance test asks): step to the
 * first CPUID exit, check where the CPU token is, what the VMCS inspector shows and what the narration says;
 * one Step more runs the VMM's handler, and the inspector shows what it changed.
 */
import { expect, test, type Page } from './fixtures.ts';
import { storedDraft } from './drafts.ts';

async function ready(page: Page): Promise<void> {
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });
}

/** Presses Tab until the element matching `pred` has the focus. */
async function tabTo(page: Page, pred: () => boolean, what: string): Promise<void> {
  for (let k = 0; k < 80; k++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(pred)) return;
  }
  throw new Error(`could not reach ${what} with Tab`);
}

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('@motion keyboard only: step to the first CPUID exit; token in VMX root, VMCS shows reason 10 and length 2, narration says so', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=cpuid&cpu=nehalem');
  await ready(page);
  await page.locator('body').press('Escape');
  // "x" runs to the next VM exit; the first exits are EPT violations and port I/O before the first CPUID.
  let found = false;
  for (let k = 0; k < 60 && !found; k++) {
    const before = await page.getByTestId('event-counter').textContent();
    await page.keyboard.press('x');
    // Wait for the run to land (the counter moves and the engine is paused again) before reading.
    await expect(page.getByTestId('event-counter')).not.toHaveText(before ?? '');
    await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
    found = /VM exit: CPUID/.test((await page.getByTestId('ring-now').textContent()) ?? '');
  }
  expect(found).toBe(true);
  await expect(page.getByTestId('token-location')).toContainText('VMX root, ring 0');
  await expect(page.getByTestId('narration')).toContainText('VM exit: CPUID (reason 10)');
  await expect(page.getByTestId('narration')).toContainText('instruction length 2');
  // The code panel names the handler and marks the instruction that caused the exit.
  await expect(page.getByTestId('vmm-running')).toContainText('handle_cpuid');
  await expect(page.locator('.code-row.exited')).toContainText('cpuid');
  // To the VMCS tab with the keyboard: Tab to the tab list, then the arrow keys.
  await tabTo(page, () => document.activeElement?.getAttribute('role') === 'tab', 'the tab list');
  for (let k = 0; k < 8; k++) {
    if ((await page.evaluate(() => document.activeElement?.textContent)) === 'VMCS') break;
    await page.keyboard.press('ArrowRight');
  }
  await expect(page.getByRole('tab', { name: 'VMCS' })).toHaveAttribute('aria-selected', 'true');
  await tabTo(page, () => (document.activeElement as HTMLInputElement | null)?.type === 'search', 'the VMCS filter');
  await page.keyboard.type('exit reason');
  const inspector = page.getByRole('region', { name: /VMCS inspector/ });
  await expect(inspector).toContainText('0x4402');
  await expect(inspector).toContainText(/CPUID/);
  await expect(inspector.getByText('0x0000000A').first()).toBeVisible();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('instruction length');
  await expect(inspector).toContainText('0x440C');
  await expect(inspector.getByText('0x00000002').first()).toBeVisible();
  // GUEST_RIP holds the CPUID itself: the exit saved it and the VMM's handler has not run yet (SDM Vol. 3C §27.3.1).
  const at = /VM exit: CPUID at 0x([0-9A-F]{8})/.exec((await page.getByTestId('ring-now').textContent()) ?? '');
  expect(at).not.toBeNull();
  const rip = Number.parseInt(at![1], 16);
  const hex8 = (n: number): string => `0x${n.toString(16).toUpperCase().padStart(8, '0')}`;
  await page.keyboard.press('Control+a');
  await page.keyboard.type('guest rip');
  const ripRow = inspector.getByRole('listitem').filter({ hasText: 'GUEST_RIP' });
  await expect(ripRow).toContainText(hex8(rip));
  // Step on (the CPUID's own retirement event comes first): the VMM's handler emulates CPUID and moves GUEST_RIP
  // past the 2-byte instruction; the inspector says who changed it.
  let handled = false;
  for (let k = 0; k < 4 && !handled; k++) {
    const before = await page.getByTestId('event-counter').textContent();
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByTestId('event-counter')).not.toHaveText(before ?? '');
    await expect(ripRow).toContainText(/0x[0-9A-F]{8}/);
    handled = /exit handler/.test((await inspector.textContent()) ?? '');
    if (!handled) await expect(ripRow).toContainText(hex8(rip)); // not yet: still the exit's value
  }
  expect(handled).toBe(true);
  await expect(ripRow).toContainText(hex8(rip + 2));
  await expect(ripRow).toContainText(`was ${hex8(rip)}`);
});

test('the three platforms: native has no VMX column, VT-x has two; switching runs the same program', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=kernel');
  await ready(page);
  const figure = page.getByRole('img', { name: /VT-x platform/ });
  await expect(figure).toBeVisible();
  await expect(page.locator('svg text', { hasText: 'VMX non-root operation' })).toBeVisible();
  await page.getByRole('group', { name: 'Platform' }).getByRole('button', { name: 'Native' }).click();
  await expect(page.getByRole('img', { name: /Native platform/ })).toBeVisible();
  await expect(page.locator('svg text', { hasText: 'VMX non-root operation' })).toHaveCount(0);
  await expect.poll(() => page.url()).toContain('m=bare');
  await page.getByRole('button', { name: 'Step 10' }).click();
  await expect(page.getByTestId('token-location')).toContainText('ring 0');
});

test('a link keeps the view: the detail level and the open tab', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=kernel&t=40&d=engineer&tab=events');
  await ready(page);
  await expect(page.getByRole('group', { name: 'Detail' }).getByRole('button', { name: 'Engineer' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('tab', { name: 'Events' })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('tab', { name: 'VMCS' }).click();
  await expect.poll(() => page.url()).toContain('tab=vmcs');
  await page.getByRole('group', { name: 'Detail' }).getByRole('button', { name: 'Classroom' }).click();
  await expect.poll(() => page.url()).not.toMatch(/[?&]d=/);
});

test('another program keeps the platform the user chose', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=kernel');
  await ready(page);
  const platform = page.getByRole('group', { name: 'Platform' });
  await platform.getByRole('button', { name: 'Software VMM' }).click();
  await expect.poll(() => page.url()).toContain('m=swvmm');
  await page.getByRole('combobox', { name: 'Program' }).selectOption({ label: 'Workload: CPU-bound' });
  await expect.poll(() => page.url()).toContain('s=cpu-bound');
  expect(page.url()).toContain('m=swvmm');
  await expect(platform.getByRole('button', { name: 'Software VMM' })).toHaveAttribute('aria-pressed', 'true');
});

test('native: the next-transition button stops at the next interrupt or system call, not at the end', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=kernel&m=bare');
  await ready(page);
  await expect(page.getByRole('img', { name: /Native platform/ })).toBeVisible();
  // No VMM, no VM exits: the button says what it stops at instead.
  await expect(page.getByRole('button', { name: 'Next VM exit' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Next interrupt or system call' }).click();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled();
  await expect(page.getByTestId('token-location')).toContainText('ring 0');
  // Still short of the end: the run can go on to the next one.
  await expect(page.getByRole('button', { name: 'Run to end' })).toBeEnabled();
});

test('a bare program that is its own hypervisor: the button stops at its next VM exit and says so', async ({ page }) => {
  // The real-mode guest lab, past its VMXON: its guest runs in virtual-8086 mode, at CPL 3.
  await page.goto('./#/rings?v=1&s=real-mode-guest&cpu=xeon-lv&t=3000');
  await ready(page);
  await page.getByRole('button', { name: 'Next VM exit or interrupt' }).click();
  await expect(page.getByTestId('token-location')).toContainText('VMX root, ring 0');
  await expect(page.getByTestId('narration')).toContainText('VM exit: I/O instruction');
  await expect(page.getByTestId('narration')).toContainText('instruction length 1');
  await expect(page.getByRole('button', { name: 'Run to end' })).toBeEnabled();
  // Its exits are counted; the guest/VMM time split is the built-in VMM's, and the Exits tab says so.
  await page.getByRole('tab', { name: 'Exits' }).click();
  await expect(page.getByText('This program is its own hypervisor')).toBeVisible();
});

test('a program from a link or a file never takes the place of the student\'s own draft', async ({ page, browser }) => {
  test.setTimeout(120_000);
  // The shared program has run to its end (Play is off there): wait for the lab instead.
  const labReady = (p: Page) => expect(p.getByRole('tab', { name: 'Program' })).toBeVisible({ timeout: 20_000 });
  // Someone else's program, shared as a link (made in a browser of its own).
  const theirs = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const maker = await theirs.newPage();
  await maker.goto('./#/rings?v=1&s=kernel');
  await ready(maker);
  await maker.getByRole('tab', { name: 'Program' }).click();
  const theirEditor = maker.getByRole('textbox', { name: 'Program source (assembly)' });
  await theirEditor.fill('; shared by the teacher\nmov eax, 1\nhlt\n');
  await maker.getByRole('button', { name: 'Assemble and run' }).click();
  await expect.poll(() => maker.url()).toContain('src=');
  const link = maker.url();
  await theirs.close();

  // The student's own draft of the same lesson.
  await page.goto('./#/rings?v=1&s=kernel');
  await ready(page);
  await page.getByRole('tab', { name: 'Program' }).click();
  const editor = page.getByRole('textbox', { name: 'Program source (assembly)' });
  await expect(editor).toHaveValue(/\S/);
  await editor.press('Control+End');
  await editor.type('\n; my own note\n');
  // The draft is written to IndexedDB as it is typed; leaving the page before the last write lands would lose it.
  await expect.poll(() => storedDraft(page, 'kernel'), { message: 'the draft reaches IndexedDB' }).toMatch(/; my own note\n$/);

  // Opening the link shows the shared program (what runs) and keeps the draft one click away.
  await page.goto('about:blank');
  await page.goto(link);
  await labReady(page);
  await page.getByRole('tab', { name: 'Program' }).click();
  await expect(editor).toHaveValue(/shared by the teacher/);
  await expect(page.getByTestId('own-draft')).toContainText('Your own draft of this program is kept');
  await page.reload();
  await labReady(page);
  await page.getByRole('tab', { name: 'Program' }).click();
  await page.getByRole('button', { name: 'Open my draft' }).click();
  await expect(editor).toHaveValue(/my own note/);
  // And the lesson opened without the link still has it.
  await page.goto('about:blank');
  await page.goto('./#/rings?v=1&s=kernel');
  await ready(page);
  await page.getByRole('tab', { name: 'Program' }).click();
  await expect(editor).toHaveValue(/my own note/);
});

test('detail levels: Sales hides registers and code, Engineer shows the machine tab', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=kernel&t=400');
  await ready(page);
  await page.getByRole('group', { name: 'Detail' }).getByRole('button', { name: 'Sales' }).click();
  await expect(page.getByRole('tab', { name: 'Code' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'What is happening' })).toContainText('VMX non-root');
  // The diagram's caption says what an exit means, in words: no addresses, no field values.
  await page.getByRole('button', { name: 'Next VM exit' }).click();
  await expect(page.getByTestId('ring-now')).toContainText(/^VM exit: [A-Za-z/ -]+\. \S/);
  await expect(page.getByTestId('ring-now')).not.toContainText('0x');
  await expect(page.getByTestId('ring-now')).not.toContainText('qualification');
  await page.getByRole('group', { name: 'Detail' }).getByRole('button', { name: 'Classroom' }).click();
  await expect(page.getByTestId('ring-now')).toContainText(/Exit reason \d+/);
  await page.getByRole('group', { name: 'Detail' }).getByRole('button', { name: 'Engineer' }).click();
  await expect(page.getByRole('tab', { name: 'Machine' })).toBeVisible();
  await page.getByRole('tab', { name: 'Machine' }).click();
  await expect(page.getByRole('region', { name: 'Machine' })).toContainText(/eax/i);
  await expect(page.getByRole('region', { name: 'Machine' })).toContainText('Nehalem (Xeon 5500)'); // the model's name, not its id
});

test('the guest editor: an error is shown at its line, the running program is kept, the draft survives a reload', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=cpuid');
  await ready(page);
  await page.getByRole('tab', { name: 'Program' }).click();
  const editor = page.getByRole('textbox', { name: 'Program source (assembly)' });
  await expect(editor).toHaveValue(/cpuid/);
  await editor.press('Control+End');
  await editor.type('\n        movv eax, 1\n');
  await expect(page.locator('#editor-errors')).toContainText(/Line \d+/);
  await page.getByRole('button', { name: 'Assemble and run' }).click();
  await expect(page.locator('#editor-errors')).toContainText('Not run');
  // On the 1280×720 projector the message is on screen and on top: not scrolled away, not under the scenario card.
  const message = page.locator('#editor-errors li').first();
  await expect(message).toBeInViewport();
  expect(
    await message.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return el.contains(document.elementFromPoint(r.left + Math.min(40, r.width / 2), r.top + r.height / 2));
    }),
  ).toBe(true);
  await page.reload();
  await ready(page);
  await page.getByRole('tab', { name: 'Program' }).click();
  await expect(page.getByRole('textbox', { name: 'Program source (assembly)' })).toHaveValue(/movv eax, 1/);
});

test('breakpoints: Run stops before the marked instruction', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=cpuid');
  await ready(page);
  const hlt = page.locator('.code-row', { hasText: /hlt/ }).first();
  await hlt.getByRole('button', { name: /Breakpoint at/ }).click();
  await page.getByRole('button', { name: 'Run to end' }).click();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  await expect(page.locator('.code-row.current')).toContainText('hlt');
});

test('CPU models: the same program on every model, with what changed', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=kernel&p=TICKS_TO_RUN.2');
  await ready(page);
  await page.getByRole('tab', { name: 'CPU models' }).click();
  await page.getByRole('button', { name: 'Run on every CPU model' }).click();
  const table = page.getByRole('table', { name: 'The same program on every CPU model' });
  await expect(table).toBeVisible({ timeout: 30_000 });
  for (const name of ['Xeon LV', 'Nehalem']) await expect(table).toContainText(name);
  await expect(page.getByText(/shadow page tables/)).toBeVisible();
  // Newer parts do the same work in fewer busy cycles (cheaper transitions, EPT): the idle time the kernel spends
  // waiting for its timer, the same in seconds on every model, is not what is compared.
  await expect(table.getByRole('columnheader', { name: 'Busy vs 2006' })).toBeVisible();
  const vs2006 = async (model: RegExp): Promise<number> => Number((await table.getByRole('row', { name: model }).getByRole('cell').last().textContent())!.replace(/[^0-9.]/g, ''));
  expect(await vs2006(/Xeon LV/)).toBe(100);
  expect(await vs2006(/Ice Lake/)).toBeLessThan(await vs2006(/Nehalem/));
  expect(await vs2006(/Nehalem/)).toBeLessThan(100);
});
