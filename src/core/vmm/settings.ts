/**
 * VMM settings a student can change: which guest operations the built-in VMM intercepts, and the raw control
 * bits for experts. Plain data, so a setting can live in a URL, cross the worker boundary and be replayed.
 *
 * The settings are applied AFTER the VMM computed its own capability-adjusted defaults (vm.ts `planVmcs`)
 * and are never adjusted again: what the user asked is what the VMM writes to the VMCS. A setting the CPU
 * model's capability MSRs forbid therefore makes VMLAUNCH fail with VMfailValid(7), as on hardware, and the
 * VMM stops the VM with a message naming the control and the MSR bit (hypervisor.ts). `describeVmmSettings`
 * predicts that before the run, with the checks the VM entry itself applies (controls-check.ts).
 *
 * How each setting maps to the VMCS (SDM Vol. 3C §24.6):
 *
 * | setting | VMCS | absent (the VMM's default) |
 * |---|---|---|
 * | hltExiting | CPU_BASED_VM_EXEC_CONTROL bit 7 | 1 |
 * | rdtscExiting | CPU_BASED_VM_EXEC_CONTROL bit 12 | 0 |
 * | invlpgExiting | CPU_BASED_VM_EXEC_CONTROL bit 9 | 1 under shadow paging, else 0 (1 where allowed-0 forces it) |
 * | cr3LoadExiting / cr3StoreExiting | CPU_BASED_VM_EXEC_CONTROL bits 15 / 16 | 1 under shadow paging and for EPT without unrestricted guest (while guest paging is off), else 0 |
 * | cr0GuestHostMask / cr0ReadShadow | CR0_GUEST_HOST_MASK / CR0_READ_SHADOW (the initial shadow: the VMM rewrites it when it emulates MOV to CR0) | PE, PG, NE (WP under shadow paging), CD, NW / 0x31 |
 * | cr4GuestHostMask / cr4ReadShadow | CR4_GUEST_HOST_MASK / CR4_READ_SHADOW (initial) | VMXE, PSE, PAE, PGE / 0 |
 * | ioPassthroughPorts | bits cleared in I/O bitmaps A (ports 0–7FFFH) and B (8000H–FFFFH) | none: every port exits |
 * | msrPassthrough | read and write bits cleared in the MSR bitmap | none: every RDMSR/WRMSR exits |
 * | exceptionBitmap | EXCEPTION_BITMAP (the whole 32-bit value) | bit 14 (#PF) under shadow paging, else 0 |
 * | ept | SECONDARY_VM_EXEC_CONTROL bit 1 (and primary bit 31); false: shadow paging | the model's EPT |
 * | preemptionTimer | PIN_BASED_VM_EXEC_CONTROL bit 6 | 1 where offered |
 * | rawControls.W.set / .clear | OR / AND-NOT into control word W after everything above | — |
 *
 * Primary-control bits set by a setting (a named one or rawControls.primary) stay as given when the VMM later
 * rewrites that field itself (CR3 exiting for EPT guests with paging off) — except interrupt-window and NMI-window
 * exiting, the VMM's own injection mechanism: a raw value for them holds until the VMM next switches them.
 */
import type { ProcessorModel } from '../x86/platform.ts';
import { Cr0, Cr4 } from '../x86/arch.ts';
import { toProcessorModel, type CpuModel } from '../cpu-models/index.ts';
import { PinBased } from '../vmx/spec/controls.ts';
import { CONTROL_WORDS, diagnoseControls, type ControlViolation, type ControlWord, type ControlWords } from './controls-check.ts';
import { planVmcs, type MmuMode } from './vm.ts';
import { hexU32 as hex, VMM_SETTINGS_INFO, type RawControlBits, type VmmSettings } from './settings-data.ts';

// The data half (types, validation, KEY=VALUE form) lives in settings-data.ts; everything is exported from here too.
export * from './settings-data.ts';

// ------------------------------------------------------------------------------------ describe

/** One setting explained for a CPU model. */
export interface VmmSettingDescription {
  /** 'hltExiting', …, or 'rawControls.primary' for a raw word. */
  key: string;
  label: string;
  /** The value the VMM will use: the user's, or its default on this model. */
  value: boolean | number | number[] | RawControlBits;
  /** The user did not set it: this is the VMM's default. */
  isDefault: boolean;
  /** VMCS field(s) it writes. */
  vmcs: string;
  /** What it does, on this model. */
  explanation: string;
  /** The model's capability MSRs allow it: VM entry will not fail because of this setting. */
  allowed: boolean;
  /** Why the VM entry will fail, when not allowed, e.g. "xeon-lv requires CR3-load exiting (IA32_VMX_PROCBASED_CTLS
   * allowed-0 bit 15 = 1): the VM entry will fail with error 7". */
  problem?: string;
  /** Legal, but with a visible consequence worth knowing before the run. */
  warnings: string[];
}

export interface VmmSettingsDescription {
  model: string;
  /** How the VMM will virtualize memory. */
  mmu: MmuMode;
  unrestrictedGuest: boolean;
  /** The control words the VMM will write. */
  controls: ControlWords;
  /** VMLAUNCH will fail with VMfailValid(7). */
  entryWillFail: boolean;
  /** Every control-word rule broken (controls-check.ts), in VM-entry check order. */
  violations: ControlViolation[];
  /** One entry per setting (all of them, defaults included), then one per raw control word given. */
  settings: VmmSettingDescription[];
}

function asProcessorModel(model: ProcessorModel | CpuModel): ProcessorModel {
  return 'msrs' in model ? toProcessorModel(model) : model;
}

/** Known device ports a passthrough exposes (the host's own devices; README "Memory layout" lists them). */
function portWarnings(ports: readonly number[]): string[] {
  const has = (a: number, b: number): boolean => ports.some((p) => p >= a && p <= b);
  const w: string[] = [];
  if (has(0x3f8, 0x3ff)) w.push('ports 0x3F8–0x3FF are the host\'s COM1: the guest\'s text goes to the host console (source −1), not the VM\'s, and the VM\'s UART never sees it');
  if (has(0x20, 0x21) || has(0xa0, 0xa1)) w.push('ports 0x20/0x21/0xA0/0xA1 are the host\'s interrupt controllers: the guest can mask or acknowledge the host timer interrupt the VMM relies on, and its own virtual PIC is never programmed');
  if (has(0x40, 0x43)) w.push('ports 0x40–0x43 are the host\'s timer: the guest reprograms the timer the VMM uses to regain control, and its own virtual timer never starts');
  if (ports.length > 0) w.push('passed-through ports reach the devices the processor sees in VMX non-root operation — the host\'s, not the VM\'s emulated ones: this is why a VMM must intercept device I/O');
  return w;
}

function msrWarnings(msrs: readonly number[]): string[] {
  const has = (a: number, b = a): boolean => msrs.some((m) => m >= a && m <= b);
  const w: string[] = [];
  if (has(0x10)) w.push('IA32_TIME_STAMP_COUNTER (0x10): the guest\'s WRMSR sets the real processor\'s TSC, for the host too');
  if (has(0x3a)) w.push('IA32_FEATURE_CONTROL (0x3A): the guest reads the real value (VMX enabled), which the VMM otherwise hides');
  if (has(0x480, 0x491)) w.push('IA32_VMX_* (0x480–0x491): the guest reads the real VMX capability MSRs although CPUID hides VMX');
  if (msrs.length > 0) w.push('RDMSR/WRMSR of these MSRs reach the processor\'s real MSRs without the VMM seeing them; MSRs the processor does not implement give the guest #GP directly');
  return w;
}

const BIT_NAMES_CR0: [number, string][] = [[Cr0.PE, 'PE'], [Cr0.WP, 'WP'], [Cr0.NE, 'NE'], [Cr0.PG, 'PG'], [Cr0.CD, 'CD'], [Cr0.NW, 'NW']];

/**
 * Explains each setting on `model`, says whether its capability MSRs allow it, and predicts whether VMLAUNCH
 * will fail with error 7 — before anything runs. Uses the same plan the VMM writes (vm.ts `planVmcs`) and the
 * same rules as the VM-entry checks (controls-check.ts).
 */
export function describeVmmSettings(settings: VmmSettings, model: ProcessorModel | CpuModel): VmmSettingsDescription {
  const m = asProcessorModel(model);
  const plan = planVmcs(m, settings);
  const violations = diagnoseControls(m, plan.controls);
  const c = plan.controls;
  const shadow = plan.mmu === 'shadow';
  const timer = (c.pin & PinBased.ACTIVATE_VMX_PREEMPTION_TIMER) !== 0;
  const bit = (word: ControlWord, b: number): boolean => ((c[word] >>> b) & 1) !== 0;

  const problemFor = (touches: (w: ControlWord, b: number) => boolean): string[] =>
    violations
      .filter((v) => v.involves.some((i) => touches(i.word, i.bit)))
      .map((v) => {
        if (v.rule === 'allowed-0') return `${m.id} requires ${v.name} (${v.detail}): the VM entry will fail with error 7`;
        if (v.rule === 'allowed-1') return `${m.id} does not offer ${v.name} (${v.detail}): the VM entry will fail with error 7`;
        return `${v.message}: the VM entry will fail with error 7`;
      });

  const out: VmmSettingDescription[] = [];
  for (const info of VMM_SETTINGS_INFO) {
    const given = settings[info.key];
    let value: boolean | number | number[];
    const warnings: string[] = [];
    let explanation = '';
    let touches: (w: ControlWord, b: number) => boolean = () => false;
    switch (info.key) {
      case 'hltExiting':
        value = bit('primary', 7);
        touches = (w, b) => w === 'primary' && b === 7;
        explanation = value
          ? 'HLT exits (reason 12): the VMM marks the vCPU halted and runs something else until its next virtual interrupt.'
          : `HLT does not exit: the vCPU enters the HLT activity state in VMX non-root operation, and the VMM regains control only when something else exits — ${timer ? 'the VMX-preemption timer (reason 52)' : 'the host timer\'s external interrupt (reason 1)'} — then injects the guest\'s interrupt at VM entry, which wakes it (SDM Vol. 3C §26.6).`;
        if (!value && !timer && (c.pin & PinBased.EXTERNAL_INTERRUPT_EXITING) === 0) warnings.push('with neither the preemption timer nor external-interrupt exiting, a halted guest keeps the processor and nothing makes it exit');
        break;
      case 'rdtscExiting':
        value = bit('primary', 12);
        touches = (w, b) => w === 'primary' && b === 12;
        explanation = value
          ? 'RDTSC exits (reason 16; RDTSCP reason 51): the VMM returns the TSC plus the guest\'s TSC offset.'
          : 'RDTSC runs natively: the guest reads the TSC plus the TSC offset without a VM exit.';
        break;
      case 'invlpgExiting':
        value = bit('primary', 9);
        touches = (w, b) => w === 'primary' && b === 9;
        explanation = value ? 'INVLPG exits (reason 14): the VMM drops the shadow entry of the page.' : 'INVLPG runs natively: it flushes the processor\'s TLB entry only.';
        if (!value && shadow) warnings.push('under shadow paging the VMM no longer hears about INVLPG: after the guest changes a page-table entry and invalidates it, the shadow keeps the old translation (a stale mapping the guest can see)');
        break;
      case 'cr3LoadExiting':
        value = bit('primary', 15);
        touches = (w, b) => w === 'primary' && b === 15;
        explanation = value ? 'MOV to CR3 exits (reason 28): the VMM records the guest\'s CR3.' : 'MOV to CR3 loads the real CR3 without a VM exit.';
        if (!value && shadow) warnings.push('under shadow paging the guest\'s MOV to CR3 puts a guest-physical address into the real CR3, which the processor walks as host-physical memory: the VMM notices at the next VM exit and stops the VM');
        if (!value && plan.mmu === 'ept' && !plan.unrestricted) warnings.push('without unrestricted guest, a MOV to CR3 while guest paging is off replaces the VMM\'s identity map: the guest runs on its own page tables before it enables paging');
        break;
      case 'cr3StoreExiting':
        value = bit('primary', 16);
        touches = (w, b) => w === 'primary' && b === 16;
        explanation = value ? 'MOV from CR3 exits (reason 28): the VMM returns the guest\'s own CR3.' : 'MOV from CR3 reads the real CR3 without a VM exit.';
        if (!value && shadow) warnings.push('under shadow paging the guest reads the shadow page directory\'s host-physical address instead of its own CR3');
        if (!value && plan.mmu === 'ept' && !plan.unrestricted) warnings.push('while guest paging is off the guest reads the VMM\'s identity-map address (0xFEFFC000) instead of its own CR3');
        break;
      case 'cr0GuestHostMask': {
        value = plan.cr0Mask;
        explanation = 'CR0 bits set here belong to the VMM: the guest reads them from the read shadow, and a MOV to CR0 that changes one exits (reason 28); the other bits are the guest\'s and are written directly, subject to the VMX fixed bits (a write clearing PE, NE or PG gets #GP without unrestricted guest).';
        const need = (shadow ? Cr0.PE | Cr0.PG | Cr0.WP : plan.unrestricted ? 0 : Cr0.PE | Cr0.PG) | Cr0.NE;
        const missing = BIT_NAMES_CR0.filter(([b]) => (need & b) !== 0 && (plan.cr0Mask & b) === 0).map(([, n]) => n);
        if (missing.length > 0) warnings.push(`CR0.${missing.join(', CR0.')} not owned by the VMM: the guest sees the real value the VMM runs it with${missing.includes('PG') ? ' (PG = 1 while it thinks paging is off), and so does the VMM\'s view of the guest: its memory virtualization goes wrong' : ''}`);
        break;
      }
      case 'cr0ReadShadow':
        value = plan.cr0Shadow;
        explanation = 'What the guest reads for the CR0 bits the VMM owns, until it writes CR0 (the VMM then keeps the written value there). The VMM\'s view of the guest uses the same rule.';
        if (((plan.cr0Shadow ^ (Cr0.PE | Cr0.ET | Cr0.NE)) & plan.cr0Mask & (Cr0.PE | Cr0.PG)) !== 0) warnings.push('the shadow disagrees with the guest\'s real start state (protected mode, paging off) on an owned PE/PG bit: the guest and the VMM both believe the shadow');
        break;
      case 'cr4GuestHostMask': {
        value = plan.cr4Mask;
        explanation = 'CR4 bits set here belong to the VMM (read from the shadow, changes exit); the others are written directly (clearing CR4.VMXE gets #GP in VMX operation).';
        const need = shadow ? Cr4.PSE | Cr4.PAE | Cr4.PGE : 0;
        if ((need & ~plan.cr4Mask) !== 0) warnings.push('under shadow paging CR4.PSE/PAE/PGE decide how the shadow page tables are read: if the guest changes them directly, the shadow is read wrongly');
        if ((plan.cr4Mask & Cr4.VMXE) === 0) warnings.push('CR4.VMXE not owned: the guest reads CR4.VMXE = 1, the VMX it should not see');
        break;
      }
      case 'cr4ReadShadow':
        value = plan.cr4Shadow;
        explanation = 'What the guest reads for the CR4 bits the VMM owns, until it writes CR4.';
        break;
      case 'ioPassthroughPorts':
        value = [...plan.ioPassthrough];
        explanation = value.length === 0 ? 'Every IN/OUT exits (reason 30): the VMM forwards it to the VM\'s emulated PIC, PIT and UART.' : `${value.length} port(s) do not exit; every other IN/OUT exits (reason 30).`;
        warnings.push(...portWarnings(value));
        break;
      case 'msrPassthrough':
        value = [...plan.msrPassthrough];
        explanation = value.length === 0 ? 'Every RDMSR/WRMSR exits (reasons 31/32): the VMM emulates the MSRs it knows and injects #GP for the others.' : `${value.length} MSR(s) do not exit; every other RDMSR/WRMSR exits.`;
        warnings.push(...msrWarnings(value));
        break;
      case 'exceptionBitmap':
        value = plan.exceptionBitmap;
        explanation = 'Exceptions whose bit is set exit (reason 0) instead of going through the guest IDT; the VMM reflects each one back into the guest (same vector, type, error code and, for INT3/INTO, instruction length).';
        if (shadow && (plan.exceptionBitmap & (1 << 14)) === 0) warnings.push('bit 14 (#PF) clear under shadow paging: the VMM never sees the page faults it needs to fill its shadow page tables; the guest faults (and triple-faults) as soon as it enables paging');
        break;
      case 'ept':
        value = plan.mmu === 'ept';
        touches = (w, b) => (w === 'secondary' && (b === 1 || b === 7)) || (w === 'primary' && b === 31);
        explanation = value
          ? `EPT translates guest-physical addresses; the VMM maps guest pages on first touch (EPT violations, reason 48)${plan.unrestricted ? ' and runs the guest with unrestricted guest' : ''}.`
          : 'Shadow paging, as on 2006 VT-x: the VMM intercepts guest page faults, CR3 writes and INVLPG to keep shadow page tables.';
        break;
      case 'preemptionTimer':
        value = timer;
        touches = (w, b) => w === 'pin' && b === 6;
        explanation = value
          ? 'The VMX-preemption timer makes the VMM regain control at the VM\'s next virtual-timer event or the end of the time slice (reason 52).'
          : 'No preemption timer: the VMM regains control with a one-shot of the host timer, whose interrupt exits (reason 1).';
        break;
      default:
        value = 0;
    }
    // A violation is attributed to the settings the user gave; the VMM's own defaults always pass.
    const problems = given === undefined ? [] : problemFor(touches);
    out.push({
      key: info.key,
      label: info.label,
      value,
      isDefault: given === undefined,
      vmcs: info.vmcs,
      explanation,
      allowed: problems.length === 0,
      ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
      warnings,
    });
  }
  for (const w of CONTROL_WORDS) {
    const r = settings.rawControls?.[w];
    if (r === undefined) continue;
    const mask = ((r.set ?? 0) | (r.clear ?? 0)) >>> 0;
    const problems = problemFor((vw, b) => vw === w && ((mask >>> b) & 1) !== 0);
    out.push({
      key: `rawControls.${w}`,
      label: `Raw ${w} control bits`,
      value: { ...r },
      isDefault: false,
      vmcs: `${w} control word`,
      explanation: `Sets ${hex(r.set ?? 0)} and clears ${hex(r.clear ?? 0)} in the ${w} control word after the VMM computed its own; written as given.`,
      allowed: problems.length === 0,
      ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
      warnings: [],
    });
  }
  return {
    model: m.id,
    mmu: plan.mmu,
    unrestrictedGuest: plan.unrestricted,
    controls: { ...plan.controls },
    entryWillFail: violations.length > 0,
    violations,
    settings: out,
  };
}
