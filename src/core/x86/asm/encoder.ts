// Instruction encoding: picks the table forms an instruction's operands match, encodes each candidate
// (SDM Vol. 2A Chapter 2 "Instruction Format": prefixes, opcode, ModRM, SIB, displacement, immediate)
// and keeps the shortest that is not shorter than the layout allows.

// Messages come from the catalogue (issue 8: every user-visible string in one catalogue).
import '../../../i18n/en/asm.ts';
import { t } from '../../../i18n/t.ts';
import type { Span } from './diagnostics.ts';
import { dispFits, encodeEa, hasDispChoice, littleEndian, resolveEa, type EffectiveAddress } from './ea.ts';
import { evaluate, linearize, type EvalEnv } from './expr.ts';
import type { FarPtrOperand, ImmOperand, JumpHint, MemOperand, Operand } from './operands.ts';
import { SIZE_NAMES } from './operands.ts';
import { SREG_PREFIX, unusableRegister, type Reg } from './registers.ts';
import { encodeStringOp, STRING_OPERAND_MNEMONICS } from './strings.ts';
import { DEFAULT_SIZE_MNEMONICS, FORMS, PAT_SIZE, describeForm, type Form, type Pat } from './tables.ts';

export interface Prefix {
  word: string;
  byte: number;
  span: Span;
}

/** A parsed instruction line. */
export interface InsnStmt {
  k: 'insn';
  mnem: string;
  mnemSpan: Span;
  prefixes: Prefix[];
  /** From an o16/o32 prefix word, else 0. */
  osOverride: 0 | 16 | 32;
  /** From an a16/a32 prefix word, else 0. */
  asOverride: 0 | 16 | 32;
  ops: Operand[];
  bits: 16 | 32;
  /** "mov al, ebx": the instruction as written (without prefixes), for messages. */
  text: string;
  /** Span of the whole operand list (or the mnemonic when there are none). */
  opsSpan: Span;
}

export type Resolved =
  | { k: 'reg'; reg: Reg; src: Operand }
  | { k: 'mem'; size: number; seg: Reg | null; far: boolean; jump: JumpHint; ea: EffectiveAddress; src: MemOperand }
  | { k: 'imm'; size: number; value: bigint | undefined; jump: JumpHint; src: ImmOperand }
  | { k: 'farptr'; size: number; seg: bigint | undefined; off: bigint | undefined; src: FarPtrOperand };

export interface Failure {
  span: Span;
  message: string;
  /** Higher ranks explain the problem better; the best one is reported when no form fits. */
  rank: number;
}

/** Evaluates the operands once per pass (so each undefined symbol is reported once). Returns null
 *  after reporting when an operand cannot be used at all. */
export function resolveOperands(stmt: InsnStmt, env: EvalEnv): Resolved[] | null {
  const out: Resolved[] = [];
  let ok = true;
  for (const o of stmt.ops) {
    switch (o.k) {
      case 'reg': {
        const why = unusableRegister(o.reg);
        if (why) {
          env.error(o, why);
          ok = false;
        }
        out.push({ k: 'reg', reg: o.reg, src: o });
        break;
      }
      case 'mem': {
        const lin = linearize(o.addr, env);
        if (!lin) {
          ok = false;
          break;
        }
        const ea = resolveEa(lin, stmt.asOverride || stmt.bits, o);
        if ('message' in ea) {
          env.error(ea.span, ea.message);
          ok = false;
          break;
        }
        if (stmt.asOverride && ea.asize !== stmt.asOverride && (ea.base || ea.index)) {
          env.error(o, t('asm.encoder.addressSizeConflict', { size: stmt.asOverride, bits: ea.asize }));
          ok = false;
          break;
        }
        out.push({ k: 'mem', size: o.size, seg: o.seg, far: o.far, jump: o.jump, ea, src: o });
        break;
      }
      case 'imm':
        out.push({ k: 'imm', size: o.size, value: evaluate(o.expr, env), jump: o.jump, src: o });
        break;
      case 'farptr':
        out.push({ k: 'farptr', size: o.size, seg: evaluate(o.seg, env), off: evaluate(o.off, env), src: o });
        break;
    }
  }
  return ok ? out : null;
}

export interface EncodeCtx {
  /** Address of the first byte of the instruction. */
  here: number;
  /** The layout may not let the instruction shrink below this length (0 = no limit). */
  minLen: number;
}

export type EncodeResult = { bytes: number[] } | { failure: Failure };

interface Candidate {
  form: Form;
  osz: number;
  key: string;
  memSize: number;
}

const MEM_PATS = new Set<Pat>(['m', 'm8', 'm16', 'm32', 'm64', 'm128', 'mfar', 'moffs8', 'moffs16', 'moffs32']);
const RM_PATS = new Set<Pat>(['rm8', 'rm16', 'rm32']);

function isBranchMnemonic(m: string): boolean {
  return m === 'jmp' || m === 'call' || (m.startsWith('j') && FORMS.get(m)?.[0]?.imms[0] === 'rel8') || m.startsWith('loop');
}

/** Effective operand size for a form, or null when the operands' explicit sizes rule it out. */
function formOsz(f: Form, ops: Resolved[], stmt: InsnStmt): number | null {
  if (f.osz === 16 || f.osz === 32) {
    if (stmt.osOverride && stmt.osOverride !== f.osz) return null;
    return f.osz;
  }
  if (f.osz === 'mode') {
    // A size keyword on a branch target or far pointer chooses the operand size (jmp dword 8:x).
    for (let i = 0; i < ops.length; i++) {
      const o = ops[i];
      const p = f.pats[i];
      const sreg = p === 'es' || p === 'cs' || p === 'ss' || p === 'ds' || p === 'fs' || p === 'gs';
      if (p !== 'rel' && p !== 'far' && p !== 'mfar' && !sreg) continue;
      let sz = 0;
      if (sreg) sz = o.k === 'reg' && o.src.k === 'reg' ? (o.src.size ?? 0) : 0;
      else if (o.k === 'imm' || o.k === 'farptr') sz = o.size;
      else if (o.k === 'mem') sz = o.size === 48 ? 32 : o.size;
      if (sz !== 0) {
        if (sz !== 16 && sz !== 32) return null;
        if (stmt.osOverride && stmt.osOverride !== sz) return null;
        return sz;
      }
    }
    return stmt.osOverride || stmt.bits;
  }
  return stmt.osOverride || 0;
}

function matchPat(p: Pat, o: Resolved, osz: number, f: Form): boolean {
  switch (p) {
    case 'r8':
    case 'r16':
    case 'r32':
      return o.k === 'reg' && o.reg.cls === 'gpr' && o.reg.size === PAT_SIZE[p];
    case 'rm8':
    case 'rm16':
    case 'rm32':
      if (o.k === 'reg') return o.reg.cls === 'gpr' && o.reg.size === PAT_SIZE[p];
      return o.k === 'mem' && !o.far && o.jump !== 'short' && (o.size === 0 || o.size === PAT_SIZE[p]);
    case 'm':
      return o.k === 'mem' && !o.far && o.jump === null;
    case 'm8':
    case 'm16':
    case 'm32':
    case 'm64':
    case 'm128':
      return o.k === 'mem' && !o.far && o.jump === null && (o.size === 0 || o.size === PAT_SIZE[p]);
    case 'mfar':
      return o.k === 'mem' && o.far && (o.size === 0 || o.size === 16 || o.size === 32 || o.size === 48);
    case 'moffs8':
    case 'moffs16':
    case 'moffs32':
      return o.k === 'mem' && !o.far && o.jump === null && !o.ea.base && !o.ea.index && (o.size === 0 || o.size === PAT_SIZE[p]);
    case 'al':
    case 'ax':
    case 'eax':
    case 'cl':
    case 'dx':
    case 'ecx':
    case 'edx':
    case 'es':
    case 'cs':
    case 'ss':
    case 'ds':
    case 'fs':
    case 'gs':
      return o.k === 'reg' && o.reg.name === p;
    case 'sreg':
      return o.k === 'reg' && o.reg.cls === 'sreg';
    case 'cr':
      return o.k === 'reg' && o.reg.cls === 'cr';
    case 'dr':
      return o.k === 'reg' && o.reg.cls === 'dr';
    case 'one':
    case 'imm8':
    case 'uimm8':
      return o.k === 'imm' && o.jump === null && (o.size === 0 || o.size === 8);
    case 'simm8':
      return o.k === 'imm' && o.jump === null && (o.size === 0 || o.size === 8 || o.size === osz);
    case 'imm16':
      return o.k === 'imm' && o.jump === null && (o.size === 0 || o.size === 16);
    case 'imm32':
      return o.k === 'imm' && o.jump === null && (o.size === 0 || o.size === 32);
    case 'rel8':
      return o.k === 'imm' && o.size === 0 && (o.jump === null || o.jump === 'short');
    case 'rel':
      return o.k === 'imm' && (o.jump === null || o.jump === 'near') && (f.osz !== 'mode' || o.size === 0 || o.size === 16 || o.size === 32);
    case 'far':
      return o.k === 'farptr';
  }
}

function matchForm(f: Form, ops: Resolved[], stmt: InsnStmt): Candidate | null {
  const osz = formOsz(f, ops, stmt);
  if (osz === null) return null;
  let memSize = 0;
  for (let i = 0; i < ops.length; i++) {
    if (!matchPat(f.pats[i], ops[i], osz, f)) return null;
    const o = ops[i];
    if (o.k === 'mem' && o.size === 0) memSize = PAT_SIZE[f.pats[i]] ?? 0;
  }
  const sizePart = f.osz === 16 || f.osz === 32 ? String(f.osz) : f.byteOp ? '8' : '*';
  const key = sizePart === '*' && memSize === 0 ? '*' : `${sizePart}/${memSize}`;
  return { form: f, osz, key, memSize };
}

/** Encodes one instruction, or explains why it cannot be encoded. */
export function encodeInstruction(stmt: InsnStmt, ops: Resolved[], ctx: EncodeCtx): EncodeResult {
  if (STRING_OPERAND_MNEMONICS.has(stmt.mnem) && (ops.length > 0 || !FORMS.has(stmt.mnem))) return encodeStringOp(stmt, ops);
  const forms = FORMS.get(stmt.mnem) ?? [];
  let cands: Candidate[] = [];
  for (const f of forms) {
    if (f.pats.length !== ops.length) continue;
    const c = matchForm(f, ops, stmt);
    if (c) cands.push(c);
  }
  if (cands.length === 0) return { failure: diagnose(stmt, ops, forms) };

  let keys = new Set(cands.map((c) => c.key).filter((k) => k !== '*'));
  if (keys.size > 1 && DEFAULT_SIZE_MNEMONICS.has(stmt.mnem)) {
    const want = stmt.osOverride || stmt.bits;
    cands = cands.filter((c) => c.osz === want || c.key === '*');
    keys = new Set(cands.map((c) => c.key).filter((k) => k !== '*'));
  }
  if (keys.size > 1) return { failure: ambiguous(stmt, ops, cands) };

  let best: number[] | null = null;
  let longest: number[] | null = null;
  let failure: Failure | null = null;
  for (const c of cands) {
    const memIdx = ops.findIndex((o, i) => o.k === 'mem' && (c.form.roles[i] === 'm' || c.form.roles[i] === 'b'));
    const modes: (0 | 1 | 2)[] = memIdx >= 0 && hasDispChoice((ops[memIdx] as { ea: EffectiveAddress }).ea) ? [0, 1, 2] : [0];
    for (const mode of modes) {
      const r = tryEncode(c, ops, stmt, ctx, mode);
      if ('failure' in r) {
        if (!failure || r.failure.rank >= failure.rank) failure = r.failure;
        continue;
      }
      const b = r.bytes;
      if (!longest || b.length > longest.length) longest = b;
      if (b.length >= ctx.minLen && (!best || b.length < best.length)) best = b;
    }
  }
  const chosen = best ?? longest;
  if (chosen) return { bytes: chosen };
  return { failure: failure! };
}

function sizeName(bits: number): string {
  return SIZE_NAMES[bits] ?? `${bits}-bit`;
}

function ambiguous(stmt: InsnStmt, ops: Resolved[], cands: Candidate[]): Failure {
  const mem = ops.find((o) => o.k === 'mem' && o.size === 0);
  const sizes = [...new Set(cands.map((c) => (mem ? c.memSize : c.osz)).filter((s) => s > 0))].sort((a, b) => b - a);
  // Prefer the code size first: 'dword [ebx]' in BITS 32.
  const pref = sizes.includes(stmt.bits) ? stmt.bits : sizes[0];
  const rest = sizes.filter((s) => s !== pref);
  const options = [pref, rest[rest.length - 1]].filter((s) => s !== undefined);
  const either = (alts: string[]): string => (alts.length === 2 ? t('asm.encoder.either', { first: alts[0], second: alts[1] }) : alts.join(''));
  if (mem) {
    const alts = either(options.map((s) => `'${sizeName(s)} ${mem.src.text}'`));
    return { span: mem.src, message: t('asm.encoder.ambiguousMemory', { choices: alts }), rank: 9 };
  }
  const imm = ops.find((o) => o.k === 'imm') ?? ops[0];
  const alts = either(options.map((s) => `'${sizeName(s)}'`));
  return { span: imm.src, message: t('asm.encoder.ambiguousImmediate', { choices: alts }), rank: 9 };
}

function fail(span: Span, message: string, rank: number): { failure: Failure } {
  return { failure: { span, message, rank } };
}

function fitsSigned8(v: bigint, osz: number): boolean {
  if (v >= -128n && v <= 127n) return true;
  // 0xFFFFFF80..0xFFFFFFFF in a 32-bit operation is -128..-1 (NASM accepts this too).
  const m = osz === 16 ? 0xffffn : 0xffffffffn;
  return v >= m - 127n && v <= m;
}

function rangeOf(bits: number): [bigint, bigint] {
  return [-(1n << BigInt(bits - 1)), (1n << BigInt(bits)) - 1n];
}

function hex(v: bigint): string {
  return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}

function tryEncode(c: Candidate, ops: Resolved[], stmt: InsnStmt, ctx: EncodeCtx, dispMode: 0 | 1 | 2): EncodeResult {
  const f = c.form;
  const bits = stmt.bits;
  const out: number[] = [];
  for (const p of stmt.prefixes) out.push(p.byte);

  let memOp: Extract<Resolved, { k: 'mem' }> | null = null;
  let regOp: Resolved | null = null;
  let rmOp: Resolved | null = null;
  const immOps: { o: Resolved; pat: Pat }[] = [];
  let offOp: Extract<Resolved, { k: 'mem' }> | null = null;
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i];
    switch (f.roles[i]) {
      case 'r':
        regOp = o;
        break;
      case 'm':
        rmOp = o;
        break;
      case 'b':
        regOp = o;
        rmOp = o;
        break;
      case 'i':
      case 'j':
        immOps.push({ o, pat: f.pats[i] });
        break;
      case 'o':
        offOp = o as Extract<Resolved, { k: 'mem' }>;
        break;
    }
    if (o.k === 'mem') memOp = o;
  }

  // The D0–D3 shift forms shift by exactly 1.
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i];
    if (f.pats[i] === 'one' && o.k === 'imm' && o.value !== undefined && o.value !== 1n) return fail(o.src, t('asm.encoder.shiftNotOne'), 0);
  }
  // Validity rules the table cannot express.
  if (f.op[0] === 0x90 && f.plusR && regOp?.k === 'reg' && regOp.reg.num === 0) {
    // 90 is NOP; xchg eax,eax must use 87 C0 to mean an exchange (SDM "XCHG", "NOP").
    return fail(stmt.opsSpan, t('asm.encoder.xchgSelf'), 0);
  }
  if (f.op[0] === 0x8e && regOp?.k === 'reg' && regOp.reg.name === 'cs') {
    // SDM "MOV—Move": "If an attempt is made to load the CS register, an invalid-opcode exception (#UD)".
    return fail(regOp.src, t('asm.encoder.movCs'), 8);
  }

  if (memOp?.seg) out.push(SREG_PREFIX[memOp.seg.name]);
  const asize = memOp ? memOp.ea.asize : f.asz || stmt.asOverride || bits;
  if (asize !== bits) out.push(0x67);
  const explicitOsz = f.osz === 16 || f.osz === 32 || f.osz === 'mode';
  if ((explicitOsz || stmt.osOverride) && c.osz !== 0 && c.osz !== bits) out.push(0x66);
  out.push(...f.mand);
  out.push(...f.op);
  if (f.plusR) {
    if (regOp?.k !== 'reg') return fail(stmt.opsSpan, t('asm.encoder.internalPlusR'), 0);
    out[out.length - 1] += regOp.reg.num;
  }
  if (f.ext !== -2) {
    const regField = f.ext >= 0 ? f.ext : regOp?.k === 'reg' ? regOp.reg.num : 0;
    if (rmOp?.k === 'reg') {
      out.push(0xc0 | (regField << 3) | rmOp.reg.num);
    } else if (rmOp?.k === 'mem') {
      const d = rmOp.ea.disp;
      if (d !== undefined && !dispFits(d, rmOp.ea.asize)) {
        const a32 = rmOp.ea.asize === 16 && !rmOp.ea.base && !rmOp.ea.index;
        return fail(rmOp.src, t(a32 ? 'asm.encoder.offsetTooWideA32' : 'asm.encoder.offsetTooWide', { value: hex(d), bits: rmOp.ea.asize }), 6);
      }
      encodeEa(rmOp.ea, regField, dispMode, out);
    } else {
      return fail(stmt.opsSpan, t('asm.encoder.internalModRm'), 0);
    }
  }

  // Immediates. Sizes are known before values, so the end address (for relative branches) is too.
  const immSize = (k: string): number =>
    k === 'ib' || k === 'rel8' ? 1 : k === 'iw' ? 2 : k === 'id' ? 4 : k === 'relv' ? c.osz / 8 : k === 'ptr' ? c.osz / 8 + 2 : asize / 8;
  const total = out.length + f.imms.reduce((n, k) => n + immSize(k), 0);
  const end = BigInt(ctx.here + total);
  let next = 0;
  for (const k of f.imms) {
    if (k === 'ao') {
      const o = offOp!;
      const d = o.ea.disp;
      if (d !== undefined && !dispFits(d, asize)) {
        return fail(o.src, t(asize === 16 ? 'asm.encoder.moffsTooWideA32' : 'asm.encoder.moffsTooWide', { value: hex(d), bits: asize }), 6);
      }
      littleEndian(d ?? 0n, asize / 8, out);
      continue;
    }
    const { o, pat } = immOps[next++];
    if (k === 'ptr') {
      const fp = o as Extract<Resolved, { k: 'farptr' }>;
      const [lo, hi] = rangeOf(c.osz);
      if (fp.off !== undefined && (fp.off < lo || fp.off > hi)) {
        return fail(fp.src, t('asm.encoder.farOffsetTooWide', { value: hex(fp.off), bits: c.osz }), 6);
      }
      if (fp.seg !== undefined && (fp.seg < 0n || fp.seg > 0xffffn)) {
        return fail(fp.src, t('asm.encoder.selectorTooWide', { value: hex(fp.seg) }), 6);
      }
      littleEndian(fp.off ?? 0n, c.osz / 8, out);
      littleEndian(fp.seg ?? 0n, 2, out);
      continue;
    }
    const v = (o as Extract<Resolved, { k: 'imm' }>).value;
    if (k === 'rel8' || k === 'relv') {
      const dist = v === undefined ? 0n : v - end;
      if (v !== undefined && (v < 0n || v > 0xffffffffn)) {
        return fail(o.src, t('asm.encoder.jumpOutside4G', { value: hex(v) }), 5);
      }
      if (k === 'rel8') {
        if (dist < -128n || dist > 127n) {
          const loop = f.mnem.startsWith('loop') || f.mnem.endsWith('cxz');
          return fail(o.src, t(loop ? 'asm.encoder.loopOutOfRange' : 'asm.encoder.shortJumpOutOfRange', { distance: String(dist), mnemonic: f.mnem }), 5);
        }
        out.push(Number(BigInt.asUintN(8, dist)));
      } else {
        if (c.osz === 16 && v !== undefined && (v < 0n || v > 0xffffn)) {
          return fail(o.src, t('asm.encoder.jumpBeyond64K', { value: hex(v) }), 5);
        }
        littleEndian(dist, c.osz / 8, out);
      }
      continue;
    }
    const val = v ?? 0n;
    switch (pat) {
      case 'simm8':
        if (v !== undefined && !fitsSigned8(v, c.osz)) return fail(o.src, t('asm.encoder.imm8Signed', { value: String(v) }), 1);
        out.push(Number(BigInt.asUintN(8, val)));
        break;
      case 'uimm8':
        if (v !== undefined && (v < 0n || v > 255n)) return fail(o.src, t('asm.encoder.imm8Unsigned', { value: String(v) }), 4);
        out.push(Number(val));
        break;
      default: {
        const width = k === 'ib' ? 8 : k === 'iw' ? 16 : 32;
        const [lo, hi] = rangeOf(width);
        if (v !== undefined && (v < lo || v > hi)) return fail(o.src, t('asm.encoder.immTooWide', { value: String(v), bits: width }), 4);
        littleEndian(val, width / 8, out);
      }
    }
  }
  if (out.length > 15) {
    // SDM Vol. 2A §2.3.11: the maximum instruction length is 15 bytes; longer raises #GP.
    return fail(stmt.opsSpan, t('asm.encoder.tooLong', { length: out.length }), 7);
  }
  return { bytes: out };
}

/** Explains why no form of the mnemonic accepts these operands. */
function diagnose(stmt: InsnStmt, ops: Resolved[], forms: readonly Form[]): Failure {
  const m = stmt.mnem;
  const n = ops.length;
  const counts = [...new Set(forms.map((f) => f.pats.length))].sort((a, b) => a - b);
  if (!counts.includes(n)) {
    const span = n > counts[counts.length - 1] ? ops[counts[counts.length - 1]].src : n === 0 ? stmt.mnemSpan : stmt.opsSpan;
    if (counts.length === 1 && counts[0] === 0) return { span, message: t('asm.encoder.noOperands', { mnemonic: m }), rank: 9 };
    const message =
      counts.length === 1
        ? t('asm.encoder.needsOperands', { mnemonic: m, count: counts[0], got: n })
        : t('asm.encoder.takesOperands', { mnemonic: m, counts: counts.slice(0, -1).join(', '), last: counts[counts.length - 1], got: n });
    return { span, message, rank: 9 };
  }
  const same = forms.filter((f) => f.pats.length === n);
  const mems = ops.filter((o) => o.k === 'mem');
  if (mems.length >= 2 && !same.some((f) => f.pats.filter((p) => MEM_PATS.has(p) || RM_PATS.has(p)).length >= 2)) {
    return { span: mems[1].src, message: t('asm.encoder.memoryToMemory', { mnemonic: m, instruction: stmt.text }), rank: 9 };
  }
  const farImm = ops.find((o) => o.k === 'imm' && o.jump === 'far');
  if (farImm) {
    return {
      span: farImm.src,
      message: t('asm.encoder.farNeedsPointer'),
      rank: 9,
    };
  }
  const hinted = ops.find((o) => (o.k === 'imm' || o.k === 'mem') && o.jump !== null);
  if (hinted && !isBranchMnemonic(m)) {
    return { span: hinted.src, message: t('asm.encoder.distanceOnlyBranches', { distance: (hinted as { jump: string }).jump }), rank: 9 };
  }
  // Size mismatch, when every form of this mnemonic wants same-sized operands.
  const sizeOf = (o: Resolved): number =>
    o.k === 'reg' && o.reg.cls === 'gpr' ? o.reg.size : o.k === 'mem' || o.k === 'imm' ? o.size : 0;
  const sameSized = same.every((f) => new Set(f.pats.map((p) => PAT_SIZE[p]).filter((x) => x !== undefined)).size <= 1);
  if (sameSized && n >= 2) {
    const s0 = sizeOf(ops[0]);
    for (let i = 1; i < n; i++) {
      const si = sizeOf(ops[i]);
      if (s0 && si && si !== s0) {
        return { span: ops[i].src, message: t('asm.encoder.sizeMismatch', { instruction: stmt.text }), rank: 9 };
      }
    }
  }
  // Friendly explanations for common mistakes.
  if (m === 'pop' && ops[0]?.k === 'reg' && ops[0].reg.name === 'cs') {
    return { span: ops[0].src, message: t('asm.encoder.popCs'), rank: 9 };
  }
  const sreg = ops.findIndex((o) => o.k === 'reg' && o.reg.cls === 'sreg');
  if (m === 'mov' && sreg >= 0 && ops.some((o) => o.k === 'imm')) {
    return {
      span: ops[1].src,
      message: t('asm.encoder.segmentImmediate', { value: ops[1].src.text, segment: ops[0].src.text }),
      rank: 9,
    };
  }
  const special = ops.find((o) => o.k === 'reg' && (o.reg.cls === 'cr' || o.reg.cls === 'dr'));
  if (m === 'mov' && special && special.k === 'reg') {
    const other = ops.find((o) => o !== special)!;
    return {
      span: other.src,
      message: t('asm.encoder.specialRegisterMove', { name: special.reg.name }),
      rank: 9,
    };
  }
  if (stmt.osOverride) {
    const plain = { ...stmt, osOverride: 0 as const };
    if (same.some((f) => matchForm(f, ops, plain))) {
      return { span: stmt.mnemSpan, message: t('asm.encoder.operandSizeConflict', { size: stmt.osOverride, instruction: stmt.text }), rank: 9 };
    }
  }
  // Point at the first operand that no form accepts in its position.
  let span: Span = stmt.opsSpan;
  for (let i = 0; i < n; i++) {
    const accepted = same.some((f) => matchPat(f.pats[i], ops[i], formOsz(f, ops, stmt) ?? stmt.bits, f));
    if (!accepted) {
      span = ops[i].src;
      break;
    }
  }
  const list = [...new Set((same.length ? same : forms).map(describeForm))];
  const shown = list.slice(0, 8).join('; ') + (list.length > 8 ? '; ...' : '');
  return { span, message: t('asm.encoder.noSuchForm', { mnemonic: m, instruction: stmt.text, forms: shown }), rank: 9 };
}
