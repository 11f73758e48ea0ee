/**
 * PlanetLab day replay in the simulator worker (issue 6 item 3: "a day replay must finish in under 1 second in the
 * worker"): the Consolidation lab replays 20110303 (1,052 VMs, 800 hosts) with each policy, in a fresh page each
 * time, and reads the worker time the lab reports under its results ("replayed in … s"). VTLAB_REPLAY_POLICIES
 * (comma-separated ids) and VTLAB_REPLAY_REPS change what runs. Figures to stdout and test-results/bench-replay.json.
 * A figure, not a pass/fail: it depends on the machine (run it on a quiet one).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

const POLICIES = (process.env.VTLAB_REPLAY_POLICIES ?? 'lr-mmt-1.2,lr-mc-1.2,lrr-mc-1.2,thr-mc-0.8,iqr-mc-1.5,mad-mc-2.5').split(',').map((p) => p.trim()).filter(Boolean);
const REPS = Math.max(1, Number(process.env.VTLAB_REPLAY_REPS ?? '3') || 3);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

test('PlanetLab day replay time in the worker, per policy', async ({ browser }) => {
  test.setTimeout(POLICIES.length * REPS * 120_000);
  const results: { policy: string; seconds: number[]; median: number }[] = [];
  for (const policy of POLICIES) {
    const seconds: number[] = [];
    for (let r = 0; r < REPS; r++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto('./#/consolidation');
      await expect(page.getByRole('heading', { level: 1, name: 'Consolidation' })).toBeVisible({ timeout: 60_000 });
      await page.getByRole('combobox', { name: 'Policy' }).selectOption(policy);
      const run = page.getByRole('button', { name: 'Run the day' });
      await expect(run).toBeEnabled({ timeout: 60_000 });
      await run.click();
      const metrics = page.getByTestId('cn-day-metrics');
      await expect(metrics).toBeVisible({ timeout: 300_000 });
      const caption = await metrics.locator('caption').innerText();
      const s = Number(/replayed in ([0-9.]+) s/.exec(caption)?.[1]);
      expect(Number.isFinite(s), `the lab reports its replay time (caption: ${caption})`).toBe(true);
      seconds.push(s);
      await context.close();
    }
    results.push({ policy, seconds, median: median(seconds) });
    process.stdout.write(`replay ${policy.padEnd(12)} median ${median(seconds).toFixed(2)} s  (${seconds.map((x) => x.toFixed(2)).join(', ')})\n`);
  }
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/bench-replay.json', JSON.stringify({ target: 'under 1 s in the worker (issue 6)', results }, null, 2));
});
