/**
 * The Controls tab's pure helpers: parsing what the user types (hex values, ports, MSRs), naming ports and MSRs,
 * describing a control bit's capability and a VM-entry failure in words. No DOM, no store: tested on their own.
 */
import type { ControlCapability, VmmSettings } from '../../worker/protocol.ts';
import type { ControlViolation, ControlWord } from '../../core/vmm/controls-check.ts';
import { msrInBitmapRange } from '../../core/vmm/settings-data.ts';
import { Cr0, Cr4, EXCEPTION_MNEMONICS, Msr } from '../../core/x86/arch.ts';
// `tr`: the parsers below name their trimmed text `t`.
import { t, t as tr } from '../../i18n/t.ts';

export const hex = (n: number): string => '0x' + (n >>> 0).toString(16).toUpperCase();

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** User text inside a message, shortened: a pasted 100 kB text must give a message that fits beside the field (issue 9). */
const clip = (s: string): string => (s.length > 40 ? `${s.slice(0, 37)}...` : s);

/** A 32-bit value typed as hex (0x optional, _ allowed). */
export function parseHex32(text: string): Parsed<number> {
  const s = text.trim().replace(/_/g, '');
  const m = /^(?:0x)?([0-9a-f]+)$/i.exec(s);
  if (m === null) return { ok: false, message: t('rings.controlsModel.notHex', { text: clip(text.trim()) }) };
  if (m[1].replace(/^0+/, '').length > 8) return { ok: false, message: t('rings.controlsModel.over32', { text: clip(text.trim()) }) };
  return { ok: true, value: parseInt(m[1], 16) >>> 0 };
}

function parseHexAny(t: string): number | undefined {
  const m = /^(?:0x)?([0-9a-f]{1,9})$/i.exec(t.trim().replace(/_/g, ''));
  return m === null ? undefined : parseInt(m[1], 16);
}

/** A port or a range of ports, in hex ("0x3F8", "3f8-3ff"). I/O ports are 16-bit (SDM Vol. 1 §18.3). */
export function parsePorts(text: string): Parsed<number[]> {
  const t = text.trim();
  if (t === '') return { ok: false, message: tr('rings.controlsModel.typePort') };
  const parts = t.split('-');
  if (parts.length > 2) return { ok: false, message: tr('rings.controlsModel.notPortRange', { text: clip(t) }) };
  const nums = parts.map(parseHexAny);
  if (nums.some((n) => n === undefined)) return { ok: false, message: tr('rings.controlsModel.notHexPort', { text: clip(t) }) };
  const [a, b = a] = nums as number[];
  for (const n of [a, b]) if (n > 0xffff) return { ok: false, message: tr('rings.controlsModel.portAbove', { port: hex(n) }) };
  if (b < a) return { ok: false, message: tr('rings.controlsModel.rangeBackwards', { a: hex(a), b: hex(b) }) };
  return { ok: true, value: Array.from({ length: b - a + 1 }, (_, k) => a + k) };
}

/** An MSR index or range in hex; the MSR bitmap covers 0–1FFFH and C0000000H–C0001FFFH only (SDM Vol. 3C §24.6.9). */
export function parseMsrs(text: string): Parsed<number[]> {
  const t = text.trim();
  if (t === '') return { ok: false, message: tr('rings.controlsModel.typeMsr') };
  const parts = t.split('-');
  if (parts.length > 2) return { ok: false, message: tr('rings.controlsModel.notMsrRange', { text: clip(t) }) };
  const nums = parts.map(parseHexAny);
  if (nums.some((n) => n === undefined || n > 0xffffffff)) return { ok: false, message: tr('rings.controlsModel.notHexMsr', { text: clip(t) }) };
  const [a, b = a] = nums as number[];
  if (b < a) return { ok: false, message: tr('rings.controlsModel.rangeBackwards', { a: hex(a), b: hex(b) }) };
  for (const n of [a, b]) {
    if (!msrInBitmapRange(n)) return { ok: false, message: tr('rings.controlsModel.msrOutside', { msr: hex(n) }) };
  }
  if (a <= 0x1fff && b >= 0xc0000000) return { ok: false, message: tr('rings.controlsModel.spanBoth') };
  return { ok: true, value: Array.from({ length: b - a + 1 }, (_, k) => a + k) };
}

/** Well-known PC/AT ports (IBM PC/AT Technical Reference, I/O address map; README "Memory layout" for the emulated ones). */
export const NAMED_PORTS: readonly { from: number; to: number; name: string; emulated: boolean }[] = [
  { from: 0x20, to: 0x21, name: 'PIC, master 8259A', emulated: true },
  { from: 0x40, to: 0x43, name: 'PIT, 8254 timer', emulated: true },
  { from: 0x60, to: 0x60, name: 'keyboard controller data (8042)', emulated: false },
  { from: 0x61, to: 0x61, name: 'system control port B (PIT counter 2 gate)', emulated: true },
  { from: 0x64, to: 0x64, name: 'keyboard controller status/command (8042)', emulated: false },
  { from: 0x70, to: 0x71, name: 'CMOS/RTC index and data', emulated: false },
  { from: 0x80, to: 0x80, name: 'POST diagnostic port', emulated: false },
  { from: 0xa0, to: 0xa1, name: 'PIC, slave 8259A', emulated: true },
  { from: 0x3f8, to: 0x3ff, name: 'COM1, 16550A UART', emulated: true },
];

/** MSRs the core implements (arch.ts `Msr`, SDM Vol. 4 Table 2-2), named for the MSR-bitmap list. */
export const NAMED_MSRS: readonly { from: number; to: number; name: string }[] = [
  { from: Msr.IA32_TIME_STAMP_COUNTER, to: Msr.IA32_TIME_STAMP_COUNTER, name: 'IA32_TIME_STAMP_COUNTER' },
  { from: Msr.IA32_APIC_BASE, to: Msr.IA32_APIC_BASE, name: 'IA32_APIC_BASE' },
  { from: Msr.IA32_FEATURE_CONTROL, to: Msr.IA32_FEATURE_CONTROL, name: 'IA32_FEATURE_CONTROL' },
  { from: Msr.IA32_TSC_ADJUST, to: Msr.IA32_TSC_ADJUST, name: 'IA32_TSC_ADJUST' },
  { from: Msr.IA32_SYSENTER_CS, to: Msr.IA32_SYSENTER_EIP, name: 'IA32_SYSENTER_CS / _ESP / _EIP' },
  { from: Msr.IA32_DEBUGCTL, to: Msr.IA32_DEBUGCTL, name: 'IA32_DEBUGCTL' },
  { from: Msr.IA32_PAT, to: Msr.IA32_PAT, name: 'IA32_PAT' },
  { from: Msr.IA32_VMX_BASIC, to: Msr.IA32_VMX_VMFUNC, name: 'IA32_VMX_* capability MSRs' },
  { from: Msr.IA32_EFER, to: Msr.IA32_EFER, name: 'IA32_EFER' },
  { from: Msr.IA32_FS_BASE, to: Msr.IA32_GS_BASE, name: 'IA32_FS_BASE / IA32_GS_BASE' },
  { from: Msr.IA32_TSC_AUX, to: Msr.IA32_TSC_AUX, name: 'IA32_TSC_AUX' },
];

/** Contiguous runs of a sorted list. */
export function runsOf(list: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const n of list) {
    const last = out[out.length - 1];
    if (last !== undefined && n === last[1] + 1) last[1] = n;
    else out.push([n, n]);
  }
  return out;
}

export const rangeText = ([a, b]: [number, number]): string => (a === b ? hex(a) : `${hex(a)}–${hex(b)}`);

/** The names of the known ports or MSRs a run overlaps. */
export function namesIn(run: [number, number], named: readonly { from: number; to: number; name: string }[]): string[] {
  return named.filter((n) => n.from <= run[1] && n.to >= run[0]).map((n) => n.name);
}

export function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

/** What a control bit may be on a model (SDM Vol. 3C App. A.3–A.5: allowed-0 bit 1 → must be 1; allowed-1 bit 0 → must be 0). */
export function capabilityOf(cap: ControlCapability | undefined, bit: number): { must: 0 | 1 | null; text: string; source: string } {
  if (cap === undefined) return { must: null, text: '…', source: '' };
  if (!cap.present) return { must: 0, text: t('rings.controls.must0'), source: t('rings.controlsModel.noMsr', { msr: cap.msr }) };
  const a0 = (cap.allowed0 >>> bit) & 1;
  const a1 = (cap.allowed1 >>> bit) & 1;
  const source = t('rings.controlsModel.capSource', { msr: cap.msr, bit, a0, a1 });
  if (a0 === 1) return { must: 1, text: t('rings.controls.must1'), source };
  if (a1 === 0) return { must: 0, text: t('rings.controls.must0'), source };
  return { must: null, text: t('rings.controls.free'), source };
}

/** Getters, so the words follow the active language. */
export const WORD_SHORT: Record<ControlWord, string> = {
  get pin() {
    return t('rings.controlsModel.wordPin');
  },
  get primary() {
    return t('rings.controlsModel.wordPrimary');
  },
  get secondary() {
    return t('rings.controlsModel.wordSecondary');
  },
  get exit() {
    return t('rings.controlsModel.wordExit');
  },
  get entry() {
    return t('rings.controlsModel.wordEntry');
  },
};

/** One reason VM entry will fail, e.g. "‘Enable EPT’ (secondary bit 1) must be 0 on Xeon LV (2006): …". */
export function violationText(v: ControlViolation, cpuName: string): string {
  const where = t('rings.controlsModel.wordBit', { word: WORD_SHORT[v.word], bit: v.bit });
  if (v.rule === 'allowed-0') return t('rings.controlsModel.violation0', { name: v.name, where, cpu: cpuName, msr: String(v.msr), bit: v.bit });
  if (v.rule === 'allowed-1') return t('rings.controlsModel.violation1', { name: v.name, where, cpu: cpuName, detail: (v.detail ?? '').replace(` bit ${v.bit} = 0`, ` bit ${v.bit} is 0`) });
  return v.message;
}

const CR0_BITS: [number, string][] = [[Cr0.PE, 'PE'], [Cr0.MP, 'MP'], [Cr0.EM, 'EM'], [Cr0.TS, 'TS'], [Cr0.ET, 'ET'], [Cr0.NE, 'NE'], [Cr0.WP, 'WP'], [Cr0.AM, 'AM'], [Cr0.NW, 'NW'], [Cr0.CD, 'CD'], [Cr0.PG, 'PG']];
const CR4_BITS: [number, string][] = [
  [Cr4.VME, 'VME'], [Cr4.PVI, 'PVI'], [Cr4.TSD, 'TSD'], [Cr4.DE, 'DE'], [Cr4.PSE, 'PSE'], [Cr4.PAE, 'PAE'], [Cr4.MCE, 'MCE'], [Cr4.PGE, 'PGE'],
  [Cr4.PCE, 'PCE'], [Cr4.OSFXSR, 'OSFXSR'], [Cr4.OSXMMEXCPT, 'OSXMMEXCPT'], [Cr4.UMIP, 'UMIP'], [Cr4.VMXE, 'VMXE'], [Cr4.SMXE, 'SMXE'],
  [Cr4.FSGSBASE, 'FSGSBASE'], [Cr4.PCIDE, 'PCIDE'], [Cr4.OSXSAVE, 'OSXSAVE'], [Cr4.SMEP, 'SMEP'], [Cr4.SMAP, 'SMAP'],
];

/** The named bits set in a CR0 or CR4 value (SDM Vol. 3A §2.5), e.g. "PE NE PG"; unnamed bits as "bit n". */
export function crBitNames(which: 'cr0' | 'cr4', v: number): string {
  const table = which === 'cr0' ? CR0_BITS : CR4_BITS;
  const out: string[] = [];
  let rest = v >>> 0;
  for (const [mask, name] of table) {
    if ((rest & mask) !== 0) {
      out.push(name);
      rest = (rest & ~mask) >>> 0;
    }
  }
  for (let b = 0; b < 32; b++) if (((rest >>> b) & 1) !== 0) out.push(t('rings.controlsModel.bitN', { b }));
  return out.length === 0 ? t('rings.controls.none') : out.join(' ');
}

/** Exception vector n's name for the exception bitmap (SDM Vol. 3A Table 6-1). */
export function exceptionName(n: number): string {
  return EXCEPTION_MNEMONICS[n] ?? t('rings.controlsModel.vectorN', { n });
}

/** Drops empty parts, so equal settings compare equal (and an empty object means "the VMM's defaults"). */
export function tidySettings(s: VmmSettings): VmmSettings {
  const out: VmmSettings = { ...s };
  if (out.rawControls !== undefined) {
    const raw = { ...out.rawControls };
    for (const w of Object.keys(raw) as ControlWord[]) {
      const r = raw[w];
      if (r === undefined || (r.set === undefined && r.clear === undefined)) delete raw[w];
    }
    if (Object.keys(raw).length === 0) delete out.rawControls;
    else out.rawControls = raw;
  }
  return out;
}
