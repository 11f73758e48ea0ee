/** The engine's VMM-settings calls: describeSettings for the Controls tab, and a load with settings. */
import { describe, expect, it } from 'vitest';
import { createEngine, type EngineClock } from './engine.ts';

const clock: EngineClock = { now: () => 0, schedule: () => undefined };

describe('engine: VMM settings', () => {
  it('describeSettings predicts VMfailValid(7) for EPT on the 2006 Xeon LV, naming the capability MSR bits', () => {
    const e = createEngine(clock);
    const r = e.describeSettings({ ept: true }, 'xeon-lv');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { described, defaults, capabilities } = r.report;
    expect(described.entryWillFail).toBe(true);
    expect(described.violations.map((v) => `${v.word}.${v.bit}.${v.rule}`)).toContain('primary.31.allowed-1');
    expect(defaults.entryWillFail).toBe(false);
    expect(defaults.mmu).toBe('shadow');
    expect(capabilities.map((c) => c.word)).toEqual(['pin', 'primary', 'secondary', 'exit', 'entry']);
    expect(capabilities.find((c) => c.word === 'secondary')!.present).toBe(false);
    // The answer crosses the worker boundary: plain data only.
    expect(structuredClone(r.report)).toEqual(r.report);
  });

  it('describeSettings: HLT exiting off is allowed everywhere; bad input and unknown models are errors, not exceptions', () => {
    const e = createEngine(clock);
    const ok = e.describeSettings({ hltExiting: false }, 'nehalem');
    expect(ok.ok && ok.report.described.entryWillFail).toBe(false);
    const bad = e.describeSettings({ ioPassthroughPorts: [0x10000] } as never, 'nehalem');
    expect(bad.ok ? [] : bad.errors.map((x) => x.field)).toEqual(['settings.ioPassthroughPorts[0]']);
    const cpu = e.describeSettings({}, 'pentium');
    expect(cpu.ok ? '' : cpu.errors[0].message).toBe("unknown CPU model 'pentium'");
  });

  it('a load with settings keeps them in the status spec (for the link) and refuses bad ones with the field "settings"', () => {
    const e = createEngine(clock);
    const r = e.load({ scenario: 'hlt-idle', cpu: 'nehalem', seed: 1, insnEvents: false, settings: { hltExiting: false } });
    expect(r.ok && r.status.spec?.settings).toEqual({ hltExiting: false });
    const bad = e.load({ scenario: 'hlt-idle', seed: 1, insnEvents: false, settings: { exceptionBitmap: -1 } });
    expect(bad.ok ? [] : bad.errors.map((x) => x.field)).toEqual(['settings']);
  });
});
