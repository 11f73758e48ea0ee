/**
 * Virtual machines and virtual CPUs, and the VMCS each vCPU starts with: the VMM's default controls
 * (README "Guest mode"), the guest's initial state and the host state every VM exit returns to.
 */
import { Cr0, Cr4 } from '../x86/arch.ts';
import type { Cpu } from '../x86/cpu.ts';
import type { ProcessorModel } from '../x86/platform.ts';
import { LegacyPc } from '../devices/legacy-pc.ts';
import { VmState } from '../trace/events.ts';
import { VmcsField as F } from '../vmx/spec/fields.ts';
import { EntryControls, ExitControls, PinBased, ProcBased, ProcBased2 } from '../vmx/spec/controls.ts';
import { vmclear, vmptrld, VMX_SUCCEED } from '../vmx/instructions.ts';
import {
  GDT_BASE,
  GDT_LIMIT,
  GDT_SELECTORS,
  PAGE_DIRECTORY,
  STACK_TOP,
  TSS_BASE,
  writeStandardTables,
} from '../machine/layout.ts';
import { Ept, GuestMemory } from './guest-memory.ts';
import type { ShadowMmu } from './shadow.ts';
import { HOST_STACK_TOP, VMM_EXIT_ENTRY, type PagePool } from './host.ts';
import { vmw, vmwIfSupported } from './vmcs-access.ts';

/** How the VMM virtualizes guest memory on this processor. */
export type MmuMode = 'ept' | 'shadow';

export interface VmConfig {
  name: string;
  memoryBytes: number;
  vcpus: number;
}

/** Counters per exit reason: count and cycles spent in root operation (exit + handler + entry). */
export interface ExitStats {
  count: number[];
  cycles: number[];
}

export class VCpu {
  /** Guest general-purpose registers while the vCPU is not on a processor (ESP lives in the VMCS). */
  readonly gprs = new Int32Array(8);
  launched = false;
  /** The vCPU executed HLT and waits for an interrupt. */
  halted = false;
  /** Physical CPU this vCPU runs on. */
  pcpu: number;
  /** Guest-visible CR3 while the VMM virtualizes CR3 (shadow paging, or EPT guests with paging off). */
  guestCr3 = 0;
  /** True while CR3 loads/stores exit and `guestCr3` is the guest's CR3. */
  cr3Virtualized = false;
  /** Shadow page directory (host-physical), when shadow paging is used. */
  shadowPd = 0;
  shadow: ShadowMmu | null = null;
  /** Unrestricted guest is enabled for this vCPU (real mode and paging-off guests run natively). */
  unrestricted = false;
  /** Event to inject at the next VM entry (VM-entry interruption-information format), 0 = none. */
  pendingEvent = 0;
  pendingErrorCode = 0;
  pendingLength = 0;
  /** HLT was executed with RFLAGS.IF = 0: only an NMI could wake the vCPU. */
  haltedIfClear = false;
  /** Whether this vCPU's VMCS activates the VMX-preemption timer (-1 = not looked up yet), and the last value written. */
  usesPreemptionTimer = -1;
  lastTimerValue = -1;
  /** The vCPU gave up its time slice (YIELD hypercall). */
  yielded = false;
  /** Virtual MSRs and registers the VMM keeps for the guest. */
  tscOffset = 0;
  patLo = 0x00070406;
  patHi = 0x00070406;
  mtrrDefType = 0;
  xcr0 = 1;
  readonly dr = new Int32Array(4);
  /** Cycle of the last VM entry, for the root/non-root split. */
  entryCycle = 0;
  guestCycles = 0;
  rootCycles = 0;
  instructions = 0;
  constructor(
    readonly vm: Vm,
    readonly id: number,
    /** Host-physical address of this vCPU's VMCS region. */
    readonly vmcs: number,
  ) {
    this.pcpu = 0;
  }
}

export class Vm {
  readonly vcpus: VCpu[] = [];
  /** Virtual PIC, PIT and UART, emulated by the VMM for this VM only. */
  readonly pc: LegacyPc;
  readonly ept: Ept | null;
  state: VmState = VmState.CREATED;
  /** Why the VM stopped or crashed (shown to the user). */
  stopReason = '';
  /** Console output (from the virtual UART and the paravirtual console). */
  console = '';
  readonly stats: ExitStats = { count: new Array(86).fill(0), cycles: new Array(86).fill(0) };
  ioBitmapA = 0;
  ioBitmapB = 0;
  msrBitmap = 0;
  /** The line the virtual UART is transmitting (reported to the console when it ends). */
  uartLine = '';
  /** Emits console text still buffered by the virtual UART. */
  flushUart: () => void = () => {};
  /** Exit code passed to the POWEROFF hypercall. */
  exitCode = 0;
  /** Guest-physical page holding the identity page directory used while guest paging is off (EPT without unrestricted guest). */
  identityPdGpa = -1;
  /** Host page backing it. */
  identityPdHpa = -1;

  constructor(
    readonly id: number,
    readonly config: VmConfig,
    readonly mem: GuestMemory,
    readonly mmu: MmuMode,
    pool: PagePool,
    clockHz: number,
    /** Restoring a snapshot: the EPT PML4 page already exists at this address. */
    eptPml4 = -1,
  ) {
    this.pc = new LegacyPc(clockHz);
    this.ept = mmu === 'ept' ? new Ept(mem.mem, pool, eptPml4) : null;
  }
}

// ------------------------------------------------------------------------------------ controls

/** Adjusts desired control bits to what the processor allows (allowed-0 forced on, allowed-1 masked), as KVM does. */
export function adjustControls(model: ProcessorModel, plainMsr: number, trueMsr: number, desired: number): number {
  const basic = model.capabilityMsr(0x480);
  let caps = model.capabilityMsr(plainMsr);
  if (basic !== undefined && (basic.hi & (1 << 23)) !== 0 && trueMsr !== 0) caps = model.capabilityMsr(trueMsr) ?? caps;
  if (caps === undefined) return 0;
  return ((desired | caps.lo) & caps.hi) | 0;
}

export function mmuModeFor(model: ProcessorModel): MmuMode {
  return model.features.ept ? 'ept' : 'shadow';
}

/**
 * The VMM's default controls (documented in README "Guest mode"):
 *  - pin-based: external-interrupt exiting and NMI exiting (the VMM owns the interrupt controllers), virtual NMIs,
 *    and the VMX-preemption timer where offered (time slices and virtual-timer deadlines; otherwise the host
 *    timer's external interrupt gives the VMM control back)
 *  - primary: HLT exiting, use I/O bitmaps (every port), use MSR bitmaps, activate secondary controls;
 *    under shadow paging also INVLPG exiting and CR3-load/-store exiting; TSC offsetting
 *  - secondary: enable EPT, enable VPID, unrestricted guest, enable RDTSCP, enable INVPCID (where offered)
 *  - exit: acknowledge interrupt on exit; entry: load debug controls (default1)
 */
export function defaultControls(model: ProcessorModel, mmu: MmuMode): { pin: number; proc: number; proc2: number; exit: number; entry: number } {
  const pin = adjustControls(
    model,
    0x481,
    0x48d,
    PinBased.EXTERNAL_INTERRUPT_EXITING | PinBased.NMI_EXITING | PinBased.VIRTUAL_NMIS | PinBased.ACTIVATE_VMX_PREEMPTION_TIMER,
  );
  let procWant = ProcBased.HLT_EXITING | ProcBased.USE_IO_BITMAPS | ProcBased.USE_MSR_BITMAPS | ProcBased.USE_TSC_OFFSETTING | ProcBased.ACTIVATE_SECONDARY_CONTROLS;
  if (mmu === 'shadow') procWant |= ProcBased.INVLPG_EXITING | ProcBased.CR3_LOAD_EXITING | ProcBased.CR3_STORE_EXITING;
  const proc = adjustControls(model, 0x482, 0x48e, procWant);
  let proc2 = 0;
  if ((proc & ProcBased.ACTIVATE_SECONDARY_CONTROLS) !== 0) {
    const want =
      (mmu === 'ept' ? ProcBased2.ENABLE_EPT | ProcBased2.UNRESTRICTED_GUEST : 0) |
      ProcBased2.ENABLE_VPID |
      ProcBased2.ENABLE_RDTSCP |
      ProcBased2.ENABLE_INVPCID;
    proc2 = adjustControls(model, 0x48b, 0, want);
  }
  const exit = adjustControls(model, 0x483, 0x48f, ExitControls.ACK_INTERRUPT_ON_EXIT);
  const entry = adjustControls(model, 0x484, 0x490, EntryControls.LOAD_DEBUG_CONTROLS);
  return { pin, proc, proc2, exit, entry };
}

// ------------------------------------------------------------------------------------ VMCS set-up

/**
 * VMCLEAR + VMPTRLD the vCPU's fresh VMCS on `c` and write every field the VMM uses: controls, host
 * state and the guest's initial state (protected mode, flat segments, the standard GDT/TSS in guest
 * memory, paging off as the guest sees it).
 */
export function initVmcs(c: Cpu, vm: Vm, vcpu: VCpu, entry: number): void {
  const model = c.model;
  c.mem.write32(vcpu.vmcs, model.vmcsRevisionId);
  if (vmclear(c, vcpu.vmcs, 0) !== VMX_SUCCEED || vmptrld(c, vcpu.vmcs, 0) !== VMX_SUCCEED) {
    throw new Error('VMM: VMCLEAR/VMPTRLD of a fresh VMCS failed');
  }
  const ctl = defaultControls(model, vm.mmu);
  vmw(c, F.PIN_BASED_VM_EXEC_CONTROL, ctl.pin);
  vmw(c, F.CPU_BASED_VM_EXEC_CONTROL, ctl.proc);
  vmwIfSupported(c, F.SECONDARY_VM_EXEC_CONTROL, ctl.proc2);
  vmw(c, F.VM_EXIT_CONTROLS, ctl.exit);
  vmw(c, F.VM_ENTRY_CONTROLS, ctl.entry);
  vmw(c, F.EXCEPTION_BITMAP, vm.mmu === 'shadow' ? 1 << 14 : 0);
  vmw(c, F.PAGE_FAULT_ERROR_CODE_MASK, 0);
  vmw(c, F.PAGE_FAULT_ERROR_CODE_MATCH, 0);
  vmw(c, F.CR3_TARGET_COUNT, 0);
  vmw(c, F.IO_BITMAP_A, vm.ioBitmapA);
  vmw(c, F.IO_BITMAP_B, vm.ioBitmapB);
  vmw(c, F.MSR_BITMAP, vm.msrBitmap);
  vmw(c, F.TSC_OFFSET, 0);
  vmw(c, F.TSC_OFFSET + 1, 0);
  vmw(c, F.VM_ENTRY_INTR_INFO_FIELD, 0);
  vmw(c, F.VMCS_LINK_POINTER, -1);
  vmw(c, F.VMCS_LINK_POINTER + 1, -1);
  if ((ctl.proc2 & ProcBased2.ENABLE_VPID) !== 0) vmw(c, F.VIRTUAL_PROCESSOR_ID, vm.id * 8 + vcpu.id + 1);
  if ((ctl.pin & PinBased.ACTIVATE_VMX_PREEMPTION_TIMER) !== 0) vmw(c, F.VMX_PREEMPTION_TIMER_VALUE, -1);
  if (vm.ept !== null) {
    vmw(c, F.EPT_POINTER, vm.ept.eptp());
    vmw(c, F.EPT_POINTER + 1, 0);
  }
  const unrestricted = (ctl.proc2 & ProcBased2.UNRESTRICTED_GUEST) !== 0;
  vcpu.unrestricted = unrestricted;
  // CR3 is virtualized under shadow paging, and for EPT guests without unrestricted guest while their
  // paging is off (the real CR3 then points at the identity map).
  vcpu.cr3Virtualized = vm.mmu === 'shadow' || !unrestricted;
  if (vm.mmu === 'ept' && !unrestricted) {
    vmw(c, F.CPU_BASED_VM_EXEC_CONTROL, ctl.proc | ProcBased.CR3_LOAD_EXITING | ProcBased.CR3_STORE_EXITING);
  }

  // ---- CR0/CR4 ownership. The VMM owns the bits VMX fixes (PE, PG, NE; CR4.VMXE) and, under shadow
  // paging, the bits that change how guest-linear addresses translate (WP; CR4.PSE, PAE, PGE).
  const cr0Fixed = unrestricted ? Cr0.NE : (Cr0.PE | Cr0.PG | Cr0.NE) | 0;
  const cr0Mask = (cr0Fixed | (vm.mmu === 'shadow' ? Cr0.WP | Cr0.PG | Cr0.PE : 0) | Cr0.CD | Cr0.NW) | 0;
  const cr4Mask = (Cr4.VMXE | Cr4.PSE | Cr4.PAE | Cr4.PGE) | 0;
  const guestCr0 = (Cr0.PE | Cr0.ET | Cr0.NE) | 0; // what the guest believes: protected mode, paging off
  vmw(c, F.CR0_GUEST_HOST_MASK, cr0Mask);
  vmw(c, F.CR0_READ_SHADOW, guestCr0);
  vmw(c, F.CR4_GUEST_HOST_MASK, cr4Mask);
  vmw(c, F.CR4_READ_SHADOW, 0);

  // ---- guest state
  let realCr0 = guestCr0 | (vm.mmu === 'shadow' ? Cr0.WP : 0);
  let realCr4 = Cr4.VMXE;
  let realCr3 = 0;
  if (!unrestricted) {
    // Without unrestricted guest, VMX requires CR0.PG = 1 in the guest: paging-off guests run on an
    // identity map the VMM provides (EPT: a 4-MiB-page directory in a reserved guest page; shadow: the
    // shadow page directory maps guest-physical to host-physical).
    realCr0 |= Cr0.PG;
    realCr4 |= Cr4.PSE;
    realCr3 = vm.mmu === 'ept' ? vm.identityPdGpa : vcpu.shadowPd;
  }
  vmw(c, F.GUEST_CR0, realCr0);
  vmw(c, F.GUEST_CR3, realCr3);
  vmw(c, F.GUEST_CR4, realCr4);
  vmw(c, F.GUEST_DR7, 0x400);
  // vCPU n starts with ESP = 0x90000 − n × 16 KiB and EAX = n (README "Guest mode"), so SMP guests can tell
  // their processors apart without an APIC.
  vmw(c, F.GUEST_RSP, STACK_TOP - vcpu.id * 0x4000);
  vmw(c, F.GUEST_RIP, entry);
  vmw(c, F.GUEST_RFLAGS, 2);
  const seg = (sel: number, base: number, limit: number, ar: number, k: number): void => {
    vmw(c, F.GUEST_ES_SELECTOR + 2 * k, sel);
    vmw(c, F.GUEST_ES_BASE + 2 * k, base);
    vmw(c, F.GUEST_ES_LIMIT + 2 * k, limit);
    vmw(c, F.GUEST_ES_AR_BYTES + 2 * k, ar);
  };
  for (const k of [0, 2, 3, 4, 5]) seg(GDT_SELECTORS.KERNEL_DATA, 0, -1, 0xc093, k);
  seg(GDT_SELECTORS.KERNEL_CODE, 0, -1, 0xc09b, 1);
  seg(0, 0, 0, 0x10000, 6); // LDTR unusable
  seg(GDT_SELECTORS.TSS, TSS_BASE, 0x67, 0x8b, 7);
  vmw(c, F.GUEST_GDTR_BASE, GDT_BASE);
  vmw(c, F.GUEST_GDTR_LIMIT, GDT_LIMIT);
  vmw(c, F.GUEST_IDTR_BASE, 0);
  vmw(c, F.GUEST_IDTR_LIMIT, 0);
  vmw(c, F.GUEST_INTERRUPTIBILITY_INFO, 0);
  vmw(c, F.GUEST_ACTIVITY_STATE, 0);
  vmw(c, F.GUEST_PENDING_DBG_EXCEPTIONS, 0);
  vmw(c, F.GUEST_SYSENTER_CS, 0);
  vmw(c, F.GUEST_SYSENTER_ESP, 0);
  vmw(c, F.GUEST_SYSENTER_EIP, 0);
  vmw(c, F.GUEST_IA32_DEBUGCTL, 0);
  vmw(c, F.GUEST_IA32_DEBUGCTL + 1, 0);

  // ---- host state: where every VM exit lands (SDM Vol. 3C §24.5)
  vmw(c, F.HOST_CR0, c.cr0);
  vmw(c, F.HOST_CR3, PAGE_DIRECTORY);
  vmw(c, F.HOST_CR4, c.cr4);
  vmw(c, F.HOST_CS_SELECTOR, GDT_SELECTORS.KERNEL_CODE);
  for (const f of [F.HOST_SS_SELECTOR, F.HOST_DS_SELECTOR, F.HOST_ES_SELECTOR, F.HOST_FS_SELECTOR, F.HOST_GS_SELECTOR]) vmw(c, f, GDT_SELECTORS.KERNEL_DATA);
  vmw(c, F.HOST_TR_SELECTOR, GDT_SELECTORS.TSS);
  vmw(c, F.HOST_FS_BASE, 0);
  vmw(c, F.HOST_GS_BASE, 0);
  vmw(c, F.HOST_TR_BASE, TSS_BASE);
  vmw(c, F.HOST_GDTR_BASE, GDT_BASE);
  vmw(c, F.HOST_IDTR_BASE, 0);
  vmw(c, F.HOST_IA32_SYSENTER_CS, 0);
  vmw(c, F.HOST_IA32_SYSENTER_ESP, 0);
  vmw(c, F.HOST_IA32_SYSENTER_EIP, 0);
  vmw(c, F.HOST_RSP, HOST_STACK_TOP - c.id * 0x4000);
  vmw(c, F.HOST_RIP, VMM_EXIT_ENTRY);
}

/** Writes the guest's standard GDT and TSS (the same as the bare machine's) into guest memory. */
export function writeGuestTables(vm: Vm): void {
  writeStandardTables((a, v) => vm.mem.write32(a, v));
  vm.mem.write32(GDT_BASE + 5 * 8 + 4, vm.mem.read32(GDT_BASE + 5 * 8 + 4) | 0x200);
}
