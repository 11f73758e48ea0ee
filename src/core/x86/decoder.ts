/**
 * The instruction decoder: IA-32 machine code (16- and 32-bit code segments) → `Insn`.
 *
 * Table-driven after the opcode maps of SDM Vol. 2 Appendix A: legacy prefixes, the one-byte map, the
 * two-byte 0F map, the three-byte 0F 38 entries this core uses, ModRM/SIB with 16- and 32-bit addressing,
 * immediates and displacements. Lengths, operands and validity are checked against iced-x86 in tests
 * (decoder.test.ts, decoder.property.test.ts). An opcode the core does not implement decodes to an
 * instruction that raises #UD when executed (its length still follows the opcode maps, so a listing stays
 * in step); an instruction longer than 15 bytes raises #GP(0) (SDM Vol. 2A §2.3.11).
 *
 * `decodeInsn` runs once per instruction of a cached block, so it allocates nothing but the instruction's
 * copy of its bytes: the operand specifications are compiled when the tables are built.
 */
import '../../i18n/en/x86.ts';
import { t } from '../../i18n/t.ts';
import { CostClass } from './cost-class.ts';
import { Insn, InsnFlow, MemForm, Prefix, type Exec } from './insn.ts';
import * as A from './exec/alu.ts';
import * as C from './exec/control.ts';
import * as D from './exec/data.ts';
import * as IO from './exec/io.ts';
import * as S from './exec/string.ts';
import * as Y from './exec/system.ts';
import * as V from '../vmx/instructions.ts';
import { X87_MNEMONICS } from './disasm/x87.ts';

/** Operand-size-dependent exec: [16-bit, 32-bit]. */
type ExecSel = Exec | readonly [Exec, Exec];

/** Immediate-like operand kinds, in the order their bytes follow the ModRM/SIB/displacement bytes. */
const enum Tok {
  Ib = 1, // imm8, zero-extended
  Ibs, // imm8, sign-extended to the operand size
  Iw, // imm16
  Iz, // imm16/imm32 by operand size
  Jb, // rel8
  Jz, // rel16/rel32 by operand size
  Ap, // ptr16:16 / ptr16:32 (offset, then selector)
  O, // moffs: an address of the address size
}

interface OpDef {
  /** Mnemonic; "a|b" picks a for 16-bit and b for 32-bit operand size (address size with `nameByAsz`). */
  m: string;
  /** Operand specification (SDM Appendix A notation), e.g. "Ev,Gv". */
  o: string;
  x: ExecSel;
  /** Ends the decode block (control transfer or state change that later decoding depends on). */
  end?: boolean;
  cc?: number;
  k?: CostClass;
  /** LOCK is allowed (with a memory destination). */
  lock?: boolean;
  /** "a|b" names follow the address size (JCXZ/JECXZ), not the operand size. */
  nameByAsz?: boolean;
  /** Recognised, but raises #UD on the modelled processors: the reason (kept in `Insn.invalid`). */
  ud?: string;
  /** "NP": a 66, F2 or F3 prefix makes it a different instruction (SDM Vol. 2A §3.1.1.1). */
  np?: boolean;
  // ---- compiled by d()
  n16: string;
  n32: string;
  x16: Exec;
  x32: Exec;
  toks: readonly Tok[];
  /** A ModRM byte follows the opcode. */
  modrm: boolean;
  /** The r/m operand must be memory (LEA, LDS, BOUND, LGDT, INVEPT...): mod = 3 is #UD. */
  memOnly: boolean;
  /** The r/m operand is always a register and mod is ignored (MOV to/from CRn/DRn, SDM Vol. 2B "MOV—Move to/from Control Registers"). */
  regOnly: boolean;
}

type Entry = OpDef | { group: (OpDef | undefined)[]; reg?: (OpDef | undefined)[][] } | undefined;

const MODRM_TOKENS = new Set(['Eb', 'Ev', 'Ew', 'Ed', 'Gb', 'Gv', 'Gw', 'Gd', 'Sw', 'Cd', 'Dd', 'Rd', 'Rv', 'Mw/Rv', 'M', 'Mp', 'Ms', 'Mq', 'Mdq', 'Ma', 'Mb', 'X']);
const MEM_ONLY_TOKENS = new Set(['M', 'Mp', 'Ms', 'Mq', 'Mdq', 'Ma', 'Mb']);
const IMM_TOKENS: Record<string, Tok> = { Ib: Tok.Ib, Ibs: Tok.Ibs, Iw: Tok.Iw, Iz: Tok.Iz, Iv: Tok.Iz, Jb: Tok.Jb, Jz: Tok.Jz, Ap: Tok.Ap, Ob: Tok.O, Ov: Tok.O };

type Extra = Partial<Pick<OpDef, 'end' | 'cc' | 'k' | 'lock' | 'nameByAsz' | 'ud' | 'np'>>;

function d(m: string, o: string, x: ExecSel, extra: Extra = {}): OpDef {
  const toks = o === '' ? [] : o.split(',');
  const names = m.split('|');
  return {
    m,
    o,
    x,
    ...extra,
    n16: names[0],
    n32: names[names.length - 1],
    x16: Array.isArray(x) ? (x as readonly [Exec, Exec])[0] : (x as Exec),
    x32: Array.isArray(x) ? (x as readonly [Exec, Exec])[1] : (x as Exec),
    toks: toks.filter((t) => IMM_TOKENS[t] !== undefined).map((t) => IMM_TOKENS[t]),
    modrm: toks.some((t) => MODRM_TOKENS.has(t)),
    memOnly: toks.some((t) => MEM_ONLY_TOKENS.has(t)),
    regOnly: toks.some((t) => t === 'Cd' || t === 'Dd'),
  };
}

const UD: OpDef = d('(bad)', '', Y.invalidOpcode, { end: true });
/** A recognised instruction that raises #UD here (the name stays visible in listings and traces). */
const udNamed = (m: string, o: string, why: string): OpDef => d(m, o, Y.invalidOpcode, { end: true, ud: why });

const ALU_NAMES = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
const CC_NAMES = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
const SHIFT_NAMES = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'];

// ====================================================================== one-byte map
const ONE: Entry[] = new Array(256).fill(undefined);

for (let op = 0; op < 8; op++) {
  const b = op << 3;
  const m = ALU_NAMES[op];
  const lock = op !== 7;
  ONE[b] = d(m, 'Eb,Gb', A.aluEbGb, { cc: op, lock });
  ONE[b + 1] = d(m, 'Ev,Gv', [A.aluEvGv16, A.aluEvGv32], { cc: op, lock });
  ONE[b + 2] = d(m, 'Gb,Eb', A.aluGbEb, { cc: op });
  ONE[b + 3] = d(m, 'Gv,Ev', [A.aluGvEv16, A.aluGvEv32], { cc: op });
  ONE[b + 4] = d(m, 'AL,Ib', A.aluAlIb, { cc: op });
  ONE[b + 5] = d(m, 'eAX,Iz', [A.aluAxIz16, A.aluEaxIz32], { cc: op });
}
const segPush = (seg: number, name: string): OpDef => d('push', name, D.pushSreg, { cc: seg, k: CostClass.SEGMENT_LOAD });
const segPop = (seg: number, name: string): OpDef => d('pop', name, D.popSreg, { cc: seg, k: CostClass.SEGMENT_LOAD, end: true });
ONE[0x06] = segPush(0, 'ES');
ONE[0x07] = segPop(0, 'ES');
ONE[0x0e] = segPush(1, 'CS');
ONE[0x16] = segPush(2, 'SS');
ONE[0x17] = segPop(2, 'SS');
ONE[0x1e] = segPush(3, 'DS');
ONE[0x1f] = segPop(3, 'DS');
ONE[0x27] = d('daa', '', A.decimal);
ONE[0x2f] = d('das', '', A.decimal);
ONE[0x37] = d('aaa', '', A.decimal);
ONE[0x3f] = d('aas', '', A.decimal);
for (let r = 0; r < 8; r++) {
  ONE[0x40 + r] = d('inc', 'Zv', [A.incDecReg16, A.incDecReg32], { cc: 0 });
  ONE[0x48 + r] = d('dec', 'Zv', [A.incDecReg16, A.incDecReg32], { cc: 1 });
  ONE[0x50 + r] = d('push', 'Zv', [D.pushReg16, D.pushReg32]);
  ONE[0x58 + r] = d('pop', 'Zv', [D.popReg16, D.popReg32]);
  ONE[0xb0 + r] = d('mov', 'Zb,Ib', D.movZbIb);
  ONE[0xb8 + r] = d('mov', 'Zv,Iv', [D.movZvIv16, D.movZvIv32]);
  if (r > 0) ONE[0x90 + r] = d('xchg', 'Zv,eAX', D.xchgAccReg);
}
ONE[0x60] = d('pusha|pushad', '', D.pusha);
ONE[0x61] = d('popa|popad', '', D.popa);
ONE[0x62] = d('bound', 'Gv,Ma', C.bound);
ONE[0x63] = d('arpl', 'Ew,Gw', Y.arpl);
ONE[0x68] = d('push', 'Iz', D.pushImm);
ONE[0x69] = d('imul', 'Gv,Ev,Iz', A.imulGvEv, { k: CostClass.MUL });
ONE[0x6a] = d('push', 'Ibs', D.pushImm);
ONE[0x6b] = d('imul', 'Gv,Ev,Ibs', A.imulGvEv, { k: CostClass.MUL });
ONE[0x6c] = d('insb', '', S.stringOp, { k: CostClass.IO });
ONE[0x6d] = d('insw|insd', '', S.stringOp, { k: CostClass.IO });
ONE[0x6e] = d('outsb', '', S.stringOp, { k: CostClass.IO });
ONE[0x6f] = d('outsw|outsd', '', S.stringOp, { k: CostClass.IO });
for (let cc = 0; cc < 16; cc++) ONE[0x70 + cc] = d('j' + CC_NAMES[cc], 'Jb', C.jcc, { cc, end: true, k: CostClass.BRANCH });
const grp1 = (o: string, x: ExecSel): Entry => ({
  group: ALU_NAMES.map((m, k) => d(m, o, x, { cc: k, lock: k !== 7 })),
});
ONE[0x80] = grp1('Eb,Ib', A.aluEbIb);
ONE[0x81] = grp1('Ev,Iz', [A.aluEvI16, A.aluEvI32]);
ONE[0x82] = grp1('Eb,Ib', A.aluEbIb);
ONE[0x83] = grp1('Ev,Ibs', [A.aluEvI16, A.aluEvI32]);
ONE[0x84] = d('test', 'Eb,Gb', A.testEbGb);
ONE[0x85] = d('test', 'Ev,Gv', A.testEvGv);
ONE[0x86] = d('xchg', 'Eb,Gb', D.xchgEbGb, { lock: true });
ONE[0x87] = d('xchg', 'Ev,Gv', D.xchgEvGv, { lock: true });
ONE[0x88] = d('mov', 'Eb,Gb', D.movEbGb);
ONE[0x89] = d('mov', 'Ev,Gv', [D.movEvGv16, D.movEvGv32]);
ONE[0x8a] = d('mov', 'Gb,Eb', D.movGbEb);
ONE[0x8b] = d('mov', 'Gv,Ev', [D.movGvEv16, D.movGvEv32]);
// 8C/8E: a memory operand is a word; a register operand has the operand size (SDM "MOV—Move": Mw/Rv).
ONE[0x8c] = d('mov', 'Mw/Rv,Sw', D.movEwSw);
ONE[0x8d] = d('lea', 'Gv,M', D.lea);
ONE[0x8e] = d('mov', 'Sw,Mw/Rv', D.movSwEw, { end: true, k: CostClass.SEGMENT_LOAD });
ONE[0x8f] = { group: [d('pop', 'Ev', D.popEv), undefined, undefined, undefined, undefined, undefined, undefined, undefined] };
ONE[0x90] = d('nop', '', Y.nop);
ONE[0x98] = d('cbw|cwde', '', A.cbwCwde);
ONE[0x99] = d('cwd|cdq', '', A.cwdCdq);
ONE[0x9a] = d('call', 'Ap', C.farDirect, { end: true, k: CostClass.FAR_TRANSFER });
ONE[0x9b] = d('wait', '', Y.fwait);
ONE[0x9c] = d('pushf|pushfd', '', Y.pushf, { k: CostClass.PUSHF_POPF });
ONE[0x9d] = d('popf|popfd', '', Y.popf, { end: true, k: CostClass.PUSHF_POPF });
ONE[0x9e] = d('sahf', '', A.flagOp);
ONE[0x9f] = d('lahf', '', A.flagOp);
ONE[0xa0] = d('mov', 'AL,Ob', D.movMoffs);
ONE[0xa1] = d('mov', 'eAX,Ov', D.movMoffs);
ONE[0xa2] = d('mov', 'Ob,AL', D.movMoffs);
ONE[0xa3] = d('mov', 'Ov,eAX', D.movMoffs);
ONE[0xa4] = d('movsb', '', S.stringOp, { k: CostClass.STRING });
ONE[0xa5] = d('movsw|movsd', '', S.stringOp, { k: CostClass.STRING });
ONE[0xa6] = d('cmpsb', '', S.stringOp, { k: CostClass.STRING });
ONE[0xa7] = d('cmpsw|cmpsd', '', S.stringOp, { k: CostClass.STRING });
ONE[0xa8] = d('test', 'AL,Ib', A.testAlIb);
ONE[0xa9] = d('test', 'eAX,Iz', A.testEaxIz);
ONE[0xaa] = d('stosb', '', S.stringOp, { k: CostClass.STRING });
ONE[0xab] = d('stosw|stosd', '', S.stringOp, { k: CostClass.STRING });
ONE[0xac] = d('lodsb', '', S.stringOp, { k: CostClass.STRING });
ONE[0xad] = d('lodsw|lodsd', '', S.stringOp, { k: CostClass.STRING });
ONE[0xae] = d('scasb', '', S.stringOp, { k: CostClass.STRING });
ONE[0xaf] = d('scasw|scasd', '', S.stringOp, { k: CostClass.STRING });
const grp2 = (o: string, sz: number): Entry => ({ group: SHIFT_NAMES.map((m) => d(m, o, A.group2, { cc: sz })) });
ONE[0xc0] = grp2('Eb,Ib', 0);
ONE[0xc1] = grp2('Ev,Ib', -1);
ONE[0xc2] = d('ret', 'Iw', C.retNear, { end: true, k: CostClass.CALL_RET });
ONE[0xc3] = d('ret', '', C.retNear, { end: true, k: CostClass.CALL_RET });
ONE[0xc4] = d('les', 'Gv,Mp', D.loadFarPointer, { cc: 0, k: CostClass.SEGMENT_LOAD });
ONE[0xc5] = d('lds', 'Gv,Mp', D.loadFarPointer, { cc: 3, k: CostClass.SEGMENT_LOAD });
// C6/C7 /0 MOV; C6 F8 XABORT and C7 F8 XBEGIN are #UD without RTM (CPUID.7:EBX.RTM = 0 on every modelled CPU,
// SDM Vol. 2D "XABORT", "XBEGIN").
// Reasons read once (the decoder is hot: no catalogue lookup per instruction).
const TOO_LONG_REASON = t('x86.decode.tooLong');
const INVALID_OPCODE_REASON = t('x86.decode.invalidOpcode');
const LOCK_REASON = t('x86.decode.lockNotAllowed');
const NO_RTM = t('x86.decode.noRtm');
const movGroup = (mov: OpDef, rtm: OpDef): Entry => ({ group: [mov], reg: [new Array(8).fill(mov), [], [], [], [], [], [], [rtm]] });
ONE[0xc6] = movGroup(d('mov', 'Eb,Ib', D.movEbIb), udNamed('xabort', 'Ib', NO_RTM));
ONE[0xc7] = movGroup(d('mov', 'Ev,Iz', D.movEvIz), udNamed('xbegin', 'Jz', NO_RTM));
ONE[0xc8] = d('enter', 'Iw,Ib', D.enter);
ONE[0xc9] = d('leave', '', D.leave);
ONE[0xca] = d('retf', 'Iw', C.retFar, { end: true, k: CostClass.FAR_TRANSFER });
ONE[0xcb] = d('retf', '', C.retFar, { end: true, k: CostClass.FAR_TRANSFER });
ONE[0xcc] = d('int3', '', C.int3, { end: true, k: CostClass.SOFTWARE_INTERRUPT });
ONE[0xcd] = d('int', 'Ib', C.intN, { end: true, k: CostClass.SOFTWARE_INTERRUPT });
ONE[0xce] = d('into', '', C.into, { end: true, k: CostClass.SOFTWARE_INTERRUPT });
ONE[0xcf] = d('iret|iretd', '', C.iretInsn, { end: true, k: CostClass.IRET });
ONE[0xd0] = grp2('Eb,1', 0);
ONE[0xd1] = grp2('Ev,1', -1);
ONE[0xd2] = grp2('Eb,CL', 0);
ONE[0xd3] = grp2('Ev,CL', -1);
ONE[0xd4] = d('aam', 'Ib', A.decimal, { k: CostClass.DIV });
ONE[0xd5] = d('aad', 'Ib', A.decimal);
ONE[0xd6] = d('salc', '', A.decimal);
ONE[0xd7] = d('xlatb', '', D.xlat);
// x87 escapes: named by ModRM from disasm/x87.ts (SDM Vol. 2 Tables A-7 … A-22); reserved encodings are #UD.
for (let k = 0xd8; k <= 0xdf; k++) ONE[k] = d('(x87)', 'X', Y.x87, { k: CostClass.X87 });
ONE[0xe0] = d('loopne', 'Jb', C.loop, { end: true, k: CostClass.BRANCH });
ONE[0xe1] = d('loope', 'Jb', C.loop, { end: true, k: CostClass.BRANCH });
ONE[0xe2] = d('loop', 'Jb', C.loop, { end: true, k: CostClass.BRANCH });
ONE[0xe3] = d('jcxz|jecxz', 'Jb', C.loop, { end: true, k: CostClass.BRANCH, nameByAsz: true });
ONE[0xe4] = d('in', 'AL,Ib', IO.inInsn, { k: CostClass.IO });
ONE[0xe5] = d('in', 'eAX,Ib', IO.inInsn, { k: CostClass.IO });
ONE[0xe6] = d('out', 'Ib,AL', IO.outInsn, { k: CostClass.IO });
ONE[0xe7] = d('out', 'Ib,eAX', IO.outInsn, { k: CostClass.IO });
ONE[0xe8] = d('call', 'Jz', C.callRel, { end: true, k: CostClass.CALL_RET });
ONE[0xe9] = d('jmp', 'Jz', C.jmpRel, { end: true, k: CostClass.BRANCH });
ONE[0xea] = d('jmp', 'Ap', C.farDirect, { end: true, k: CostClass.FAR_TRANSFER });
ONE[0xeb] = d('jmp', 'Jb', C.jmpRel, { end: true, k: CostClass.BRANCH });
ONE[0xec] = d('in', 'AL,DX', IO.inInsn, { k: CostClass.IO });
ONE[0xed] = d('in', 'eAX,DX', IO.inInsn, { k: CostClass.IO });
ONE[0xee] = d('out', 'DX,AL', IO.outInsn, { k: CostClass.IO });
ONE[0xef] = d('out', 'DX,eAX', IO.outInsn, { k: CostClass.IO });
ONE[0xf1] = d('int1', '', C.int1, { end: true, k: CostClass.SOFTWARE_INTERRUPT });
ONE[0xf4] = d('hlt', '', Y.hlt, { end: true, k: CostClass.HLT });
ONE[0xf5] = d('cmc', '', A.flagOp);
ONE[0xf6] = {
  group: [
    d('test', 'Eb,Ib', A.group3, { cc: 0 }),
    d('test', 'Eb,Ib', A.group3, { cc: 0 }),
    d('not', 'Eb', A.group3, { cc: 0, lock: true }),
    d('neg', 'Eb', A.group3, { cc: 0, lock: true }),
    d('mul', 'Eb', A.group3, { cc: 0, k: CostClass.MUL }),
    d('imul', 'Eb', A.group3, { cc: 0, k: CostClass.MUL }),
    d('div', 'Eb', A.group3, { cc: 0, k: CostClass.DIV }),
    d('idiv', 'Eb', A.group3, { cc: 0, k: CostClass.DIV }),
  ],
};
ONE[0xf7] = {
  group: [
    d('test', 'Ev,Iz', A.group3, { cc: -1 }),
    d('test', 'Ev,Iz', A.group3, { cc: -1 }),
    d('not', 'Ev', A.group3, { cc: -1, lock: true }),
    d('neg', 'Ev', A.group3, { cc: -1, lock: true }),
    d('mul', 'Ev', A.group3, { cc: -1, k: CostClass.MUL }),
    d('imul', 'Ev', A.group3, { cc: -1, k: CostClass.MUL }),
    d('div', 'Ev', A.group3, { cc: -1, k: CostClass.DIV }),
    d('idiv', 'Ev', A.group3, { cc: -1, k: CostClass.DIV }),
  ],
};
ONE[0xf8] = d('clc', '', A.flagOp);
ONE[0xf9] = d('stc', '', A.flagOp);
ONE[0xfa] = d('cli', '', Y.cliSti, { end: true, k: CostClass.CLI_STI });
ONE[0xfb] = d('sti', '', Y.cliSti, { end: true, k: CostClass.CLI_STI });
ONE[0xfc] = d('cld', '', A.flagOp);
ONE[0xfd] = d('std', '', A.flagOp);
ONE[0xfe] = { group: [d('inc', 'Eb', A.incDecEb, { lock: true }), d('dec', 'Eb', A.incDecEb, { lock: true })] };
ONE[0xff] = {
  group: [
    d('inc', 'Ev', A.incDecEv, { lock: true }),
    d('dec', 'Ev', A.incDecEv, { lock: true }),
    d('call', 'Ev', C.callJmpIndirect, { end: true, k: CostClass.CALL_RET }),
    // i18n-ignore: mnemonics (code)
    d('call far', 'Mp', C.farIndirect, { end: true, k: CostClass.FAR_TRANSFER }),
    d('jmp', 'Ev', C.callJmpIndirect, { end: true, k: CostClass.BRANCH }),
    // i18n-ignore: mnemonic (code)
    d('jmp far', 'Mp', C.farIndirect, { end: true, k: CostClass.FAR_TRANSFER }),
    d('push', 'Ev', D.pushEv),
    undefined,
  ],
};

// ====================================================================== two-byte map (0F xx)
const TWO: Entry[] = new Array(256).fill(undefined);
const grp6: (OpDef | undefined)[] = [
  d('sldt', 'Mw/Rv', D.storeSystemSelector, { k: CostClass.DESCRIPTOR_TABLE }),
  d('str', 'Mw/Rv', D.storeSystemSelector, { k: CostClass.DESCRIPTOR_TABLE }),
  d('lldt', 'Ew', Y.lldt, { k: CostClass.DESCRIPTOR_TABLE }),
  d('ltr', 'Ew', Y.ltr, { k: CostClass.DESCRIPTOR_TABLE }),
  d('verr', 'Ew', Y.verrVerw),
  d('verw', 'Ew', Y.verrVerw),
];
TWO[0x00] = { group: grp6 };
// 0F 01: memory forms by /reg; register forms by (reg, rm).
const grp7mem: (OpDef | undefined)[] = [
  d('sgdt', 'Ms', D.storeDescriptorTable, { k: CostClass.DESCRIPTOR_TABLE }),
  d('sidt', 'Ms', D.storeDescriptorTable, { k: CostClass.DESCRIPTOR_TABLE }),
  d('lgdt', 'Ms', Y.lgdtLidt, { k: CostClass.DESCRIPTOR_TABLE }),
  d('lidt', 'Ms', Y.lgdtLidt, { k: CostClass.DESCRIPTOR_TABLE }),
  d('smsw', 'Mw/Rv', D.smsw),
  undefined,
  d('lmsw', 'Ew', Y.lmsw, { end: true, k: CostClass.CR_ACCESS }),
  d('invlpg', 'M', Y.invlpg, { end: true, k: CostClass.INVLPG }),
];
const vmxEnd = { end: true, k: CostClass.VMX };
// CLAC/STAC: #UD when CPUID.(EAX=7,ECX=0):EBX.SMAP[20] = 0 (SDM Vol. 2A "CLAC"), as on every modelled CPU.
const NO_SMAP = t('x86.decode.noSmap');
// AMD SVM instructions (AMD APM Vol. 3): #UD on Intel processors; named so a lesson can show them fault.
const SVM = t('x86.decode.svm');
const grp7reg: (OpDef | undefined)[][] = [
  [undefined, d('vmcall', '', V.execVmcall, vmxEnd), d('vmlaunch', '', V.execVmlaunch, vmxEnd), d('vmresume', '', V.execVmlaunch, vmxEnd), d('vmxoff', '', V.execVmxoff, vmxEnd)],
  [d('monitor', '', Y.monitor), d('mwait', '', Y.mwait), udNamed('clac', '', NO_SMAP), udNamed('stac', '', NO_SMAP)],
  [d('xgetbv', '', Y.xgetbv), d('xsetbv', '', Y.xsetbv), undefined, undefined, d('vmfunc', '', V.execVmfunc, vmxEnd)],
  ['vmrun', 'vmmcall', 'vmload', 'vmsave', 'stgi', 'clgi', 'skinit', 'invlpga'].map((m) => udNamed(m, '', SVM)),
  new Array(8).fill(d('smsw', 'Mw/Rv', D.smsw)),
  [],
  new Array(8).fill(d('lmsw', 'Ew', Y.lmsw, { end: true, k: CostClass.CR_ACCESS })),
  [undefined, d('rdtscp', '', Y.rdtscp, { k: CostClass.RDTSC })],
];
TWO[0x01] = { group: grp7mem, reg: grp7reg };
TWO[0x02] = d('lar', 'Gv,Mw/Rv', Y.larLsl, { k: CostClass.SEGMENT_LOAD });
TWO[0x03] = d('lsl', 'Gv,Mw/Rv', Y.larLsl, { k: CostClass.SEGMENT_LOAD });
TWO[0x06] = d('clts', '', Y.clts, { end: true, k: CostClass.CR_ACCESS });
TWO[0x08] = d('invd', '', Y.invd, { k: CostClass.CACHE });
TWO[0x09] = d('wbinvd', '', Y.wbinvd, { k: CostClass.CACHE });
TWO[0x0b] = d('ud2', '', Y.invalidOpcode, { end: true });
// Hint space (SDM Vol. 2 Table A-3 "reserved NOP", PREFETCHh, PREFETCHW, CLDEMOTE): no architectural effect here.
const HINT_NOP = d('nop', 'Ev,Gv', Y.nop);
const hint = (m: string): OpDef => d(m, 'Mb', Y.nop);
const hintGroup = (mem: (OpDef | undefined)[]): Entry => ({ group: Array.from({ length: 8 }, (_, k) => mem[k] ?? HINT_NOP), reg: new Array(8).fill(new Array(8).fill(HINT_NOP)) });
TWO[0x0d] = hintGroup([hint('prefetch'), hint('prefetchw'), hint('prefetchwt1'), hint('prefetchw'), hint('prefetch'), hint('prefetch'), hint('prefetch'), hint('prefetch')]);
TWO[0x18] = hintGroup([hint('prefetchnta'), hint('prefetcht0'), hint('prefetcht1'), hint('prefetcht2'), undefined, undefined, hint('prefetchit1'), hint('prefetchit0')]);
for (let k = 0x19; k <= 0x1e; k++) TWO[k] = HINT_NOP;
const CLDEMOTE = hint('cldemote');
TWO[0x1c] = hintGroup([CLDEMOTE]);
const NOP_EV = d('nop', 'Ev', Y.nop); // 0F 1F /0: the recommended multi-byte NOP (SDM Vol. 2B "NOP")
TWO[0x1f] = { group: [NOP_EV, ...new Array(7).fill(HINT_NOP)], reg: [new Array(8).fill(NOP_EV), ...new Array(7).fill(new Array(8).fill(HINT_NOP))] };
const ENDBR32 = d('endbr32', '', Y.nop);
const ENDBR64 = d('endbr64', '', Y.nop);
TWO[0x20] = d('mov', 'Rd,Cd', Y.movFromCr, { k: CostClass.CR_ACCESS });
TWO[0x21] = d('mov', 'Rd,Dd', Y.movDr, { k: CostClass.CR_ACCESS });
TWO[0x22] = d('mov', 'Cd,Rd', Y.movToCr, { end: true, k: CostClass.CR_ACCESS });
TWO[0x23] = d('mov', 'Dd,Rd', Y.movDr, { end: true, k: CostClass.CR_ACCESS });
TWO[0x30] = d('wrmsr', '', Y.wrmsr, { end: true, k: CostClass.MSR });
TWO[0x31] = d('rdtsc', '', Y.rdtsc, { k: CostClass.RDTSC });
TWO[0x32] = d('rdmsr', '', Y.rdmsr, { k: CostClass.MSR });
TWO[0x33] = d('rdpmc', '', Y.rdpmc, { k: CostClass.RDTSC });
TWO[0x34] = d('sysenter', '', C.sysenter, { end: true, k: CostClass.FAR_TRANSFER });
TWO[0x35] = d('sysexit', '', C.sysexit, { end: true, k: CostClass.FAR_TRANSFER });
TWO[0x37] = d('getsec', '', Y.getsec, { end: true, np: true });
for (let cc = 0; cc < 16; cc++) {
  TWO[0x40 + cc] = d('cmov' + CC_NAMES[cc], 'Gv,Ev', A.cmovcc, { cc });
  TWO[0x80 + cc] = d('j' + CC_NAMES[cc], 'Jz', C.jcc, { cc, end: true, k: CostClass.BRANCH });
  TWO[0x90 + cc] = d('set' + CC_NAMES[cc], 'Eb', A.setcc, { cc });
}
TWO[0x78] = d('vmread', 'Ed,Gd', V.execVmread, vmxEnd);
TWO[0x79] = d('vmwrite', 'Gd,Ed', V.execVmwrite, vmxEnd);
TWO[0xa0] = segPush(4, 'FS');
TWO[0xa1] = segPop(4, 'FS');
// RSM: #UD outside system-management mode (SDM Vol. 2B "RSM"); SMM is not modelled.
TWO[0xaa] = udNamed('rsm', '', t('x86.decode.rsmOutsideSmm'));
TWO[0xa2] = d('cpuid', '', Y.cpuid, { end: true, k: CostClass.CPUID });
TWO[0xa3] = d('bt', 'Ev,Gv', A.bitTest);
TWO[0xa4] = d('shld', 'Ev,Gv,Ib', A.shiftDouble);
TWO[0xa5] = d('shld', 'Ev,Gv,CL', A.shiftDouble);
TWO[0xa8] = segPush(5, 'GS');
TWO[0xa9] = segPop(5, 'GS');
TWO[0xab] = d('bts', 'Ev,Gv', A.bitTest, { lock: true });
TWO[0xac] = d('shrd', 'Ev,Gv,Ib', A.shiftDouble);
TWO[0xad] = d('shrd', 'Ev,Gv,CL', A.shiftDouble);
TWO[0xae] = {
  group: [undefined, undefined, undefined, undefined, undefined, undefined, undefined, d('clflush', 'Mb', Y.clflush, { k: CostClass.CACHE })],
  reg: [[], [], [], [], [], new Array(8).fill(d('lfence', '', Y.nop)), new Array(8).fill(d('mfence', '', Y.nop)), new Array(8).fill(d('sfence', '', Y.nop))],
};
TWO[0xaf] = d('imul', 'Gv,Ev', A.imulGvEv, { k: CostClass.MUL });
TWO[0xb0] = d('cmpxchg', 'Eb,Gb', A.cmpxchg, { lock: true });
TWO[0xb1] = d('cmpxchg', 'Ev,Gv', A.cmpxchg, { lock: true });
TWO[0xb2] = d('lss', 'Gv,Mp', D.loadFarPointer, { cc: 2, end: true, k: CostClass.SEGMENT_LOAD });
TWO[0xb3] = d('btr', 'Ev,Gv', A.bitTest, { lock: true });
TWO[0xb4] = d('lfs', 'Gv,Mp', D.loadFarPointer, { cc: 4, k: CostClass.SEGMENT_LOAD });
TWO[0xb5] = d('lgs', 'Gv,Mp', D.loadFarPointer, { cc: 5, k: CostClass.SEGMENT_LOAD });
TWO[0xb6] = d('movzx', 'Gv,Eb', D.movzx);
TWO[0xb7] = d('movzx', 'Gv,Ew', D.movzx);
TWO[0xba] = {
  group: [undefined, undefined, undefined, undefined, d('bt', 'Ev,Ib', A.bitTest), d('bts', 'Ev,Ib', A.bitTest, { lock: true }), d('btr', 'Ev,Ib', A.bitTest, { lock: true }), d('btc', 'Ev,Ib', A.bitTest, { lock: true })],
};
TWO[0xbb] = d('btc', 'Ev,Gv', A.bitTest, { lock: true });
TWO[0xbc] = d('bsf', 'Gv,Ev', A.bitScan);
TWO[0xbd] = d('bsr', 'Gv,Ev', A.bitScan);
TWO[0xbe] = d('movsx', 'Gv,Eb', D.movsx);
TWO[0xbf] = d('movsx', 'Gv,Ew', D.movsx);
TWO[0xc0] = d('xadd', 'Eb,Gb', A.xadd, { lock: true });
TWO[0xc1] = d('xadd', 'Ev,Gv', A.xadd, { lock: true });
for (let r = 0; r < 8; r++) TWO[0xc8 + r] = d('bswap', 'Zv', D.bswap); // a 16-bit operand gives an undefined result (SDM Vol. 2A "BSWAP")
TWO[0xff] = d('ud0', 'Gv,Ev', Y.invalidOpcode, { end: true });
TWO[0xb9] = d('ud1', 'Gv,Ev', Y.invalidOpcode, { end: true });

// 0F C7 (group 9): memory forms depend on the mandatory prefix (VMPTRLD / VMCLEAR 66 / VMXON F3).
const VMPTRLD = d('vmptrld', 'Mq', V.execVmptrld, vmxEnd);
const VMCLEAR = d('vmclear', 'Mq', V.execVmclear, vmxEnd);
const VMXON = d('vmxon', 'Mq', V.execVmxon, vmxEnd);
const VMPTRST = d('vmptrst', 'Mq', V.execVmptrst, vmxEnd);
const CMPXCHG8B = d('cmpxchg8b', 'Mq', A.cmpxchg8b, { lock: true });
TWO[0xc7] = { group: [] };
const RDRAND = d('rdrand', 'Rv', Y.rdrandRdseed);
const RDSEED = d('rdseed', 'Rv', Y.rdrandRdseed);

// 0F 38 xx (with 66): INVEPT, INVVPID, INVPCID.
const INVEPT = d('invept', 'Gd,Mdq', V.execInvept, vmxEnd);
const INVVPID = d('invvpid', 'Gd,Mdq', V.execInvvpid, vmxEnd);
const INVPCID = d('invpcid', 'Gd,Mdq', Y.invpcid, { end: true, k: CostClass.INVLPG });
const PAUSE = d('pause', '', Y.pause);

// ====================================================================== decoding

/** 0F C7 (group 9), SDM Vol. 2 Table A-6: memory forms by /reg and mandatory prefix, register forms by /reg. */
function group9(mod: number, reg: number, mand: number): OpDef {
  if (mod !== 3) {
    if (reg === 1) return CMPXCHG8B;
    // VMPTRLD NP 0F C7 /6, VMCLEAR 66 0F C7 /6, VMXON F3 0F C7 /6, VMPTRST NP 0F C7 /7 (SDM Vol. 3C §31.3).
    if (reg === 6) return mand === 0 ? VMPTRLD : mand === 0x66 ? VMCLEAR : mand === 0xf3 ? VMXON : UD;
    if (reg === 7) return mand === 0 ? VMPTRST : UD;
    return UD;
  }
  // RDRAND NFx 0F C7 /6, RDSEED NFx 0F C7 /7 (66 is an operand-size prefix for them).
  if (mand === 0 || mand === 0x66) return reg === 6 ? RDRAND : reg === 7 ? RDSEED : UD;
  return UD;
}

/**
 * Lengths of the 0F xx opcodes this core does not implement (SSE, MMX, 3DNow!...), from the opcode map
 * (SDM Vol. 2 Table A-3): bit 0 = has a ModRM byte, bit 1 = an imm8 follows. An unimplemented instruction
 * still raises #UD, but it occupies the right number of bytes in a listing.
 */
const TWO_SHAPE = new Uint8Array(256).fill(1);
for (const b of [0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0e, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x39, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x77, 0xa0, 0xa1, 0xa2, 0xa8, 0xa9, 0xaa]) TWO_SHAPE[b] = 0;
for (let b = 0x80; b <= 0x8f; b++) TWO_SHAPE[b] = 0;
for (let b = 0xc8; b <= 0xcf; b++) TWO_SHAPE[b] = 0;
for (const b of [0x0f, 0x70, 0x71, 0x72, 0x73, 0xa4, 0xac, 0xba, 0xc2, 0xc4, 0xc5, 0xc6]) TWO_SHAPE[b] = 3;

/** Map-1 (0F) opcodes that take an imm8 under VEX/EVEX too (SDM Vol. 2 Table A-3). */
function vexImm8(map: number, op: number): boolean {
  return map === 3 || (map === 1 && ((op >= 0x70 && op <= 0x73) || op === 0xc2 || (op >= 0xc4 && op <= 0xc6)));
}

/** Consumes the rest of a VEX (C4/C5) or EVEX (62) instruction whose first payload byte was `p0`. */
function skipVex(prefix: number, p0: number, asz: number): void {
  let map = 1;
  if (prefix === 0xc4) {
    map = p0 & 0x1f;
    byte();
  } else if (prefix === 0x62) {
    map = p0 & 7;
    byte();
    byte();
  }
  const op = byte();
  if (!(prefix !== 0x62 && map === 1 && op === 0x77)) skipModrm(byte(), asz); // VZEROUPPER/VZEROALL have no ModRM
  if (vexImm8(map, op)) byte();
}

/** Consumes the SIB and displacement bytes that follow `modrm` (SDM Vol. 2A Tables 2-1, 2-2). */
function skipModrm(modrm: number, asz: number): void {
  const mod = modrm >> 6;
  if (mod === 3) return;
  let n: number;
  if (asz === 2) n = mod === 1 ? 1 : mod === 2 || (modrm & 7) === 6 ? 2 : 0;
  else {
    const base = (modrm & 7) === 4 ? byte() & 7 : modrm & 7;
    n = mod === 1 ? 1 : mod === 2 || base === 5 ? 4 : 0;
  }
  for (let k = 0; k < n; k++) byte();
}

/** 16-bit addressing (SDM Vol. 2A Table 2-1): base and index register of each r/m value. */
const A16_BASE = Int8Array.of(3, 3, 5, 5, 6, 7, 5, 3);
const A16_INDEX = Int8Array.of(6, 7, 6, 7, -1, -1, -1, -1);

/** Decoding scratch: module state, so decoding allocates nothing besides the instruction's bytes. */
let P = 0;
let LIMIT = 0;
let CAPPED = false;
let BUF: Uint8Array = new Uint8Array(0);
let SHORT = false;
let TOO_LONG = false;

/** Next byte; past the 15-byte limit it flags TOO_LONG, past the available bytes SHORT (and returns 0). */
function byte(): number {
  if (P < LIMIT) return BUF[P++];
  if (CAPPED) TOO_LONG = true;
  else SHORT = true;
  P++;
  return 0;
}
function imm8s(): number {
  return (byte() << 24) >> 24;
}
function imm16(): number {
  const lo = byte();
  return lo | (byte() << 8);
}
function imm32(): number {
  const a = byte();
  const b = byte();
  const c = byte();
  return (a | (b << 8) | (c << 16) | (byte() << 24)) | 0;
}

/**
 * Decodes one instruction from `buf[start..end)` with the given code-segment size (16 or 32).
 * Returns false when the bytes run out before the instruction ends (the caller fetches more); with 15 or
 * more bytes available it always returns true (an instruction that would exceed 15 bytes decodes to one
 * that raises #GP(0), SDM Vol. 2A §2.3.11).
 */
export function decodeInsn(buf: Uint8Array, start: number, end: number, codeSize: number, out: Insn): boolean {
  BUF = buf;
  P = start;
  CAPPED = end - start >= 15;
  LIMIT = CAPPED ? start + 15 : end;
  SHORT = false;
  TOO_LONG = false;
  const code32 = codeSize === 32;
  let prefixes = 0;
  let seg = -1;
  let rep = 0;
  let b = byte();
  // ---- legacy prefixes (SDM Vol. 2A §2.1.1), any number and order; the last segment and F2/F3 prefix win
  for (;;) {
    if (b === 0x66) prefixes |= Prefix.OPSIZE;
    else if (b === 0x67) prefixes |= Prefix.ADDRSIZE;
    else if (b === 0x26 || b === 0x2e || b === 0x36 || b === 0x3e) {
      prefixes |= Prefix.SEGMENT;
      seg = (b >> 3) & 3; // ES 0, CS 1, SS 2, DS 3
    } else if (b === 0x64 || b === 0x65) {
      prefixes |= Prefix.SEGMENT;
      seg = b - 0x60; // FS 4, GS 5
    } else if (b === 0xf0) prefixes |= Prefix.LOCK;
    else if (b === 0xf2) {
      prefixes |= Prefix.REPNE;
      rep = b;
    } else if (b === 0xf3) {
      prefixes |= Prefix.REP;
      rep = b;
    } else break;
    b = byte();
  }
  const opsize = (prefixes & Prefix.OPSIZE) !== 0;
  let osz = code32 !== opsize ? 4 : 2;
  const asz = code32 !== ((prefixes & Prefix.ADDRSIZE) !== 0) ? 4 : 2;
  // Mandatory-prefix class of 0F opcodes: the last F2/F3, else 66 (SDM Vol. 2A §2.1.2).
  const mand = rep !== 0 ? rep : opsize ? 0x66 : 0;
  const lock = (prefixes & Prefix.LOCK) !== 0;

  // ---- opcode
  let opcode = b;
  let entry: Entry;
  let forceModrm = false;
  let extraImm8 = 0; // imm8 bytes of an unimplemented opcode, for its length
  if (b !== 0x0f) {
    entry = b === 0x90 && rep === 0xf3 ? PAUSE : ONE[b];
  } else {
    const b2 = byte();
    if (b2 === 0x38 || b2 === 0x3a) {
      const b3 = byte();
      opcode = (b2 === 0x38 ? 0x0f3800 : 0x0f3a00) | b3;
      entry = UD;
      forceModrm = true; // every 0F 38 / 0F 3A instruction has a ModRM byte (SDM Vol. 2 Tables)
      extraImm8 = b2 === 0x3a ? 1 : 0;
      if (b2 === 0x38 && mand === 0x66) {
        entry = b3 === 0x80 ? INVEPT : b3 === 0x81 ? INVVPID : b3 === 0x82 ? INVPCID : UD;
        if (entry !== UD) osz = code32 ? 4 : 2; // 66 is the mandatory prefix here, not an operand-size override
      }
    } else {
      opcode = 0x0f00 | b2;
      entry = TWO[b2];
      if (b2 === 0x78 || b2 === 0x79) {
        // VMREAD/VMWRITE take no 66/F2/F3 prefix (66 0F 78 is SSE4a EXTRQ, #UD on Intel); outside 64-bit
        // mode the operands are always 32 bits (SDM Vol. 3C §31.3 "VMREAD").
        if (mand !== 0) {
          // SSE4a (AMD): 66 0F 78 /0 ib ib EXTRQ, F2 0F 78 /r ib ib INSERTQ, 66/F2 0F 79 /r
          entry = UD;
          forceModrm = true;
          extraImm8 = b2 === 0x78 && mand !== 0xf3 ? 2 : 0;
        }
        osz = 4;
      }
      if (entry === undefined) {
        const shape = TWO_SHAPE[b2];
        forceModrm = (shape & 1) !== 0;
        extraImm8 = (shape & 2) >> 1;
      }
    }
  }

  // ---- ModRM, and the definition it selects for group opcodes
  let def: OpDef;
  let modrm = -1;
  if (entry === undefined || entry === UD) {
    def = UD;
    if (forceModrm) modrm = byte();
  } else if ('group' in entry) {
    modrm = byte();
    const mod = modrm >> 6;
    const reg = (modrm >> 3) & 7;
    let g: OpDef | undefined;
    if (opcode === 0x0fc7) g = group9(mod, reg, mand);
    else if (mod === 3 && entry.reg !== undefined) {
      g = entry.reg[reg]?.[modrm & 7];
      // 0F 01 register forms (VMCALL, MONITOR, XGETBV, RDTSCP...) take no 66/F2/F3 prefix; SMSW/LMSW are ModRM forms.
      if (opcode === 0x0f01 && mand !== 0 && reg !== 4 && reg !== 6) g = UD;
    } else g = entry.group[reg];
    if (opcode === 0x0f1c && mand !== 0 && g === CLDEMOTE) g = HINT_NOP; // CLDEMOTE is NP 0F 1C /0
    // 0F AE: with 66/F2/F3 these are other instructions (CLFLUSHOPT, CLWB, INCSSP, PTWRITE…), not modelled.
    if (opcode === 0x0fae && mand !== 0) g = UD;
    def = g ?? UD;
    if (opcode === 0x0fc7 && mod !== 3 && reg >= 6) osz = code32 ? 4 : 2; // VMX: 66 is a mandatory prefix
  } else {
    def = entry;
    if (def.modrm || forceModrm) modrm = byte();
    if (def.np === true && mand !== 0) def = UD; // the prefix selects another (unmodelled) instruction
  }
  if (opcode === 0x0f1e && rep === 0xf3 && (modrm === 0xfa || modrm === 0xfb)) def = modrm === 0xfb ? ENDBR32 : ENDBR64;

  let mod = modrm >= 0 ? modrm >> 6 : 0;
  const reg = modrm >= 0 ? (modrm >> 3) & 7 : 0;
  if (def.regOnly) mod = 3; // MOV CRn/DRn: the mod bits are ignored, the operand is a register
  else if (mod === 3 && def.memOnly) {
    def = UD; // LEA, LDS, BOUND, INVEPT... with a register: #UD
    // C4/C5/62 with mod = 3 are the VEX and EVEX prefixes (SDM Vol. 2A §2.3, §2.7): AVX is not modelled,
    // but the instruction's length is, so listings stay in step.
    if (opcode === 0xc4 || opcode === 0xc5 || opcode === 0x62) skipVex(opcode, modrm, asz);
  }
  let x87 = '';
  if (opcode >= 0xd8 && opcode <= 0xdf) {
    x87 = X87_MNEMONICS[((opcode - 0xd8) << 8) | modrm];
    if (x87 === '') def = UD;
  }
  // MOV Sreg: only ES..GS exist, and MOV CS, r/m is #UD (SDM Vol. 2B "MOV—Move").
  if ((opcode === 0x8c || opcode === 0x8e) && (reg > 5 || (opcode === 0x8e && reg === 1))) def = UD;
  // MOV to/from CR1, CR5, CR6, CR7 is #UD (SDM Vol. 2B "MOV—Move to/from Control Registers").
  else if ((opcode === 0x0f20 || opcode === 0x0f22) && (reg === 1 || reg >= 5)) def = UD;

  out.opcode = opcode;
  out.rep = rep;
  out.lock = lock;
  out.mandatory = mand;
  out.mod = mod;
  out.reg = reg;
  out.rm = modrm >= 0 ? modrm & 7 : opcode & 7;
  out.hasModrm = modrm >= 0;
  out.mem = MemForm.NONE;
  out.base = -1;
  out.index = -1;
  out.scale = 0;
  out.disp = 0;
  out.segOverride = seg >= 0;
  out.seg = seg >= 0 ? seg : 3;
  if (modrm >= 0 && mod !== 3) decodeMemory(out, asz, seg);

  // ---- immediates, relative targets, far pointers, moffs (the first immediate goes to `imm`, a second to `imm2`)
  let imm = 0;
  let imm2 = 0;
  const toks = def.toks;
  for (let n = 0, k = 0; k < toks.length; k++) {
    let v: number;
    switch (toks[k]) {
      case Tok.Ib: v = byte(); break;
      case Tok.Ibs: v = osz === 4 ? imm8s() : imm8s() & 0xffff; break;
      case Tok.Iw: v = imm16(); break;
      case Tok.Iz: v = osz === 4 ? imm32() : imm16(); break;
      case Tok.Jb: v = imm8s(); break;
      case Tok.Jz: v = osz === 4 ? imm32() : (imm16() << 16) >> 16; break;
      case Tok.Ap:
        imm = osz === 4 ? imm32() : imm16();
        imm2 = imm16();
        continue;
      default: // Tok.O
        out.mem = asz === 4 ? MemForm.A32 : MemForm.A16;
        out.disp = asz === 4 ? imm32() : imm16();
        continue;
    }
    if (n++ === 0) imm = v;
    else imm2 = v;
  }
  for (let k = 0; k < extraImm8; k++) byte();
  if (SHORT) return false;
  out.imm = imm;
  out.imm2 = imm2;

  const len = P - start;
  out.codeSize = code32 ? 32 : 16;
  out.prefixes = prefixes;
  out.osz = osz;
  out.asz = asz;
  out.cc = def.cc === undefined ? 0 : def.cc === -1 ? (osz === 4 ? 2 : 1) : def.cc; // -1: size index for group 2/3 v-sized forms
  out.ops = def.o;
  out.costClass = def.k ?? CostClass.SIMPLE;
  out.flow = def.end === true ? InsnFlow.END_BLOCK : InsnFlow.NEXT;
  if (TOO_LONG) {
    out.len = 15;
    out.mnem = '(bad)';
    out.fn = gpLength;
    out.invalid = TOO_LONG_REASON;
    out.flow = InsnFlow.END_BLOCK;
    out.bytes = BUF.slice(start, start + 15);
    return true;
  }
  out.len = len;
  out.mnem = x87 !== '' ? x87 : (def.nameByAsz === true ? asz : osz) === 4 ? def.n32 : def.n16;
  out.bytes = BUF.slice(start, start + len);
  if (def === UD) {
    out.fn = Y.invalidOpcode;
    out.invalid = INVALID_OPCODE_REASON;
  } else if (lock && (def.lock !== true || mod === 3 || modrm < 0)) {
    // LOCK only with the listed instructions and a memory destination (SDM Vol. 2A "LOCK").
    out.fn = Y.invalidOpcode;
    out.invalid = LOCK_REASON;
    out.flow = InsnFlow.END_BLOCK;
  } else {
    out.fn = osz === 4 ? def.x32 : def.x16;
    out.invalid = def.ud ?? '';
  }
  return true;
}

function gpLength(c: import('./cpu.ts').Cpu): void {
  c.gp(0);
}

/** ModRM/SIB memory operand (SDM Vol. 2A Tables 2-1, 2-2, 2-3). */
function decodeMemory(out: Insn, asz: number, seg: number): void {
  const mod = out.mod;
  const rm = out.rm;
  let defaultSeg = 3;
  if (asz === 2) {
    out.mem = MemForm.A16;
    if (mod === 0 && rm === 6) {
      // Kept sign-extended like every displacement (the address wraps to 16 bits anyway): a VMX-instruction
      // exit reports the displacement field sign-extended (SDM Vol. 3C §28.2.1).
      out.disp = (imm16() << 16) >> 16;
    } else {
      out.base = A16_BASE[rm];
      out.index = A16_INDEX[rm];
      if (rm === 2 || rm === 3 || rm === 6) defaultSeg = 2; // BP-based → SS
      if (mod === 1) out.disp = imm8s();
      else if (mod === 2) out.disp = (imm16() << 16) >> 16;
    }
  } else {
    out.mem = MemForm.A32;
    if (rm === 4) {
      const sib = byte();
      const base = sib & 7;
      const index = (sib >> 3) & 7;
      out.index = index === 4 ? -1 : index;
      out.scale = index === 4 ? 0 : sib >> 6;
      if (base === 5 && mod === 0) {
        out.disp = imm32();
      } else {
        out.base = base;
        if (base === 4 || base === 5) defaultSeg = 2; // ESP/EBP-based → SS
      }
    } else if (rm === 5 && mod === 0) {
      out.disp = imm32();
    } else {
      out.base = rm;
      if (rm === 5) defaultSeg = 2;
    }
    if (mod === 1) out.disp = imm8s();
    else if (mod === 2) out.disp = imm32();
  }
  out.seg = seg >= 0 ? seg : defaultSeg;
}
