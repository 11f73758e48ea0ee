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
import type { ControlWords } from './controls-check.ts';
import type { VmmSettings } from './settings.ts';

/** How the VMM virtualizes guest memory on this processor. */
export type MmuMode = 'ept' | 'shadow';

export interface VmConfig {
  name: string;
  memoryBytes: number;
  vcpus: number;
  /** The user's VMM settings (settings.ts), applied after the VMM's defaults; absent = the defaults. */
  settings?: VmmSettings;
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
  /** Livelock guard (hypervisor.ts `LIVELOCK_EXITS`): consecutive VM exits for the same reason at the same RIP without progress. */
  sameExits = 0;
  lastExitReason = -1;
  lastExitRip = 0;
  lastExitIcount = -1;
  /** Cycle of the last VM entry, for the root/non-root split. */
  entryCycle = 0;
  /** Cycles in VMX non-root operation with the guest running (not halted). */
  guestCycles = 0;
  /** Cycles in VMX root operation: VM exit, handler and VM entry of each exit. */
  rootCycles = 0;
  /**
   * Cycles in VMX non-root operation in the HLT activity state (a guest that halts without HLT exiting): idle time,
   * neither the guest's work nor the VMM's. `haltedSinceEntry` is the part since the last VM entry.
   */
  haltedCycles = 0;
  haltedSinceEntry = 0;
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

  /** How the VMM virtualizes this VM's memory (the plan's "enable EPT"). */
  readonly mmu: MmuMode;

  constructor(
    readonly id: number,
    readonly config: VmConfig,
    readonly mem: GuestMemory,
    /** The VMCS contents the VMM chose from the model and the settings (a function of them: recomputed on restore). */
    readonly plan: VmcsPlan,
    pool: PagePool,
    clockHz: number,
    /** Restoring a snapshot: the EPT PML4 page already exists at this address. */
    eptPml4 = -1,
  ) {
    this.mmu = plan.mmu;
    this.pc = new LegacyPc(clockHz);
    this.ept = plan.mmu === 'ept' ? new Ept(mem.mem, pool, eptPml4) : null;
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

/** What the VMM writes to a VM's VMCSs: its defaults with the user's settings applied on top, as given. */
export interface VmcsPlan {
  /** Shadow paging or EPT: follows the final "enable EPT" control (with "activate secondary controls"). */
  mmu: MmuMode;
  /** The final controls enable unrestricted guest (with EPT). */
  unrestricted: boolean;
  /** The control words written at VMCS set-up (SECONDARY_VM_EXEC_CONTROL only where the model has the field). */
  controls: ControlWords;
  /** Primary-control bits a setting fixed to 1 / 0: the VMM keeps them whenever it rewrites the field itself. */
  procSet: number;
  procClear: number;
  exceptionBitmap: number;
  cr0Mask: number;
  cr0Shadow: number;
  cr4Mask: number;
  cr4Shadow: number;
  /** Ports whose I/O-bitmap bits are 0, and MSRs whose MSR-bitmap bits (read and write) are 0. */
  ioPassthrough: readonly number[];
  msrPassthrough: readonly number[];
}

/**
 * The VMM's VMCS plan for a VM (settings.ts documents every setting):
 *  1. the control words: the capability-adjusted defaults (`defaultControls`, for EPT or shadow paging as
 *     `settings.ept` asks, else as the model offers), then the named settings, then `rawControls` — never
 *     adjusted again, so a setting the model forbids reaches VM entry and fails there with error 7;
 *  2. what the VMM derives from the final controls: EPT or shadow paging, unrestricted guest, CR0/CR4 masks and
 *     read shadows, the exception bitmap (#PF under shadow paging); then the user's values for those fields.
 * A pure function of the model and the settings.
 */
export function planVmcs(model: ProcessorModel, settings: VmmSettings = {}): VmcsPlan {
  const wantEpt = settings.ept ?? model.features.ept;
  const d = defaultControls(model, wantEpt ? 'ept' : 'shadow');
  let { pin, proc, proc2 } = d;
  let { exit, entry } = d;
  // EPT without unrestricted guest: CR3 is virtualized while guest paging is off (the real CR3 is the identity map).
  if (wantEpt && (proc2 & ProcBased2.UNRESTRICTED_GUEST) === 0) proc |= ProcBased.CR3_LOAD_EXITING | ProcBased.CR3_STORE_EXITING;
  let procSet = 0;
  let procClear = 0;
  const named = (on: boolean | undefined, bit: number): void => {
    if (on === true) {
      procSet |= bit;
      procClear &= ~bit;
    } else if (on === false) {
      procClear |= bit;
      procSet &= ~bit;
    }
  };
  named(settings.hltExiting, ProcBased.HLT_EXITING);
  named(settings.rdtscExiting, ProcBased.RDTSC_EXITING);
  named(settings.invlpgExiting, ProcBased.INVLPG_EXITING);
  named(settings.cr3LoadExiting, ProcBased.CR3_LOAD_EXITING);
  named(settings.cr3StoreExiting, ProcBased.CR3_STORE_EXITING);
  if (settings.ept === true) {
    proc |= ProcBased.ACTIVATE_SECONDARY_CONTROLS;
    proc2 |= ProcBased2.ENABLE_EPT;
  } else if (settings.ept === false) proc2 &= ~(ProcBased2.ENABLE_EPT | ProcBased2.UNRESTRICTED_GUEST);
  if (settings.preemptionTimer === true) pin |= PinBased.ACTIVATE_VMX_PREEMPTION_TIMER;
  else if (settings.preemptionTimer === false) pin &= ~PinBased.ACTIVATE_VMX_PREEMPTION_TIMER;
  const raw = settings.rawControls;
  if (raw !== undefined) {
    const apply = (v: number, r: { set?: number; clear?: number } | undefined): number => ((v | (r?.set ?? 0)) & ~(r?.clear ?? 0)) | 0;
    pin = apply(pin, raw.pin);
    proc2 = apply(proc2, raw.secondary);
    exit = apply(exit, raw.exit);
    entry = apply(entry, raw.entry);
    const rp = raw.primary;
    if (rp !== undefined) {
      procSet = ((procSet | (rp.set ?? 0)) & ~(rp.clear ?? 0)) | 0;
      procClear = ((procClear & ~(rp.set ?? 0)) | (rp.clear ?? 0)) | 0;
    }
  }
  proc = ((proc | procSet) & ~procClear) | 0;
  // Interrupt-window and NMI-window exiting are the VMM's own injection mechanism, switched on and off as it needs
  // them (hypervisor.ts `prepareInjection`): a raw value for them is written at set-up and lasts until the VMM
  // next changes them; every other primary bit a setting fixed stays fixed.
  procSet &= ~VMM_MANAGED_PRIMARY;
  procClear &= ~VMM_MANAGED_PRIMARY;
  const secondaryActive = (proc & ProcBased.ACTIVATE_SECONDARY_CONTROLS) !== 0;
  const ept = secondaryActive && (proc2 & ProcBased2.ENABLE_EPT) !== 0;
  const unrestricted = ept && (proc2 & ProcBased2.UNRESTRICTED_GUEST) !== 0;
  const mmu: MmuMode = ept ? 'ept' : 'shadow';
  // CR0/CR4 ownership. The VMM owns the bits VMX fixes (PE, PG, NE; CR4.VMXE) and, under shadow paging, the
  // bits that change how guest-linear addresses translate (WP; CR4.PSE, PAE, PGE).
  const cr0Fixed = unrestricted ? Cr0.NE : (Cr0.PE | Cr0.PG | Cr0.NE) | 0;
  const cr0Mask = (cr0Fixed | (mmu === 'shadow' ? Cr0.WP | Cr0.PG | Cr0.PE : 0) | Cr0.CD | Cr0.NW) | 0;
  const cr4Mask = (Cr4.VMXE | Cr4.PSE | Cr4.PAE | Cr4.PGE) | 0;
  return {
    mmu,
    unrestricted,
    controls: { pin: pin | 0, primary: proc, secondary: proc2 | 0, exit: exit | 0, entry: entry | 0 },
    procSet,
    procClear,
    exceptionBitmap: (settings.exceptionBitmap ?? (mmu === 'shadow' ? 1 << 14 : 0)) | 0,
    cr0Mask: (settings.cr0GuestHostMask ?? cr0Mask) | 0,
    // What the guest believes at the start: protected mode, paging off.
    cr0Shadow: (settings.cr0ReadShadow ?? (Cr0.PE | Cr0.ET | Cr0.NE)) | 0,
    cr4Mask: (settings.cr4GuestHostMask ?? cr4Mask) | 0,
    cr4Shadow: (settings.cr4ReadShadow ?? 0) | 0,
    ioPassthrough: settings.ioPassthroughPorts ?? [],
    msrPassthrough: settings.msrPassthrough ?? [],
  };
}

/** Primary-control bits the VMM switches on and off while the guest runs (not kept fixed by settings). */
export const VMM_MANAGED_PRIMARY = (ProcBased.INTERRUPT_WINDOW_EXITING | ProcBased.NMI_WINDOW_EXITING) | 0;

/** Writes the primary processor-based controls, keeping the bits the user's settings fixed. */
export function writeProcControls(c: Cpu, vm: Vm, value: number): void {
  vmw(c, F.CPU_BASED_VM_EXEC_CONTROL, ((value | vm.plan.procSet) & ~vm.plan.procClear) | 0);
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
  const plan = vm.plan;
  const ctl = plan.controls;
  vmw(c, F.PIN_BASED_VM_EXEC_CONTROL, ctl.pin);
  vmw(c, F.CPU_BASED_VM_EXEC_CONTROL, ctl.primary);
  // On processors without secondary controls the field does not exist (VMWRITE would fail with error 12); a
  // setting that asks for them sets primary bit 31, which VM entry rejects (error 7).
  vmwIfSupported(c, F.SECONDARY_VM_EXEC_CONTROL, ctl.secondary);
  vmw(c, F.VM_EXIT_CONTROLS, ctl.exit);
  vmw(c, F.VM_ENTRY_CONTROLS, ctl.entry);
  vmw(c, F.EXCEPTION_BITMAP, plan.exceptionBitmap);
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
  const secondary = (ctl.primary & ProcBased.ACTIVATE_SECONDARY_CONTROLS) !== 0 ? ctl.secondary : 0;
  if ((secondary & ProcBased2.ENABLE_VPID) !== 0) vmwIfSupported(c, F.VIRTUAL_PROCESSOR_ID, vm.id * 8 + vcpu.id + 1);
  if ((ctl.pin & PinBased.ACTIVATE_VMX_PREEMPTION_TIMER) !== 0) vmwIfSupported(c, F.VMX_PREEMPTION_TIMER_VALUE, -1);
  if (vm.ept !== null) {
    vmwIfSupported(c, F.EPT_POINTER, vm.ept.eptp());
    vmwIfSupported(c, F.EPT_POINTER + 1, 0);
  }
  const unrestricted = plan.unrestricted;
  vcpu.unrestricted = unrestricted;
  // CR3 is virtualized under shadow paging, and for EPT guests without unrestricted guest while their
  // paging is off (the real CR3 then points at the identity map).
  vcpu.cr3Virtualized = vm.mmu === 'shadow' || !unrestricted;
  if (vm.mmu === 'ept' && !unrestricted) {
    // Here the VMM decides to virtualize CR3 while guest paging is off: CR3-load/-store exiting (planVmcs has
    // already combined them with the settings; this second VMWRITE keeps the VMM's long-standing timing).
    writeProcControls(c, vm, ctl.primary);
  }

  // ---- CR0/CR4 ownership (planVmcs): masks and the read shadows the guest sees for the bits the VMM owns.
  const guestCr0 = (Cr0.PE | Cr0.ET | Cr0.NE) | 0; // what the guest really starts with: protected mode, paging off
  vmw(c, F.CR0_GUEST_HOST_MASK, plan.cr0Mask);
  vmw(c, F.CR0_READ_SHADOW, plan.cr0Shadow);
  vmw(c, F.CR4_GUEST_HOST_MASK, plan.cr4Mask);
  vmw(c, F.CR4_READ_SHADOW, plan.cr4Shadow);

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
