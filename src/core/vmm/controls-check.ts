/**
 * Which VMX control settings a processor model allows, and why a set of control words would make VM entry
 * fail with VMfailValid(7) "VM entry with invalid control field(s)" — in words a student can read.
 *
 * The rules are the ones `vmx/entry.ts` `checkControls` applies at VMLAUNCH/VMRESUME (SDM Vol. 3C §26.2.1,
 * App. A.3–A.5; vmx.md §4.6 and §7.1–7.3), restricted to the checks that depend on the control words alone:
 *   - every bit that is 1 in the capability MSR's low half (allowed-0 settings) must be 1;
 *   - every bit that is 0 in its high half (allowed-1 settings) must be 0;
 *   - the TRUE_*_CTLS MSR replaces the plain one when IA32_VMX_BASIC[55] = 1 (SDM App. A.3.1);
 *   - the secondary controls are checked only when primary bit 31 is 1, against IA32_VMX_PROCBASED_CTLS2
 *     (nothing is allowed when the model has no such MSR);
 *   - the dependencies between bits that entry.ts checks (NMI exiting / virtual NMIs / NMI-window exiting,
 *     unrestricted guest needs EPT, the APIC-virtualization bits need the TPR shadow, saving the
 *     preemption-timer value needs the timer, entry to SMM / deactivating dual-monitor treatment are 0).
 * The checks on fields the VMM writes itself (bitmap addresses, VPID, EPTP, CR3-target count, event injection)
 * are not repeated: the built-in VMM always writes valid values for them. The test suite checks that this
 * module predicts exactly the VMLAUNCH outcome of the VM-entry code.
 */
import type { ProcessorModel } from '../x86/platform.ts';
import { CAPABILITY_MSR_INDEX, type CapabilityMsrName } from '../cpu-models/types.ts';
import { controlBit, EntryControls, ExitControls, PinBased, ProcBased, ProcBased2 } from '../vmx/spec/controls.ts';
// Messages come from the catalogue (issue 8: every user-visible string in one catalogue).
import { t } from '../../i18n/t.ts';

/** The five 32-bit control fields the built-in VMM writes. */
export type ControlWord = 'pin' | 'primary' | 'secondary' | 'exit' | 'entry';
export const CONTROL_WORDS: readonly ControlWord[] = Object.freeze(['pin', 'primary', 'secondary', 'exit', 'entry']);

export type ControlWords = Record<ControlWord, number>;

/** A control word's entry; `title` is read from the catalogue when shown (so it follows the active language). */
function wordInfo(word: ControlWord, field: string, plainMsr: number, trueMsr: number): { readonly title: string; field: string; plainMsr: number; trueMsr: number } {
  return {
    get title() {
      return t(`vmm.controls.${word}`);
    },
    field,
    plainMsr,
    trueMsr,
  };
}

/** How each control word is called in messages, and where it lives. */
export const CONTROL_WORD_INFO: Readonly<Record<ControlWord, { readonly title: string; field: string; plainMsr: number; trueMsr: number }>> = Object.freeze({
  pin: wordInfo('pin', 'PIN_BASED_VM_EXEC_CONTROL', 0x481, 0x48d),
  primary: wordInfo('primary', 'CPU_BASED_VM_EXEC_CONTROL', 0x482, 0x48e),
  secondary: wordInfo('secondary', 'SECONDARY_VM_EXEC_CONTROL', 0x48b, 0),
  exit: wordInfo('exit', 'VM_EXIT_CONTROLS', 0x483, 0x48f),
  entry: wordInfo('entry', 'VM_ENTRY_CONTROLS', 0x484, 0x490),
});

const MSR_NAME = new Map<number, CapabilityMsrName>((Object.entries(CAPABILITY_MSR_INDEX) as [CapabilityMsrName, number][]).map(([n, i]) => [i, n]));

/** The allowed settings the processor enforces for one control word. */
export interface ControlCapability {
  word: ControlWord;
  /** Allowed-0 settings: a 1 here means the control bit must be 1. */
  allowed0: number;
  /** Allowed-1 settings: a 0 here means the control bit must be 0. */
  allowed1: number;
  /** The MSR those come from (the TRUE one when IA32_VMX_BASIC[55] = 1), e.g. "IA32_VMX_TRUE_PROCBASED_CTLS". */
  msr: string;
  /** False when the model has no such MSR (secondary controls on first-generation VT-x): nothing is allowed. */
  present: boolean;
}

/** SDM Vol. 3C App. A.3.1–A.5 (vmx.md §4.6): the MSR VM entry checks a control word against (entry.ts `allowed`). */
export function controlCapability(model: ProcessorModel, word: ControlWord): ControlCapability {
  const info = CONTROL_WORD_INFO[word];
  let index = info.plainMsr;
  const basic = model.capabilityMsr(0x480);
  if (info.trueMsr !== 0 && basic !== undefined && (basic.hi & (1 << 23)) !== 0 && model.capabilityMsr(info.trueMsr) !== undefined) index = info.trueMsr;
  const m = model.capabilityMsr(index);
  return {
    word,
    allowed0: m === undefined ? 0 : m.lo >>> 0,
    allowed1: m === undefined ? 0 : m.hi >>> 0,
    msr: MSR_NAME.get(index) ?? `MSR 0x${index.toString(16)}`,
    present: m !== undefined,
  };
}

/** The SDM name of a control bit, or "bit N (reserved)". */
export function controlBitName(word: ControlWord, bit: number): string {
  return controlBit(word, bit)?.name ?? t('vmm.controls.reservedBit', { bit });
}

/** One reason VM entry would fail with error 7. */
export interface ControlViolation {
  word: ControlWord;
  bit: number;
  /** SDM name of the bit. */
  name: string;
  /** 'allowed-0': must be 1; 'allowed-1': must be 0; 'requires': needs (or excludes) another control. */
  rule: 'allowed-0' | 'allowed-1' | 'requires';
  /** Capability MSR behind an allowed-0/allowed-1 rule. */
  msr?: string;
  /** The capability fact behind an allowed-0/allowed-1 rule, e.g. "IA32_VMX_PROCBASED_CTLS allowed-0 bit 15 = 1". */
  detail?: string;
  /** Every control bit the rule involves (for attributing it to a setting). */
  involves: { word: ControlWord; bit: number }[];
  /** A sentence, e.g. "primary processor-based VM-execution control bit 15 'CR3-load exiting' must be 1 on
   * xeon-lv (IA32_VMX_PROCBASED_CTLS allowed-0 bit 15 = 1)". */
  message: string;
}

/** `detail` with extra words for a few bits whose absence students ask about. */
function allowed1Hint(word: ControlWord, bit: number, present: boolean, detail: string): string {
  if (!present) return detail;
  if (word === 'primary' && bit === 31) return t('vmm.controls.hintNoSecondary', { detail });
  if (word === 'pin' && bit === 6) return t('vmm.controls.hintNoPreemptionTimer', { detail });
  if (word === 'secondary' && bit === 1) return t('vmm.controls.hintNoEpt', { detail });
  return detail;
}

const bitsOf = (v: number): number[] => {
  const out: number[] = [];
  for (let b = 0; b < 32; b++) if (((v >>> b) & 1) !== 0) out.push(b);
  return out;
};

/**
 * Every control-word rule `words` break on `model` (empty: VM entry passes the control-word checks).
 * Ordered as entry.ts checks them: pin, primary, secondary, the dependencies, exit, entry.
 */
export function diagnoseControls(model: ProcessorModel, words: ControlWords): ControlViolation[] {
  const out: ControlViolation[] = [];
  const check = (word: ControlWord): void => {
    const cap = controlCapability(model, word);
    const v = words[word] >>> 0;
    const title = CONTROL_WORD_INFO[word].title;
    for (const bit of bitsOf((cap.allowed0 & ~v) >>> 0)) {
      const name = controlBitName(word, bit);
      const detail = t('vmm.controls.allowed0Detail', { msr: cap.msr, bit });
      out.push({
        word, bit, name, rule: 'allowed-0', msr: cap.msr, detail, involves: [{ word, bit }],
        message: t('vmm.controls.mustBe1', { title, bit, name, model: model.id, detail }),
      });
    }
    for (const bit of bitsOf((v & ~cap.allowed1) >>> 0)) {
      const name = controlBitName(word, bit);
      const detail = allowed1Hint(word, bit, cap.present, cap.present ? t('vmm.controls.allowed1Detail', { msr: cap.msr, bit }) : t('vmm.controls.noMsrDetail', { model: model.id, msr: cap.msr }));
      out.push({
        word, bit, name, rule: 'allowed-1', msr: cap.msr, detail, involves: [{ word, bit }],
        message: t('vmm.controls.mustBe0', { title, bit, name, model: model.id, detail }),
      });
    }
  };
  const requires = (word: ControlWord, bit: number, other: ControlWord, otherBit: number, section: string): void => {
    const name = controlBitName(word, bit);
    const otherName = controlBitName(other, otherBit);
    out.push({
      word, bit, name, rule: 'requires', involves: [{ word, bit }, { word: other, bit: otherBit }],
      message: t('vmm.controls.requires', { title: CONTROL_WORD_INFO[word].title, bit, name, otherTitle: CONTROL_WORD_INFO[other].title, otherBit, otherName, section }),
    });
  };
  const pin = words.pin >>> 0;
  const proc = words.primary >>> 0;
  const secondaryActive = (proc & ProcBased.ACTIVATE_SECONDARY_CONTROLS) !== 0;
  const proc2 = secondaryActive ? words.secondary >>> 0 : 0;
  // §26.2.1.1 VM-execution control fields
  check('pin');
  check('primary');
  if (secondaryActive) check('secondary');
  if ((proc & ProcBased.USE_TPR_SHADOW) === 0) {
    for (const b of [ProcBased2.VIRTUALIZE_X2APIC_MODE, ProcBased2.APIC_REGISTER_VIRTUALIZATION, ProcBased2.VIRTUAL_INTERRUPT_DELIVERY]) {
      if ((proc2 & b) !== 0) requires('secondary', Math.log2(b), 'primary', 21, '§26.2.1.1');
    }
  }
  if ((pin & PinBased.NMI_EXITING) === 0 && (pin & PinBased.VIRTUAL_NMIS) !== 0) requires('pin', 5, 'pin', 3, '§26.2.1.1');
  if ((pin & PinBased.VIRTUAL_NMIS) === 0 && (proc & ProcBased.NMI_WINDOW_EXITING) !== 0) requires('primary', 22, 'pin', 5, '§26.2.1.1');
  if ((proc2 & ProcBased2.UNRESTRICTED_GUEST) !== 0 && (proc2 & ProcBased2.ENABLE_EPT) === 0) requires('secondary', 7, 'secondary', 1, '§26.2.1.1');
  // §26.2.1.2 VM-exit control fields
  check('exit');
  if ((words.exit & ExitControls.SAVE_VMX_PREEMPTION_TIMER_VALUE) !== 0 && (pin & PinBased.ACTIVATE_VMX_PREEMPTION_TIMER) === 0) {
    requires('exit', 22, 'pin', 6, '§26.2.1.2');
  }
  // §26.2.1.3 VM-entry control fields (outside SMM: entry to SMM and deactivate dual-monitor treatment are 0)
  check('entry');
  for (const b of [EntryControls.ENTRY_TO_SMM, EntryControls.DEACTIVATE_DUAL_MONITOR_TREATMENT]) {
    if ((words.entry & b) !== 0 && (controlCapability(model, 'entry').allowed1 & b) !== 0) {
      const bit = Math.log2(b);
      out.push({
        word: 'entry', bit, name: controlBitName('entry', bit), rule: 'requires', involves: [{ word: 'entry', bit }],
        message: t('vmm.controls.outsideSmm', { bit, name: controlBitName('entry', bit) }),
      });
    }
  }
  return out;
}
