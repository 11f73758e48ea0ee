/**
 * The instruction decoder: IA-32 machine code (16- and 32-bit code segments) → `Insn`.
 *
 * Table-driven after the opcode maps of SDM Vol. 2 Appendix A: legacy prefixes, the one-byte map, the
 * two-byte 0F map, the three-byte 0F 38 entries this core uses, ModRM/SIB with 16- and 32-bit addressing,
 * immediates and displacements. Every instruction the assembler emits is checked against iced-x86 in
 * tests (decoder.test.ts). An opcode the core does not implement decodes to an instruction that raises #UD
 * when executed; more than 15 bytes raises #GP(0) (SDM Vol. 2 §2.3.11).
 */
import { CostClass } from './cost-class.ts';
import { Insn, InsnFlow, MemForm, type Exec } from './insn.ts';
import * as A from './exec/alu.ts';
import * as C from './exec/control.ts';
import * as D from './exec/data.ts';
import * as IO from './exec/io.ts';
import * as S from './exec/string.ts';
import * as Y from './exec/system.ts';
import * as V from '../vmx/instructions.ts';

/** Operand-size-dependent exec: [16-bit, 32-bit]. */
type ExecSel = Exec | readonly [Exec, Exec];

interface OpDef {
  /** Mnemonic; "a|b" picks a for 16-bit and b for 32-bit operand size. */
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
}

type Entry = OpDef | { group: (OpDef | undefined)[]; reg?: (OpDef | undefined)[][] } | undefined;

const UD: OpDef = { m: '(bad)', o: '', x: Y.invalidOpcode, end: true };

function d(m: string, o: string, x: ExecSel, extra: Partial<OpDef> = {}): OpDef {
  return { m, o, x, ...extra };
}

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
ONE[0x8c] = d('mov', 'Ev,Sw', D.movEwSw);
ONE[0x8d] = d('lea', 'Gv,M', D.lea);
ONE[0x8e] = d('mov', 'Sw,Ew', D.movSwEw, { end: true, k: CostClass.SEGMENT_LOAD });
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
ONE[0xc6] = { group: [d('mov', 'Eb,Ib', D.movEbIb), undefined, undefined, undefined, undefined, undefined, undefined, undefined] };
ONE[0xc7] = { group: [d('mov', 'Ev,Iz', D.movEvIz), undefined, undefined, undefined, undefined, undefined, undefined, undefined] };
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
for (let k = 0xd8; k <= 0xdf; k++) ONE[k] = d('(x87)', 'X', Y.x87, { k: CostClass.X87 });
ONE[0xe0] = d('loopne', 'Jb', C.loop, { end: true, k: CostClass.BRANCH });
ONE[0xe1] = d('loope', 'Jb', C.loop, { end: true, k: CostClass.BRANCH });
ONE[0xe2] = d('loop', 'Jb', C.loop, { end: true, k: CostClass.BRANCH });
ONE[0xe3] = d('jcxz|jecxz', 'Jb', C.loop, { end: true, k: CostClass.BRANCH });
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
    d('call far', 'Mp', C.farIndirect, { end: true, k: CostClass.FAR_TRANSFER }),
    d('jmp', 'Ev', C.callJmpIndirect, { end: true, k: CostClass.BRANCH }),
    d('jmp far', 'Mp', C.farIndirect, { end: true, k: CostClass.FAR_TRANSFER }),
    d('push', 'Ev', D.pushEv),
    undefined,
  ],
};

// ====================================================================== two-byte map (0F xx)
const TWO: Entry[] = new Array(256).fill(undefined);
const grp6: (OpDef | undefined)[] = [
  d('sldt', 'Ew', D.storeSystemSelector, { k: CostClass.DESCRIPTOR_TABLE }),
  d('str', 'Ew', D.storeSystemSelector, { k: CostClass.DESCRIPTOR_TABLE }),
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
  d('smsw', 'Ew', D.smsw),
  undefined,
  d('lmsw', 'Ew', Y.lmsw, { end: true, k: CostClass.CR_ACCESS }),
  d('invlpg', 'Mb', Y.invlpg, { end: true, k: CostClass.INVLPG }),
];
const vmxEnd = { end: true, k: CostClass.VMX };
const grp7reg: (OpDef | undefined)[][] = [
  [undefined, d('vmcall', '', V.execVmcall, vmxEnd), d('vmlaunch', '', V.execVmlaunch, vmxEnd), d('vmresume', '', V.execVmlaunch, vmxEnd), d('vmxoff', '', V.execVmxoff, vmxEnd)],
  [d('monitor', '', Y.monitor), d('mwait', '', Y.mwait)],
  [d('xgetbv', '', Y.xgetbv), d('xsetbv', '', Y.xsetbv), undefined, undefined, d('vmfunc', '', V.execVmfunc, vmxEnd)],
  [], // AMD SVM (VMRUN, VMMCALL, ...) is #UD on Intel processors
  new Array(8).fill(d('smsw', 'Ew', D.smsw)),
  [],
  new Array(8).fill(d('lmsw', 'Ew', Y.lmsw, { end: true, k: CostClass.CR_ACCESS })),
  [undefined, d('rdtscp', '', Y.rdtscp, { k: CostClass.RDTSC })],
];
TWO[0x01] = { group: grp7mem, reg: grp7reg };
TWO[0x02] = d('lar', 'Gv,Ew', Y.larLsl, { k: CostClass.SEGMENT_LOAD });
TWO[0x03] = d('lsl', 'Gv,Ew', Y.larLsl, { k: CostClass.SEGMENT_LOAD });
TWO[0x06] = d('clts', '', Y.clts, { end: true, k: CostClass.CR_ACCESS });
TWO[0x08] = d('invd', '', Y.invd, { k: CostClass.CACHE });
TWO[0x09] = d('wbinvd', '', Y.wbinvd, { k: CostClass.CACHE });
TWO[0x0b] = d('ud2', '', Y.invalidOpcode, { end: true });
TWO[0x0d] = d('nop', 'Ev', Y.nop); // prefetch hints
for (let k = 0x18; k <= 0x1f; k++) TWO[k] = d('nop', 'Ev', Y.nop);
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
TWO[0x37] = d('getsec', '', Y.getsec, { end: true });
for (let cc = 0; cc < 16; cc++) {
  TWO[0x40 + cc] = d('cmov' + CC_NAMES[cc], 'Gv,Ev', A.cmovcc, { cc });
  TWO[0x80 + cc] = d('j' + CC_NAMES[cc], 'Jz', C.jcc, { cc, end: true, k: CostClass.BRANCH });
  TWO[0x90 + cc] = d('set' + CC_NAMES[cc], 'Eb', A.setcc, { cc });
}
TWO[0x78] = d('vmread', 'Ed,Gd', V.execVmread, vmxEnd);
TWO[0x79] = d('vmwrite', 'Gd,Ed', V.execVmwrite, vmxEnd);
TWO[0xa0] = segPush(4, 'FS');
TWO[0xa1] = segPop(4, 'FS');
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
for (let r = 0; r < 8; r++) TWO[0xc8 + r] = d('bswap', 'Zd', D.bswap);
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

const MODRM_TOKENS = new Set(['Eb', 'Ev', 'Ew', 'Ed', 'Gb', 'Gv', 'Gw', 'Gd', 'Sw', 'Cd', 'Dd', 'Rd', 'Rv', 'M', 'Mp', 'Ms', 'Mq', 'Mdq', 'Ma', 'Mb', 'X']);
const needsModrm = (o: string): boolean => o !== '' && o.split(',').some((t) => MODRM_TOKENS.has(t));

/** Decoding scratch (no allocation besides the Insn itself). */
let P = 0;
let END = 0;
let BUF: Uint8Array = new Uint8Array(0);
let SHORT = false;

function byte(): number {
  if (P >= END) {
    SHORT = true;
    P++;
    return 0;
  }
  return BUF[P++];
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
 * Returns false when the bytes run out before the instruction ends (the caller fetches more).
 */
export function decodeInsn(buf: Uint8Array, start: number, end: number, codeSize: number, out: Insn): boolean {
  BUF = buf;
  P = start;
  END = end;
  SHORT = false;
  let osz = codeSize === 32 ? 4 : 2;
  let asz = osz;
  let seg = -1;
  let rep = 0;
  let lock = false;
  let opsizePrefix = false;
  let b = byte();
  // ---- legacy prefixes (SDM Vol. 2 §2.1.1); at most 15 bytes in all
  for (let n = 0; n < 15; n++) {
    if (b === 0x66) { opsizePrefix = true; osz = codeSize === 32 ? 2 : 4; }
    else if (b === 0x67) asz = codeSize === 32 ? 2 : 4;
    else if (b === 0x26) seg = 0;
    else if (b === 0x2e) seg = 1;
    else if (b === 0x36) seg = 2;
    else if (b === 0x3e) seg = 3;
    else if (b === 0x64) seg = 4;
    else if (b === 0x65) seg = 5;
    else if (b === 0xf0) lock = true;
    else if (b === 0xf2 || b === 0xf3) rep = b;
    else break;
    b = byte();
  }
  let opcode = b;
  let entry: Entry;
  let map = 1;
  if (b === 0x0f) {
    const b2 = byte();
    if (b2 === 0x38) {
      const b3 = byte();
      opcode = 0x0f3800 | b3;
      map = 3;
      if (opsizePrefix && b3 === 0x80) entry = INVEPT;
      else if (opsizePrefix && b3 === 0x81) entry = INVVPID;
      else if (opsizePrefix && b3 === 0x82) entry = INVPCID;
      else entry = UD;
      if (opsizePrefix) osz = codeSize === 32 ? 4 : 2; // a mandatory prefix, not an operand-size override
    } else {
      opcode = 0x0f00 | b2;
      map = 2;
      entry = TWO[b2];
      if (b2 === 0x78 || b2 === 0x79) {
        // VMREAD/VMWRITE take no 66/F2/F3 prefix (66 0F 78 is SSE4a EXTRQ, #UD on Intel).
        if (opsizePrefix || rep !== 0) entry = UD;
        osz = 4;
      }
    }
  } else {
    entry = ONE[b];
    if (b === 0x90 && rep === 0xf3) entry = PAUSE;
  }
  out.opcode = opcode;
  out.rep = rep;
  out.lock = lock;
  out.mandatory = rep !== 0 ? rep : opsizePrefix ? 0x66 : 0;

  // ---- ModRM (needed for group opcodes and any E/G/S/C/D/R/M operand)
  let def: OpDef | undefined;
  let modrm = -1;
  const isGroup = entry !== undefined && 'group' in entry;
  if (isGroup || (entry !== undefined && needsModrm((entry as OpDef).o)) || map === 3) {
    modrm = byte();
  }
  if (entry === undefined) def = UD;
  else if ('group' in entry) {
    const reg = (modrm >> 3) & 7;
    const mod = modrm >> 6;
    if (mod === 3 && entry.reg !== undefined) def = entry.reg[reg]?.[modrm & 7];
    else def = entry.group[reg];
    // 0F C7 group 9: prefix- and mod-dependent.
    if (opcode === 0x0fc7) {
      if (mod !== 3) {
        if (reg === 1) def = CMPXCHG8B;
        else if (reg === 6) def = rep === 0xf3 ? VMXON : opsizePrefix ? VMCLEAR : rep === 0 ? VMPTRLD : UD;
        else if (reg === 7) def = rep === 0 && !opsizePrefix ? VMPTRST : UD;
        else def = UD;
        if (reg >= 6 && opsizePrefix) osz = codeSize === 32 ? 4 : 2;
      } else {
        def = reg === 6 && rep === 0 ? RDRAND : reg === 7 && rep === 0 ? RDSEED : UD;
      }
    }
    if (def === undefined) def = UD;
  } else def = entry;

  out.mod = modrm >= 0 ? modrm >> 6 : 0;
  out.reg = modrm >= 0 ? (modrm >> 3) & 7 : 0;
  out.rm = modrm >= 0 ? modrm & 7 : opcode & 7;
  out.hasModrm = modrm >= 0;
  out.mem = MemForm.NONE;
  out.base = -1;
  out.index = -1;
  out.scale = 0;
  out.disp = 0;
  out.segOverride = seg >= 0;
  out.seg = seg >= 0 ? seg : 3;
  if (modrm >= 0 && out.mod !== 3) decodeMemory(out, asz, seg);

  // ---- immediates, relative targets, far pointers, moffs (the first immediate goes to `imm`, a second to `imm2`)
  out.imm = 0;
  out.imm2 = 0;
  const ops = def.o;
  if (ops !== '') {
    let n = 0;
    for (const t of ops.split(',')) {
      let v: number;
      switch (t) {
        case 'Ib': v = byte(); break;
        case 'Ibs': v = osz === 4 ? imm8s() : imm8s() & 0xffff; break;
        case 'Iw': v = imm16(); break;
        case 'Iz':
        case 'Iv': v = osz === 4 ? imm32() : imm16(); break;
        case 'Jb': v = imm8s(); break;
        case 'Jz': v = osz === 4 ? imm32() : (imm16() << 16) >> 16; break;
        case 'Ap':
          out.imm = osz === 4 ? imm32() : imm16();
          out.imm2 = imm16();
          continue;
        case 'Ob':
        case 'Ov':
          out.mem = asz === 4 ? MemForm.A32 : MemForm.A16;
          out.disp = asz === 4 ? imm32() : imm16();
          continue;
        default:
          continue;
      }
      if (n++ === 0) out.imm = v;
      else out.imm2 = v;
    }
  }
  const len = P - start;
  if (SHORT) return false;

  out.len = len;
  out.osz = osz;
  out.asz = asz;
  out.cc = def.cc ?? 0;
  if (def.cc === -1) out.cc = osz === 4 ? 2 : 1; // size index for group 2/3 v-sized forms
  out.mnem = def.m.includes('|') ? def.m.split('|')[osz === 4 ? 1 : 0] : def.m;
  out.ops = def.o;
  out.flow = def.end === true ? InsnFlow.END_BLOCK : InsnFlow.NEXT;
  out.costClass = def.k ?? CostClass.SIMPLE;
  out.bytes = BUF.slice(start, start + len);
  out.invalid = def === UD ? 'invalid or unimplemented opcode' : '';
  let fn: Exec = Array.isArray(def.x) ? (def.x as readonly [Exec, Exec])[osz === 4 ? 1 : 0] : (def.x as Exec);
  if (len > 15) {
    fn = gpLength;
    out.invalid = 'instruction longer than 15 bytes';
  } else if (lock && (!def.lock || out.mod === 3 || modrm < 0)) {
    // LOCK only with the listed instructions and a memory destination (SDM Vol. 2 LOCK).
    fn = Y.invalidOpcode;
    out.invalid = 'LOCK prefix not allowed here';
  } else if (def === UD) {
    out.flow = InsnFlow.END_BLOCK;
  }
  out.fn = fn;
  return true;
}

function gpLength(c: import('./cpu.ts').Cpu): void {
  c.gp(0);
}

/** ModRM/SIB memory operand (SDM Vol. 2 Tables 2-1, 2-2, 2-3). */
function decodeMemory(out: Insn, asz: number, seg: number): void {
  const mod = out.mod;
  const rm = out.rm;
  let defaultSeg = 3;
  if (asz === 2) {
    out.mem = MemForm.A16;
    const bases = [3, 3, 5, 5, 6, 7, 5, 3];
    const idx = [6, 7, 6, 7, -1, -1, -1, -1];
    if (mod === 0 && rm === 6) {
      out.disp = imm16();
    } else {
      out.base = bases[rm];
      out.index = idx[rm];
      if (rm === 4 || rm === 5) {
        out.base = rm === 4 ? 6 : 7;
        out.index = -1;
      }
      if (rm === 2 || rm === 3 || rm === 6) defaultSeg = 2; // BP-based → SS
      if (mod === 1) out.disp = imm8s();
      else if (mod === 2) out.disp = (imm16() << 16) >> 16;
    }
  } else {
    out.mem = MemForm.A32;
    if (rm === 4) {
      const sib = byte();
      const scale = sib >> 6;
      const index = (sib >> 3) & 7;
      const base = sib & 7;
      out.scale = scale;
      out.index = index === 4 ? -1 : index;
      if (base === 5 && mod === 0) {
        out.base = -1;
        out.disp = imm32();
      } else {
        out.base = base;
        if (base === 4 || base === 5) defaultSeg = 2;
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
