/**
 * VMM settings as plain data (settings.ts explains what each one does): the types, the table of settings, the
 * check of untrusted input and the KEY=VALUE text form (the CLI's `--vmm`, links). Kept apart from settings.ts,
 * which needs the VMM's VMCS plan and the CPU models, so that the UI can read and write links with these
 * functions without loading the simulator.
 */
import { CONTROL_WORDS, type ControlWord } from './controls-check.ts';
// Labels and messages come from the catalogue (issue 8: every user-visible string in one catalogue).
import { t as tr } from '../../i18n/t.ts';

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

/** A setting whose label is read from the catalogue when shown (so it follows the active language). */
function setting(key: VmmSettingKey, type: VmmSettingType, vmcs: string, control?: { word: ControlWord; bit: number }): VmmSettingInfo {
  return {
    key,
    type,
    get label() {
      return tr(`vmm.setting.${key}`);
    },
    vmcs,
    ...(control === undefined ? {} : { control }),
  };
}

export const VMM_SETTINGS_INFO: readonly VmmSettingInfo[] = Object.freeze([
  setting('hltExiting', 'boolean', 'CPU_BASED_VM_EXEC_CONTROL bit 7', { word: 'primary', bit: 7 }), // i18n-ignore: SDM VMCS field name (reference data)
  setting('rdtscExiting', 'boolean', 'CPU_BASED_VM_EXEC_CONTROL bit 12', { word: 'primary', bit: 12 }), // i18n-ignore: SDM VMCS field name (reference data)
  setting('invlpgExiting', 'boolean', 'CPU_BASED_VM_EXEC_CONTROL bit 9', { word: 'primary', bit: 9 }), // i18n-ignore: SDM VMCS field name (reference data)
  setting('cr3LoadExiting', 'boolean', 'CPU_BASED_VM_EXEC_CONTROL bit 15', { word: 'primary', bit: 15 }), // i18n-ignore: SDM VMCS field name (reference data)
  setting('cr3StoreExiting', 'boolean', 'CPU_BASED_VM_EXEC_CONTROL bit 16', { word: 'primary', bit: 16 }), // i18n-ignore: SDM VMCS field name (reference data)
  setting('cr0GuestHostMask', 'u32', 'CR0_GUEST_HOST_MASK'),
  setting('cr0ReadShadow', 'u32', 'CR0_READ_SHADOW'),
  setting('cr4GuestHostMask', 'u32', 'CR4_GUEST_HOST_MASK'),
  setting('cr4ReadShadow', 'u32', 'CR4_READ_SHADOW'),
  setting('ioPassthroughPorts', 'ports', 'I/O bitmaps A and B'), // i18n-ignore: SDM VMCS field name (reference data)
  setting('msrPassthrough', 'msrs', 'MSR bitmap'), // i18n-ignore: SDM VMCS field name (reference data)
  setting('exceptionBitmap', 'u32', 'EXCEPTION_BITMAP'),
  setting('ept', 'boolean', 'SECONDARY_VM_EXEC_CONTROL bit 1 (with CPU_BASED_VM_EXEC_CONTROL bit 31)', { word: 'secondary', bit: 1 }), // i18n-ignore: SDM VMCS field name (reference data)
  setting('preemptionTimer', 'boolean', 'PIN_BASED_VM_EXEC_CONTROL bit 6', { word: 'pin', bit: 6 }), // i18n-ignore: SDM VMCS field name (reference data)
]);

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

/** 0x-prefixed upper-case hex of an unsigned 32-bit value. */
export const hexU32 = (n: number): string => '0x' + (n >>> 0).toString(16).toUpperCase();

/** User text inside a message or a field path, shortened: a 20,000-character link must give a short message. */
function short(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

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
    return { ok: false, errors: [{ field: '', message: tr('vmm.settingsError.notObject') }] };
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
      errors.push({ field: short(key), message: tr('vmm.settingsError.unknownSetting', { key: short(key), known: known.join(', ') }) });
      continue;
    }
    const o = out as Record<string, unknown>;
    if (info.type === 'boolean') {
      if (typeof value !== 'boolean') errors.push({ field: key, message: tr('vmm.settingsError.notBoolean', { label: info.label }) });
      else o[key] = value;
    } else if (info.type === 'u32') {
      if (!isU32(value)) errors.push({ field: key, message: tr('vmm.settingsError.notU32', { what: info.label }) });
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
    errors.push({ field: key, message: tr(ports ? 'vmm.settingsError.notPortList' : 'vmm.settingsError.notMsrList', { label: info.label }) });
    return undefined;
  }
  if (value.length > max) {
    errors.push({ field: key, message: tr('vmm.settingsError.tooManyEntries', { label: info.label, max }) });
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
            ? tr('vmm.settingsError.badPort', { value: shown(v) })
            : tr('vmm.settingsError.badMsr', { value: typeof v === 'number' && Number.isInteger(v) ? hexU32(v) : shown(v) }),
        });
      }
      return;
    }
    seen.add((v as number) >>> 0);
  });
  if (bad > 0) return undefined;
  // Lists from the text form arrive sorted: sort only when needed (a full 65,536-port list is common).
  const out = [...seen];
  for (let k = 1; k < out.length; k++) {
    if (out[k] < out[k - 1]) return out.sort((a, b) => a - b);
  }
  return out;
}

/** An untrusted list entry in a message: JSON, shortened ('undefined' and functions have no JSON). */
function shown(v: unknown): string {
  if (v === undefined) return tr('vmm.settingsError.noValue');
  let j: string | undefined;
  try {
    j = JSON.stringify(v);
  } catch {
    j = undefined; // a BigInt or a cycle
  }
  return short(j ?? tr('vmm.settingsError.aValueOfType', { type: typeof v }));
}

function validateRaw(value: unknown, errors: VmmSettingsError[]): VmmSettings['rawControls'] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push({ field: 'rawControls', message: tr('vmm.settingsError.rawNotObject', { words: CONTROL_WORDS.join(', ') }) });
    return undefined;
  }
  const out: Partial<Record<ControlWord, RawControlBits>> = {};
  let failed = false;
  for (const [word, bits] of Object.entries(value as Record<string, unknown>)) {
    if (bits === undefined) continue;
    const path = `rawControls.${word}`;
    if (!(CONTROL_WORDS as readonly string[]).includes(word)) {
      errors.push({ field: short(path), message: tr('vmm.settingsError.unknownWord', { word: short(word), words: CONTROL_WORDS.join(', ') }) });
      failed = true;
      continue;
    }
    if (typeof bits !== 'object' || bits === null || Array.isArray(bits)) {
      errors.push({ field: path, message: tr('vmm.settingsError.wordNotObject', { path }) });
      failed = true;
      continue;
    }
    const r: RawControlBits = {};
    for (const [k, v] of Object.entries(bits as Record<string, unknown>)) {
      if (v === undefined) continue;
      if (k !== 'set' && k !== 'clear') {
        errors.push({ field: short(`${path}.${k}`), message: tr('vmm.settingsError.unknownRawField', { field: short(k) }) });
        failed = true;
      } else if (!isU32(v)) {
        errors.push({ field: `${path}.${k}`, message: tr('vmm.settingsError.notU32', { what: `${path}.${k}` }) });
        failed = true;
      } else r[k] = v >>> 0;
    }
    if (r.set !== undefined && r.clear !== undefined && (r.set & r.clear) !== 0) {
      errors.push({ field: path, message: tr('vmm.settingsError.setAndCleared', { path, bits: hexU32(r.set & r.clear) }) });
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
  // Port and MSR entries parsed over all assignments: repeating a full-range list hundreds of times in a link
  // must not cost seconds (fuzzing found 300 × `ioPassthroughPorts=0-0xFFFF` took 0.4 s; issue 9).
  const budget = { left: 2 * MAX_PORTS + 2 * MAX_MSRS };
  for (const a of assignments) {
    const eq = a.indexOf('=');
    if (eq <= 0) {
      errors.push({ field: short(a), message: tr('vmm.settingsError.notAssignment', { text: short(a) }) });
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
      errors.push({ field: short(key), message: tr('vmm.settingsError.unknownSettingText', { key: short(key), known: VMM_SETTINGS_INFO.map((i) => i.key).join(', ') }) });
      continue;
    }
    if (info.type === 'boolean') {
      const b = parseBoolean(text);
      if (b === undefined) errors.push({ field: key, message: tr('vmm.settingsError.notTrueOrFalse', { label: info.label, text: short(text) }) });
      else obj[key] = b;
    } else if (info.type === 'u32') {
      const n = parseNumber(text);
      obj[key] = n ?? text;
    } else {
      const list = parseList(text, budget);
      if (list === 'too-many') {
        errors.push({ field: key, message: tr('vmm.settingsError.listTooLong', { label: info.label, max: 2 * MAX_PORTS + 2 * MAX_MSRS }) });
        break;
      }
      if (list === undefined) errors.push({ field: key, message: tr('vmm.settingsError.notList', { label: info.label, text: short(text) }) });
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
    else if (info.type === 'u32') out.push(`${info.key}=${hexU32(v as number)}`);
    else out.push(`${info.key}=${formatList(v as number[])}`);
  }
  for (const w of CONTROL_WORDS) {
    const r = s.rawControls?.[w];
    if (r?.set !== undefined) out.push(`raw.${w}.set=${hexU32(r.set)}`); // i18n-ignore: KEY=VALUE syntax (code)
    if (r?.clear !== undefined) out.push(`raw.${w}.clear=${hexU32(r.clear)}`); // i18n-ignore: KEY=VALUE syntax (code)
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
  const n = /^0x[0-9a-f]+$/i.test(s) ? parseInt(s.slice(2), 16) : /^0b[01]+$/i.test(s) ? parseInt(s.slice(2), 2) : /^[0-9]+$/.test(s) ? parseInt(s, 10) : undefined;
  // Beyond 2^53 a number has no neighbour (k + 1 === k): a range 0xFFFF…F-0xFFFF…F would loop forever filling an
  // array until the tab dies (found by fuzzing, issue 9). No setting takes more than 32 bits: such text is refused.
  return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
}

/** Ranges are capped so that a huge range in a link cannot allocate without bound (validation rejects the excess). */
function parseList(t: string, budget: { left: number }): number[] | undefined | 'too-many' {
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
      if ((budget.left -= b - a + 1) < 0) return 'too-many';
      for (let k = a; k <= b; k++) out.push(k);
    } else {
      const n = parseNumber(p);
      if (n === undefined) return undefined;
      if (--budget.left < 0) return 'too-many';
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
    parts.push(j > k ? `${hexU32(list[k])}-${hexU32(list[j])}` : hexU32(list[k]));
    k = j + 1;
  }
  return parts.join(',');
}
