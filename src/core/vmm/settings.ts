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

/** Bits to OR into (`set`) and then clear from (`clear`) one control word. */
export interface RawControlBits {
  set?: number;
  clear?: number;
}

/** Every field is optional: absent = the VMM's documented default on the chosen CPU model. */
export interface VmmSettings {
  /** HLT causes a VM exit (reason 12). Off: the vCPU halts in VMX non-root operation. */
  hltExiting?: boolean;
  /** RDTSC (and RDTSCP) cause VM exits (reasons 16 / 51); the VMM emulates them with the TSC offset. */
  rdtscExiting?: boolean;
  /** INVLPG causes a VM exit (reason 14). Shadow paging needs it. */
  invlpgExiting?: boolean;
  /** MOV to CR3 causes a VM exit (reason 28). Shadow paging needs it. */
  cr3LoadExiting?: boolean;
  /** MOV from CR3 causes a VM exit (reason 28). */
  cr3StoreExiting?: boolean;
  /** CR0 bits the VMM owns (guest/host mask): guest reads of them return the read shadow, writes that change them exit. */
  cr0GuestHostMask?: number;
  /** What the guest reads for owned CR0 bits until it writes CR0 (initial CR0 read shadow). */
  cr0ReadShadow?: number;
  cr4GuestHostMask?: number;
  cr4ReadShadow?: number;
  /** I/O bitmap: ports that do NOT cause VM exits (all others exit). The guest's IN/OUT to them reach the
   * devices the processor sees in non-root operation: the host's, not the VM's. Absent: every port exits. */
  ioPassthroughPorts?: number[];
  /** MSR bitmap: MSR indices (0–1FFFH, C0000000H–C0001FFFH) whose RDMSR/WRMSR do NOT exit: they reach the
   * processor's real MSRs. */
  msrPassthrough?: number[];
  /** Exception bitmap (bit n: exception vector n exits, reason 0). The whole value; keep bit 14 under shadow paging. */
  exceptionBitmap?: number;
  /** EPT on/off (off: shadow paging, as on 2006 VT-x). EPT on a model without it is a control the capability MSRs forbid. */
  ept?: boolean;
  /** The VMX-preemption timer (reason 52); off: the VMM regains control with the host timer's external interrupt. */
  preemptionTimer?: boolean;
  /** Expert: raw bits to set/clear in each control word after the VMM computed its own, applied as given. */
  rawControls?: Partial<Record<ControlWord, RawControlBits>>;
}

export type VmmSettingKey = Exclude<keyof VmmSettings, 'rawControls'>;

export type VmmSettingType = 'boolean' | 'u32' | 'ports' | 'msrs';

/** What each setting is, for forms and help text. */
export interface VmmSettingInfo {
  key: VmmSettingKey;
  type: VmmSettingType;
  label: string;
  /** The VMCS field(s) it writes. */
  vmcs: string;
  /** The control bit behind a boolean setting. */
  control?: { word: ControlWord; bit: number };
}

export const VMM_SETTINGS_INFO: readonly VmmSettingInfo[] = Object.freeze([
  { key: 'hltExiting', type: 'boolean', label: 'HLT exiting', vmcs: 'CPU_BASED_VM_EXEC_CONTROL bit 7', control: { word: 'primary', bit: 7 } },
  { key: 'rdtscExiting', type: 'boolean', label: 'RDTSC exiting', vmcs: 'CPU_BASED_VM_EXEC_CONTROL bit 12', control: { word: 'primary', bit: 12 } },
  { key: 'invlpgExiting', type: 'boolean', label: 'INVLPG exiting', vmcs: 'CPU_BASED_VM_EXEC_CONTROL bit 9', control: { word: 'primary', bit: 9 } },
  { key: 'cr3LoadExiting', type: 'boolean', label: 'CR3-load exiting', vmcs: 'CPU_BASED_VM_EXEC_CONTROL bit 15', control: { word: 'primary', bit: 15 } },
  { key: 'cr3StoreExiting', type: 'boolean', label: 'CR3-store exiting', vmcs: 'CPU_BASED_VM_EXEC_CONTROL bit 16', control: { word: 'primary', bit: 16 } },
  { key: 'cr0GuestHostMask', type: 'u32', label: 'CR0 guest/host mask', vmcs: 'CR0_GUEST_HOST_MASK' },
  { key: 'cr0ReadShadow', type: 'u32', label: 'CR0 read shadow', vmcs: 'CR0_READ_SHADOW' },
  { key: 'cr4GuestHostMask', type: 'u32', label: 'CR4 guest/host mask', vmcs: 'CR4_GUEST_HOST_MASK' },
  { key: 'cr4ReadShadow', type: 'u32', label: 'CR4 read shadow', vmcs: 'CR4_READ_SHADOW' },
  { key: 'ioPassthroughPorts', type: 'ports', label: 'I/O ports passed through', vmcs: 'I/O bitmaps A and B' },
  { key: 'msrPassthrough', type: 'msrs', label: 'MSRs passed through', vmcs: 'MSR bitmap' },
  { key: 'exceptionBitmap', type: 'u32', label: 'Exception bitmap', vmcs: 'EXCEPTION_BITMAP' },
  { key: 'ept', type: 'boolean', label: 'EPT', vmcs: 'SECONDARY_VM_EXEC_CONTROL bit 1 (with CPU_BASED_VM_EXEC_CONTROL bit 31)', control: { word: 'secondary', bit: 1 } },
  { key: 'preemptionTimer', type: 'boolean', label: 'VMX-preemption timer', vmcs: 'PIN_BASED_VM_EXEC_CONTROL bit 6', control: { word: 'pin', bit: 6 } },
] as VmmSettingInfo[]);

const INFO_BY_KEY = new Map<string, VmmSettingInfo>(VMM_SETTINGS_INFO.map((i) => [i.key, i]));

/** A problem with untrusted settings: `field` is a dotted path ('ioPassthroughPorts[3]', 'rawControls.pin.set'). */
export interface VmmSettingsError {
  field: string;
  message: string;
}

export type VmmSettingsResult = { ok: true; settings: VmmSettings } | { ok: false; errors: VmmSettingsError[] };

/** At most this many ports / MSRs in a list (every port; both MSR-bitmap ranges). */
export const MAX_PORTS = 65536;
export const MAX_MSRS = 0x4000;

/** MSR indices the MSR bitmap covers (SDM Vol. 3C §24.6.9): others always exit. */
export function msrInBitmapRange(index: number): boolean {
  return (index >= 0 && index <= 0x1fff) || (index >= 0xc0000000 && index <= 0xc0001fff);
}

const hex = (n: number): string => '0x' + (n >>> 0).toString(16).toUpperCase();

function isU32(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffffffff;
}

/**
 * Checks settings from an untrusted source (a link, a form, a file) and returns a normalised copy: only known
 * fields, lists sorted without duplicates, numbers as unsigned 32-bit values. Every problem is reported.
 */
export function validateVmmSettings(x: unknown): VmmSettingsResult {
  const errors: VmmSettingsError[] = [];
  if (typeof x !== 'object' || x === null || Array.isArray(x)) {
    return { ok: false, errors: [{ field: '', message: 'VMM settings must be an object of setting: value pairs' }] };
  }
  const out: VmmSettings = {};
  const known = [...VMM_SETTINGS_INFO.map((i) => i.key), 'rawControls'];
  for (const [key, value] of Object.entries(x as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (key === 'rawControls') {
      const raw = validateRaw(value, errors);
      if (raw !== undefined) out.rawControls = raw;
      continue;
    }
    const info = INFO_BY_KEY.get(key);
    if (info === undefined) {
      errors.push({ field: key, message: `unknown VMM setting '${key}' (known: ${known.join(', ')})` });
      continue;
    }
    const o = out as Record<string, unknown>;
    if (info.type === 'boolean') {
      if (typeof value !== 'boolean') errors.push({ field: key, message: `${info.label} must be true or false` });
      else o[key] = value;
    } else if (info.type === 'u32') {
      if (!isU32(value)) errors.push({ field: key, message: `${info.label} must be a whole number from 0 to 0xFFFFFFFF (32 bits)` });
      else o[key] = value >>> 0;
    } else {
      const list = validateList(key, info, value, errors);
      if (list !== undefined) o[key] = list;
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, settings: out };
}

function validateList(key: string, info: VmmSettingInfo, value: unknown, errors: VmmSettingsError[]): number[] | undefined {
  const ports = info.type === 'ports';
  const max = ports ? MAX_PORTS : MAX_MSRS;
  if (!Array.isArray(value)) {
    errors.push({ field: key, message: `${info.label} must be a list of ${ports ? 'port numbers' : 'MSR indices'}` });
    return undefined;
  }
  if (value.length > max) {
    errors.push({ field: key, message: `${info.label}: at most ${max} entries` });
    return undefined;
  }
  const seen = new Set<number>();
  let bad = 0;
  value.forEach((v, k) => {
    const ok = ports ? typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff : isU32(v) && msrInBitmapRange(v);
    if (!ok) {
      // Report the first few bad entries only: a tampered link could hold thousands.
      if (bad++ < 5) {
        errors.push({
          field: `${key}[${k}]`,
          message: ports
            ? `I/O port ${JSON.stringify(v)} is not a port number from 0 to 65535 (0xFFFF)`
            : `MSR ${typeof v === 'number' && Number.isInteger(v) ? hex(v) : JSON.stringify(v)} is outside the MSR bitmap ranges 0x0–0x1FFF and 0xC0000000–0xC0001FFF (others always exit)`,
        });
      }
      return;
    }
    seen.add((v as number) >>> 0);
  });
  if (bad > 0) return undefined;
  return [...seen].sort((a, b) => a - b);
}

function validateRaw(value: unknown, errors: VmmSettingsError[]): VmmSettings['rawControls'] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push({ field: 'rawControls', message: `rawControls must be an object with some of ${CONTROL_WORDS.join(', ')}, each { set, clear }` });
    return undefined;
  }
  const out: Partial<Record<ControlWord, RawControlBits>> = {};
  let failed = false;
  for (const [word, bits] of Object.entries(value as Record<string, unknown>)) {
    if (bits === undefined) continue;
    const path = `rawControls.${word}`;
    if (!(CONTROL_WORDS as readonly string[]).includes(word)) {
      errors.push({ field: path, message: `unknown control word '${word}' (known: ${CONTROL_WORDS.join(', ')})` });
      failed = true;
      continue;
    }
    if (typeof bits !== 'object' || bits === null || Array.isArray(bits)) {
      errors.push({ field: path, message: `${path} must be an object { set, clear } of 32-bit masks` });
      failed = true;
      continue;
    }
    const r: RawControlBits = {};
    for (const [k, v] of Object.entries(bits as Record<string, unknown>)) {
      if (v === undefined) continue;
      if (k !== 'set' && k !== 'clear') {
        errors.push({ field: `${path}.${k}`, message: `unknown field '${k}' (a control word has set and clear)` });
        failed = true;
      } else if (!isU32(v)) {
        errors.push({ field: `${path}.${k}`, message: `${path}.${k} must be a whole number from 0 to 0xFFFFFFFF (32 bits)` });
        failed = true;
      } else r[k] = v >>> 0;
    }
    if (r.set !== undefined && r.clear !== undefined && (r.set & r.clear) !== 0) {
      errors.push({ field: path, message: `${path}: bits ${hex(r.set & r.clear)} are both set and cleared` });
      failed = true;
    }
    if (r.set !== undefined || r.clear !== undefined) out[word as ControlWord] = r;
  }
  if (failed) return undefined;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A deep copy (settings are plain data). */
export function cloneVmmSettings(s: VmmSettings): VmmSettings {
  const out: VmmSettings = { ...s };
  if (s.ioPassthroughPorts) out.ioPassthroughPorts = [...s.ioPassthroughPorts];
  if (s.msrPassthrough) out.msrPassthrough = [...s.msrPassthrough];
  if (s.rawControls) {
    const raw: Partial<Record<ControlWord, RawControlBits>> = {};
    for (const w of CONTROL_WORDS) if (s.rawControls[w]) raw[w] = { ...s.rawControls[w] };
    out.rawControls = raw;
  }
  return out;
}

// ------------------------------------------------------------------------------------ KEY=VALUE text form

/**
 * Parses `KEY=VALUE` assignments (the CLI's `--vmm`, repeatable; also usable for links):
 *   booleans   hltExiting=false   (true/false, on/off, yes/no, 1/0)
 *   numbers    exceptionBitmap=0x4008   cr0GuestHostMask=0x80000021   (decimal, 0x hex, 0b binary)
 *   lists      ioPassthroughPorts=0x3f8-0x3ff,0x80   msrPassthrough=0x10,0x174-0x176   (none or empty: [])
 *   raw bits   raw.primary.set=0x4   rawControls.pin.clear=0x40
 * Later assignments of the same key win. The result is validated like `validateVmmSettings`.
 */
export function vmmSettingsFromAssignments(assignments: readonly string[]): VmmSettingsResult {
  const obj: Record<string, unknown> = {};
  const raw: Record<string, Record<string, unknown>> = {};
  const errors: VmmSettingsError[] = [];
  for (const a of assignments) {
    const eq = a.indexOf('=');
    if (eq <= 0) {
      errors.push({ field: a, message: `'${a}' is not KEY=VALUE (for example hltExiting=false)` });
      continue;
    }
    const key = a.slice(0, eq).trim();
    const text = a.slice(eq + 1).trim();
    const m = /^(?:raw|rawControls)\.([a-z]+)\.([a-z]+)$/.exec(key);
    if (m !== null) {
      const n = parseNumber(text);
      (raw[m[1]] ??= {})[m[2]] = n ?? text;
      continue;
    }
    const info = INFO_BY_KEY.get(key);
    if (info === undefined) {
      errors.push({ field: key, message: `unknown VMM setting '${key}' (known: ${VMM_SETTINGS_INFO.map((i) => i.key).join(', ')}, raw.WORD.set, raw.WORD.clear)` });
      continue;
    }
    if (info.type === 'boolean') {
      const b = parseBoolean(text);
      if (b === undefined) errors.push({ field: key, message: `${info.label}: '${text}' is not true or false` });
      else obj[key] = b;
    } else if (info.type === 'u32') {
      const n = parseNumber(text);
      obj[key] = n ?? text;
    } else {
      const list = parseList(text);
      if (list === undefined) errors.push({ field: key, message: `${info.label}: '${text}' is not a comma-separated list of numbers or ranges (for example 0x3f8-0x3ff,0x80)` });
      else obj[key] = list;
    }
  }
  if (Object.keys(raw).length > 0) obj.rawControls = raw;
  const v = validateVmmSettings(obj);
  if (errors.length > 0) return { ok: false, errors: [...errors, ...(v.ok ? [] : v.errors)] };
  return v;
}

/** The inverse of `vmmSettingsFromAssignments` (lists as ranges where they are contiguous). */
export function vmmSettingsToAssignments(s: VmmSettings): string[] {
  const out: string[] = [];
  for (const info of VMM_SETTINGS_INFO) {
    const v = s[info.key];
    if (v === undefined) continue;
    if (info.type === 'boolean') out.push(`${info.key}=${String(v)}`);
    else if (info.type === 'u32') out.push(`${info.key}=${hex(v as number)}`);
    else out.push(`${info.key}=${formatList(v as number[])}`);
  }
  for (const w of CONTROL_WORDS) {
    const r = s.rawControls?.[w];
    if (r?.set !== undefined) out.push(`raw.${w}.set=${hex(r.set)}`);
    if (r?.clear !== undefined) out.push(`raw.${w}.clear=${hex(r.clear)}`);
  }
  return out;
}

function parseBoolean(t: string): boolean | undefined {
  const l = t.toLowerCase();
  if (l === 'true' || l === 'on' || l === 'yes' || l === '1') return true;
  if (l === 'false' || l === 'off' || l === 'no' || l === '0') return false;
  return undefined;
}

function parseNumber(t: string): number | undefined {
  const s = t.replace(/_/g, '');
  if (/^0x[0-9a-f]+$/i.test(s)) return parseInt(s.slice(2), 16);
  if (/^0b[01]+$/i.test(s)) return parseInt(s.slice(2), 2);
  if (/^[0-9]+$/.test(s)) return parseInt(s, 10);
  return undefined;
}

/** Ranges are capped so that a huge range in a link cannot allocate without bound (validation rejects the excess). */
function parseList(t: string): number[] | undefined {
  if (t === '' || t.toLowerCase() === 'none') return [];
  const out: number[] = [];
  for (const part of t.split(',')) {
    const p = part.trim();
    const dash = p.indexOf('-', 1);
    if (dash > 0) {
      const a = parseNumber(p.slice(0, dash).trim());
      const b = parseNumber(p.slice(dash + 1).trim());
      if (a === undefined || b === undefined || b < a) return undefined;
      if (b - a >= MAX_PORTS) return undefined;
      for (let k = a; k <= b; k++) out.push(k);
    } else {
      const n = parseNumber(p);
      if (n === undefined) return undefined;
      out.push(n);
    }
    if (out.length > MAX_PORTS) return undefined;
  }
  return out;
}

function formatList(list: readonly number[]): string {
  if (list.length === 0) return 'none';
  const parts: string[] = [];
  let k = 0;
  while (k < list.length) {
    let j = k;
    while (j + 1 < list.length && list[j + 1] === list[j] + 1) j++;
    parts.push(j > k ? `${hex(list[k])}-${hex(list[j])}` : hex(list[k]));
    k = j + 1;
  }
  return parts.join(',');
}

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
