/**
 * The VMCS inspector's model: a VMCS snapshot turned into the six areas of SDM Vol. 3C §24.3, each field
 * with its encoding, width, value, what the last VM exit or entry changed, and its value decoded in the
 * SDM's words. Pure data in, pure data out: the UI renders it, the CLI could print it.
 *
 * Section references are to the 2016 edition of SDM Vol. 3C (Ch. 24 "Virtual Machine Control Structures",
 * Ch. 27 "VM Exits"), as in `spec/fields.ts`. VT Lab models an IA-32 processor, so natural-width fields
 * are 32 bits wide (`spec/encoding.ts` `fieldByteSize`).
 */
import {
  CONTROL_KINDS,
  controlBit,
  type ControlKind,
} from './spec/controls.ts';
import { EXIT_REASON_ENTRY_FAILURE, VmExitReason, exitReasonInfo } from './spec/exit-reasons.ts';
import { VMCS_FIELDS, fieldByFullEncoding, fieldByName, type FieldGroup, type FieldWidth, type VmcsFieldName } from './spec/fields.ts';
import { decodeEptp } from './spec/formats/ept.ts';
import { decodeActivityState, decodeInterruptibility, decodePendingDebugExceptions } from './spec/formats/guest-state.ts';
import { INSTRUCTION_INFO_FORMAT_BY_REASON, decodeInstructionInfo } from './spec/formats/instruction-info.ts';
import { EXCEPTION_NAMES, decodeInterruptionInfo, type InterruptionInfoKind } from './spec/formats/interruption.ts';
import { type Decoded, type DecodedPart, bitsOf, hex, part } from './spec/formats/parts.ts';
import { decodeExitQualification } from './spec/formats/qualification.ts';
import { decodeAccessRights } from './spec/formats/segment.ts';
import { vmInstructionErrorInfo } from './spec/instruction-errors.ts';
import type { U64 } from './spec/u64.ts';
// Explanations come from the string catalogue (issue 8); SDM names (fields, controls, bits) stay here as data.
import { t } from '../../i18n/t.ts';

// ================================================================ input and output types

/** How much the inspector shows: Classroom = the key fields and short decodings; Engineer = everything. */
export type VmcsDetail = 'classroom' | 'engineer';

/** One VMCS as the worker sends it (structurally `VmcsSnapshot` of `src/core/session/session.ts`). */
export interface VmcsSnapshotLike {
  /** Physical address of the VMCS region. */
  readonly ptr: number;
  /** Launch state "launched" (SDM Vol. 3C §24.1); otherwise "clear". */
  readonly launched: boolean;
  /** It is the processor's current VMCS. */
  readonly current: boolean;
  /** [full-access encoding, bits 31:0, bits 63:32] of every field the CPU model supports. */
  readonly fields: readonly (readonly [number, number, number])[];
}

/** The VMCS now, just before the last VM exit/entry/VMfail, and which event that was (`VmcsView` of the worker protocol). */
export interface VmcsViewLike {
  readonly now: VmcsSnapshotLike;
  readonly before: VmcsSnapshotLike | null;
  /** `seq` is the 0-based event number; `kind` is EventKind.VMEXIT (4), VMENTRY (5) or VMFAIL (6). */
  readonly transition: { readonly seq: number; readonly kind: number } | null;
}

export interface InspectOptions {
  readonly detail: VmcsDetail;
}

/**
 * A decoded value. `style` tells the UI how to list the parts: 'flags' = each part is one set bit
 * (show "bit 7 HLT exiting"; the meaning is a longer explanation), 'fields' = each part is a bit field
 * with a value (show "bits 7:0 Vector: #PF page fault").
 */
export interface InspectedDecoded {
  /** The whole decoding in one line (what the CLI prints and the search reads). */
  readonly summary: string;
  readonly parts: readonly DecodedPart[];
  readonly style: 'flags' | 'fields';
  /**
   * For 'flags': what the list of set bits does not say by itself (e.g. "host-owned:", or that the secondary
   * controls are not in use), for a UI that shows the parts instead of the summary.
   */
  readonly remark?: string;
}

export interface InspectedField {
  /** Full-access encoding. */
  readonly encoding: number;
  /** "0x681E". */
  readonly encodingHex: string;
  /** SDM-style constant, "GUEST_RIP". */
  readonly name: string;
  /** "Guest RIP". */
  readonly title: string;
  readonly width: FieldWidth;
  /** The value in hex, as wide as the field: 4 digits (16-bit), 8 (32-bit and natural), 16 (64-bit). */
  readonly valueHex: string;
  readonly value: U64;
  /** The value differs from the one before the last VM exit/entry/VMfail (false without a `before`). */
  readonly changed: boolean;
  /** The value before, when `changed`. */
  readonly beforeHex?: string;
  readonly decoded?: InspectedDecoded;
  /** One or two sentences from the field table. */
  readonly description: string;
  /** SDM section and App. B table. */
  readonly sdm: string;
  /** Shown by default in the Classroom view. */
  readonly key: boolean;
}

export interface InspectedGroup {
  readonly id: FieldGroup;
  /** The SDM's name for the area, e.g. "Guest-state area". */
  readonly title: string;
  /** Where the SDM describes it. */
  readonly sdm: string;
  readonly fields: readonly InspectedField[];
}

export interface InspectedTransition {
  /** 0-based event number (the engine's `seq`). */
  readonly seq: number;
  /** The number the event log shows (`seq + 1`). */
  readonly eventNumber: number;
  readonly kind: number;
  /** "VM exit", "VM entry", "VMfail" (or "event" for another kind). */
  readonly label: string;
}

export interface InspectedVmcs {
  readonly detail: VmcsDetail;
  readonly ptr: number;
  /** "0x00012000". */
  readonly ptrHex: string;
  readonly launched: boolean;
  readonly current: boolean;
  /** The transition `changed` refers to, or null when there is nothing to compare with. */
  readonly transition: InspectedTransition | null;
  /** Whether a `before` snapshot was available (so `changed` means something). */
  readonly compared: boolean;
  /** The six areas in the SDM's order (§24.3); every area is present, possibly with no fields. */
  readonly groups: readonly InspectedGroup[];
  readonly fieldCount: number;
  readonly changedCount: number;
  readonly keyCount: number;
}

// ================================================================ areas and their order

/** SDM Vol. 3C §24.3 "Organization of VMCS Data": the six areas, in the SDM's order. */
export const VMCS_GROUPS: readonly { readonly id: FieldGroup; readonly title: string; readonly sdm: string }[] = Object.freeze([
  { id: 'guest-state', title: 'Guest-state area', sdm: 'SDM Vol. 3C §24.4' }, // i18n-ignore: SDM area name and section
  { id: 'host-state', title: 'Host-state area', sdm: 'SDM Vol. 3C §24.5' }, // i18n-ignore: SDM area name and section
  { id: 'execution-controls', title: 'VM-execution control fields', sdm: 'SDM Vol. 3C §24.6' }, // i18n-ignore: SDM area name and section
  { id: 'exit-controls', title: 'VM-exit control fields', sdm: 'SDM Vol. 3C §24.7' }, // i18n-ignore: SDM area name and section
  { id: 'entry-controls', title: 'VM-entry control fields', sdm: 'SDM Vol. 3C §24.8' }, // i18n-ignore: SDM area name and section
  { id: 'exit-information', title: 'VM-exit information fields', sdm: 'SDM Vol. 3C §24.9' }, // i18n-ignore: SDM area name and section
]);

const SEGS = ['CS', 'SS', 'DS', 'ES', 'FS', 'GS', 'LDTR', 'TR'] as const;

/**
 * Order of fields inside each area: the order in which the SDM's sections list them (guest: §24.4.1
 * registers — CR0, CR3, CR4, DR7, RSP, RIP, RFLAGS, then selector/base/limit/access rights of CS, SS, DS,
 * ES, FS, GS, LDTR, TR, then GDTR/IDTR, MSRs, SMBASE — and §24.4.2 non-register state; host: §24.5;
 * controls: §24.6.1–§24.6.19, §24.7, §24.8; exit information: §24.9.1–§24.9.5). Fields the 2016 SDM does
 * not list (newer features) follow in encoding order.
 */
const ORDER: { readonly [G in FieldGroup]: readonly VmcsFieldName[] } = {
  'guest-state': [
    'GUEST_CR0', 'GUEST_CR3', 'GUEST_CR4', 'GUEST_DR7', 'GUEST_RSP', 'GUEST_RIP', 'GUEST_RFLAGS',
    // i18n-ignore: VMCS field names
    ...SEGS.flatMap((s) => [`GUEST_${s}_SELECTOR`, `GUEST_${s}_BASE`, `GUEST_${s}_LIMIT`, `GUEST_${s}_AR_BYTES`] as VmcsFieldName[]),
    'GUEST_GDTR_BASE', 'GUEST_GDTR_LIMIT', 'GUEST_IDTR_BASE', 'GUEST_IDTR_LIMIT',
    'GUEST_IA32_DEBUGCTL', 'GUEST_SYSENTER_CS', 'GUEST_SYSENTER_ESP', 'GUEST_SYSENTER_EIP', 'GUEST_IA32_PERF_GLOBAL_CTRL',
    'GUEST_IA32_PAT', 'GUEST_IA32_EFER', 'GUEST_BNDCFGS', 'GUEST_IA32_RTIT_CTL', 'GUEST_IA32_S_CET',
    'GUEST_INTERRUPT_SSP_TABLE_ADDR', 'GUEST_IA32_PKRS', 'GUEST_SSP', 'GUEST_SMBASE',
    'GUEST_ACTIVITY_STATE', 'GUEST_INTERRUPTIBILITY_INFO', 'GUEST_PENDING_DBG_EXCEPTIONS', 'VMCS_LINK_POINTER',
    'VMX_PREEMPTION_TIMER_VALUE', 'GUEST_PDPTR0', 'GUEST_PDPTR1', 'GUEST_PDPTR2', 'GUEST_PDPTR3', 'GUEST_INTR_STATUS',
    'GUEST_PML_INDEX',
  ],
  'host-state': [
    'HOST_CR0', 'HOST_CR3', 'HOST_CR4', 'HOST_RSP', 'HOST_RIP',
    'HOST_CS_SELECTOR', 'HOST_SS_SELECTOR', 'HOST_DS_SELECTOR', 'HOST_ES_SELECTOR', 'HOST_FS_SELECTOR', 'HOST_GS_SELECTOR', 'HOST_TR_SELECTOR',
    'HOST_FS_BASE', 'HOST_GS_BASE', 'HOST_TR_BASE', 'HOST_GDTR_BASE', 'HOST_IDTR_BASE',
    'HOST_IA32_SYSENTER_CS', 'HOST_IA32_SYSENTER_ESP', 'HOST_IA32_SYSENTER_EIP', 'HOST_IA32_PERF_GLOBAL_CTRL',
    'HOST_IA32_PAT', 'HOST_IA32_EFER', 'HOST_IA32_S_CET', 'HOST_INTERRUPT_SSP_TABLE_ADDR', 'HOST_IA32_PKRS', 'HOST_SSP',
  ],
  'execution-controls': [
    'PIN_BASED_VM_EXEC_CONTROL', 'CPU_BASED_VM_EXEC_CONTROL', 'SECONDARY_VM_EXEC_CONTROL', 'TERTIARY_VM_EXEC_CONTROL',
    'EXCEPTION_BITMAP', 'PAGE_FAULT_ERROR_CODE_MASK', 'PAGE_FAULT_ERROR_CODE_MATCH',
    'IO_BITMAP_A', 'IO_BITMAP_B', 'TSC_OFFSET', 'TSC_MULTIPLIER',
    'CR0_GUEST_HOST_MASK', 'CR4_GUEST_HOST_MASK', 'CR0_READ_SHADOW', 'CR4_READ_SHADOW',
    'CR3_TARGET_COUNT', 'CR3_TARGET_VALUE0', 'CR3_TARGET_VALUE1', 'CR3_TARGET_VALUE2', 'CR3_TARGET_VALUE3',
    'APIC_ACCESS_ADDR', 'VIRTUAL_APIC_PAGE_ADDR', 'TPR_THRESHOLD',
    'EOI_EXIT_BITMAP0', 'EOI_EXIT_BITMAP1', 'EOI_EXIT_BITMAP2', 'EOI_EXIT_BITMAP3', 'POSTED_INTR_NV', 'POSTED_INTR_DESC_ADDR',
    'MSR_BITMAP', 'EXECUTIVE_VMCS_PTR', 'EPT_POINTER', 'VIRTUAL_PROCESSOR_ID', 'PLE_GAP', 'PLE_WINDOW',
    'VM_FUNCTION_CONTROL', 'EPTP_LIST_ADDRESS', 'VMREAD_BITMAP', 'VMWRITE_BITMAP', 'ENCLS_EXITING_BITMAP',
    'PML_ADDRESS', 'VE_INFORMATION_ADDRESS', 'EPTP_INDEX', 'XSS_EXIT_BITMAP',
  ],
  'exit-controls': [
    'VM_EXIT_CONTROLS', 'SECONDARY_VM_EXIT_CONTROLS',
    'VM_EXIT_MSR_STORE_COUNT', 'VM_EXIT_MSR_STORE_ADDR', 'VM_EXIT_MSR_LOAD_COUNT', 'VM_EXIT_MSR_LOAD_ADDR',
  ],
  'entry-controls': [
    'VM_ENTRY_CONTROLS', 'VM_ENTRY_MSR_LOAD_COUNT', 'VM_ENTRY_MSR_LOAD_ADDR',
    'VM_ENTRY_INTR_INFO_FIELD', 'VM_ENTRY_EXCEPTION_ERROR_CODE', 'VM_ENTRY_INSTRUCTION_LEN', 'INJECTED_EVENT_DATA',
  ],
  'exit-information': [
    'VM_EXIT_REASON', 'EXIT_QUALIFICATION', 'GUEST_LINEAR_ADDRESS', 'GUEST_PHYSICAL_ADDRESS',
    'VM_EXIT_INTR_INFO', 'VM_EXIT_INTR_ERROR_CODE', 'IDT_VECTORING_INFO_FIELD', 'IDT_VECTORING_ERROR_CODE',
    'VM_EXIT_INSTRUCTION_LEN', 'VMX_INSTRUCTION_INFO', 'IO_RCX', 'IO_RSI', 'IO_RDI', 'IO_RIP', 'VM_INSTRUCTION_ERROR',
  ],
};

/** Rank of each field inside its area (ORDER position, then encoding order for the rest). */
const RANK: ReadonlyMap<number, number> = (() => {
  const m = new Map<number, number>();
  for (const g of VMCS_GROUPS) {
    const listed = ORDER[g.id];
    let i = 0;
    for (const name of listed) {
      const f = fieldByName(name);
      if (f !== undefined && f.group === g.id && !m.has(f.encoding)) m.set(f.encoding, i++);
    }
    for (const f of VMCS_FIELDS) if (f.group === g.id && !m.has(f.encoding)) m.set(f.encoding, i++);
  }
  return m;
})();

/**
 * The fields a Classroom view shows by default: what a teacher points at after a VM exit (why, where,
 * what the guest was doing), the controls that decide what exits, and where the VMM resumes.
 */
export const KEY_FIELDS: readonly VmcsFieldName[] = Object.freeze([
  // Why and where the last exit happened (§24.9).
  'VM_EXIT_REASON', 'EXIT_QUALIFICATION', 'VM_EXIT_INSTRUCTION_LEN', 'GUEST_LINEAR_ADDRESS', 'GUEST_PHYSICAL_ADDRESS',
  'VM_EXIT_INTR_INFO', 'VM_EXIT_INTR_ERROR_CODE', 'IDT_VECTORING_INFO_FIELD', 'VM_INSTRUCTION_ERROR',
  // The guest at the exit (§24.4).
  'GUEST_RIP', 'GUEST_RSP', 'GUEST_RFLAGS', 'GUEST_CR0', 'GUEST_CR3', 'GUEST_CR4', 'GUEST_CS_SELECTOR', 'GUEST_SS_SELECTOR',
  'GUEST_ACTIVITY_STATE',
  // What makes the guest exit (§24.6–§24.8).
  'PIN_BASED_VM_EXEC_CONTROL', 'CPU_BASED_VM_EXEC_CONTROL', 'SECONDARY_VM_EXEC_CONTROL', 'EXCEPTION_BITMAP',
  'CR0_GUEST_HOST_MASK', 'CR4_GUEST_HOST_MASK', 'CR0_READ_SHADOW', 'CR4_READ_SHADOW', 'EPT_POINTER',
  'VM_EXIT_CONTROLS', 'VM_ENTRY_CONTROLS', 'VM_ENTRY_INTR_INFO_FIELD',
  // Where the VMM resumes (§24.5).
  'HOST_RIP', 'HOST_RSP', 'HOST_CR3',
]);
const KEY_SET: ReadonlySet<string> = new Set(KEY_FIELDS);

// ================================================================ formatting

function hexDigits(v: number, digits: number): string {
  return (v >>> 0).toString(16).toUpperCase().padStart(digits, '0');
}

/** "0x681E". */
export function formatEncoding(encoding: number): string {
  return '0x' + hexDigits(encoding, 4);
}

/**
 * A value as wide as its field: 16-bit → 4 digits, 32-bit and natural-width → 8 (natural width is 32 bits
 * on the IA-32 model; a natural-width value with a non-zero high half is shown with 16), 64-bit → 16.
 */
export function formatFieldValue(width: FieldWidth, v: U64): string {
  if (width === 16) return '0x' + hexDigits(v.lo & 0xffff, 4);
  if (width === 64 || (width === 'natural' && v.hi >>> 0 !== 0)) return '0x' + hexDigits(v.hi, 8) + hexDigits(v.lo, 8);
  return '0x' + hexDigits(v.lo, 8);
}

// ================================================================ bit tables the spec layer does not have

interface NamedBit {
  readonly bit: number;
  readonly name: string;
  readonly meaning: string;
}
const nb = (bit: number, name: string, meaning: string): NamedBit => ({ bit, name, meaning });

/** CR0 bits, SDM Vol. 3A §2.5 (Figure 2-7). */
const CR0_BITS: readonly NamedBit[] = [
  nb(0, 'PE', t('vmx.cr0.pe')),
  nb(1, 'MP', t('vmx.cr0.mp')),
  nb(2, 'EM', t('vmx.cr0.em')),
  nb(3, 'TS', t('vmx.cr0.ts')),
  nb(4, 'ET', t('vmx.cr0.et')),
  nb(5, 'NE', t('vmx.cr0.ne')),
  nb(16, 'WP', t('vmx.cr0.wp')),
  nb(18, 'AM', t('vmx.cr0.am')),
  nb(29, 'NW', t('vmx.cr0.nw')),
  nb(30, 'CD', t('vmx.cr0.cd')),
  nb(31, 'PG', t('vmx.cr0.pg')),
];

/** CR4 bits, SDM Vol. 3A §2.5 (Figure 2-7; bits 12 and 19 and above from the current SDM). */
const CR4_BITS: readonly NamedBit[] = [
  nb(0, 'VME', t('vmx.cr4.vme')),
  nb(1, 'PVI', t('vmx.cr4.pvi')),
  nb(2, 'TSD', t('vmx.cr4.tsd')),
  nb(3, 'DE', t('vmx.cr4.de')),
  nb(4, 'PSE', t('vmx.cr4.pse')),
  nb(5, 'PAE', t('vmx.cr4.pae')),
  nb(6, 'MCE', t('vmx.cr4.mce')),
  nb(7, 'PGE', t('vmx.cr4.pge')),
  nb(8, 'PCE', t('vmx.cr4.pce')),
  nb(9, 'OSFXSR', t('vmx.cr4.osfxsr')),
  nb(10, 'OSXMMEXCPT', t('vmx.cr4.osxmmexcpt')),
  nb(11, 'UMIP', t('vmx.cr4.umip')),
  nb(12, 'LA57', t('vmx.cr4.la57')),
  nb(13, 'VMXE', t('vmx.cr4.vmxe')),
  nb(14, 'SMXE', t('vmx.cr4.smxe')),
  nb(16, 'FSGSBASE', t('vmx.cr4.fsgsbase')),
  nb(17, 'PCIDE', t('vmx.cr4.pcide')),
  nb(18, 'OSXSAVE', t('vmx.cr4.osxsave')),
  nb(19, 'KL', t('vmx.cr4.kl')),
  nb(20, 'SMEP', t('vmx.cr4.smep')),
  nb(21, 'SMAP', t('vmx.cr4.smap')),
  nb(22, 'PKE', t('vmx.cr4.pke')),
  nb(23, 'CET', t('vmx.cr4.cet')),
  nb(24, 'PKS', t('vmx.cr4.pks')),
];

/** EFLAGS bits, SDM Vol. 1 §3.4.3 (Figure 3-8); IOPL is bits 13:12 and handled separately. */
const RFLAGS_BITS: readonly NamedBit[] = [
  nb(0, 'CF', t('vmx.rflags.cf')),
  nb(2, 'PF', t('vmx.rflags.pf')),
  nb(4, 'AF', t('vmx.rflags.af')),
  nb(6, 'ZF', t('vmx.rflags.zf')),
  nb(7, 'SF', t('vmx.rflags.sf')),
  nb(8, 'TF', t('vmx.rflags.tf')),
  nb(9, 'IF', t('vmx.rflags.if')),
  nb(10, 'DF', t('vmx.rflags.df')),
  nb(11, 'OF', t('vmx.rflags.of')),
  nb(14, 'NT', t('vmx.rflags.nt')),
  nb(16, 'RF', t('vmx.rflags.rf')),
  nb(17, 'VM', t('vmx.rflags.vm')),
  nb(18, 'AC', t('vmx.rflags.ac')),
  nb(19, 'VIF', t('vmx.rflags.vif')),
  nb(20, 'VIP', t('vmx.rflags.vip')),
  nb(21, 'ID', t('vmx.rflags.id')),
];

/** IA32_EFER bits, SDM Vol. 3A §2.2.1 (Table 2-1). */
const EFER_BITS: readonly NamedBit[] = [
  nb(0, 'SCE', t('vmx.efer.sce')),
  nb(8, 'LME', t('vmx.efer.lme')),
  nb(10, 'LMA', t('vmx.efer.lma')),
  nb(11, 'NXE', t('vmx.efer.nxe')),
];

/** #PF error code, SDM Vol. 3A §4.7 (Figure 4-12). */
const PF_ERROR_BITS: readonly { bit: number; name: string; set: string; clear: string }[] = [
  { bit: 0, name: 'P', set: t('vmx.pfError.pSet'), clear: t('vmx.pfError.pClear') },
  { bit: 1, name: 'W/R', set: t('vmx.pfError.wrSet'), clear: t('vmx.pfError.wrClear') },
  { bit: 2, name: 'U/S', set: t('vmx.pfError.usSet'), clear: t('vmx.pfError.usClear') },
  { bit: 3, name: 'RSVD', set: t('vmx.pfError.rsvdSet'), clear: t('vmx.pfError.rsvdClear') },
  { bit: 4, name: 'I/D', set: t('vmx.pfError.idSet'), clear: t('vmx.pfError.idClear') },
  { bit: 5, name: 'PK', set: t('vmx.pfError.pkSet'), clear: t('vmx.pfError.pkClear') },
  { bit: 6, name: 'SS', set: t('vmx.pfError.ssSet'), clear: t('vmx.pfError.ssClear') },
  { bit: 15, name: 'SGX', set: t('vmx.pfError.sgxSet'), clear: t('vmx.pfError.sgxClear') },
];

function flagParts(v: number, bits: readonly NamedBit[]): { parts: DecodedPart[]; names: string[] } {
  const parts: DecodedPart[] = [];
  const names: string[] = [];
  for (let b = 0; b < 32; b++) {
    if (((v >>> b) & 1) === 0) continue;
    const named = bits.find((x) => x.bit === b);
    const name = named?.name ?? t('vmx.bitN', { bit: b });
    parts.push(part(name, b, b, 1, named?.meaning ?? t('sdm.part.reservedLower')));
    names.push(name);
  }
  return { parts, names };
}

// ================================================================ decoders for single fields

interface Ctx {
  readonly v: U64;
  readonly detail: VmcsDetail;
  /** Low 32 bits of another field in the same snapshot (0 when the model lacks it). */
  readonly lo: (name: VmcsFieldName) => number;
}

type Decoder = (c: Ctx) => InspectedDecoded;

const fields = (d: Decoded): InspectedDecoded => ({ summary: d.summary, parts: d.parts, style: 'fields' });
const flags = (summary: string, parts: readonly DecodedPart[], remark?: string): InspectedDecoded =>
  remark === undefined ? { summary, parts, style: 'flags' } : { summary, parts, style: 'flags', remark };

/** Set bits of a control word with their SDM names (SDM Vol. 3C Tables 24-5 … 24-12 via `spec/controls.ts`). */
function decodeControlWord(kind: ControlKind, lo: number, hi: number, detail: VmcsDetail): { parts: DecodedPart[]; named: string[]; reserved: number } {
  const parts: DecodedPart[] = [];
  const named: string[] = [];
  const default1Bits: number[] = [];
  let reserved = 0;
  const info = CONTROL_KINDS[kind];
  for (let b = 0; b < 64; b++) {
    const set = b < 32 ? (lo >>> b) & 1 : (hi >>> (b - 32)) & 1;
    if (set === 0) continue;
    const cb = b < 32 ? controlBit(kind, b) : undefined;
    if (cb !== undefined) {
      parts.push(part(cb.name, b, b, 1, cb.description));
      named.push(cb.name);
    } else {
      reserved++;
      // SDM Vol. 3C App. A.2: reserved "default1" bits are 1 in every valid value; others must be 0.
      const default1 = b < 32 && ((info.default1 >>> b) & 1) === 1;
      if (default1 && detail === 'classroom') default1Bits.push(b);
      else parts.push(part(t('sdm.part.reserved'), b, b, 1, default1 ? t('vmx.control.reservedDefault1') : t('vmx.control.reservedMustBe0')));
    }
  }
  // Classroom: the default1 bits in one line (they are 1 in every valid value and mean nothing to a student).
  if (default1Bits.length) {
    const mask = default1Bits.reduce((m, b) => m | (1 << b), 0) >>> 0;
    parts.push({ name: t('vmx.control.default1Name'), bits: default1Bits.join(', '), value: mask, meaning: t('vmx.control.default1Meaning') });
  }
  return { parts, named, reserved };
}

function controlDecoder(kind: ControlKind): Decoder {
  return (c) => {
    const { parts, named, reserved } = decodeControlWord(kind, c.v.lo, kind === 'tertiary' ? c.v.hi : 0, c.detail);
    const remarks: string[] = [];
    // Classroom leaves the default1 bits out of the count (they are listed as one part).
    const counted = c.detail === 'engineer' ? reserved : parts.filter((p) => p.name === t('sdm.part.reserved')).length;
    const notes: string[] = [];
    // SDM Vol. 3C §24.6.2: the secondary (tertiary) controls are used only when primary bit 31 (17) is 1.
    const primary = c.lo('CPU_BASED_VM_EXEC_CONTROL');
    if (kind === 'secondary' && (primary & 0x80000000) === 0) notes.push(t('vmx.control.secondaryUnused'));
    if (kind === 'tertiary' && (primary & 0x00020000) === 0) notes.push(t('vmx.control.tertiaryUnused'));
    const bad = parts.filter((p) => p.name === t('sdm.part.reserved') && p.meaning === t('vmx.control.reservedMustBe0')).map((p) => p.bits);
    if (bad.length) remarks.push(t('vmx.control.reservedSet', { count: bad.length, bits: bad.join(', ') }));
    remarks.push(...notes);
    let summary = named.length ? named.join(', ') : t('vmx.control.noneNamed');
    if (counted) summary += t('vmx.control.reservedCount', { count: counted });
    if (notes.length) summary += `; ${notes.join('; ')}`;
    return flags(summary, parts, remarks.length ? remarks.join('; ') : undefined);
  };
}

function crDecoder(bits: readonly NamedBit[], role: 'mask' | 'shadow' | 'value'): Decoder {
  return (c) => {
    const { parts, names } = flagParts(c.v.lo, bits);
    const list = names.length ? names.join(', ') : t('vmx.none');
    // SDM Vol. 3C §24.6.6: a 1 in the mask makes the bit host-owned; guest reads of host-owned bits return the shadow.
    const label = role === 'mask' ? t('vmx.cr.maskLabel') : role === 'shadow' ? t('vmx.cr.shadowLabel') : undefined;
    return flags(label === undefined ? list : `${label} ${list}`, parts, label);
  };
}

function bitListDecoder(bits: readonly NamedBit[]): Decoder {
  return (c) => {
    const { parts, names } = flagParts(c.v.lo, bits);
    return flags(names.length ? names.join(', ') : t('vmx.noneSet'), parts);
  };
}

const decodeRflags: Decoder = (c) => {
  const v = c.v.lo;
  const { parts, names } = flagParts(v & ~0x3002, RFLAGS_BITS);
  const iopl = bitsOf(v, 13, 12);
  const all: DecodedPart[] = [...parts];
  if (iopl) all.push(part('IOPL', 13, 12, iopl, t('vmx.rflags.iopl', { level: iopl })));
  // SDM Vol. 3C §26.3.1.4: bit 1 must be 1 in the guest RFLAGS field.
  if (!(v & 2)) all.push(part(t('vmx.rflags.bit1'), 1, 1, 0, t('vmx.rflags.bit1Clear')));
  const text = [...names, ...(iopl ? [`IOPL=${iopl}`] : [])];
  return flags(text.length ? text.join(' ') : t('vmx.rflags.none'), all);
};

/** Selector: index 15:3, TI 2, RPL 1:0 (SDM Vol. 3A §3.4.2). */
const decodeSelector: Decoder = (c) => {
  const s = c.v.lo & 0xffff;
  const index = bitsOf(s, 15, 3);
  const ti = bitsOf(s, 2, 2);
  const rpl = bitsOf(s, 1, 0);
  return fields({
    parts: [part(t('vmx.selector.index'), 15, 3, index, `${index}`), part(t('vmx.selector.ti'), 2, 2, ti, ti ? 'LDT' : 'GDT'), part('RPL', 1, 0, rpl, `${rpl}`)],
    summary: s === 0 ? t('vmx.selector.null') : t('vmx.selector.summary', { table: ti ? 'LDT' : 'GDT', index, rpl }),
  });
};

/** "#PF", "NMI", "vector 15". */
function exceptionLabel(vector: number): string {
  const name = EXCEPTION_NAMES[vector];
  if (name === undefined) return t('vmx.exception.vector', { vector });
  return name.startsWith('#') ? name.split(' ')[0]! : name;
}

/** Exception bitmap, SDM Vol. 3C §24.6.3: bit n = 1 → exception vector n causes a VM exit. */
const decodeExceptionBitmap: Decoder = (c) => {
  const v = c.v.lo;
  const parts: DecodedPart[] = [];
  const names: string[] = [];
  for (let b = 0; b < 32; b++) {
    if (((v >>> b) & 1) === 0) continue;
    const label = `${exceptionLabel(b)} (${b})`;
    parts.push(part(exceptionLabel(b), b, b, 1, t('vmx.exceptionBitmap.causesExit', { name: EXCEPTION_NAMES[b] ?? t('vmx.exception.reservedVector', { vector: b }) })));
    names.push(label);
  }
  return flags(names.length ? t('vmx.exceptionBitmap.summary', { list: names.join(', ') }) : t('vmx.exceptionBitmap.none'), parts, t('vmx.exceptionBitmap.label'));
};

/** #PF error code (SDM Vol. 3A §4.7). */
function pageFaultErrorCode(code: number): Decoded {
  const parts = PF_ERROR_BITS.map((b) => part(b.name, b.bit, b.bit, (code >>> b.bit) & 1, (code >>> b.bit) & 1 ? b.set : b.clear));
  const kinds = [
    code & 1 ? t('vmx.pf.protection') : t('vmx.pf.notPresent'),
    code & 2 ? t('vmx.pf.write') : t('vmx.pf.read'),
    code & 4 ? t('vmx.pf.user') : t('vmx.pf.supervisor'),
  ];
  if (code & 8) kinds.push(t('vmx.pf.reservedBit'));
  if (code & 16) kinds.push(t('vmx.pf.fetch'));
  return { parts, summary: t('vmx.pf.summary', { kinds: kinds.join(', ') }) };
}

/** Error code of #TS, #NP, #SS, #GP (and #DF, always 0): EXT 0, IDT 1, TI 2, index 15:3 (SDM Vol. 3A §6.13). */
function selectorErrorCode(code: number): Decoded {
  const ext = bitsOf(code, 0, 0);
  const idt = bitsOf(code, 1, 1);
  const ti = bitsOf(code, 2, 2);
  const index = bitsOf(code, 15, 3);
  const table = idt ? 'IDT' : ti ? 'LDT' : 'GDT';
  return {
    parts: [
      part('EXT', 0, 0, ext, ext ? t('vmx.selectorError.external') : t('vmx.selectorError.internal')),
      part('IDT', 1, 1, idt, idt ? t('vmx.selectorError.idt') : t('vmx.selectorError.gdtLdt')),
      part('TI', 2, 2, ti, idt ? t('vmx.selectorError.tiIgnored') : ti ? 'LDT' : 'GDT'),
      part(t('vmx.selectorError.index'), 15, 3, index, `${index}`),
    ],
    summary: (code & 0xffff) === 0 ? t('vmx.selectorError.zero') : t(ext ? 'vmx.selectorError.summaryExternal' : 'vmx.selectorError.summary', { table, index }),
  };
}

/** The error code of an event described by interruption information `info` (exit, IDT-vectoring or entry). */
function errorCodeDecoder(infoField: VmcsFieldName, infoTitle: string): Decoder {
  return (c) => {
    const info = c.lo(infoField);
    const valid = (info & 0x80000000) !== 0 && (info & 0x800) !== 0;
    if (!valid) {
      return fields({ parts: [], summary: t('vmx.errorCode.unused', { info: infoTitle }) });
    }
    const vector = info & 0xff;
    const type = (info >>> 8) & 7;
    const code = c.v.lo;
    if (type === 3 && vector === 14) return fields(pageFaultErrorCode(code));
    if (type === 3 && (vector === 8 || (vector >= 10 && vector <= 13))) return fields(selectorErrorCode(code));
    return fields({ parts: [part(t('vmx.errorCode.name'), 31, 0, code >>> 0, hex(code, 8))], summary: t('vmx.errorCode.summary', { name: exceptionLabel(vector), code: hex(code, 8) }) });
  };
}

function interruptionDecoder(kind: InterruptionInfoKind): Decoder {
  return (c) => {
    const d = decodeInterruptionInfo(c.v.lo, kind);
    // Classroom: an invalid (bit 31 = 0) field has nothing to show but "not valid".
    return c.detail === 'classroom' && (c.v.lo & 0x80000000) === 0 ? fields({ summary: d.summary, parts: [] }) : fields(d);
  };
}

/** Exit-reason field, SDM Vol. 3C §24.9.1 Table 24-14 (via `spec/exit-reasons.ts`). */
const decodeExitReason: Decoder = (c) => {
  const v = c.v.lo;
  const basic = v & 0xffff;
  const info = exitReasonInfo(basic);
  const name = info?.sdmName ?? t('vmx.exitReason.undefined');
  const failure = (v & EXIT_REASON_ENTRY_FAILURE) !== 0;
  const parts: DecodedPart[] = [part(t('vmx.exitReason.basic'), 15, 0, basic, `${basic}: ${name}`)];
  const extra: [number, string][] = [
    [25, t('vmx.exitReason.shadowStackBusy')],
    [26, t('vmx.exitReason.busLock')],
    [27, t('vmx.exitReason.enclaveMode')],
    [28, t('vmx.exitReason.pendingMtf')],
    [29, t('vmx.exitReason.fromVmxRoot')],
  ];
  for (const [b, label] of extra) if (c.detail === 'engineer' || (v >>> b) & 1) parts.push(part(label, b, b, (v >>> b) & 1, (v >>> b) & 1 ? t('sdm.yes') : t('sdm.no')));
  parts.push(part(t('vmx.exitReason.entryFailure'), 31, 31, failure ? 1 : 0, failure ? t('vmx.exitReason.entryFailed') : t('sdm.no')));
  return fields({ parts, summary: failure ? t('vmx.exitReason.failureSummary', { basic, name }) : `${basic} ${name}` });
};

/** Basic exit reason of the snapshot (bits 15:0 of 0x4402). */
const basicReason = (c: Ctx): number => c.lo('VM_EXIT_REASON') & 0xffff;

const decodeQualification: Decoder = (c) => {
  const reason = basicReason(c);
  const d = decodeExitQualification(reason, c.v.lo, c.lo('VM_EXIT_INTR_INFO'));
  return fields(d);
};

const decodeInstructionInformation: Decoder = (c) => {
  const reason = basicReason(c);
  const format = INSTRUCTION_INFO_FORMAT_BY_REASON[reason];
  if (format === undefined) {
    return fields({ parts: [], summary: t('vmx.instructionInfo.undefined', { reason, name: exitReasonInfo(reason)?.shortName ?? t('vmx.instructionInfo.noReason') }) });
  }
  return fields(decodeInstructionInfo(format, c.v.lo));
};

const decodeVmInstructionError: Decoder = (c) => {
  const n = c.v.lo >>> 0;
  if (n === 0) return fields({ parts: [part(t('vmx.instructionError.number'), 31, 0, 0, t('vmx.none'))], summary: t('vmx.instructionError.none') });
  const info = vmInstructionErrorInfo(n);
  const text = info?.description ?? t('vmx.instructionError.undefined');
  return fields({ parts: [part(t('vmx.instructionError.number'), 31, 0, n, text)], summary: `${n}: ${text}` });
};

const decodeLength: Decoder = (c) => ({ summary: t('vmx.length', { count: c.v.lo >>> 0 }), parts: [], style: 'fields' });

/** SDM Vol. 3C §27.2.1: the guest-physical address is written only by EPT violations and misconfigurations. */
const decodeGuestPhysical: Decoder = (c) => {
  const reason = basicReason(c);
  if (reason === VmExitReason.EPT_VIOLATION || reason === VmExitReason.EPT_MISCONFIGURATION) {
    return fields({ parts: [], summary: reason === VmExitReason.EPT_VIOLATION ? t('vmx.guestPhysical.violation') : t('vmx.guestPhysical.misconfig') });
  }
  return fields({ parts: [], summary: t('vmx.guestPhysical.undefined', { reason }) });
};

/**
 * SDM Vol. 3C §27.2.1: the guest-linear address is written by LMSW with a memory operand, INS/OUTS, and by EPT
 * violations whose qualification bit 7 is 1; for other exits it is undefined.
 */
const decodeGuestLinear: Decoder = (c) => {
  const reason = basicReason(c);
  const q = c.lo('EXIT_QUALIFICATION');
  let why: string | null = null;
  // Qualification bits: CR access 5:4 = 3 (LMSW) and 6 (memory operand); I/O 4 (string); EPT violation 7.
  if (reason === VmExitReason.CR_ACCESS && bitsOf(q, 5, 4) === 3 && (q & 0x40) !== 0) why = t('vmx.guestLinear.lmsw');
  else if (reason === VmExitReason.IO_INSTRUCTION && (q & 0x10) !== 0) why = t('vmx.guestLinear.insOuts');
  else if (reason === VmExitReason.EPT_VIOLATION && (q & 0x80) !== 0) why = t('vmx.guestLinear.eptViolation');
  return fields({ parts: [], summary: why ?? t('vmx.guestLinear.undefined', { reason }) });
};

/** VMCS link pointer, SDM Vol. 3C §24.4.2 and §26.3.1.5: all ones unless VMCS shadowing uses it. */
const decodeLinkPointer: Decoder = (c) =>
  fields({
    parts: [],
    summary: c.v.lo >>> 0 === 0xffffffff && c.v.hi >>> 0 === 0xffffffff ? t('vmx.linkPointer.unused') : t('vmx.linkPointer.shadow', { address: formatFieldValue(64, c.v) }),
  });

/** Guest interrupt status, SDM Vol. 3C §24.4.2: RVI in bits 7:0, SVI in bits 15:8. */
const decodeGuestInterruptStatus: Decoder = (c) => {
  const rvi = bitsOf(c.v.lo, 7, 0);
  const svi = bitsOf(c.v.lo, 15, 8);
  return fields({
    parts: [part(t('vmx.intrStatus.rvi'), 7, 0, rvi, hex(rvi, 2)), part(t('vmx.intrStatus.svi'), 15, 8, svi, hex(svi, 2))],
    summary: t('vmx.intrStatus.summary', { rvi: hex(rvi, 2), svi: hex(svi, 2) }),
  });
};

const DECODERS: Partial<Record<VmcsFieldName, Decoder>> = {
  PIN_BASED_VM_EXEC_CONTROL: controlDecoder('pin'),
  CPU_BASED_VM_EXEC_CONTROL: controlDecoder('primary'),
  SECONDARY_VM_EXEC_CONTROL: controlDecoder('secondary'),
  TERTIARY_VM_EXEC_CONTROL: controlDecoder('tertiary'),
  VM_EXIT_CONTROLS: controlDecoder('exit'),
  VM_ENTRY_CONTROLS: controlDecoder('entry'),
  EXCEPTION_BITMAP: decodeExceptionBitmap,
  CR0_GUEST_HOST_MASK: crDecoder(CR0_BITS, 'mask'),
  CR4_GUEST_HOST_MASK: crDecoder(CR4_BITS, 'mask'),
  CR0_READ_SHADOW: crDecoder(CR0_BITS, 'shadow'),
  CR4_READ_SHADOW: crDecoder(CR4_BITS, 'shadow'),
  GUEST_CR0: crDecoder(CR0_BITS, 'value'),
  GUEST_CR4: crDecoder(CR4_BITS, 'value'),
  HOST_CR0: crDecoder(CR0_BITS, 'value'),
  HOST_CR4: crDecoder(CR4_BITS, 'value'),
  GUEST_RFLAGS: decodeRflags,
  GUEST_IA32_EFER: bitListDecoder(EFER_BITS),
  HOST_IA32_EFER: bitListDecoder(EFER_BITS),
  EPT_POINTER: (c) => fields(decodeEptp(c.v)),
  VMCS_LINK_POINTER: decodeLinkPointer,
  GUEST_INTR_STATUS: decodeGuestInterruptStatus,
  GUEST_ACTIVITY_STATE: (c) => fields(decodeActivityState(c.v.lo)),
  GUEST_INTERRUPTIBILITY_INFO: (c) => fields(decodeInterruptibility(c.v.lo)),
  GUEST_PENDING_DBG_EXCEPTIONS: (c) => fields(decodePendingDebugExceptions(c.v.lo)),
  VM_EXIT_REASON: decodeExitReason,
  EXIT_QUALIFICATION: decodeQualification,
  VM_EXIT_INTR_INFO: interruptionDecoder('exit'),
  VM_EXIT_INTR_ERROR_CODE: errorCodeDecoder('VM_EXIT_INTR_INFO', 'VM-exit interruption information'), // i18n-ignore: SDM field name
  IDT_VECTORING_INFO_FIELD: interruptionDecoder('idt-vectoring'),
  IDT_VECTORING_ERROR_CODE: errorCodeDecoder('IDT_VECTORING_INFO_FIELD', 'IDT-vectoring information'), // i18n-ignore: SDM field name
  VM_ENTRY_INTR_INFO_FIELD: interruptionDecoder('entry'),
  VM_ENTRY_EXCEPTION_ERROR_CODE: errorCodeDecoder('VM_ENTRY_INTR_INFO_FIELD', 'VM-entry interruption information'), // i18n-ignore: SDM field name
  VM_EXIT_INSTRUCTION_LEN: decodeLength,
  VM_ENTRY_INSTRUCTION_LEN: decodeLength,
  VMX_INSTRUCTION_INFO: decodeInstructionInformation,
  VM_INSTRUCTION_ERROR: decodeVmInstructionError,
  GUEST_PHYSICAL_ADDRESS: decodeGuestPhysical,
  GUEST_LINEAR_ADDRESS: decodeGuestLinear,
};
for (const s of SEGS) {
  DECODERS[`GUEST_${s}_SELECTOR` as VmcsFieldName] = decodeSelector;
  DECODERS[`GUEST_${s}_AR_BYTES` as VmcsFieldName] = (c) => fields(decodeAccessRights(c.v.lo));
}
for (const s of ['CS', 'SS', 'DS', 'ES', 'FS', 'GS', 'TR'] as const) DECODERS[`HOST_${s}_SELECTOR` as VmcsFieldName] = decodeSelector;

/**
 * Classroom hides the parts that only say "reserved, 0" or "undefined", and a lone part covering the whole
 * field (it repeats the summary).
 */
function forDetail(d: InspectedDecoded, detail: VmcsDetail): InspectedDecoded {
  if (detail === 'engineer') return d;
  if (d.parts.length === 1 && d.parts[0]!.bits === '31:0') return { ...d, parts: [] };
  // By name through the catalogue, so a translation that words "Reserved (…)" differently still hides them.
  const hidden = new Set([t('sdm.part.reserved'), t('sdm.part.undefined'), t('sdm.ept.reservedAbovePhysicalAddressWidth'), t('vmx.control.default1Name')]);
  const parts = d.parts.filter((p) => !(hidden.has(p.name) && p.value === 0));
  return parts.length === d.parts.length ? d : { ...d, parts };
}

// ================================================================ the inspector

type Values = Map<number, U64>;

function valuesOf(s: VmcsSnapshotLike): Values {
  const m: Values = new Map();
  for (const [enc, lo, hi] of s.fields) m.set(enc, { lo: lo >>> 0, hi: hi >>> 0 });
  return m;
}

function transitionLabel(kind: number): string {
  // EventKind in src/core/trace/events.ts: VMEXIT = 4, VMENTRY = 5, VMFAIL = 6, VMM_HANDLER = 12.
  return kind === 4 ? t('vmx.transition.exit') : kind === 5 ? t('vmx.transition.entry') : kind === 6 ? 'VMfail' : kind === 12 ? t('vmx.transition.handler') : t('vmx.transition.event');
}

/**
 * The VMCS `view.now`, grouped and decoded; `changed` compares with `view.before`. Fields are those the
 * snapshot carries (the ones the CPU model supports); an encoding the field table does not know is skipped.
 */
export function inspectVmcs(view: VmcsViewLike, opts: InspectOptions): InspectedVmcs {
  const detail = opts.detail;
  const now = valuesOf(view.now);
  const before = view.before === null ? null : valuesOf(view.before);
  const lo = (name: VmcsFieldName): number => {
    const f = fieldByName(name);
    return f === undefined ? 0 : (now.get(f.encoding)?.lo ?? 0);
  };

  const buckets = new Map<FieldGroup, InspectedField[]>(VMCS_GROUPS.map((g) => [g.id, []]));
  let changedCount = 0;
  let keyCount = 0;
  for (const [encoding, v] of now) {
    const field = fieldByFullEncoding(encoding);
    if (field === undefined) continue;
    const prev = before?.get(encoding);
    const changed = prev !== undefined && (prev.lo !== v.lo || prev.hi !== v.hi);
    const decoder = DECODERS[field.name as VmcsFieldName];
    const decoded = decoder === undefined ? undefined : forDetail(decoder({ v, detail, lo }), detail);
    const key = KEY_SET.has(field.name);
    if (changed) changedCount++;
    if (key) keyCount++;
    const out: InspectedField = {
      encoding,
      encodingHex: formatEncoding(encoding),
      name: field.name,
      title: field.title,
      width: field.width,
      valueHex: formatFieldValue(field.width, v),
      value: v,
      changed,
      ...(changed ? { beforeHex: formatFieldValue(field.width, prev) } : {}),
      ...(decoded !== undefined ? { decoded } : {}),
      description: field.description,
      sdm: field.sdm,
      key,
    };
    buckets.get(field.group)!.push(out);
  }
  const groups: InspectedGroup[] = VMCS_GROUPS.map((g) => ({
    ...g,
    fields: buckets.get(g.id)!.sort((a, b) => RANK.get(a.encoding)! - RANK.get(b.encoding)!),
  }));
  const t = view.transition;
  return {
    detail,
    ptr: view.now.ptr >>> 0,
    ptrHex: '0x' + hexDigits(view.now.ptr, 8),
    launched: view.now.launched,
    current: view.now.current,
    transition: t === null ? null : { seq: t.seq, eventNumber: t.seq + 1, kind: t.kind, label: transitionLabel(t.kind) },
    compared: before !== null,
    groups,
    fieldCount: groups.reduce((n, g) => n + g.fields.length, 0),
    changedCount,
    keyCount,
  };
}

// ================================================================ search

interface Haystack {
  /** Lower-case name, title and decoded text. */
  readonly text: string;
  /** Lower-case hex digits of the encoding and the value (padded and unpadded), space separated. */
  readonly hex: string;
}

const HAYSTACKS = new WeakMap<InspectedField, Haystack>();

function haystackOf(f: InspectedField): Haystack {
  let h = HAYSTACKS.get(f);
  if (h === undefined) {
    const decoded = f.decoded === undefined ? '' : [f.decoded.summary, ...f.decoded.parts.map((p) => `${p.name} ${p.meaning}`)].join(' ');
    const valueDigits = f.valueHex.slice(2);
    const text = `${f.name} ${f.title} ${f.encodingHex} ${f.valueHex} ${decoded}`.toLowerCase();
    const hexText = `${f.encodingHex.slice(2)} ${valueDigits} ${valueDigits.replace(/^0+(?=.)/, '')}`.toLowerCase();
    h = { text, hex: hexText };
    HAYSTACKS.set(f, h);
  }
  return h;
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[a-z0-9]/.test(ch);
}

/** `term` occurs in `text` at the start of a word ("rip" finds GUEST_RIP and "Guest RIP", not "descriptor"). */
function atWordStart(text: string, term: string): boolean {
  for (let i = text.indexOf(term); i >= 0; i = text.indexOf(term, i + 1)) {
    if (i === 0 || !isWordChar(text[i - 1]) || !isWordChar(term[0])) return true;
  }
  return false;
}

/**
 * One search term: it starts a word of the name, title or decoded text; or it is a hex number — "0x3F8", or
 * digits with at least one decimal digit ("681E") — found anywhere in the digits of the encoding or value.
 */
function termMatches(h: Haystack, term: string): boolean {
  if (atWordStart(h.text, term)) return true;
  if (/^0x[0-9a-f]+$/.test(term)) return h.hex.includes(term.slice(2));
  return /^[0-9a-f]*[0-9][0-9a-f]*$/.test(term) && h.hex.includes(term);
}

/** Whether a field matches a query: every whitespace-separated term matches (see `termMatches`), case-insensitively. */
export function fieldMatches(f: InspectedField, query: string): boolean {
  const terms = query.toLowerCase().split(/\s+/).filter((t) => t.length > 0);
  if (terms.length === 0) return true;
  const h = haystackOf(f);
  return terms.every((t) => termMatches(h, t));
}

/**
 * The inspected VMCS with only the fields that match `query` (by name, title, encoding — with or without
 * "0x" —, value in hex, or decoded text; case-insensitive; words match at word starts and several words
 * must all match). Every group is
 * kept, possibly empty; counts are recomputed. An empty query returns `inspected` itself.
 */
export function searchVmcs(inspected: InspectedVmcs, query: string): InspectedVmcs {
  if (query.trim() === '') return inspected;
  const groups = inspected.groups.map((g) => ({ ...g, fields: g.fields.filter((f) => fieldMatches(f, query)) }));
  let fieldCount = 0;
  let changedCount = 0;
  let keyCount = 0;
  for (const g of groups) {
    for (const f of g.fields) {
      fieldCount++;
      if (f.changed) changedCount++;
      if (f.key) keyCount++;
    }
  }
  return { ...inspected, groups, fieldCount, changedCount, keyCount };
}
