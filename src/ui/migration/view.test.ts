import { describe, expect, it } from 'vitest';
import { checkField, checkForm, endTime, frameAt, msText, secondsText, stopReasonText, textsOf } from './view.ts';
import { DEFAULT_MIGRATION_LINK } from '../../state/platform-links.ts';
import { runMigration } from '../../worker/platform.ts';

const run = (over: Partial<typeof DEFAULT_MIGRATION_LINK> = {}) => {
  const r = runMigration({ ...DEFAULT_MIGRATION_LINK, ...over });
  if (!r.ok) throw new Error(r.message);
  return r;
};

describe('migration form', () => {
  it('checks each field and keeps a message per field', () => {
    expect(checkField('memoryMib', '4096')).toEqual({ ok: true, value: 4096 });
    expect(checkField('memoryMib', '4k')).toMatchObject({ ok: false, message: /whole number/ });
    expect(checkField('memoryMib', '0')).toMatchObject({ ok: false, message: /at least 1/ });
    expect(checkField('bandwidthMbit', '0')).toMatchObject({ ok: false, message: /above 0/ });
    expect(checkField('bandwidthMbit', '0.5')).toEqual({ ok: true, value: 0.5 });
    expect(checkField('dirtyMibPerS', '')).toMatchObject({ ok: false, message: /Enter a number/ });
    const f = checkForm({ ...textsOf(DEFAULT_MIGRATION_LINK), wwsMib: '8192', bandwidthMbit: 'fast' });
    expect(f.ok).toBe(false);
    if (!f.ok) {
      expect(f.errors.wwsMib).toMatch(/exceed the memory/);
      expect(f.errors.bandwidthMbit).toMatch(/number/);
      expect(f.errors.memoryMib).toBeUndefined();
    }
    expect(checkForm(textsOf(DEFAULT_MIGRATION_LINK))).toMatchObject({ ok: true, values: { memoryMib: 4096 } });
  });
});

describe('migration view', () => {
  it('the default migration converges under QEMU with a short downtime and the clients do not reconnect', () => {
    const r = run();
    expect(r.result.converged).toBe(true);
    expect(r.result.stopReason).toBe('qemu-downtime');
    expect(stopReasonText(r.result.stopReason)).toMatch(/downtime limit/);
    expect(r.result.downtimeMs).toBeLessThanOrEqual(300);
    expect(r.clients.sessions.every((s) => !s.reconnect)).toBe(true);
    expect(r.clients.gapMs).toBeCloseTo(r.result.downtimeMs + 50, 6); // QEMU announce-initial 50 ms
  });

  it('a gap above the stream timeout makes the video client reconnect', () => {
    const r = run({ dirtyMibPerS: 200, roundCap: 3, streamTimeoutMs: 2000 });
    expect(r.result.stopReason).toBe('round-cap');
    expect(r.clients.sessions.find((s) => s.kind === 'stream')!.reconnect).toBe(true);
  });

  it('frames: bytes grow with time, the VM moves at activation, ARP at the end', () => {
    const r = run().result;
    const f0 = frameAt(r, 0);
    expect(f0.phase).toBe('pre-copy');
    expect(f0.runsAt).toBe('source');
    const mid = frameAt(r, r.roundList[0].durationSeconds / 2);
    expect(mid.bytesSoFar).toBeCloseTo(r.roundList[0].bytesSent / 2, 0);
    const susp = (r.roundList.at(-1)!.startSeconds + r.roundList.at(-1)!.durationSeconds + r.activationSeconds) / 2;
    expect(frameAt(r, susp)).toMatchObject({ paused: true, runsAt: 'source' });
    expect(frameAt(r, r.activationSeconds)).toMatchObject({ runsAt: 'destination', arpDone: false, phase: 'announce' });
    const end = frameAt(r, endTime(r));
    expect(end).toMatchObject({ phase: 'done', arpDone: true });
    expect(end.bytesSoFar).toBeCloseTo(r.bytesSent, 0);
    expect(end.progress).toBeCloseTo(1, 9);
  });

  it('post-copy: the VM runs at the destination while pages are still arriving', () => {
    const r = run({ dirtyMibPerS: 200, postCopyAfter: 2 }).result;
    expect(r.stopReason).toBe('post-copy');
    const f = frameAt(r, (r.activationSeconds + r.totalSeconds) / 2);
    if (r.totalSeconds > r.activationSeconds) expect(f).toMatchObject({ phase: 'post-copy', runsAt: 'destination', paused: false });
  });
});

describe('durations a reader can take in', () => {
  it('seconds below 100 s keep their decimals; longer ones go to hours and minutes, then days', () => {
    expect(secondsText(2.414)).toBe('2.41 s');
    expect(secondsText(17.34)).toBe('17.3 s');
    expect(secondsText(412.4)).toBe('412 s');
    expect(secondsText(3276.8)).toBe('54 min 37 s');
    expect(secondsText(4320)).toBe('1 h 12 min');
    expect(secondsText(7199.9)).toBe('2 h 0 min');
    // A pre-copy that never catches up at 10 Mbit/s: not "3280077 s".
    expect(secondsText(3_280_077)).toBe('38.0 days');
  });
  it('a downtime in milliseconds reads the same way once it is minutes long', () => {
    expect(msText(4.2)).toBe('4.2 ms');
    expect(msText(312)).toBe('312 ms');
    expect(msText(3276.8)).toBe('3.28 s');
    expect(msText(3_276_800)).toBe('54 min 37 s');
  });
});
