import { describe, expect, it } from 'vitest';
import { clientView, SIP_TIMER_B_MS } from './client-view.ts';
import { simulateMigration } from './engine.ts';
import { MIB, mbitToBytesPerSecond } from './units.ts';

describe('client view of a migrating VM with SIP calls and a stream', () => {
  it('a converged QEMU migration: the gap is downtime + the 50 ms first self-announce, no reconnect', () => {
    const r = simulateMigration({ memoryBytes: 1024 * MIB, bandwidthBytesPerSecond: mbitToBytesPerSecond(1000), dirty: { kind: 'uniform', bytesPerSecond: 50 * MIB }, rule: 'qemu' });
    const v = clientView(r, [
      { kind: 'sip-call', id: 'call-1' },
      { kind: 'stream', id: 'video-1', timeoutMs: 2000 },
    ]);
    expect(v.gapMs).toBeCloseTo(r.downtimeMs + 50, 9);
    expect(SIP_TIMER_B_MS).toBe(32000); // 64 x T1, T1 = 500 ms (RFC 3261, usage-models.md §C)
    for (const s of v.sessions) expect(s.reconnect).toBe(false);
    expect(v.sessions[0].sipRetransmission).toBe(false); // 260 ms < T1
  });

  it('a Xen migration forced by the 3 x M cap (8.2 s gap): SIP still holds (< 32 s) after retransmitting; a 5 s stream reconnects', () => {
    const r = simulateMigration({ memoryBytes: 1024 * MIB, bandwidthBytesPerSecond: mbitToBytesPerSecond(1000), dirty: { kind: 'uniform', bytesPerSecond: 125 * MIB }, rule: 'xen' });
    const v = clientView(r, [
      { kind: 'sip-call', id: 'call-1' },
      { kind: 'stream', id: 'video-1', timeoutMs: 5000 },
    ]);
    expect(v.gapMs).toBeCloseTo(8192, 6);
    expect(v.sessions[0].reconnect).toBe(false);
    expect(v.sessions[0].sipRetransmission).toBe(true);
    expect(v.sessions[1].reconnect).toBe(true);
  });
});
