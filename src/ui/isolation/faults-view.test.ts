import { describe, expect, it } from 'vitest';
import { checkNumField, faultSentence, laneEnd, vmCausality, serverCausality, vmMarks } from './faults-view.ts';
import { ISOLATION_DEFAULTS, runIsolation } from '../../core/isolation/index.ts';

describe('Faults tab view model', () => {
  it('checks each field and says why beside it', () => {
    expect(checkNumField('watchdogMs', '0.25')).toEqual({ ok: true, value: 0.25 });
    expect(checkNumField('watchdogMs', '')).toMatchObject({ ok: false, message: 'Enter a number.' });
    expect(checkNumField('maxRestarts', '1.5')).toMatchObject({ ok: false, message: /whole number/ });
    expect(checkNumField('maxRestarts', '9')).toMatchObject({ ok: false, message: /0 … 6/ });
    expect(checkNumField('stormPerSecond', '10 000')).toEqual({ ok: true, value: 10000 });
    expect(checkNumField('sliceMs', 'abc')).toMatchObject({ ok: false });
  });

  it('tells the triple fault as a chain: guest → VM exit 2 → VMM marks it failed → policy → the others kept running; the server goes down', () => {
    const r = runIsolation({ ...ISOLATION_DEFAULTS, cpu: 'modern', durationMs: 1.2, faultAtMs: 0.3, fault: 'triple-fault', target: 'pbx', restartDelayMs: 0.1 });
    const chain = vmCausality(r);
    expect(chain[0]).toMatch(/^VM2 \(SIP PBX\), a Linux-like guest, loads an empty IDT/);
    expect(chain[1]).toMatch(/^VM exit 2 \(Triple fault\) at /);
    expect(chain[2]).toMatch(/VMM marked VM2 failed/);
    expect(chain[3]).toMatch(/on-failure \(limit 3\): VM2 restarted at/);
    expect(chain[4]).toMatch(/console output is identical/);
    expect(serverCausality(r).join(' ')).toMatch(/Every service is down/);
    expect(vmMarks(r.virtualized).map((m) => m.kind)).toEqual(['fault', 'detect', 'restart']);
    expect(laneEnd(r.virtualized, 1)).toBe('running (↻ 1×)');
    // The live region's one sentence: cause (fault, exit), effect (stopped, restarted), others unaffected, the server down.
    expect(faultSentence(r)).toMatch(
      /^Triple fault injected into VM2 \(SIP PBX\): VM exit 2 \(Triple fault\) at [\d.]+ ms; the VMM stopped it and restarted it at [\d.]+ ms; the other VMs kept running, undisturbed; without virtualization, every service went down\.$/,
    );
  }, 30_000);
});
