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
// Explanations come from the catalogue (issue 8: every user-visible string in one catalogue).
import { t } from '../../i18n/t.ts';

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
  if (has(0x3f8, 0x3ff)) w.push(t('vmm.settings.portCom1'));
  if (has(0x20, 0x21) || has(0xa0, 0xa1)) w.push(t('vmm.settings.portPic'));
  if (has(0x40, 0x43)) w.push(t('vmm.settings.portPit'));
  if (ports.length > 0) w.push(t('vmm.settings.portAny'));
  return w;
}

function msrWarnings(msrs: readonly number[]): string[] {
  const has = (a: number, b = a): boolean => msrs.some((m) => m >= a && m <= b);
  const w: string[] = [];
  if (has(0x10)) w.push(t('vmm.settings.msrTsc'));
  if (has(0x3a)) w.push(t('vmm.settings.msrFeatureControl'));
  if (has(0x480, 0x491)) w.push(t('vmm.settings.msrVmx'));
  if (msrs.length > 0) w.push(t('vmm.settings.msrAny'));
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
        if (v.rule === 'allowed-0') return t('vmm.settings.requires', { model: m.id, name: v.name, detail: String(v.detail) });
        if (v.rule === 'allowed-1') return t('vmm.settings.notOffered', { model: m.id, name: v.name, detail: String(v.detail) });
        return t('vmm.settings.violation', { message: v.message });
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
          ? t('vmm.settings.hltExits')
          : t(timer ? 'vmm.settings.hltNoExitTimer' : 'vmm.settings.hltNoExitHostTimer');
        if (!value && !timer && (c.pin & PinBased.EXTERNAL_INTERRUPT_EXITING) === 0) warnings.push(t('vmm.settings.hltNothingExits'));
        break;
      case 'rdtscExiting':
        value = bit('primary', 12);
        touches = (w, b) => w === 'primary' && b === 12;
        explanation = value
          ? t('vmm.settings.rdtscExits')
          : t('vmm.settings.rdtscNative');
        break;
      case 'invlpgExiting':
        value = bit('primary', 9);
        touches = (w, b) => w === 'primary' && b === 9;
        explanation = value ? t('vmm.settings.invlpgExits') : t('vmm.settings.invlpgNative');
        if (!value && shadow) warnings.push(t('vmm.settings.invlpgStale'));
        break;
      case 'cr3LoadExiting':
        value = bit('primary', 15);
        touches = (w, b) => w === 'primary' && b === 15;
        explanation = value ? t('vmm.settings.cr3LoadExits') : t('vmm.settings.cr3LoadNative');
        if (!value && shadow) warnings.push(t('vmm.settings.cr3LoadShadow'));
        if (!value && plan.mmu === 'ept' && !plan.unrestricted) warnings.push(t('vmm.settings.cr3LoadIdentityMap'));
        break;
      case 'cr3StoreExiting':
        value = bit('primary', 16);
        touches = (w, b) => w === 'primary' && b === 16;
        explanation = value ? t('vmm.settings.cr3StoreExits') : t('vmm.settings.cr3StoreNative');
        if (!value && shadow) warnings.push(t('vmm.settings.cr3StoreShadow'));
        if (!value && plan.mmu === 'ept' && !plan.unrestricted) warnings.push(t('vmm.settings.cr3StoreIdentityMap'));
        break;
      case 'cr0GuestHostMask': {
        value = plan.cr0Mask;
        explanation = t('vmm.settings.cr0Mask');
        const need = (shadow ? Cr0.PE | Cr0.PG | Cr0.WP : plan.unrestricted ? 0 : Cr0.PE | Cr0.PG) | Cr0.NE;
        const missing = BIT_NAMES_CR0.filter(([b]) => (need & b) !== 0 && (plan.cr0Mask & b) === 0).map(([, n]) => n);
        if (missing.length > 0) warnings.push(t(missing.includes('PG') ? 'vmm.settings.cr0NotOwnedPg' : 'vmm.settings.cr0NotOwned', { bits: `CR0.${missing.join(', CR0.')}` }));
        break;
      }
      case 'cr0ReadShadow':
        value = plan.cr0Shadow;
        explanation = t('vmm.settings.cr0Shadow');
        if (((plan.cr0Shadow ^ (Cr0.PE | Cr0.ET | Cr0.NE)) & plan.cr0Mask & (Cr0.PE | Cr0.PG)) !== 0) warnings.push(t('vmm.settings.cr0ShadowDisagrees'));
        break;
      case 'cr4GuestHostMask': {
        value = plan.cr4Mask;
        explanation = t('vmm.settings.cr4Mask');
        const need = shadow ? Cr4.PSE | Cr4.PAE | Cr4.PGE : 0;
        if ((need & ~plan.cr4Mask) !== 0) warnings.push(t('vmm.settings.cr4PagingBits'));
        if ((plan.cr4Mask & Cr4.VMXE) === 0) warnings.push(t('vmm.settings.cr4Vmxe'));
        break;
      }
      case 'cr4ReadShadow':
        value = plan.cr4Shadow;
        explanation = t('vmm.settings.cr4Shadow');
        break;
      case 'ioPassthroughPorts':
        value = [...plan.ioPassthrough];
        explanation = value.length === 0 ? t('vmm.settings.ioAllExit') : t('vmm.settings.ioPassthrough', { count: value.length });
        warnings.push(...portWarnings(value));
        break;
      case 'msrPassthrough':
        value = [...plan.msrPassthrough];
        explanation = value.length === 0 ? t('vmm.settings.msrAllExit') : t('vmm.settings.msrPassthrough', { count: value.length });
        warnings.push(...msrWarnings(value));
        break;
      case 'exceptionBitmap':
        value = plan.exceptionBitmap;
        explanation = t('vmm.settings.exceptionBitmap');
        if (shadow && (plan.exceptionBitmap & (1 << 14)) === 0) warnings.push(t('vmm.settings.exceptionBitmapNoPf'));
        break;
      case 'ept':
        value = plan.mmu === 'ept';
        touches = (w, b) => (w === 'secondary' && (b === 1 || b === 7)) || (w === 'primary' && b === 31);
        explanation = value
          ? t(plan.unrestricted ? 'vmm.settings.eptUnrestricted' : 'vmm.settings.ept')
          : t('vmm.settings.shadowPaging');
        break;
      case 'preemptionTimer':
        value = timer;
        touches = (w, b) => w === 'pin' && b === 6;
        explanation = value
          ? t('vmm.settings.preemptionTimer')
          : t('vmm.settings.noPreemptionTimer');
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
      label: t('vmm.settings.rawLabel', { word: w }),
      value: { ...r },
      isDefault: false,
      vmcs: t('vmm.settings.rawVmcs', { word: w }),
      explanation: t('vmm.settings.rawExplanation', { set: hex(r.set ?? 0), clear: hex(r.clear ?? 0), word: w }),
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
