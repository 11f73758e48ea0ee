/**
 * A session with VMM settings (SessionSpec.settings): checked like the rest of the spec, applied by the guest
 * platform's VMM (HLT exiting off: no HLT exits; a control the CPU model forbids: VMLAUNCH fails with
 * VMfailValid(7), SDM Vol. 3C §26.2.1.1 / §30.4), ignored on the bare processor, deterministic on the timeline.
 */
import { describe, expect, it } from 'vitest';
import { Timeline } from '../timeline/timeline.ts';
import { NullSink } from '../trace/sink.ts';
import { VmcsField } from '../vmx/spec/fields.ts';
import { Session, resolveSpec, type SessionSpec } from './session.ts';

function runToEnd(spec: SessionSpec): Session {
  const r = Session.create(spec, new NullSink());
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const s = r.session;
  while (s.ended === null && s.instret < 50_000_000) s.run(5_000_000);
  return s;
}

const exitsOf = (s: Session, reason: number): number => s.inspect().vms[0]?.exitsByReason.find((e) => e.reason === reason)?.count ?? 0;

describe('session: VMM settings in the spec', () => {
  it('checks them like the rest of the spec (field "settings") and normalises them', () => {
    const bad = resolveSpec({ scenario: 'hlt-idle', seed: 1, insnEvents: false, settings: { hltExiting: 'no', ioPassthroughPorts: [70000] } as never });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors.map((e) => e.field)).toEqual(['settings', 'settings']);
    expect(bad.errors[0].message).toBe('VMM setting hltExiting: HLT exiting must be true or false');
    expect(bad.errors[1].message).toMatch(/ioPassthroughPorts\[0\]: I\/O port 70000 is not a port number/);
    const notObject = resolveSpec({ scenario: 'hlt-idle', seed: 1, insnEvents: false, settings: 5 as never });
    expect(notObject.ok ? '' : notObject.errors[0].message).toMatch(/must be an object/);
    const good = resolveSpec({ scenario: 'hlt-idle', seed: 1, insnEvents: false, settings: { ioPassthroughPorts: [0x81, 0x80, 0x80] } });
    expect(good.ok && good.settings).toEqual({ ioPassthroughPorts: [0x80, 0x81] });
  });

  it('HLT exiting off: the HLT exits disappear and the guest still idles to its end', () => {
    const base: SessionSpec = { scenario: 'hlt-idle', cpu: 'nehalem', seed: 1, insnEvents: false };
    const on = runToEnd(base);
    const off = runToEnd({ ...base, settings: { hltExiting: false } });
    expect(exitsOf(on, 12)).toBeGreaterThan(0);
    expect(exitsOf(off, 12)).toBe(0);
    expect(off.ended).toBe(on.ended);
  });

  it('a control the model forbids (EPT on the 2006 Xeon LV): VMLAUNCH fails with VMfailValid, error 7, and the VM stops saying why', () => {
    const s = runToEnd({ scenario: 'hlt-idle', cpu: 'xeon-lv', seed: 1, insnEvents: false, settings: { ept: true } });
    expect(s.ended).toBe('vm-crash');
    const vm = s.inspect().vms[0];
    expect(vm.state).toBe('crashed');
    expect(vm.message).toMatch(/^VM entry failed: VMLAUNCH → VMfailValid, error 7 \(VM entry with invalid control field\(s\)\)/);
    expect(vm.message).toMatch(/IA32_VMX_PROCBASED_CTLS allowed-1 bit 31 = 0/);
    expect(vm.exits).toBe(0);
    const vmcs = s.vmcs()!;
    expect(vmcs.fields.find((f) => f[0] === VmcsField.VM_INSTRUCTION_ERROR)?.[1]).toBe(7);
  });

  it('does not apply on the bare processor (no VMM): the run is the same with or without them', () => {
    const base: SessionSpec = { scenario: 'hlt-idle', cpu: 'xeon-lv', seed: 1, insnEvents: false, mode: 'bare' };
    const plain = runToEnd(base).inspect();
    const withSettings = runToEnd({ ...base, settings: { ept: true, hltExiting: false } }).inspect();
    expect(withSettings).toEqual(plain);
  });

  it('is deterministic on the timeline: going back and forth gives the same state', () => {
    const r = Timeline.create({ scenario: 'hlt-idle', cpu: 'nehalem', seed: 1, insnEvents: false, settings: { hltExiting: false, rdtscExiting: true } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const t = r.timeline;
    t.advance({ events: 400, budget: 5_000_000 });
    const at = t.position().seq;
    const there = t.inspect();
    t.seek(Math.floor(at / 3));
    t.seek(at);
    expect(t.inspect()).toEqual(there);
  });
});
