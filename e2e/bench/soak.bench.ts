/**
 * Browser soak (issue 9 item 3; not part of `npm test`; run with `npm run soak:browser`, see
 * docs/reliability.md): the Rings lab plays a guest that never ends at top speed for ten minutes
 * (VTLAB_SOAK_MINUTES shortens it) and, every minute, samples
 *   - the intervals between animation frames (requestAnimationFrame in the page, 60 Hz = 16.7 ms), and
 *   - the JavaScript heap after a full collection (CDP HeapProfiler.collectGarbage, then Runtime.getHeapUsage), the
 *     page's and the simulator worker's (with its ArrayBuffer backing stores), and the page's DOM node count
 *     (CDP Memory.getDOMCounters).
 * The guest is CPUID in a loop (a VM exit every iteration, SDM Vol. 3C §25.1.2) printing a line every 1000 exits, so
 * the event log, the exit list, the console and the timeline's ring and snapshots all keep filling.
 *
 * It fails when the last minute's p95 frame interval exceeds the first minute's by more than 50 % (and 8 ms), or
 * when the last minute's heap exceeds the first minute's by more than 20 % (and 8 MiB), page or worker; the first
 * minute is the warm-up (buffers fill). VTLAB_SOAK_TAB names a view to keep open (e.g. Exits). Figures to stdout and
 * test-results/bench-soak.json (bench-soak-<view>.json with VTLAB_SOAK_TAB).
 */
import { expect, test, type Browser, type CDPSession } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { encodeProgram } from '../../src/state/program-codec.ts';

const MINUTES = Math.max(1, Number(process.env.VTLAB_SOAK_MINUTES ?? '10') || 10);
/** A Rings lab view to keep open while playing (e.g. 'Exits', which reads the exit list four times a second); default: the lab's first view. */
const TAB = process.env.VTLAB_SOAK_TAB?.trim() || null;

test.setTimeout((MINUTES + 3) * 60_000);

const PROGRAM = `; @mode guest
; Browser soak: CPUID forever (a VM exit each time), a line on COM1 every 1000 exits.
start:
        xor     ebx, ebx
.outer:
        mov     esi, 1000
.loop:
        xor     eax, eax
        cpuid
        dec     esi
        jnz     .loop
        inc     ebx
        mov     al, 't'
        call    putc
        mov     al, 10
        call    putc
        jmp     .outer
putc:
        push    eax
        mov     dx, 0x3FD
.wait:
        in      al, dx
        test    al, 0x20
        jz      .wait
        pop     eax
        mov     dx, 0x3F8
        out     dx, al
        ret
`;

interface Minute {
  minute: number;
  frames: number;
  frameMsMedian: number;
  frameMsP95: number;
  frameMsMax: number;
  pageHeapMiB: number;
  workerHeapMiB: number | null;
  /** The worker's ArrayBuffer backing stores (event ring, guest memory, snapshot pages). */
  workerBuffersMiB: number | null;
  domNodes: number;
  events: number;
  exits: number;
  eventsPerSecond: number;
}

const MiB = 2 ** 20;
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function pageHeap(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const h = await cdp.send('Runtime.getHeapUsage');
  return h.usedSize;
}

/**
 * The simulator worker's heap through CDP: workers are not pages, so Playwright gives no CDP session for them; the
 * browser session attaches to the worker target and talks to it with Target.sendMessageToTarget. Returns the JS heap
 * (Runtime.getHeapUsage usedSize) and the ArrayBuffer backing stores (backingStorageSize: the event ring, guest memory
 * and snapshot pages are typed arrays), after a full collection.
 */
async function attachWorker(browser: Browser): Promise<{ url: string; heap(): Promise<{ used: number; buffers: number }> } | null> {
  const b = await browser.newBrowserCDPSession();
  const { targetInfos } = await b.send('Target.getTargets');
  const w = targetInfos.find((t) => t.type === 'worker' && /engine/.test(t.url)) ?? targetInfos.find((t) => t.type === 'worker');
  if (w === undefined) return null;
  const pending = new Map<number, (m: { result?: Record<string, number> }) => void>();
  b.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message) as { id?: number; result?: Record<string, number> };
    if (m.id !== undefined) pending.get(m.id)?.(m);
  });
  const { sessionId } = await b.send('Target.attachToTarget', { targetId: w.targetId, flatten: false });
  let id = 0;
  const send = (method: string): Promise<{ result?: Record<string, number> }> =>
    new Promise((resolve) => {
      const k = ++id;
      pending.set(k, resolve);
      void b.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: k, method, params: {} }) });
    });
  return {
    url: w.url,
    async heap() {
      await send('HeapProfiler.collectGarbage');
      const r = (await send('Runtime.getHeapUsage')).result ?? {};
      return { used: r.usedSize ?? NaN, buffers: r.backingStorageSize ?? NaN };
    },
  };
}

test(`@soak Rings lab at top speed for ${MINUTES} min: frame time and memory stay flat`, async ({ page, browser }) => {
  const z = await encodeProgram(PROGRAM);
  await page.goto(`./#/rings?v=1&s=cpu-bound&insn=0&t=0&src=${z}`);
  const play = page.getByRole('button', { name: 'Play', exact: true });
  await expect(play).toBeEnabled({ timeout: 60_000 });
  if (TAB !== null) await page.getByRole('tab', { name: TAB, exact: true }).click();
  await page.getByLabel('Pause per transition').selectOption('0');
  const speed = page.getByRole('slider', { name: 'Speed' });
  await speed.focus();
  await page.keyboard.press('End');
  await page.getByText('max', { exact: true }).waitFor();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  const worker = await attachWorker(browser);
  console.log(`simulator worker: ${worker?.url ?? 'not found'}`);
  // Frame intervals, collected per minute by the test (the page keeps only the current minute's).
  await page.evaluate(() => {
    const w = window as unknown as { __soakFrames: number[] };
    w.__soakFrames = [];
    let last = 0;
    const tick = (t: number): void => {
      if (last > 0) w.__soakFrames.push(t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await play.click();
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  const minutes: Minute[] = [];
  let lastEvents = 0;
  for (let m = 1; m <= MINUTES; m++) {
    await page.evaluate(() => {
      (window as unknown as { __soakFrames: number[] }).__soakFrames.length = 0;
    });
    const events0 = await page.evaluate(() => window.__vtlab!.stats.events);
    await page.waitForTimeout(60_000);
    // The guest never ends: it must still be playing.
    await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
    const r = await page.evaluate(() => ({
      frames: [...(window as unknown as { __soakFrames: number[] }).__soakFrames],
      events: window.__vtlab!.stats.events,
    }));
    // The exit list the Exits view reads (count held + dropped): how many VM exits the run has made so far.
    const exits = await page
      .evaluate(async () => {
        const v = window.__vtlab as unknown as { commands: { exits(): Promise<{ count: number; dropped: number }> } };
        const x = await v.commands.exits();
        return x.count + x.dropped;
      })
      .catch(() => -1);
    const dom = await cdp.send('Memory.getDOMCounters');
    const ph = await pageHeap(cdp);
    const wh = worker === null ? null : await worker.heap();
    const ft = r.frames.slice(1);
    const row: Minute = {
      minute: m,
      frames: ft.length,
      frameMsMedian: +pct(ft, 50).toFixed(2),
      frameMsP95: +pct(ft, 95).toFixed(2),
      frameMsMax: +Math.max(0, ...ft).toFixed(1),
      pageHeapMiB: +(ph / MiB).toFixed(1),
      workerHeapMiB: wh === null ? null : +(wh.used / MiB).toFixed(1),
      workerBuffersMiB: wh === null ? null : +(wh.buffers / MiB).toFixed(1),
      domNodes: dom.nodes,
      events: r.events,
      exits,
      eventsPerSecond: Math.round((r.events - events0) / 60),
    };
    lastEvents = r.events;
    minutes.push(row);
    console.log(JSON.stringify(row));
  }
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const first = minutes[0];
  const last = minutes[minutes.length - 1];
  const grew = (a: number, b: number, rel: number, abs: number): boolean => b > a * (1 + rel) && b - a > abs;
  const failures: string[] = [];
  if (MINUTES >= 2) {
    if (grew(first.frameMsP95, last.frameMsP95, 0.5, 8)) failures.push(`p95 frame interval grew ${first.frameMsP95} → ${last.frameMsP95} ms`);
    if (grew(first.pageHeapMiB, last.pageHeapMiB, 0.2, 8)) failures.push(`page heap grew ${first.pageHeapMiB} → ${last.pageHeapMiB} MiB`);
    if (first.workerHeapMiB !== null && last.workerHeapMiB !== null && grew(first.workerHeapMiB, last.workerHeapMiB, 0.2, 8)) failures.push(`worker heap grew ${first.workerHeapMiB} → ${last.workerHeapMiB} MiB`);
    if (first.workerBuffersMiB !== null && last.workerBuffersMiB !== null && grew(first.workerBuffersMiB, last.workerBuffersMiB, 0.2, 8)) failures.push(`worker array buffers grew ${first.workerBuffersMiB} → ${last.workerBuffersMiB} MiB`);
    if (grew(first.domNodes, last.domNodes, 0.2, 500)) failures.push(`DOM nodes grew ${first.domNodes} → ${last.domNodes}`);
  }
  const result = {
    scenario: `Rings lab, CPUID-forever guest (insn events off), speed max, pause per transition 0, view ${TAB ?? 'default'}`,
    minutes: MINUTES,
    totalEvents: lastEvents,
    firstMinute: first,
    lastMinute: last,
    perMinute: minutes,
    failures,
    userAgent: await page.evaluate(() => navigator.userAgent),
  };
  console.log(JSON.stringify({ ...result, perMinute: undefined }, null, 2));
  mkdirSync('test-results', { recursive: true });
  writeFileSync(TAB === null ? 'test-results/bench-soak.json' : `test-results/bench-soak-${TAB.toLowerCase()}.json`, JSON.stringify(result, null, 2) + '\n');
  expect(failures).toEqual([]);
});
