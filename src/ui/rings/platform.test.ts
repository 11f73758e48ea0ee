/**
 * The ring diagram's reading of VM exits (platform.ts transitionOf): an exit leaves from the ring the guest was in —
 * the trace's VMEXIT event carries it (events.ts exitGuestCpl) — and arrives in the VMM's ring 0 in VMX root operation.
 */
import { describe, expect, it } from 'vitest';
import { transitionOf } from './platform.ts';
import { EventKind, packExitP4 } from '../../core/trace/events.ts';
import type { LoggedEvent } from '../../state/event-log.ts';

/** A VMEXIT as exit.ts emits it: p1 reason, p2/p3 qualification, p4 length | CPL << 8, p5 guest EIP, p6 VMCS, p7 interruption info. */
const exit = (reason: number, len: number, cpl: number): LoggedEvent =>
  ({ seq: 7, kind: EventKind.VMEXIT, cycle: 100, instret: 0, text: undefined, p: Float64Array.from([0, reason, 0, 0, packExitP4(len, cpl), 0x401000, 0x105000, 0, 0, 0]) }) as LoggedEvent;

describe('VM exits on the ring diagram', () => {
  it('an external interrupt while the guest application runs leaves non-root ring 3', () => {
    const tr = transitionOf(exit(1, 0, 3), 'vtx', undefined, undefined)!;
    expect(tr.from).toEqual({ col: 'nonroot', ring: 3 });
    expect(tr.to).toEqual({ col: 'root', ring: 0 });
  });
  it('an I/O exit from the guest kernel leaves non-root ring 0, and reports its instruction length', () => {
    const tr = transitionOf(exit(30, 1, 0), 'vtx', undefined, undefined)!;
    expect(tr.from).toEqual({ col: 'nonroot', ring: 0 });
    expect(tr.detail).toContain('instruction length 1');
    // From ring 3 (a virtual-8086 guest's OUT) the packed CPL never leaks into the length (1 | 3 << 8 = 769).
    const v86 = transitionOf(exit(30, 1, 3), 'vtx', undefined, undefined)!;
    expect(v86.from).toEqual({ col: 'nonroot', ring: 3 });
    expect(v86.detail).toContain('instruction length 1');
    expect(v86.detail).not.toContain('769');
  });
  it('a VM-entry failure is drawn from ring 0 (the guest never ran)', () => {
    const tr = transitionOf(exit((0x80000000 | 33) >>> 0, 0, 0), 'vtx', undefined, undefined)!;
    expect(tr.kind).toBe('vmfail');
    expect(tr.from.ring).toBe(0);
  });
});

describe('HLT on the diagram', () => {
  const halt = (mode: number, vcpu: number): LoggedEvent =>
    ({ seq: 9, kind: EventKind.HALT, cycle: 100, instret: 0, text: undefined, p: Float64Array.from([0, 0x103a7, mode, vcpu, 0, 0, 0, 0, 0, 0]) }) as LoggedEvent;
  it('the VMM putting a vCPU to sleep after an HLT exit stays in VMX root, and says it is the vCPU that sleeps', () => {
    const tr = transitionOf(halt(1, 1), 'vtx', undefined, undefined)!;
    expect(tr.to).toEqual({ col: 'root', ring: 0 });
    expect(tr.title).toMatch(/^The vCPU sleeps/);
  });
  it('a guest halting by itself (HLT exiting off) sleeps in VMX non-root', () => {
    const tr = transitionOf(halt(2, 0), 'vtx', undefined, undefined)!;
    expect(tr.to).toEqual({ col: 'nonroot', ring: 0 });
    expect(tr.title).toMatch(/^HLT: halted/);
  });
});

describe('VM exits in plain words (Sales)', () => {
  it('an I/O exit: the name, and what it means, without addresses or field values', () => {
    const ev = exit(30, 1, 0);
    ev.p[2] = 0x03fd0008; // IN from port 0x3FD
    const tr = transitionOf(ev, 'vtx', undefined, undefined)!;
    expect(tr.detail).toContain('qualification 0x03FD0008'); // Classroom and Engineer keep the field
    expect(tr.plain!.title).toBe('VM exit: I/O instruction');
    expect(tr.plain!.detail).toMatch(/device/);
    expect(`${tr.plain!.title} ${tr.plain!.detail}`).not.toMatch(/0x|reason \d|qualification/);
  });
  it('every exit reason has a plain sentence (the common ones their own)', () => {
    const seen = new Set<string>();
    for (const reason of [0, 1, 2, 7, 10, 12, 18, 28, 30, 31, 32, 48, 52, 55]) {
      const tr = transitionOf(exit(reason, 0, 0), 'vtx', undefined, undefined)!;
      expect(tr.plain!.detail.length, `reason ${reason}`).toBeGreaterThan(20);
      expect(tr.plain!.detail).not.toMatch(/0x/);
      seen.add(tr.plain!.detail);
    }
    expect(seen.size).toBe(14); // 13 reasons of their own and one general sentence (XSETBV, 55)
  });
  it('a VM-entry failure stays technical: the error is the point', () => {
    expect(transitionOf(exit((0x80000000 | 33) >>> 0, 0, 0), 'vtx', undefined, undefined)!.plain).toBeUndefined();
  });
});
