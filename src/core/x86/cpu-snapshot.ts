/**
 * Snapshot and restore of a processor's architectural state as plain data (structured-clone-able), for
 * time travel, crash recovery and migration. Derived state (TLB, decode cache, segment checks, mode
 * flags) is not saved: it is recomputed on restore, so a restored processor behaves exactly like the
 * original from that point (tested by running both and comparing traces).
 */
import type { Cpu, TlbState } from './cpu.ts';
import type { VmxCpuState } from '../vmx/vmx-state.ts';

export interface CpuSnapshot {
  regs: number[];
  eip: number;
  eflags: number;
  segSel: number[];
  segBase: number[];
  segLimit: number[];
  segAr: number[];
  cpl: number;
  gdtr: [number, number];
  idtr: [number, number];
  cr: [number, number, number, number];
  dr: number[];
  efer: number;
  pdpte: number[];
  msrs: [number, number, number][];
  tscOffset: number;
  cycles: number;
  icount: number;
  activity: number;
  intShadow: number;
  nmiPending: boolean;
  nmiBlocked: boolean;
  xcr0: number;
  fpu: [number, number];
  monitorArmed: boolean;
  rngState: number;
  vmxAbortCode: number;
  /** Stopped (yielded) right after recognising events at this boundary (Cpu.eventsChecked). */
  eventsChecked: boolean;
  /** The TLB (absent in snapshots made without it: the restore then flushes). */
  tlb?: TlbState;
  vmx: VmxCpuState;
}

export function snapshotCpu(c: Cpu): CpuSnapshot {
  const msrs: [number, number, number][] = [];
  for (const [k, lo] of c.msrLo) msrs.push([k, lo, c.msrHi.get(k) ?? 0]);
  msrs.sort((a, b) => a[0] - b[0]);
  return {
    regs: Array.from(c.regs),
    eip: c.eip,
    eflags: c.getEflags(),
    segSel: Array.from(c.segSel),
    segBase: Array.from(c.segBase),
    segLimit: Array.from(c.segLimit),
    segAr: Array.from(c.segAr),
    cpl: c.cpl,
    gdtr: [c.gdtrBase, c.gdtrLimit],
    idtr: [c.idtrBase, c.idtrLimit],
    cr: [c.cr0, c.cr2, c.cr3, c.cr4],
    dr: Array.from(c.dr),
    efer: c.efer,
    pdpte: Array.from(c.pdpte),
    msrs,
    tscOffset: c.tscOffset,
    cycles: c.cycles,
    icount: c.icount,
    activity: c.activity,
    intShadow: c.intShadow,
    nmiPending: c.nmiPending,
    nmiBlocked: c.nmiBlocked,
    xcr0: c.xcr0,
    fpu: [c.fpuCw, c.fpuSw],
    monitorArmed: c.monitorArmed,
    rngState: c.rngState,
    eventsChecked: c.eventsChecked,
    tlb: c.saveTlb(),
    vmxAbortCode: c.vmxAbortCode,
    vmx: { ...c.vmx, cr3Targets: [...c.vmx.cr3Targets] },
  };
}

export function restoreCpu(c: Cpu, s: CpuSnapshot): void {
  c.regs.set(s.regs);
  c.eip = s.eip;
  c.cr0 = s.cr[0];
  c.cr2 = s.cr[1];
  c.cr3 = s.cr[2];
  c.cr4 = s.cr[3];
  c.efer = s.efer;
  c.fop = 0;
  c.eflags = s.eflags;
  for (let k = 0; k < 8; k++) c.setSegCache(k, s.segSel[k], s.segBase[k], s.segLimit[k], s.segAr[k]);
  c.setCpl(s.cpl);
  c.gdtrBase = s.gdtr[0];
  c.gdtrLimit = s.gdtr[1];
  c.idtrBase = s.idtr[0];
  c.idtrLimit = s.idtr[1];
  c.dr.set(s.dr);
  c.pdpte.set(s.pdpte);
  c.msrLo.clear();
  c.msrHi.clear();
  for (const [k, lo, hi] of s.msrs) {
    c.msrLo.set(k, lo);
    if (hi !== 0) c.msrHi.set(k, hi);
  }
  c.tscOffset = s.tscOffset;
  c.cycles = s.cycles;
  c.icount = s.icount;
  c.activity = s.activity;
  c.intShadow = s.intShadow;
  c.nmiPending = s.nmiPending;
  c.nmiBlocked = s.nmiBlocked;
  c.xcr0 = s.xcr0;
  c.fpuCw = s.fpu[0];
  c.fpuSw = s.fpu[1];
  c.monitorArmed = s.monitorArmed;
  c.rngState = s.rngState;
  c.eventsChecked = s.eventsChecked;
  c.yieldRequested = false;
  c.vmxAbortCode = s.vmxAbortCode;
  c.vmx = { ...s.vmx, cr3Targets: [...s.vmx.cr3Targets] };
  c.eventInFlight = 0;
  // Exception-loop bookkeeping (Cpu.abortedInsns) starts afresh: a restored machine must not inherit a streak.
  c.abortStreak = 0;
  c.abortStreakAt = -1;
  c.unhandledException = false;
  c.exitedToHost = false;
  c.pendingHostVmcs = -1; // a snapshot is taken with the host state loaded (Hypervisor.snapshot)
  c.sysGen++; // every register may have changed (cpu.ts `sysGen`)
  c.savedSysVmcs = -1;
  c.updateModes();
  for (let k = 0; k < 8; k++) c.recomputeSegChk(k);
  if (s.tlb !== undefined) c.loadTlb(s.tlb);
  else {
    c.tlbSwitchAsid(c.vmx.nonRoot ? c.vmx.vpid : 0);
    c.flushTlbAll();
  }
  c.invalidateDecodeCache();
}
