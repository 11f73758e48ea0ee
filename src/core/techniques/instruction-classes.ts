/**
 * Every instruction form the core implements, classified in Popek & Goldberg's terms — privileged, sensitive
 * but unprivileged, or innocuous — with what each technique does with it. Generated, not written down:
 *
 *  - the forms are the assembler's encoding table (../x86/asm/tables.ts FORMS: every form the core assembles,
 *    decodes and executes, checked against iced-x86 by the assembler's round-trip tests);
 *  - **privileged** is measured: each form is executed once by the trap-and-emulate VMM's guest kernel (virtual
 *    ring 0, real ring 1, IOPL 0 — ./deprivileged/vmm.ts) on the core's processor model, and whether the
 *    processor faulted into the VMM on it is read from the VMM's own SW_TRAP event. A form is run twice, with the
 *    selectors it may load from the stack or memory at RPL 0 and at RPL 3, because some forms (IRET, far RET,
 *    POP SS, MOV SS) fault only for one of them: those are "privileged for RPL 0 only";
 *  - **sensitive** is the binary translator's rule (./binary-translation/classify.ts `calloutOf`: the instructions
 *    whose result or effect depends on the privilege state the VMM virtualizes), so a sensitive form that does not
 *    fault is exactly one that trap-and-emulate runs unseen — Robin & Irvine's (USENIX Security 2000) finding;
 *  - what binary translation does is the translator's (`opKindOf`, `calloutOf`); what trap-and-emulate does is
 *    the measured trap and the emulation the VMM chose (EMULATED_INSN_NAMES); paravirtualization and VT-x
 *    follow from the class (their VMMs do not decide per instruction: the PV VMM emulates nothing and crashes a
 *    kernel that faults, Barham et al. 2003 §2; VT-x runs the guest kernel at its own ring 0, white paper §3.2).
 *
 * Pure and deterministic. Takes a few seconds (one VMM, reset between forms): compute once and cache.
 */
import { FORMS, describeForm, type Form, type Pat } from '../x86/asm/tables.ts';
import { decodeInsn } from '../x86/decoder.ts';
import { Insn } from '../x86/insn.ts';
import { EXCEPTION_MNEMONICS } from '../x86/arch.ts';
import { getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { PROGRAM_BASE } from '../machine/layout.ts';
import { EventKind } from '../trace/events.ts';
import type { TraceSink } from '../trace/sink.ts';
import { TrapAndEmulateVmm } from './deprivileged/vmm.ts';
import { EMULATED_INSN_NAMES } from './deprivileged/emulated.ts';
import { SENSITIVE_UNPRIVILEGED } from './deprivileged/instructions.ts';
import { calloutOf, opKindOf } from './binary-translation/classify.ts';
import { BT_CALLOUT_NAMES, BtCallout, OP_KIND_NAMES } from './binary-translation/kinds.ts';
import { t } from '../../i18n/t.ts';
import '../../i18n/en/methods.ts';

export type InstructionClass = 'privileged' | 'sensitive-unprivileged' | 'innocuous';

export interface InstructionFormClass {
  /** Assembler mnemonic ("mov"). */
  mnemonic: string;
  /** The form in SDM notation, with the segment/control register the row is about ("mov r16, cs"). */
  form: string;
  /** The sample encoding executed (hex bytes). */
  bytes: string;
  cls: InstructionClass;
  /** Faults at ring 1 for the guest kernel: always, never, or only when the selector it loads has RPL 0. */
  privileged: 'always' | 'never' | 'rpl0';
  /** Sensitive by the binary translator's rule (it becomes a callout). */
  sensitive: boolean;
  /** The exception the processor raised at ring 1 ('#GP', '#UD', …), or null. */
  faultAtRing1: string | null;
  /** Under trap-and-emulate. */
  trapAndEmulate: string;
  /** Under binary translation. */
  binaryTranslation: string;
  /** Under paravirtualization. */
  paravirt: string;
  /** Under VT-x. */
  vtx: string;
  /** Its mnemonic is one of Robin & Irvine's sensitive unprivileged instructions (./deprivileged/instructions.ts). */
  robinIrvine: boolean;
}

/** Guest-physical scratch data for memory operands and moffs (inside the VM's 8 MiB, away from code and tables). */
const SCRATCH = 0x00300000;
const SREG_NAMES = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];
const REGISTER_ONLY: ReadonlySet<Pat> = new Set<Pat>(['r8', 'r16', 'r32']);

const le = (v: number, n: number): number[] => Array.from({ length: n }, (_, k) => (v >>> (8 * k)) & 0xff);

/** The variants of a form worth running separately: one per segment, control or debug register it names. */
function variants(f: Form): { reg: number; label: string }[] {
  const rIndex = [...f.roles].findIndex((r) => r === 'r');
  const p = rIndex >= 0 ? f.pats[rIndex] : undefined;
  if (f.ext === -1 && p === 'sreg') return SREG_NAMES.map((n, k) => ({ reg: k, label: describeForm(f).replace('sreg', n) }));
  if (f.ext === -1 && p === 'cr') return [0, 2, 3, 4].map((k) => ({ reg: k, label: describeForm(f).replace('crN', `cr${k}`) }));
  if (f.ext === -1 && p === 'dr') return [{ reg: 7, label: describeForm(f).replace('drN', 'dr7') }];
  return [{ reg: 0, label: describeForm(f) }];
}

/** A sample encoding of form `f` in 32-bit code at `at` (ModRM: memory at SCRATCH unless the operand is a register). */
export function sampleBytes(f: Form, reg: number, at: number): number[] {
  const pre: number[] = [];
  if (f.osz === 16) pre.push(0x66);
  if (f.asz === 16) pre.push(0x67);
  pre.push(...f.mand);
  const op = [...f.op];
  let modrm: number[] = [];
  if (f.ext !== -2) {
    const mIndex = [...f.roles].findIndex((r) => r === 'm' || r === 'b');
    const mp = mIndex >= 0 ? f.pats[mIndex] : undefined;
    const regField = f.ext >= 0 ? f.ext : reg;
    modrm = mp !== undefined && REGISTER_ONLY.has(mp) ? [0xc0 | (regField << 3)] : [(regField << 3) | 5, ...le(SCRATCH, 4)];
  }
  const wide = f.osz === 16 ? 2 : 4;
  const imm: number[] = [];
  for (const k of f.imms) {
    if (k === 'ib') imm.push(f.mnem === 'int' ? 0x80 : 0);
    else if (k === 'iw') imm.push(0, 0);
    else if (k === 'id') imm.push(0, 0, 0, 0);
    else if (k === 'rel8') imm.push(0);
    else if (k === 'relv') imm.push(...le(0, wide));
    else if (k === 'ao') imm.push(...le(SCRATCH, f.asz === 16 ? 2 : 4));
    else if (k === 'ptr') imm.push(...le(0, wide), 0x08, 0x00); // placeholder offset, patched below
  }
  const bytes = [...pre, ...op, ...modrm, ...imm];
  if (f.imms.includes('ptr')) {
    // A far pointer to the next instruction in the kernel's own code segment (selector 0x08).
    const off = bytes.length - 2 - wide;
    le(at + bytes.length, wide).forEach((b, k) => (bytes[off + k] = b));
  }
  return bytes;
}

class TrapSink implements TraceSink {
  traps: number[][] = [];
  emit(kind: EventKind, _cycle: number, ...p: number[]): void {
    if (kind === EventKind.SW_TRAP) this.traps.push(p);
  }
  text(): void {}
}

interface RingOneRun {
  trapped: boolean;
  vector: number;
  emulated: number;
}

/** Runs forms one at a time on one trap-and-emulate VMM, reset to the same state before each. */
class RingOneBench {
  private readonly sink = new TrapSink();
  private readonly vmm: TrapAndEmulateVmm;
  private readonly pristine: Uint8Array;
  private readonly start: ReturnType<TrapAndEmulateVmm['snapshot']>;
  private readonly esp: number;

  constructor(cpu: string, private readonly fullReset = false) {
    this.vmm = new TrapAndEmulateVmm({ model: toProcessorModel(getCpuModel(cpu)!), trace: this.sink });
    this.vmm.load(new Uint8Array(16).fill(0x90), PROGRAM_BASE, PROGRAM_BASE);
    this.esp = this.vmm.cpu.regs[4] >>> 0;
    this.pristine = this.vmm.mem.bytes.slice();
    this.vmm.mem.dirtyPages.fill(0);
    this.start = this.vmm.snapshot(false);
  }

  /**
   * Puts memory back as it was: the pages the last run wrote (PhysicalMemory.dirtyPages) and the pages this bench
   * writes itself (code, scratch data, stack) — copying all of memory each time would take seconds in all.
   */
  private reset(): void {
    const m = this.vmm.mem;
    const d = m.dirtyPages;
    if (this.fullReset) {
      m.bytes.set(this.pristine);
      d.fill(0);
      return;
    }
    const own = [PROGRAM_BASE, SCRATCH, this.esp - 4096, this.esp].map((a) => this.vmm.gm.hpa(a) >>> 12);
    for (const p of own) d[p] = 1;
    for (let p = 0; p < d.length; p++) {
      if (d[p] === 0) continue;
      m.bytes.set(this.pristine.subarray(p << 12, (p + 1) << 12), p << 12);
      d[p] = 0;
    }
  }

  /** Runs `bytes` as the guest kernel's next instruction, with every selector it may load at RPL `rpl`. */
  run(bytes: number[], rpl: number, farPointer = false): RingOneRun {
    const v = this.vmm;
    this.reset();
    v.restore(this.start);
    // Selectors on the stack (POP Sreg; IRET and far RET read CS from the second slot) and in memory (MOV Sreg,
    // LSS, far CALL/JMP m16:32): the kernel's data segment 0x10 at the chosen RPL; EFLAGS 0x2 in IRET's third slot.
    // Whether the processor faults is decided by these selectors; where the transfer would go does not matter.
    const sel = 0x10 | rpl;
    const words = [...le(sel, 4), ...le(sel, 4), ...le(0x2, 4), ...le(sel, 4), ...le(sel, 4)];
    v.load(new Uint8Array([...le(sel, 2), ...le(sel, 2), ...le(sel, 2), ...le(sel, 2)]), SCRATCH, PROGRAM_BASE);
    v.load(new Uint8Array([...le(sel, 4), ...le(sel, 4), ...le(sel, 4)]), SCRATCH + 8, PROGRAM_BASE);
    // A far CALL/JMP through memory loads CS from SCRATCH+4: the kernel's code segment 0x08 there.
    if (farPointer) v.load(new Uint8Array(le(0x08 | rpl, 2)), SCRATCH + 4, PROGRAM_BASE);
    v.load(new Uint8Array(words), this.esp, PROGRAM_BASE);
    v.load(new Uint8Array(bytes), PROGRAM_BASE, PROGRAM_BASE);
    v.cpu.invalidateDecodeCache();
    this.sink.traps = [];
    v.run(1);
    const t = this.sink.traps.find((p) => p[3] >>> 0 === PROGRAM_BASE);
    return t === undefined ? { trapped: false, vector: -1, emulated: -1 } : { trapped: true, vector: t[1], emulated: t[5] };
  }
}

function vectorName(v: number): string {
  return EXCEPTION_MNEMONICS[v] ?? `vector ${v}`;
}

function describeTe(priv: InstructionFormClass['privileged'], run: RingOneRun, sensitive: boolean): string {
  if (priv === 'never') {
    if (run.trapped && run.vector === 6) return t('methods.classes.invalidRaisesUdAt');
    if (run.trapped) return t('methods.classes.raisesAtRingAs', { vectorName: vectorName(run.vector) });
    return sensitive ? t('methods.classes.runsAtRingWithout') : t('methods.classes.runsDirectlyAtRing');
  }
  const name = run.emulated >= 0 ? EMULATED_INSN_NAMES[run.emulated] ?? '?' : null;
  const what = name !== null ? t('methods.classes.faultsIntoTheVmm', { vectorName: vectorName(run.vector), name }) : t('methods.classes.faultsIntoTheVmm2', { vectorName: vectorName(run.vector) });
  return priv === 'always' ? what : t('methods.classes.whenTheSelectorIt', { what });
}

function describeBt(i: Insn): string {
  const c = calloutOf(i);
  if (c !== BtCallout.NONE) return t('methods.classes.calloutTheVmmEmulates', { c: BT_CALLOUT_NAMES[c] });
  const k = OP_KIND_NAMES[opKindOf(i)];
  if (k === 'BRANCH') return t('methods.classes.endsTheUnitChained');
  if (k === 'INDIRECT') return t('methods.classes.endsTheUnitIts');
  return t('methods.classes.copiedUnchangedIntoThe');
}

function describePv(cls: InstructionClass): string {
  if (cls === 'privileged') return t('methods.classes.faultsAtRingAnd');
  if (cls === 'sensitive-unprivileged') return t('methods.classes.runsAtRingWith');
  return t('methods.classes.runsDirectly');
}

function describeVtx(cls: InstructionClass): string {
  if (cls === 'innocuous') return t('methods.classes.runsDirectlyInVmx');
  return t('methods.classes.runsAtTheGuests');
}

/** The assembler's mnemonic as Robin & Irvine's list spells it (PUSHFD → PUSHF, RETF → RET). */
function riKey(mnemonic: string): string {
  return mnemonic.replace(/^(pushf|popf)[wd]$/, '$1').replace(/^retf$/, 'ret');
}

/** The classification of every form of every instruction the core implements. */
export function classifyInstructions(cpu = 'nehalem', options: { fullReset?: boolean } = {}): InstructionFormClass[] {
  const bench = new RingOneBench(cpu, options.fullReset === true);
  const insn = new Insn();
  const riMnemonics = new Set(SENSITIVE_UNPRIVILEGED.map((s) => s.mnemonic.split(' ')[0].toLowerCase()));
  const out: InstructionFormClass[] = [];
  for (const [mnemonic, forms] of FORMS) {
    for (const f of forms) {
      for (const v of variants(f)) {
        const bytes = sampleBytes(f, v.reg, PROGRAM_BASE);
        const buf = new Uint8Array(bytes);
        if (!decodeInsn(buf, 0, buf.length, 32, insn) || insn.len !== bytes.length) continue;
        // Privileged: it faulted at ring 1 and the VMM recognised a privileged instruction the guest kernel may run
        // (it emulates it). A fault it only reflects (#UD, or the #GP a bad selector raises at ring 0 too) is the
        // instruction behaving as it does natively. Selectors at RPL 0 first; only an emulated form is run again
        // with RPL 3, to find the ones (IRET, far RET, POP/MOV SS) that fault only for RPL 0.
        const priv = (r: RingOneRun): boolean => r.trapped && r.emulated >= 0;
        const far = insn.opcode === 0xff && (insn.reg === 3 || insn.reg === 5);
        const a = bench.run(bytes, 0, far);
        const b = priv(a) ? bench.run(bytes, 3, far) : a;
        const privileged: InstructionFormClass['privileged'] = priv(a) && priv(b) ? 'always' : priv(a) ? 'rpl0' : 'never';
        const sensitive = calloutOf(insn) !== BtCallout.NONE;
        // An encoding the processor rejects (#UD) at ring 0 as at ring 1 — MOV CS — is invalid, not sensitive.
        const invalid = a.trapped && a.vector === 6;
        const cls: InstructionClass = privileged !== 'never' ? 'privileged' : sensitive && !invalid ? 'sensitive-unprivileged' : 'innocuous';
        const run = a;
        out.push({
          mnemonic,
          form: v.label,
          bytes: bytes.map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' '),
          cls,
          privileged,
          sensitive: sensitive && !invalid,
          faultAtRing1: run.trapped ? vectorName(run.vector) : null,
          trapAndEmulate: describeTe(privileged, run, sensitive && !invalid),
          binaryTranslation: invalid ? t('methods.classes.binaryTranslation') : describeBt(insn),
          paravirt: describePv(cls),
          vtx: describeVtx(cls),
          robinIrvine: riMnemonics.has(riKey(mnemonic)) && cls !== 'innocuous',
        });
      }
    }
  }
  return out;
}

/** Counts per class (for the lab's summary line). */
export function classCounts(rows: readonly InstructionFormClass[]): Record<InstructionClass, { forms: number; mnemonics: number }> {
  const out = { privileged: { forms: 0, mnemonics: 0 }, 'sensitive-unprivileged': { forms: 0, mnemonics: 0 }, innocuous: { forms: 0, mnemonics: 0 } };
  const seen = new Set<string>();
  for (const r of rows) {
    out[r.cls].forms++;
    const k = `${r.cls}|${r.mnemonic}`;
    if (!seen.has(k)) {
      seen.add(k);
      out[r.cls].mnemonics++;
    }
  }
  return out;
}
