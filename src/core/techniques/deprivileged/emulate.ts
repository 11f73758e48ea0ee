/**
 * Trap-and-emulate: the instructions that fault when the guest kernel runs at CPL 1, and what the VMM does
 * instead, against the guest's virtual processor state.
 *
 * Why each one faults at CPL 1 (SDM Vol. 2, each instruction's "Protected Mode Exceptions"):
 *  - CPL > 0 → #GP(0): HLT, LGDT, LIDT, LLDT, LTR, LMSW, CLTS, MOV to/from CR0–CR4, MOV DR, INVLPG, RDMSR,
 *    WRMSR, INVD, WBINVD, SYSEXIT; RDPMC while CR4.PCE = 0 and RDTSC while CR4.TSD = 1 (the real PCE/TSD
 *    mirror the guest's);
 *  - CPL > IOPL → #GP(0) (the VMM keeps the real IOPL at 0): CLI, STI; IN, OUT, INS, OUTS (no I/O
 *    permission bitmap in the VMM's TSS: Vol. 1 §19.5.2);
 *  - a selector whose RPL is below CPL → #GP(selector): IRET and far RET to the guest's ring 0 (a frame
 *    with CS RPL 0), MOV SS / POP SS / LSS with RPL 0 (SS needs RPL = CPL);
 *  - the VMM's IDT gates all have DPL 0 → INT n, INT3, INTO at CPL 1 or 3 raise #GP(vector × 8 + 2)
 *    (Vol. 2 "INT n": "IF software interrupt AND gate DPL < CPL THEN #GP(vector × 8 + 2)"); the VMM
 *    reflects them through the guest's IDT with the guest's gate DPL and virtual CPL;
 *  - SYSENTER with the real IA32_SYSENTER_CS = 0 → #GP(0) (the guest's SYSENTER MSRs are virtual).
 * Each is emulated only when the guest's virtual state allows it (its virtual CPL and IOPL); otherwise the
 * #GP is genuine and reflected. Emulation advances EIP past the instruction.
 *
 * What the VMM does *not* see — the sensitive instructions that do not fault at CPL 1 (POPF, PUSHF, SGDT,
 * SIDT, SLDT, STR, SMSW, LAR, LSL, VERR, VERW, PUSH/POP/MOV of segment registers, far CALL/JMP/RET within
 * ring 1) — runs natively and misbehaves as the hardware makes it: see docs/software-vmm.md.
 *
 * Memory operands are reached through the guest's page tables (a failed walk is a guest #PF); segment limit
 * checks on those operands are not repeated (the guest's segments are flat in every program VT Lab ships).
 */
import { Cr0, Cr4, EventType, Flag, Seg, Vec } from '../../x86/arch.ts';
import type { Insn } from '../../x86/insn.ts';
import { readMsr } from '../../x86/msr.ts';
import { doIn, doOut } from '../../x86/exec/io.ts';
import { descDpl, descLimit, isCode, isData, isPresent } from '../../x86/segments.ts';
import { EventKind } from '../../trace/events.ts';
import { EmulatedInsn as E } from './emulated.ts';
import { guestDescriptor, loadFlatSegment, loadRealSegment, type Desc } from './descriptors.ts';
import { VmmStop, guestFault } from './guest-access.ts';
import { realRing, reflect } from './reflect.ts';
import type { VmmCore } from './core.ts';
import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/methods.ts';

const d: Desc = { lo: 0, hi: 0 };
const MSR_OUT = { lo: 0, hi: 0 };
/** At most this many elements of a REP INS/OUTS per trap; the rest traps again (REP is interruptible). */
const REP_CHUNK = 4096;

const next = (vmm: VmmCore, i: Insn): void => {
  vmm.cpu.eip = (vmm.cpu.eip + i.len) | 0;
};
/** Linear address of the instruction's memory operand. */
const linear = (vmm: VmmCore, i: Insn): number => (vmm.cpu.segBase[i.seg] + vmm.cpu.ea(i)) | 0;
/** Reads the stack at ESP + off with the operand size (the guest's stacks are 32-bit). */
function peek(vmm: VmmCore, off: number, size: number): number {
  const c = vmm.cpu;
  const lin = (c.segBase[Seg.SS] + c.regs[4] + off) | 0;
  return size === 4 ? vmm.g.read32(lin, vmm.vcpl() === 3) : vmm.g.read16(lin, vmm.vcpl() === 3);
}

/**
 * Which instruction the VMM emulates for a #GP with `errorCode` raised by `i`, or NONE when the fault is
 * the guest's own (it is reflected). May raise a guest #PF while peeking at the stack.
 */
export function classify(vmm: VmmCore, i: Insn, errorCode: number): E {
  const vcpl = vmm.vcpl();
  const k0 = vcpl === 0;
  const io = vcpl <= vmm.v.iopl;
  switch (i.opcode) {
    case 0xfa: return io ? E.CLI : E.NONE;
    case 0xfb: return io ? E.STI : E.NONE;
    case 0xf4: return k0 ? E.HLT : E.NONE;
    case 0xe4: case 0xe5: case 0xec: case 0xed: return io ? E.IN : E.NONE;
    case 0xe6: case 0xe7: case 0xee: case 0xef: return io ? E.OUT : E.NONE;
    case 0x6c: case 0x6d: return io ? E.INS : E.NONE;
    case 0x6e: case 0x6f: return io ? E.OUTS : E.NONE;
    case 0x0f01:
      if (!k0) return E.NONE;
      if (i.reg === 2 && i.mod !== 3) return E.LGDT;
      if (i.reg === 3 && i.mod !== 3) return E.LIDT;
      if (i.reg === 6) return E.LMSW;
      if (i.reg === 7 && i.mod !== 3) return E.INVLPG;
      return E.NONE;
    case 0x0f00:
      if (!k0) return E.NONE;
      return i.reg === 2 ? E.LLDT : i.reg === 3 ? E.LTR : E.NONE;
    case 0x0f20: return k0 ? E.MOV_FROM_CR : E.NONE;
    case 0x0f22: return k0 ? E.MOV_TO_CR : E.NONE;
    case 0x0f21: case 0x0f23: return k0 ? E.MOV_DR : E.NONE;
    case 0x0f06: return k0 ? E.CLTS : E.NONE;
    case 0x0f08: return k0 ? E.INVD : E.NONE;
    case 0x0f09: return k0 ? E.WBINVD : E.NONE;
    case 0x0f30: return k0 ? E.WRMSR : E.NONE;
    case 0x0f32: return k0 ? E.RDMSR : E.NONE;
    case 0x0f33: return k0 ? E.RDPMC : E.NONE;
    case 0x0f31: return k0 ? E.RDTSC : E.NONE;
    case 0xcf: return k0 && (peek(vmm, i.osz, i.osz) & 3) === 0 ? E.IRET : E.NONE;
    case 0xca: case 0xcb: return k0 && (peek(vmm, i.osz, i.osz) & 3) === 0 ? E.RETF : E.NONE;
    case 0x8e:
      if (!k0 || i.reg !== Seg.SS) return E.NONE;
      return ((i.mod === 3 ? vmm.cpu.regs[i.rm] : vmm.g.read16(linear(vmm, i))) & 3) === 0 ? E.LOAD_SS : E.NONE;
    case 0x17: return k0 && (peek(vmm, 0, i.osz) & 3) === 0 ? E.LOAD_SS : E.NONE;
    case 0x0fb2: return k0 && (vmm.g.read16((linear(vmm, i) + i.osz) | 0) & 3) === 0 ? E.LOAD_SS : E.NONE;
    case 0xcd: return errorCode === (((i.imm & 0xff) << 3) | 2) ? E.INT : E.NONE;
    case 0xcc: return errorCode === ((Vec.BP << 3) | 2) ? E.INT3 : E.NONE;
    case 0xce: return errorCode === ((Vec.OF << 3) | 2) ? E.INTO : E.NONE;
    case 0x0f34: return errorCode === 0 ? E.SYSENTER : E.NONE;
    case 0x0f35: return k0 ? E.SYSEXIT : E.NONE;
    default: return E.NONE;
  }
}

/** Emulates `id` (from `classify`). Returns the vector reflected into the guest (INT n), or −1. */
export function emulate(vmm: VmmCore, i: Insn, id: E): number {
  const c = vmm.cpu;
  const v = vmm.v;
  const g = vmm.g;
  const user = vmm.vcpl() === 3;
  switch (id) {
    case E.CLI:
      v.vif = false;
      break;
    case E.STI:
      // STI blocks interrupts until the end of the next instruction when IF was 0 (SDM Vol. 3A §6.8.3).
      if (!v.vif) c.intShadow = 1;
      v.vif = true;
      break;
    case E.HLT:
      next(vmm, i);
      c.activity = 1; // Activity.HLT: the VMM idles the processor until the guest's next interrupt
      c.stop = 1;
      c.trace.emit(EventKind.HALT, c.cycles, c.id, c.eip >>> 0, 0, 0, 0, 0, 0, 0);
      return -1;
    case E.IN: {
      const size = (i.opcode & 1) === 0 ? 1 : i.osz;
      const port = i.opcode >= 0xec ? c.regs[2] & 0xffff : i.imm & 0xff;
      const val = doIn(c, port, size);
      if (size === 1) c.setReg8(0, val);
      else c.setRegV(0, size, val);
      break;
    }
    case E.OUT: {
      const size = (i.opcode & 1) === 0 ? 1 : i.osz;
      const port = i.opcode >= 0xec ? c.regs[2] & 0xffff : i.imm & 0xff;
      doOut(c, port, size, c.regs[0]);
      break;
    }
    case E.INS:
    case E.OUTS:
      if (!stringIo(vmm, i, id === E.INS, user)) return -1; // more to do: EIP stays, the rest traps again
      break;
    case E.LGDT:
    case E.LIDT: {
      const lin = linear(vmm, i);
      const limit = g.read16(lin, user);
      let base = g.read32((lin + 2) | 0, user);
      if (i.osz === 2) base &= 0xffffff;
      if (id === E.LGDT) {
        v.gdtrBase = base;
        v.gdtrLimit = limit;
        vmm.guestGdtChanged();
      } else {
        v.idtrBase = base;
        v.idtrLimit = limit;
      }
      break;
    }
    case E.LLDT: {
      const sel = i.mod === 3 ? c.regs[i.rm] & 0xffff : g.read16(linear(vmm, i), user);
      if ((sel & 0xfffc) === 0) {
        v.ldtr = { sel, base: 0, limit: 0 };
      } else {
        if ((sel & 4) !== 0 || !guestDescriptor(g, sel, d)) guestFault(Vec.GP, sel & 0xfffc);
        if ((d.hi & 0x1f00) !== 0x0200) guestFault(Vec.GP, sel & 0xfffc); // S = 0, type 2 (LDT)
        if (!isPresent(d.hi)) guestFault(Vec.NP, sel & 0xfffc);
        v.ldtr = { sel, base: descBaseOf(d), limit: descLimit(d.lo, d.hi) };
      }
      vmm.guestLdtChanged();
      break;
    }
    case E.LTR: {
      const sel = i.mod === 3 ? c.regs[i.rm] & 0xffff : g.read16(linear(vmm, i), user);
      if ((sel & 0xfffc) === 0) guestFault(Vec.GP, 0);
      if ((sel & 4) !== 0 || !guestDescriptor(g, sel, d)) guestFault(Vec.GP, sel & 0xfffc);
      const type = (d.hi >>> 8) & 0x1f;
      if (type === 1) throw new VmmStop(t('methods.teEmulate.a16BitTssIs'));
      if (type !== 9) guestFault(Vec.GP, sel & 0xfffc); // an available 32-bit TSS
      if (!isPresent(d.hi)) guestFault(Vec.NP, sel & 0xfffc);
      // LTR marks the descriptor busy in the guest's GDT (SDM Vol. 2 LTR).
      g.write32((v.gdtrBase + (sel & 0xfff8) + 4) | 0, d.hi | 0x200);
      v.tr = { sel, base: descBaseOf(d), limit: descLimit(d.lo, d.hi) };
      vmm.guestDescriptorChanged(sel);
      if (v.tr.limit >>> 0 >= 11) vmm.syncRing1Stack(g.read16((v.tr.base + 8) | 0), g.read32((v.tr.base + 4) | 0));
      break;
    }
    case E.MOV_FROM_CR: {
      const cr = i.reg;
      if (cr !== 0 && cr !== 2 && cr !== 3 && cr !== 4) guestFault(Vec.UD);
      c.regs[i.rm] = cr === 0 ? v.cr0 : cr === 2 ? v.cr2 : cr === 3 ? v.cr3 : v.cr4;
      break;
    }
    case E.MOV_TO_CR: {
      const cr = i.reg;
      if (cr !== 0 && cr !== 2 && cr !== 3 && cr !== 4) guestFault(Vec.UD);
      const val = c.regs[i.rm];
      if (cr === 0) vmm.setGuestCr0(val);
      else if (cr === 2) v.cr2 = val;
      else if (cr === 3) vmm.setGuestCr3(val);
      else vmm.setGuestCr4(val);
      break;
    }
    case E.MOV_DR: {
      let n = i.reg;
      if (n === 4 || n === 5) {
        if ((v.cr4 & Cr4.DE) !== 0) guestFault(Vec.UD);
        n += 2; // aliases of DR6/DR7
      }
      if (i.opcode === 0x0f23) {
        const val = c.regs[i.rm];
        if (n === 6) v.dr[6] = (val | 0xffff0ff0) & ~0x1000;
        else if (n === 7) v.dr[7] = ((val & ~0xd800) | 0x400) | 0;
        else v.dr[n] = val;
      } else c.regs[i.rm] = v.dr[n];
      break;
    }
    case E.CLTS:
      vmm.setGuestCr0(v.cr0 & ~Cr0.TS);
      break;
    case E.LMSW: {
      const src = i.mod === 3 ? c.regs[i.rm] : g.read16(linear(vmm, i), user);
      // LMSW loads CR0[3:0]; it can set PE but never clear it (SDM Vol. 2 LMSW).
      vmm.setGuestCr0(((v.cr0 & ~0xf) | (src & 0xf) | (v.cr0 & 1)) | 0);
      break;
    }
    case E.INVLPG:
      vmm.invalidatePage(linear(vmm, i));
      break;
    case E.RDMSR: {
      const index = c.regs[1] >>> 0;
      const own = v.msrs[String(index)];
      if (own !== undefined) {
        c.regs[0] = own[0];
        c.regs[2] = own[1];
      } else {
        if (!readMsr(c, index, MSR_OUT)) guestFault(Vec.GP, 0);
        c.regs[0] = MSR_OUT.lo;
        c.regs[2] = MSR_OUT.hi;
      }
      break;
    }
    case E.WRMSR: {
      const index = c.regs[1] >>> 0;
      if (v.msrs[String(index)] === undefined && !readMsr(c, index, MSR_OUT)) guestFault(Vec.GP, 0);
      v.msrs[String(index)] = [c.regs[0], c.regs[2]];
      break;
    }
    case E.WBINVD:
    case E.INVD:
      break; // caches are not modelled
    case E.RDPMC:
      if ((c.regs[1] >>> 0) > 1) guestFault(Vec.GP, 0);
      c.regs[0] = 0;
      c.regs[2] = 0;
      break;
    case E.RDTSC: {
      const t = c.tsc;
      c.regs[0] = t % 0x100000000 | 0;
      c.regs[2] = Math.floor(t / 0x100000000) | 0;
      break;
    }
    case E.IRET:
      iretToRing0(vmm, i);
      return -1;
    case E.RETF:
      retfToRing0(vmm, i);
      return -1;
    case E.LOAD_SS:
      loadSs(vmm, i, user);
      break;
    case E.INT:
    case E.INT3:
    case E.INTO: {
      const vector = id === E.INT ? i.imm & 0xff : id === E.INT3 ? Vec.BP : Vec.OF;
      const type = id === E.INT ? EventType.SOFTWARE_INTERRUPT : EventType.SOFTWARE_EXCEPTION;
      return reflect(vmm, vector, type, -1, (c.eip + i.len) | 0, c.eip);
    }
    case E.SYSENTER:
      sysenter(vmm);
      return -1;
    case E.SYSEXIT:
      sysexit(vmm);
      return -1;
    default:
      throw new VmmStop(t('methods.teEmulate.noEmulationFor', { mnem: i.mnem }));
  }
  next(vmm, i);
  return -1;
}

function descBaseOf(x: Desc): number {
  return ((x.lo >>> 16) | ((x.hi & 0xff) << 16) | (x.hi & 0xff000000)) | 0;
}

/** REP INS / REP OUTS (and the single forms). False when the REP count is not exhausted yet. */
function stringIo(vmm: VmmCore, i: Insn, isIn: boolean, user: boolean): boolean {
  const c = vmm.cpu;
  const g = vmm.g;
  const size = (i.opcode & 1) === 0 ? 1 : i.osz;
  const port = c.regs[2] & 0xffff;
  const step = (c.getEflags() & Flag.DF) !== 0 ? -size : size;
  const a32 = i.asz === 4;
  const idx = isIn ? 7 : 6; // EDI for INS (ES:EDI), ESI for OUTS (seg:ESI)
  const segBase = isIn ? c.segBase[Seg.ES] : c.segBase[i.seg];
  let count = i.rep !== 0 ? (a32 ? c.regs[1] >>> 0 : c.regs[1] & 0xffff) : 1;
  let done = 0;
  while (count > 0 && done < REP_CHUNK) {
    const off = a32 ? c.regs[idx] : c.regs[idx] & 0xffff;
    const lin = (segBase + off) | 0;
    if (isIn) {
      g.translate(lin, true, user); // the destination must be writable before the port is read
      const val = doIn(c, port, size);
      if (size === 1) g.write8(lin, val, user);
      else if (size === 2) g.write16(lin, val, user);
      else g.write32(lin, val, user);
    } else {
      const val = size === 1 ? g.read8(lin, user) : size === 2 ? g.read16(lin, user) : g.read32(lin, user);
      doOut(c, port, size, val);
    }
    if (a32) c.regs[idx] = (c.regs[idx] + step) | 0;
    else c.setReg16(idx, c.regs[idx] + step);
    count--;
    done++;
    if (i.rep !== 0) {
      if (a32) c.regs[1] = count | 0;
      else c.setReg16(1, count);
    }
  }
  return count === 0 || i.rep === 0;
}

/** Checks a code selector the guest returns to in its ring 0 (IRET / far RET), against its own GDT. */
function checkReturnCs(vmm: VmmCore, cs: number, eip: number): void {
  if ((cs & 0xfffc) === 0) guestFault(Vec.GP, 0);
  if (!guestDescriptor(vmm.g, cs, d)) guestFault(Vec.GP, cs & 0xfffc);
  const dpl = descDpl(d.hi);
  const conforming = (d.hi & 0x400) !== 0;
  if (!isCode(d.hi) || (conforming ? dpl > 0 : dpl !== 0)) guestFault(Vec.GP, cs & 0xfffc);
  if (!isPresent(d.hi)) guestFault(Vec.NP, cs & 0xfffc);
  if (eip >>> 0 > descLimit(d.lo, d.hi) >>> 0) guestFault(Vec.GP, 0);
}

/**
 * IRET to the guest's ring 0 (the frame's CS has RPL 0, so the real IRET faulted at CPL 1). Emulated as an
 * IRET at CPL 0 returning to the same level (SDM Vol. 2 IRET, RETURN-TO-SAME-PRIVILEGE-LEVEL): every flag
 * may change, including IF and IOPL — which go to the virtual EFLAGS.
 */
function iretToRing0(vmm: VmmCore, i: Insn): void {
  const c = vmm.cpu;
  const v = vmm.v;
  const osz = i.osz;
  if ((c.getEflags() & Flag.NT) !== 0) throw new VmmStop(t('methods.teEmulate.iretWithEflagsNtA'));
  const newEip = peek(vmm, 0, osz);
  const newCs = peek(vmm, osz, osz) & 0xffff;
  const newFlags = peek(vmm, 2 * osz, osz);
  if (osz === 4 && (newFlags & Flag.VM) !== 0) throw new VmmStop(t('methods.teEmulate.iretToVirtual8086Mode'));
  checkReturnCs(vmm, newCs, osz === 4 ? newEip : newEip & 0xffff);
  c.regs[4] = (c.regs[4] + 3 * osz) | 0;
  loadRealSegment(c, vmm.mem, Seg.CS, ((newCs & ~3) | realRing(0)) & 0xffff);
  c.eip = osz === 4 ? newEip : newEip & 0xffff;
  v.vif = (newFlags & Flag.IF) !== 0;
  v.iopl = (newFlags >>> 12) & 3;
  let mask = 0x4dd5 | Flag.TF | Flag.DF; // CF PF AF ZF SF OF NT TF DF; the real IF and IOPL stay 1 and 0
  if (osz === 4) mask |= Flag.RF | Flag.AC | Flag.ID | Flag.VIF | Flag.VIP;
  else mask &= 0xffff;
  c.setEflags(newFlags, mask);
  c.nmiBlocked = false; // IRET unblocks NMIs (SDM Vol. 3A §6.7.1)
  c.intShadow = 0;
}

/** Far RET to the guest's ring 0 (CS RPL 0 on the stack): a same-level return at CPL 0 (SDM Vol. 2 RET). */
function retfToRing0(vmm: VmmCore, i: Insn): void {
  const c = vmm.cpu;
  const osz = i.osz;
  const extra = i.opcode === 0xca ? i.imm & 0xffff : 0;
  const newEip = peek(vmm, 0, osz);
  const newCs = peek(vmm, osz, osz) & 0xffff;
  checkReturnCs(vmm, newCs, osz === 4 ? newEip : newEip & 0xffff);
  c.regs[4] = (c.regs[4] + 2 * osz + extra) | 0;
  loadRealSegment(c, vmm.mem, Seg.CS, ((newCs & ~3) | realRing(0)) & 0xffff);
  c.eip = osz === 4 ? newEip : newEip & 0xffff;
}

/**
 * MOV SS / POP SS / LSS with an RPL-0 selector (SS needs RPL = CPL = DPL: SDM Vol. 2 MOV, "IF SS is loaded").
 * Checked against the guest's descriptor and virtual CPL 0, then loaded with RPL 1 — the selector the guest
 * will see if it reads SS back.
 */
function loadSs(vmm: VmmCore, i: Insn, user: boolean): void {
  const c = vmm.cpu;
  const g = vmm.g;
  let sel: number;
  let pop = 0;
  let lssOffset = 0;
  if (i.opcode === 0x8e) sel = i.mod === 3 ? c.regs[i.rm] & 0xffff : g.read16(linear(vmm, i), user);
  else if (i.opcode === 0x17) {
    sel = peek(vmm, 0, i.osz) & 0xffff;
    pop = i.osz;
  } else {
    const lin = linear(vmm, i);
    lssOffset = i.osz === 4 ? g.read32(lin, user) : g.read16(lin, user);
    sel = g.read16((lin + i.osz) | 0, user);
  }
  if ((sel & 0xfffc) === 0) guestFault(Vec.GP, 0);
  if (!guestDescriptor(g, sel, d)) guestFault(Vec.GP, sel & 0xfffc);
  if ((sel & 3) !== 0 || !isData(d.hi) || (d.hi & 0x200) === 0 || descDpl(d.hi) !== 0) guestFault(Vec.GP, sel & 0xfffc);
  if (!isPresent(d.hi)) guestFault(Vec.SS, sel & 0xfffc);
  loadRealSegment(c, vmm.mem, Seg.SS, ((sel & ~3) | realRing(0)) & 0xffff);
  if (pop !== 0) c.regs[4] = (c.regs[4] + pop) | 0;
  if (i.opcode === 0x0fb2) c.setRegV(i.reg, i.osz, lssOffset);
  else c.intShadow = 2; // MOV SS / POP SS block interrupts for one instruction (SDM Vol. 3A §6.8.3)
}

function virtualMsr(vmm: VmmCore, index: number): number {
  const own = vmm.v.msrs[String(index)];
  return own !== undefined ? own[0] : 0;
}

/** SYSENTER through the guest's virtual IA32_SYSENTER_CS/ESP/EIP (SDM Vol. 2 SYSENTER), landing at ring 1. */
function sysenter(vmm: VmmCore): void {
  const c = vmm.cpu;
  const cs = virtualMsr(vmm, 0x174) & 0xffff;
  if ((cs & 0xfffc) === 0) guestFault(Vec.GP, 0);
  vmm.v.vif = false;
  c.setEflags(0, Flag.VM | Flag.RF);
  loadFlatSegment(c, Seg.CS, (cs & 0xfffc) | realRing(0), 0, true);
  loadFlatSegment(c, Seg.SS, ((cs + 8) & 0xfffc) | realRing(0), 0, false);
  c.regs[4] = virtualMsr(vmm, 0x175);
  c.eip = virtualMsr(vmm, 0x176);
}

/** SYSEXIT at the guest's ring 0 (it faults at CPL 1): to ring 3 with ECX/EDX (SDM Vol. 2 SYSEXIT). */
function sysexit(vmm: VmmCore): void {
  const c = vmm.cpu;
  const cs = virtualMsr(vmm, 0x174) & 0xffff;
  if ((cs & 0xfffc) === 0) guestFault(Vec.GP, 0);
  loadFlatSegment(c, Seg.CS, ((cs + 16) & 0xfffc) | 3, 3, true);
  loadFlatSegment(c, Seg.SS, ((cs + 24) & 0xfffc) | 3, 3, false);
  c.regs[4] = c.regs[1];
  c.eip = c.regs[2];
}
