/**
 * A lab program run as a guest under the built-in VMM ("; @mode guest"): one VM with one vCPU on one
 * physical CPU, the program loaded at its origin in guest-physical memory, starting at CPL 0 in VMX
 * non-root operation with the VMM's default controls (README "Guest mode"), or with the user's VMM settings
 * applied on top of them (settings.ts).
 */
import type { ProcessorModel } from '../x86/platform.ts';
import type { TraceSink } from '../trace/sink.ts';
import { VM_STATE_NAMES, VmState } from '../trace/events.ts';
import { exitReasonInfo } from '../vmx/spec/exit-reasons.ts';
import { VO, vr } from '../vmx/vmcs.ts';
import { GUEST_MEMORY_BYTES } from '../machine/layout.ts';
import type { EndReason } from '../machine/bare.ts';
import { guestCostsFor } from '../cost/model.ts';
import { GUEST_AREA_START } from './host.ts';
import { Hypervisor } from './hypervisor.ts';
import type { Vm } from './vm.ts';
import type { VmmSettings } from './settings.ts';

/** The registers shown in an `end` record, from whichever place holds them. */
export interface RegisterSource {
  regs: ArrayLike<number>;
  eip: number;
  eflags: number;
  segSel: ArrayLike<number>;
  cr0: number;
  cr3: number;
  cr4: number;
  cpl: number;
  cycles: number;
}

export type GuestEndReason = EndReason | 'poweroff' | 'vm-crash';

export class GuestLab {
  readonly hv: Hypervisor;
  vm!: Vm;

  /** The VMM settings the VM is created with (validated by the caller: settings.ts `validateVmmSettings`). */
  readonly settings: VmmSettings | undefined;

  /** `deferHostState`: see HypervisorOptions (false = eager VM exits, for the tests that compare both). */
  constructor(opts: { model: ProcessorModel; trace?: TraceSink; memoryBytes?: number; settings?: VmmSettings; deferHostState?: boolean }) {
    const guestBytes = opts.memoryBytes ?? GUEST_MEMORY_BYTES;
    this.settings = opts.settings;
    this.hv = new Hypervisor(opts.model, {
      hostMemoryBytes: GUEST_AREA_START + guestBytes,
      trace: opts.trace,
      costs: guestCostsFor(opts.model.id),
      ...(opts.deferHostState !== undefined ? { deferHostState: opts.deferHostState } : {}),
    });
    this.guestBytes = guestBytes;
  }
  private readonly guestBytes: number;

  loadProgram(bytes: Uint8Array, origin: number, entry: number): void {
    this.vm = this.hv.createVm({ name: 'guest', memoryBytes: this.guestBytes, vcpus: 1, ...(this.settings !== undefined ? { settings: this.settings } : {}) }, entry);
    this.vm.mem.load(origin, bytes);
    this.hv.cache.clear();
  }

  run(maxInstructions: number): { reason: GuestEndReason; instructions: number } {
    const start = this.hv.totalInstructions();
    const r = this.hv.run(maxInstructions);
    this.vm.flushUart();
    this.hv.flushHostUart();
    const instructions = this.hv.totalInstructions() - start;
    const vm = this.vm;
    if (r === 'limit' && vm.state === VmState.RUNNING) return { reason: 'limit', instructions };
    if (vm.state === VmState.CRASHED) {
      return { reason: vm.stopReason.startsWith('triple fault') ? 'triple-fault' : 'vm-crash', instructions };
    }
    if (vm.state === VmState.STOPPED) return { reason: 'poweroff', instructions };
    return { reason: 'halted', instructions };
  }

  /** The guest's registers as the guest sees them (live in the CPU while it is in non-root operation). */
  guestRegisters(): RegisterSource {
    const c = this.hv.cpus[0];
    const v = this.vm.vcpus[0];
    if (c.vmx.nonRoot) {
      return { regs: c.regs, eip: c.eip, eflags: c.getEflags(), segSel: c.segSel, cr0: shadowed(c.cr0, c.vmx.cr0Mask, c.vmx.cr0Shadow), cr3: v.cr3Virtualized ? v.guestCr3 : c.cr3, cr4: shadowed(c.cr4, c.vmx.cr4Mask, c.vmx.cr4Shadow), cpl: c.cpl, cycles: c.cycles };
    }
    const p = v.vmcs;
    const rd = (o: number): number => vr(c, p, o);
    const regs = Int32Array.from(v.gprs);
    regs[4] = rd(VO.GUEST_RSP);
    const segSel = [VO.GUEST_ES_SELECTOR, VO.GUEST_CS_SELECTOR, VO.GUEST_SS_SELECTOR, VO.GUEST_DS_SELECTOR, VO.GUEST_FS_SELECTOR, VO.GUEST_GS_SELECTOR].map(rd);
    return {
      regs,
      eip: rd(VO.GUEST_RIP),
      eflags: rd(VO.GUEST_RFLAGS),
      segSel,
      cr0: shadowed(rd(VO.GUEST_CR0), rd(VO.CR0_GUEST_HOST_MASK), rd(VO.CR0_READ_SHADOW)),
      cr3: v.cr3Virtualized ? v.guestCr3 : rd(VO.GUEST_CR3),
      cr4: shadowed(rd(VO.GUEST_CR4), rd(VO.CR4_GUEST_HOST_MASK), rd(VO.CR4_READ_SHADOW)),
      cpl: (rd(VO.GUEST_SS_AR_BYTES) >>> 5) & 3,
      cycles: c.cycles,
    };
  }

  /** Exit counts by reason and the root / non-root split (the `end` record's statistics). */
  statistics(): Record<string, unknown> {
    const vm = this.vm;
    const v = vm.vcpus[0];
    const byReason: Record<string, number> = {};
    vm.stats.count.forEach((n, reason) => {
      if (n > 0) byReason[`${reason} ${exitReasonInfo(reason)?.shortName ?? ''}`.trim()] = n;
    });
    const total = v.guestCycles + v.rootCycles;
    return {
      vmState: VM_STATE_NAMES[vm.state],
      vmMessage: vm.stopReason || null,
      exits: vm.stats.count.reduce((a, b) => a + b, 0),
      exitsByReason: byReason,
      guestCycles: v.guestCycles,
      vmmCycles: v.rootCycles,
      haltedCycles: v.haltedCycles,
      vmmOverheadPercent: total > 0 ? Math.round((1000 * v.rootCycles) / total) / 10 : 0,
      exitCode: vm.state === VmState.STOPPED ? vm.exitCode : null,
    };
  }
}

function shadowed(real: number, mask: number, shadow: number): number {
  return (real & ~mask) | (shadow & mask);
}
