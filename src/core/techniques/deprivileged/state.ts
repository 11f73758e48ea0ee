/**
 * The virtual processor state the trap-and-emulate VMM keeps for its guest: everything the guest believes
 * it controls but the real processor must not hold — control registers, the interrupt flag and IOPL, the
 * descriptor-table registers, the task and LDT registers, debug registers and MSRs. Plain data: a snapshot
 * is a copy.
 */
import { GDT_BASE, GDT_LIMIT, GDT_SELECTORS, TSS_BASE } from '../../machine/layout.ts';

/** A system-segment register as the guest loaded it (selector and its descriptor's base and limit). */
export interface VirtualSystemSegment {
  sel: number;
  base: number;
  limit: number;
}

export interface VirtualCpu {
  /** CR0, CR2, CR3, CR4 as the guest wrote them (SDM Vol. 3A §2.5). */
  cr0: number;
  cr2: number;
  cr3: number;
  cr4: number;
  /** EFLAGS.IF as the guest set it (CLI/STI, IRET and reflected interrupts change it; POPF cannot). */
  vif: boolean;
  /** EFLAGS.IOPL as the guest set it (the real IOPL stays 0 so that CLI/STI/IN/OUT fault). */
  iopl: number;
  gdtrBase: number;
  gdtrLimit: number;
  idtrBase: number;
  idtrLimit: number;
  ldtr: VirtualSystemSegment;
  tr: VirtualSystemSegment;
  /** DR0–DR7 (virtual only: the guest's breakpoints are not armed on the real processor). */
  dr: number[];
  /** MSRs the guest wrote, by index: [low, high]. Reads of others return the processor's value. */
  msrs: Record<string, [number, number]>;
}

/**
 * The guest-mode initial state (README "Guest mode"): protected mode, paging off as the guest sees it
 * (CR0 = 0x31: PE, ET, NE), interrupts disabled, the standard GDT and busy TSS in guest memory, IDTR limit 0.
 */
export function initialVirtualCpu(): VirtualCpu {
  return {
    cr0: 0x31,
    cr2: 0,
    cr3: 0,
    cr4: 0,
    vif: false,
    iopl: 0,
    gdtrBase: GDT_BASE,
    gdtrLimit: GDT_LIMIT,
    idtrBase: 0,
    idtrLimit: 0,
    ldtr: { sel: 0, base: 0, limit: 0 },
    tr: { sel: GDT_SELECTORS.TSS, base: TSS_BASE, limit: 0x67 },
    dr: [0, 0, 0, 0, 0xffff0ff0 | 0, 0x400, 0xffff0ff0 | 0, 0x400],
    msrs: {},
  };
}

export function copyVirtualCpu(v: VirtualCpu): VirtualCpu {
  const msrs: Record<string, [number, number]> = {};
  for (const [k, [lo, hi]] of Object.entries(v.msrs)) msrs[k] = [lo, hi];
  return { ...v, ldtr: { ...v.ldtr }, tr: { ...v.tr }, dr: [...v.dr], msrs };
}
