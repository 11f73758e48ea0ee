/**
 * Control transfers: JMP, Jcc, CALL, RET, LOOP/JECXZ, far JMP/CALL/RET (with call gates and privilege
 * changes), INT n, INT3, INTO, INT1, IRET, BOUND (SDM Vol. 2 pseudocode; Vol. 3A §5.8 call gates).
 */
import type { Cpu } from '../cpu.ts';
import { Acc } from '../cpu.ts';
import { Cr0, EventType, Flag, Seg, Vec } from '../arch.ts';
import type { Insn } from '../insn.ts';
import { deliverEvent, iret, readTssStack, stackFits, taskSwitchThroughGate, vmxMode } from '../interrupts.ts';
import { inV86, v86IoplFault } from '../v8086.ts';
import {
  descBase,
  descDpl,
  descLimit,
  fetchDescriptor,
  isCode,
  isData,
  isPresent,
  markAccessed,
  nullifyInaccessibleSegments,
  setCodeSegment,
} from '../segments.ts';
import { EventKind, FarKind } from '../../trace/events.ts';

/** Near branch target: EIP-relative, truncated to 16 bits with a 16-bit operand size (SDM JMP). */
function target(c: Cpu, i: Insn): number {
  const t = (c.eip + i.len + i.imm) | 0;
  return i.osz === 4 ? t : t & 0xffff;
}

function checkCsLimit(c: Cpu, eip: number): void {
  if ((eip >>> 0) > (c.segLimit[Seg.CS] >>> 0)) c.gp(0);
}

export function jmpRel(c: Cpu, i: Insn): void {
  const t = target(c, i);
  checkCsLimit(c, t);
  c.eip = t;
}

export function jcc(c: Cpu, i: Insn): void {
  if (c.cond(i.cc)) {
    const t = target(c, i);
    checkCsLimit(c, t);
    c.eip = t;
  } else c.eip = (c.eip + i.len) | 0;
}

export function callRel(c: Cpu, i: Insn): void {
  const t = target(c, i);
  checkCsLimit(c, t);
  c.pushV(c.eip + i.len, i.osz);
  c.eip = t;
}

/** FF /2 and FF /4: near indirect CALL / JMP. */
export function callJmpIndirect(c: Cpu, i: Insn): void {
  const t = i.osz === 4 ? c.readE32(i) : c.readE16(i);
  checkCsLimit(c, t);
  if (i.reg === 2) c.pushV(c.eip + i.len, i.osz);
  c.eip = t;
}

export function retNear(c: Cpu, i: Insn): void {
  const t = i.osz === 4 ? c.peek32(0) : c.peek16(0);
  checkCsLimit(c, t);
  c.adjustSp(i.osz + (i.opcode === 0xc2 ? i.imm & 0xffff : 0));
  c.eip = t;
}

/** LOOP/LOOPE/LOOPNE/JECXZ: the counter is CX or ECX by address size. */
export function loop(c: Cpu, i: Insn): void {
  let count: number;
  if (i.opcode === 0xe3) count = i.asz === 4 ? c.regs[1] : c.regs[1] & 0xffff;
  else {
    if (i.asz === 4) count = c.regs[1] = (c.regs[1] - 1) | 0;
    else {
      count = (c.regs[1] - 1) & 0xffff;
      c.setReg16(1, count);
    }
  }
  let taken: boolean;
  switch (i.opcode) {
    case 0xe0: taken = count !== 0 && !c.cond(4); break; // LOOPNE: ZF = 0
    case 0xe1: taken = count !== 0 && c.cond(4); break; // LOOPE: ZF = 1
    case 0xe2: taken = count !== 0; break;
    default: taken = count === 0; break; // JECXZ
  }
  if (taken) {
    const t = target(c, i);
    checkCsLimit(c, t);
    c.eip = t;
  } else c.eip = (c.eip + i.len) | 0;
}

// ---------------------------------------------------------------------------------------- INT n and friends

/**
 * INT n (CD ib): a software interrupt through gate DPL checks; never a VM exit by itself. In virtual-8086 mode it is
 * IOPL-sensitive: #GP(0) before the IDT is read unless IOPL = 3 (SDM INT n pseudocode; INT3, INTO and INT1 are not).
 */
export function intN(c: Cpu, i: Insn): void {
  if (v86IoplFault(c)) c.gp(0);
  deliverEvent(c, i.imm & 0xff, EventType.SOFTWARE_INTERRUPT, -1, (c.eip + i.len) | 0, i.len);
}
/** INT3 (CC): #BP as a software exception. */
export function int3(c: Cpu, i: Insn): void {
  deliverEvent(c, Vec.BP, EventType.SOFTWARE_EXCEPTION, -1, (c.eip + i.len) | 0, i.len);
}
/** INTO (CE): #OF when OF = 1. */
export function into(c: Cpu, i: Insn): void {
  if (c.cond(0)) deliverEvent(c, Vec.OF, EventType.SOFTWARE_EXCEPTION, -1, (c.eip + i.len) | 0, i.len);
  else c.eip = (c.eip + i.len) | 0;
}
/** INT1 / ICEBP (F1): #DB as a privileged software exception (no gate DPL check). */
export function int1(c: Cpu, i: Insn): void {
  deliverEvent(c, Vec.DB, EventType.PRIVILEGED_SOFTWARE_EXCEPTION, -1, (c.eip + i.len) | 0, i.len);
}
export function iretInsn(c: Cpu, i: Insn): void {
  iret(c, i.osz, i.len);
}

/** BOUND r, m: #BR when the index is outside [lower, upper] (signed). */
export function bound(c: Cpu, i: Insn): void {
  if (i.mod === 3) c.ud();
  const ea = c.ea(i);
  const v = i.osz === 4 ? c.regs[i.reg] : (c.regs[i.reg] << 16) >> 16;
  const lo = i.osz === 4 ? c.read32(i.seg, ea) : (c.read16(i.seg, ea) << 16) >> 16;
  const hi = i.osz === 4 ? c.read32(i.seg, (ea + 4) | 0) : (c.read16(i.seg, (ea + 2) | 0) << 16) >> 16;
  if (v < lo || v > hi) c.raise(Vec.BR);
  c.eip = (c.eip + i.len) | 0;
}

// ---------------------------------------------------------------------------------------- far transfers

/** EA / 9A: JMP/CALL ptr16:16/32. */
export function farDirect(c: Cpu, i: Insn): void {
  const off = i.osz === 4 ? i.imm : i.imm & 0xffff;
  farTransfer(c, i, i.imm2 & 0xffff, off, i.opcode === 0x9a);
}
/** FF /3, FF /5: JMP/CALL m16:16/32. */
export function farIndirect(c: Cpu, i: Insn): void {
  if (i.mod === 3) c.ud();
  const ea = c.ea(i);
  const off = i.osz === 4 ? c.read32(i.seg, ea) : c.read16(i.seg, ea);
  const sel = c.read16(i.seg, (ea + i.osz) | 0);
  farTransfer(c, i, sel, off, i.reg === 3);
}

/**
 * Far JMP/CALL in real or protected mode: to a code segment (same privilege), through a call gate
 * (possibly to an inner privilege level, with a stack switch and parameter copy), or a task switch
 * (SDM Vol. 2 CALL and JMP pseudocode; Vol. 3A §5.8.4–5.8.6).
 */
function farTransfer(c: Cpu, i: Insn, sel: number, off: number, isCall: boolean): void {
  const osz = i.osz;
  const retEip = (c.eip + i.len) | 0;
  if ((c.cr0 & Cr0.PE) === 0 || inV86(c)) {
    // Real-address or virtual-8086 mode: "IF tempEIP is beyond code segment limit THEN #GP(0)", checked before anything
    // is pushed, then CS := selector with base selector × 16 (SDM JMP/CALL "real-address or virtual-8086 mode").
    if ((osz === 4 ? off >>> 0 : off & 0xffff) > c.segLimit[Seg.CS] >>> 0) c.gp(0);
    if (isCall) {
      c.pushV(c.segSel[Seg.CS], osz);
      c.pushV(retEip, osz);
    }
    c.setSegCache(Seg.CS, sel, sel << 4, c.segLimit[Seg.CS], c.segAr[Seg.CS]);
    c.eip = osz === 4 ? off : off & 0xffff;
    c.stop = 1;
    return;
  }
  if ((sel & 0xfffc) === 0) c.gp(0);
  if (!fetchDescriptor(c, sel)) c.gp(sel & 0xfffc);
  const lo = c.descLo;
  const hi = c.descHi;
  const err = sel & 0xfffc;
  const fromCpl = c.cpl;
  if (isCode(hi)) {
    const dpl = descDpl(hi);
    const conforming = (hi & 0x400) !== 0;
    if (conforming ? dpl > c.cpl : (sel & 3) > c.cpl || dpl !== c.cpl) c.gp(err);
    if (!isPresent(hi)) c.np(err);
    const limit = descLimit(lo, hi) >>> 0;
    const eip = osz === 4 ? off : off & 0xffff;
    // CALL: "IF stack not large enough for return address THEN #SS(0)" comes before "IF tempEIP not within code
    // segment limit THEN #GP(0)" (SDM Vol. 2 CALL, CONFORMING/NONCONFORMING-CODE-SEGMENT; Bochs call_far.cc pushes
    // before branch_far). A #GP after the pushes leaves ESP as it was.
    checkedFarTarget(c, isCall, osz, retEip, eip, limit);
    markAccessed(c, sel);
    setCodeSegment(c, sel, lo, hi, c.cpl);
    c.eip = eip;
    return;
  }
  if ((hi & 0x1000) !== 0) c.gp(err); // a data segment
  const type = (hi >>> 8) & 0xf;
  if (type === 4 || type === 12) {
    // ---- call gate (SDM Vol. 3A §5.8.4)
    const gdpl = descDpl(hi);
    if (gdpl < c.cpl || gdpl < (sel & 3)) c.gp(err);
    if (!isPresent(hi)) c.np(err);
    const gate32 = type === 12;
    const csSel = lo >>> 16;
    const gOff = gate32 ? ((lo & 0xffff) | (hi & 0xffff0000)) | 0 : lo & 0xffff;
    const params = hi & 0x1f;
    if ((csSel & 0xfffc) === 0) c.gp(0);
    if (!fetchDescriptor(c, csSel)) c.gp(csSel & 0xfffc);
    const cLo = c.descLo;
    const cHi = c.descHi;
    const dpl = descDpl(cHi);
    if (!isCode(cHi) || dpl > c.cpl) c.gp(csSel & 0xfffc);
    const conforming = (cHi & 0x400) !== 0;
    if (!isCall && (conforming ? dpl > c.cpl : dpl !== c.cpl)) c.gp(csSel & 0xfffc);
    if (!isPresent(cHi)) c.np(csSel & 0xfffc);
    const gateLimit = descLimit(cLo, cHi) >>> 0;
    const size = gate32 ? 4 : 2;
    // The gate's offset is checked against the code segment's limit only after the stack checks of a CALL (SDM
    // Vol. 2 CALL, MORE-PRIVILEGE and SAME-PRIVILEGE: TSS and new-SS checks, then stack room, then "IF
    // CallGate(InstructionPointer) not within code segment limit THEN #GP(0)"; Bochs call_far.cc likewise).
    if (!isCall && (gOff >>> 0) > gateLimit) c.gp(0);
    if (isCall && !conforming && dpl < c.cpl) {
      // More privilege: switch to the inner stack from the TSS and copy `params` parameters.
      readTssStack(c, dpl, 0);
      const newSs = c.tssSs;
      const newEsp = c.tssEsp;
      if ((newSs & 0xfffc) === 0) c.ts(0);
      if (!fetchDescriptor(c, newSs)) c.ts(newSs & 0xfffc);
      const sLo = c.descLo;
      const sHi = c.descHi;
      if ((newSs & 3) !== dpl || descDpl(sHi) !== dpl || !isData(sHi) || (sHi & 0x200) === 0) c.ts(newSs & 0xfffc);
      if (!isPresent(sHi)) c.ss(newSs & 0xfffc);
      const big = (sHi & 0x400000) !== 0;
      const frame = size * (4 + params);
      if (!stackFits(newEsp, frame, descLimit(sLo, sHi), (sHi & 0x400) !== 0, big)) c.ss(newSs & 0xfffc);
      if ((gOff >>> 0) > gateLimit) c.gp(0);
      const ssBase = descBase(sLo, sHi);
      // Read the parameters from the old stack first.
      const values: number[] = [];
      for (let k = params - 1; k >= 0; k--) values.push(size === 4 ? c.peek32(k * 4) : c.peek16(k * 2));
      let sp = big ? newEsp | 0 : newEsp & 0xffff;
      const put = (v: number): void => {
        sp = big ? (sp - size) | 0 : (sp - size) & 0xffff;
        if (size === 4) c.writeLin32((ssBase + sp) | 0, v, Acc.WRITE_SUP);
        else c.writeLin16((ssBase + sp) | 0, v, Acc.WRITE_SUP);
      };
      put(c.segSel[Seg.SS]);
      put(c.regs[4]);
      for (const v of values) put(v);
      put(c.segSel[Seg.CS]);
      put(retEip);
      c.descHi = sHi;
      markAccessed(c, newSs);
      c.setSegCache(Seg.SS, newSs, ssBase, descLimit(sLo, sHi), ((sHi >>> 8) & 0xf0ff) | 1);
      if (big) c.regs[4] = sp;
      else c.setReg16(4, sp);
      c.descLo = cLo;
      c.descHi = cHi;
      markAccessed(c, csSel);
      setCodeSegment(c, csSel, cLo, cHi, dpl);
    } else {
      if (isCall) checkedFarTarget(c, true, size, retEip, gOff, gateLimit);
      c.descLo = cLo;
      c.descHi = cHi;
      markAccessed(c, csSel);
      setCodeSegment(c, csSel, cLo, cHi, c.cpl);
    }
    c.eip = gate32 ? gOff : gOff & 0xffff;
    if (c.cpl !== fromCpl) {
      c.trace.emit(EventKind.FAR_TRANSFER, c.cycles, c.id, isCall ? FarKind.CALL : FarKind.JMP, fromCpl, c.cpl, c.eip >>> 0, vmxMode(c), 0, 0);
    }
    return;
  }
  if (type === 5 || type === 1 || type === 9) {
    // Task gate or available TSS (SDM Vol. 2 JMP/CALL, TASK-GATE and TASK-STATE-SEGMENT): the DPL must admit
    // CPL and RPL, and the descriptor must be present; then a task switch (a VM exit in non-root operation).
    const dpl = descDpl(hi);
    if (dpl < c.cpl || dpl < (sel & 3)) c.gp(err);
    if (!isPresent(hi)) c.np(err);
    taskSwitchThroughGate(c, type === 5 ? lo >>> 16 : sel, isCall ? 0 : 2, 0, i.len);
    return;
  }
  c.gp(err);
}

/**
 * Pushes CS and the return EIP for a far CALL at the same privilege level. Both slots are written before ESP
 * moves, so a fault on the second (#SS, or a #PF on the next page) leaves the stack pointer as it was
 * ("IF stack not large enough for a 6-byte return address THEN #SS(0)", SDM Vol. 2 CALL).
 */
function pushReturnAddress(c: Cpu, size: number, retEip: number): void {
  const sp = c.regs[4];
  try {
    c.pushV(c.segSel[Seg.CS], size);
    c.pushV(retEip, size);
  } catch (e) {
    c.restoreEspAfterAbort(sp);
    throw e;
  }
}

/**
 * A far CALL's return-address pushes, then the target offset against the new code segment's limit (#GP(0), with ESP
 * put back); a far JMP only checks the offset.
 */
function checkedFarTarget(c: Cpu, isCall: boolean, size: number, retEip: number, target: number, limit: number): void {
  if (!isCall) {
    if ((target >>> 0) > limit) c.gp(0);
    return;
  }
  const sp = c.regs[4];
  pushReturnAddress(c, size, retEip);
  if ((target >>> 0) > limit) {
    c.regs[4] = sp;
    c.gp(0);
  }
}

/** RETF / RETF imm16 (CA, CB): same level, or to an outer level with SS:ESP popped (SDM RET pseudocode). */
export function retFar(c: Cpu, i: Insn): void {
  const osz = i.osz;
  const extra = i.opcode === 0xca ? i.imm & 0xffff : 0;
  const newEip = osz === 4 ? c.peek32(0) : c.peek16(0);
  const newCs = osz === 4 ? c.peek32(4) & 0xffff : c.peek16(2);
  if ((c.cr0 & Cr0.PE) === 0 || inV86(c)) {
    // Real-address or virtual-8086 mode (SDM RET: "IF tempEIP not within code segment limits THEN #GP(0)").
    if ((osz === 4 ? newEip >>> 0 : newEip & 0xffff) > c.segLimit[Seg.CS] >>> 0) c.gp(0);
    c.adjustSp(osz * 2 + extra);
    c.setSegCache(Seg.CS, newCs, newCs << 4, c.segLimit[Seg.CS], c.segAr[Seg.CS]);
    c.eip = osz === 4 ? newEip : newEip & 0xffff;
    c.stop = 1;
    return;
  }
  if ((newCs & 0xfffc) === 0) c.gp(0);
  if (!fetchDescriptor(c, newCs)) c.gp(newCs & 0xfffc);
  const cLo = c.descLo;
  const cHi = c.descHi;
  const rpl = newCs & 3;
  if (rpl < c.cpl || !isCode(cHi)) c.gp(newCs & 0xfffc);
  const dpl = descDpl(cHi);
  const conforming = (cHi & 0x400) !== 0;
  if (conforming ? dpl > rpl : dpl !== rpl) c.gp(newCs & 0xfffc);
  if (!isPresent(cHi)) c.np(newCs & 0xfffc);
  const fromCpl = c.cpl;
  if (rpl === c.cpl) {
    if ((newEip >>> 0) > descLimit(cLo, cHi) >>> 0) c.gp(0);
    c.adjustSp(osz * 2 + extra);
    markAccessed(c, newCs);
    setCodeSegment(c, newCs, cLo, cHi, c.cpl);
    c.eip = osz === 4 ? newEip : newEip & 0xffff;
    return;
  }
  // Return to an outer privilege level.
  const newEsp = osz === 4 ? c.peek32(8 + extra) : c.peek16(4 + extra);
  const newSs = osz === 4 ? c.peek32(12 + extra) & 0xffff : c.peek16(6 + extra);
  if ((newSs & 0xfffc) === 0) c.gp(0);
  if (!fetchDescriptor(c, newSs)) c.gp(newSs & 0xfffc);
  const sLo = c.descLo;
  const sHi = c.descHi;
  if ((newSs & 3) !== rpl || !isData(sHi) || (sHi & 0x200) === 0 || descDpl(sHi) !== rpl) c.gp(newSs & 0xfffc);
  if (!isPresent(sHi)) c.ss(newSs & 0xfffc);
  if ((newEip >>> 0) > descLimit(cLo, cHi) >>> 0) c.gp(0);
  markAccessed(c, newSs);
  c.descLo = cLo;
  c.descHi = cHi;
  markAccessed(c, newCs);
  setCodeSegment(c, newCs, cLo, cHi, rpl);
  c.setSegCache(Seg.SS, newSs, descBase(sLo, sHi), descLimit(sLo, sHi), ((sHi >>> 8) & 0xf0ff) | 1);
  const sp = (newEsp + extra) | 0;
  if ((sHi & 0x400000) !== 0) c.regs[4] = sp;
  else c.setReg16(4, sp);
  c.eip = osz === 4 ? newEip : newEip & 0xffff;
  nullifyInaccessibleSegments(c);
  c.trace.emit(EventKind.FAR_TRANSFER, c.cycles, c.id, FarKind.RET, fromCpl, c.cpl, c.eip >>> 0, vmxMode(c), 0, 0);
}

/** SYSENTER / SYSEXIT (SDM Vol. 2): fast system calls through IA32_SYSENTER_CS/ESP/EIP, flat segments. */
export function sysenter(c: Cpu, i: Insn): void {
  if ((c.cr0 & Cr0.PE) === 0) c.gp(0);
  const cs = (c.msrLo.get(0x174) ?? 0) & 0xffff;
  if ((cs & 0xfffc) === 0) c.gp(0);
  const fromCpl = c.cpl;
  c.setEflags(0, Flag.VM | Flag.IF | Flag.RF);
  c.setSegCache(Seg.CS, cs & 0xfffc, 0, -1, 0xc09b);
  c.setCpl(0);
  c.setSegCache(Seg.SS, (cs + 8) & 0xfffc, 0, -1, 0xc093);
  c.regs[4] = c.msrLo.get(0x175) ?? 0;
  c.eip = c.msrLo.get(0x176) ?? 0;
  c.stop = 1;
  void i;
  c.trace.emit(EventKind.FAR_TRANSFER, c.cycles, c.id, FarKind.SYSENTER, fromCpl, 0, c.eip >>> 0, vmxMode(c), 0, 0);
}

export function sysexit(c: Cpu, i: Insn): void {
  const cs = (c.msrLo.get(0x174) ?? 0) & 0xffff;
  if ((cs & 0xfffc) === 0 || c.cpl !== 0 || (c.cr0 & Cr0.PE) === 0) c.gp(0);
  c.setSegCache(Seg.CS, ((cs + 16) & 0xfffc) | 3, 0, -1, 0xc0fb);
  c.setCpl(3);
  c.setSegCache(Seg.SS, ((cs + 24) & 0xfffc) | 3, 0, -1, 0xc0f3);
  c.regs[4] = c.regs[1];
  c.eip = c.regs[2];
  c.stop = 1;
  void i;
  c.trace.emit(EventKind.FAR_TRANSFER, c.cycles, c.id, FarKind.SYSEXIT, 0, 3, c.eip >>> 0, vmxMode(c), 0, 0);
}
