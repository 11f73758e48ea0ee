/**
 * Browser benchmark (not part of `npm test`; run `npm run bench:browser`): how many events per second
 * reach the UI through the worker boundary while playing at top speed, and the frame times meanwhile.
 * The scenario retires an instruction per event (instruction-level events on a CPU-bound loop), so the
 * event rate is the simulator's, not a synthetic generator's. Figures go to stdout and to
 * test-results/bench-browser.json.
 */
import { test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';

const SECONDS = 8;

test('events per second across the worker boundary, frame times while playing at top speed', async ({ page }) => {
  await page.goto('./#/rings?v=1&s=cpu-bound&insn=1&p=ITERATIONS.10000000&t=0');
  await page.getByRole('button', { name: 'Play', exact: true }).waitFor({ state: 'visible' });
  await page.getByLabel('Pause per transition').selectOption('0');
  const speed = page.getByRole('slider', { name: 'Speed' });
  await speed.focus();
  await page.keyboard.press('End');
  await page.getByText('max', { exact: true }).waitFor();
  await page.evaluate(() => {
    // Main-thread tasks over 50 ms (the browser's own long-task report) while playing.
    const w = window as unknown as { __long: number[] };
    w.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__long.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
    const s = window.__vtlab!.stats;
    s.events = 0;
    s.skipped = 0;
    s.drains = 0;
    s.frames = 0;
    s.frameTimes.length = 0;
  });
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  const t0 = Date.now();
  await page.waitForTimeout(SECONDS * 1000);
  const r = await page.evaluate(() => {
    const s = window.__vtlab!.stats;
    const long = (window as unknown as { __long: number[] }).__long;
    return { events: s.events, skipped: s.skipped, drains: s.drains, frames: s.frames, frameTimes: [...s.frameTimes], longTasks: long.length, longestTask: Math.max(0, ...long) };
  });
  const seconds = (Date.now() - t0) / 1000;
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const ft = r.frameTimes.slice(2).sort((a, b) => a - b);
  const pct = (p: number): number => ft[Math.min(ft.length - 1, Math.floor((p / 100) * ft.length))] ?? NaN;
  const result = {
    scenario: 'cpu-bound, instruction events, speed max',
    seconds: +seconds.toFixed(2),
    /** Events delivered to the UI in batches (each one copied into the UI's event log). */
    eventsPerSecond: Math.round(r.events / seconds),
    /** Events played but not delivered (a frame's batch was full): should be 0. */
    eventsSkipped: r.skipped,
    eventsPerDrain: Math.round(r.events / Math.max(1, r.drains)),
    drainsPerSecond: +(r.drains / seconds).toFixed(1),
    frames: r.frames,
    /** Intervals between animation frames (60 Hz: 16.67 ms when no frame is dropped). */
    frameMsMedian: +pct(50).toFixed(3),
    frameMsP95: +pct(95).toFixed(3),
    frameMsMax: +(ft[ft.length - 1] ?? NaN).toFixed(3),
    framesOver16_7ms: ft.filter((x) => x > 16.7 + 0.5).length,
    longTasksOver50ms: r.longTasks,
    longestTaskMs: +r.longestTask.toFixed(1),
    userAgent: await page.evaluate(() => navigator.userAgent),
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/bench-browser.json', JSON.stringify(result, null, 2) + '\n');
});
