import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Timeline } from './timeline.ts';
import { translationAt } from './translation-at.ts';
import type { SessionSpec } from '../session/session.ts';
import { EventKind, exitInsnLength } from '../trace/events.ts';
import { twoDimensionalReferences } from '../vmx/ept-walk.ts';

function make(spec: SessionSpec): Timeline {
  const r = Timeline.create(spec);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.timeline;
}
const EPT_LESSON: SessionSpec = { scenario: 'ept-violation', cpu: 'nehalem', seed: 1, insnEvents: false };
const KERNEL: SessionSpec = { scenario: 'kernel', cpu: 'nehalem', seed: 1, insnEvents: false, params: { TICKS_TO_RUN: 3 } };

/** Advances to just after the `n`-th VM exit (1-based) and returns its reason. */
function toExit(t: Timeline, n: number): number {
  for (let k = 0; k < n; k++) expect(t.advance({ untilKinds: [EventKind.VMEXIT], budget: 50_000_000 })).toBe('kind');
  return t.ring.param(t.position().seq - 1, 1);
}

describe('the EPT walk at a position (the EPT-violation lesson)', () => {
  it('walks the first EPT violation against the EPT as it was at the exit, then as the VMM left it', () => {
    const t = make(EPT_LESSON);
    expect(toExit(t, 1)).toBe(48);
    const digest = t.stateDigest();
    const v = translationAt(t, { of: 'exit' });
    expect(t.stateDigest()).toBe(digest); // looking back leaves the machine where it was
    expect(v.kind).toBe('walk');
    if (v.kind !== 'walk') return;
    // The first instruction fetch at 0x10000 (guest paging off: linear = guest-physical).
    expect(v.exit).toMatchObject({ reason: 48, gpa: 0x10000, gla: 0x10000, access: 'fetch', finalTranslation: true, qualification: 0x184 });
    expect(v.exit?.decoded?.summary).toMatch(/instruction fetch/);
    expect(v.asOf).toBe('exit');
    // nehalem has no unrestricted guest: the guest sees paging off but runs on the VMM's identity map (one
    // 4-MByte PDE), so the walk is the PDE (4 EPT + 1) and then EPT for 0x10000.
    expect(v.vmmIdentityMap).toBe(true);
    expect(v.walk.paging).toBe('32-bit');
    expect(v.walk.guestSteps.map((s) => [s.name, s.large, s.ept.outcome.kind])).toEqual([['PDE', true, 'ok']]);
    expect(v.walk.outcome).toMatchObject({ kind: 'ept-violation', at: 'final', gpa: 0x10000, permissions: 0 });
    expect(v.walk.references).toBe(4 + 1 + v.walk.final!.references);
    expect(v.matchesExit).toBe(true);
    const failing = v.walk.final!.steps.at(-1)!;
    expect(failing.stop?.kind).toBe('not-present');
    // The timeline rests right after the exit: the VMM's handler has not run yet.
    expect(v.afterHandler).toBeNull();
    // One step later it has: the walk is still the one at the exit, and after the handler the address translates.
    expect(t.advance({ events: 1 })).toBe('events');
    expect(t.ring.kindAt(t.position().seq - 1)).toBe(EventKind.VMM_HANDLER);
    const h = translationAt(t, { of: 'exit' });
    if (h.kind !== 'walk') throw new Error(h.message);
    expect(h.asOf).toBe('exit');
    expect(h.walk.outcome).toMatchObject({ kind: 'ept-violation', gpa: 0x10000 });
    expect(h.matchesExit).toBe(true);
    expect(h.afterHandler?.outcome.kind).toBe('ok');
  });

  it('stops after a VM exit before the VMM handles it: GUEST_RIP is the exiting instruction, the handler is the next step', () => {
    const t = make(KERNEL);
    // The first I/O-instruction exit (reason 30): the handler emulates the port access and advances GUEST_RIP.
    let reason = 0;
    for (let n = 0; n < 40 && reason !== 30; n++) reason = toExit(t, 1) & 0xffff;
    expect(reason).toBe(30);
    const at = t.position().seq;
    const exitEip = t.ring.param(at - 1, 5) >>> 0; // the VMEXIT event's guest EIP
    const len = exitInsnLength(t.ring.param(at - 1, 4)); // and its VM-exit instruction length (p4 also holds the CPL)
    expect(len).toBeGreaterThan(0);
    const field = (enc: number): number => t.session.vmcs()!.fields.find((f) => f[0] === enc)![1];
    const GUEST_RIP = 0x681e;
    const EXIT_REASON = 0x4402;
    expect(field(EXIT_REASON) & 0xffff).toBe(30);
    expect(field(GUEST_RIP)).toBe(exitEip);
    // The next event is the VMM's handler; it has moved GUEST_RIP past the instruction.
    expect(t.advance({ events: 1 })).toBe('events');
    expect(t.ring.kindAt(t.position().seq - 1)).toBe(EventKind.VMM_HANDLER);
    expect(t.ring.param(t.position().seq - 1, 2)).toBe(30);
    expect(field(GUEST_RIP)).toBe((exitEip + len) >>> 0);
    // Seeking back to the exit shows the VMCS as the exit left it again (the pending handler is part of the state).
    t.seek(0);
    t.seek(at);
    expect(field(GUEST_RIP)).toBe(exitEip);
    expect(t.advance({ events: 1 })).toBe('events');
    expect(field(GUEST_RIP)).toBe((exitEip + len) >>> 0);
  });

  it('a later first touch (a write) stops at the EPT PTE: the upper tables exist by then', () => {
    const t = make(EPT_LESSON);
    expect(toExit(t, 3)).toBe(48);
    const v = translationAt(t, { of: 'exit' });
    if (v.kind !== 'walk') throw new Error(v.message);
    expect(v.exit?.access).toBe('write');
    expect(v.exit?.gpa).toBe(0x200000 + 0x11000);
    expect(v.walk.outcome).toMatchObject({ kind: 'ept-violation', gpa: 0x211000 });
    expect(v.walk.final!.steps.at(-1)!.name).toBe('PTE');
    expect(v.matchesExit).toBe(true);
  });

  it('walks the guest\'s EIP and typed addresses; rejects a bad one', () => {
    const t = make(EPT_LESSON);
    toExit(t, 2);
    const pc = translationAt(t, { of: 'pc' });
    expect(pc.kind === 'walk' && pc.walk.access).toBe('fetch');
    expect(pc.kind === 'walk' && pc.walk.outcome.kind).toBe('ok');
    const gpa = translationAt(t, { of: 'address', space: 'guest-physical', address: 0x10004, access: 'read' });
    expect(gpa.kind === 'walk' && gpa.walk.outcome.kind).toBe('ok');
    const bad = translationAt(t, { of: 'address', space: 'linear', address: 2 ** 32, access: 'read' });
    expect(bad).toMatchObject({ kind: 'unavailable', reason: 'bad-request' });
  });

  it('says why there is nothing to walk: no exit yet, not an EPT exit, no EPT, native', () => {
    const t = make(EPT_LESSON);
    expect(translationAt(t, { of: 'exit' })).toMatchObject({ kind: 'unavailable' });
    const k = make(KERNEL);
    const reasons: number[] = [];
    for (let n = 0; n < 40; n++) reasons.push(toExit(k, 1) & 0xffff);
    const last = reasons.at(-1)!;
    const v = translationAt(k, { of: 'exit' });
    if (last !== 48) expect(v).toMatchObject({ kind: 'unavailable', reason: 'no-exit' });
    const shadow = make({ ...EPT_LESSON, cpu: 'xeon-5100' });
    toExit(shadow, 1);
    expect(translationAt(shadow, { of: 'pc' })).toMatchObject({ kind: 'unavailable', reason: 'no-ept', message: expect.stringMatching(/shadow paging/) });
    const bare = make({ ...EPT_LESSON, mode: 'bare' });
    bare.advance({ events: 3 });
    expect(translationAt(bare, { of: 'pc' })).toMatchObject({ kind: 'unavailable', reason: 'native' });
  });
});

describe('the last exit is walked as of its own moment, however far the guest has run since', () => {
  it('cr3-write and pagefault-heavy (the guest rewrites its page tables after the exits): every walk stops where its exit says', () => {
    for (const scenario of ['cr3-write', 'pagefault-heavy']) {
      const t = make({ scenario, cpu: 'nehalem', seed: 1, insnEvents: false });
      let walks = 0;
      for (let n = 0; n < 60; n++) {
        if (t.advance({ events: 7, budget: 5_000_000 }) === 'end') break;
        const pos = t.position().seq;
        const v = translationAt(t, { of: 'exit' });
        expect(t.position().seq).toBe(pos);
        if (v.kind !== 'walk') continue;
        walks++;
        expect(v.asOf, scenario).toBe('exit');
        expect(v.matchesExit, `${scenario} at ${pos}`).toBe(true);
      }
      expect(walks, scenario).toBeGreaterThan(3);
    }
  });
});

describe('the EPT walk of a guest with paging on (the kernel)', () => {
  it('walks the guest\'s EIP two-dimensionally and counts the references from the steps', () => {
    const t = make(KERNEL);
    let v = translationAt(t, { of: 'pc' });
    // Run until the guest has turned its paging on.
    for (let n = 0; n < 400 && !(v.kind === 'walk' && v.walk.paging === '32-bit' && !v.vmmIdentityMap); n++) {
      t.advance({ untilKinds: [EventKind.VMEXIT], budget: 50_000_000 });
      v = translationAt(t, { of: 'pc' });
    }
    if (v.kind !== 'walk') throw new Error(v.message);
    expect(v.walk.paging).toBe('32-bit');
    expect(v.walk.outcome.kind).toBe('ok');
    const guestLevels = v.walk.guestSteps.length;
    expect(guestLevels === 1 || guestLevels === 2).toBe(true);
    expect(v.walk.references).toBe(twoDimensionalReferences(guestLevels, 4));
    for (const s of v.walk.guestSteps) expect(s.ept.outcome.kind).toBe('ok');
  });

  it('property: every guest-physical page the VMM mapped translates to guest RAM\'s host-physical base + the address', () => {
    const t = make(EPT_LESSON);
    toExit(t, 40); // past the first touches: several pages mapped
    const oks: number[] = [];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: (8 << 20) - 1 }), (gpa) => {
        const v = translationAt(t, { of: 'address', space: 'guest-physical', address: gpa, access: 'read' });
        if (v.kind !== 'walk') throw new Error(v.message);
        const o = v.walk.outcome;
        if (o.kind === 'ok') oks.push(o.hpa - gpa);
        else expect(o.kind).toBe('ept-violation'); // not mapped yet: never a misconfiguration
      }),
      { numRuns: 300 },
    );
    const code = translationAt(t, { of: 'address', space: 'guest-physical', address: 0x10000, access: 'fetch' });
    if (code.kind !== 'walk' || code.walk.outcome.kind !== 'ok') throw new Error('the code page is mapped');
    const base = code.walk.outcome.hpa - 0x10000;
    expect(new Set([...oks, base]).size).toBe(1);
  });
});
