/**
 * Reflection: delivering an interrupt or exception into the guest through the guest's own (virtual) IDT,
 * as the processor would have delivered it had the guest owned the machine — the SDM's protected-mode
 * delivery (Vol. 3A §6.12.1, Vol. 2 "INT n" pseudocode) re-done in software against the guest's tables
 * and its *virtual* CPL, IF and IOPL:
 *
 *  - the gate's DPL is checked against the virtual CPL for INT n, INT3 and INTO (so INT 0x80 from ring 3
 *    passes a DPL-3 gate and faults on a DPL-0 one);
 *  - an event from guest ring 3 into its ring-0 handler switches to the ring-0 stack named in the guest's
 *    TSS (SS0:ESP0), which really is a ring-1 stack (the selector gets RPL 1);
 *  - the frame holds what the guest expects: its virtual EFLAGS (virtual IF and IOPL) and its virtual CS —
 *    RPL 0 when it was in its kernel. Pushing RPL 0 also makes the handler's IRET fault at CPL 1 (the
 *    returned-to RPL would be below the CPL: SDM Vol. 2 IRET, "#GP if return code segment selector RPL <
 *    CPL"), so the VMM sees the IRET and can restore the virtual IF it had cleared;
 *  - an interrupt gate clears the virtual IF (not the real one: the VMM keeps the real IF at 1);
 *  - a fault while delivering combines with the event per SDM Vol. 3A Table 6-5 (#DF, or a triple fault,
 *    which stops the VM).
 */
import { Ar, EventType, Flag, Seg, Vec, exceptionClass } from '../../x86/arch.ts';
import { descBase, descDpl, descLimit, isCode, isData, isPresent } from '../../x86/segments.ts';
import { GUEST_FAULT, VmmStop, guestFault } from './guest-access.ts';
import { guestDescriptor, loadRealSegment, type Desc } from './descriptors.ts';
import type { VmmCore } from './core.ts';
import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/methods.ts';

const d1: Desc = { lo: 0, hi: 0 };
const d2: Desc = { lo: 0, hi: 0 };
/** The gate a paravirtual VMM supplies (VmmCore.readGuestGate). */
const dg: Desc = { lo: 0, hi: 0 };
/** Host-physical addresses of the frame slots (at most 6), translated before anything is written. */
const slots = new Float64Array(6);
const lins = new Int32Array(6);
const values = new Int32Array(6);

/** The real privilege level a virtual one runs at (rings 0 and 1 compress onto ring 1). */
export function realRing(vcpl: number): number {
  return vcpl === 0 ? 1 : vcpl;
}

/**
 * Reflects an event into the guest. `faultEip` is the EIP of the instruction being executed (the return
 * address a fault during delivery uses). Returns the vector finally delivered, or −1 after a triple fault.
 */
export function reflect(vmm: VmmCore, vector: number, type: number, errorCode: number, returnEip: number, faultEip: number, cr2 = 0): number {
  try {
    deliverOnce(vmm, vector, type, errorCode, returnEip, cr2);
    return vector;
  } catch (e) {
    if (e !== GUEST_FAULT) throw e;
  }
  const second = GUEST_FAULT.vector;
  const secondEc = GUEST_FAULT.errorCode;
  const secondCr2 = GUEST_FAULT.cr2;
  // SDM Vol. 3A §6.15 Table 6-5: a fault during the delivery of #DF is a triple fault; contributory +
  // contributory or page fault + (contributory or page fault) is a double fault; otherwise the second
  // exception is delivered.
  if (type === EventType.HARDWARE_EXCEPTION && vector === Vec.DF) {
    vmm.guestTripleFault();
    return -1;
  }
  const firstClass = type === EventType.HARDWARE_EXCEPTION ? exceptionClass(vector) : 'benign';
  const secondClass = exceptionClass(second);
  const df = (firstClass === 'contributory' && secondClass === 'contributory') || (firstClass === 'page-fault' && secondClass !== 'benign');
  if (df) {
    if (second === Vec.PF) vmm.v.cr2 = secondCr2;
    return reflect(vmm, Vec.DF, EventType.HARDWARE_EXCEPTION, 0, faultEip, faultEip);
  }
  return reflect(vmm, second, EventType.HARDWARE_EXCEPTION, secondEc, faultEip, faultEip, secondCr2);
}

function deliverOnce(vmm: VmmCore, vector: number, type: number, errorCode: number, returnEip: number, cr2: number): void {
  const c = vmm.cpu;
  const g = vmm.g;
  const v = vmm.v;
  const vcpl = vmm.vcpl();
  const ext = type === EventType.EXTERNAL_INTERRUPT || type === EventType.NMI || type === EventType.HARDWARE_EXCEPTION ? 1 : 0;
  const idtErr = (vector << 3) | 2 | ext;
  let gLo: number;
  let gHi: number;
  if (vmm.readGuestGate !== undefined) {
    // A paravirtual guest has no IDT: its gates come from the trap table it registered (../paravirt).
    if (!vmm.readGuestGate(vector, dg)) guestFault(Vec.GP, idtErr);
    gLo = dg.lo;
    gHi = dg.hi;
  } else {
    if ((vector << 3) + 7 > v.idtrLimit >>> 0) guestFault(Vec.GP, idtErr);
    gLo = g.read32((v.idtrBase + (vector << 3)) | 0);
    gHi = g.read32((v.idtrBase + (vector << 3) + 4) | 0);
  }
  const gType = (gHi >>> 8) & 0x1f;
  if (gType !== 5 && gType !== 6 && gType !== 7 && gType !== 14 && gType !== 15) guestFault(Vec.GP, idtErr);
  if ((type === EventType.SOFTWARE_INTERRUPT || type === EventType.SOFTWARE_EXCEPTION) && descDpl(gHi) < vcpl) guestFault(Vec.GP, idtErr);
  if (!isPresent(gHi)) guestFault(Vec.NP, idtErr);
  if (gType === 5) throw new VmmStop(t('methods.teReflect.theGuestsIdtHas', { vector }));
  if (gType !== 14 && gType !== 15) throw new VmmStop(t('methods.teReflect.theGuestsIdtHas2', { vector }));
  const trapGate = gType === 15;
  const sel = gLo >>> 16;
  const offset = ((gLo & 0xffff) | (gHi & 0xffff0000)) | 0;
  if ((sel & 0xfffc) === 0) guestFault(Vec.GP, ext);
  if (!guestDescriptor(g, sel, d1)) guestFault(Vec.GP, (sel & 0xfffc) | ext);
  if (!isCode(d1.hi) || descDpl(d1.hi) > vcpl) guestFault(Vec.GP, (sel & 0xfffc) | ext);
  if (!isPresent(d1.hi)) guestFault(Vec.NP, (sel & 0xfffc) | ext);
  const dpl = descDpl(d1.hi);
  const conforming = (d1.hi & 0x400) !== 0;
  if (offset >>> 0 > descLimit(d1.lo, d1.hi) >>> 0) guestFault(Vec.GP, ext);
  const hasEc = errorCode >= 0;
  const flags = vmm.virtualEflags();
  const csImage = vmm.virtualSelector(c.segSel[Seg.CS]);
  let n = 0;
  let targetVcpl: number;
  let newSsSel = -1;
  let sp: number;
  let ssBase: number;
  if (!conforming && dpl < vcpl) {
    // Inter-privilege: the guest's TSS names the handler's stack (SDM Vol. 3A §6.12.1, Figure 6-4).
    if (dpl !== 0) throw new VmmStop(t('methods.teReflect.anInterruptIntoGuest'));
    const tr = v.tr;
    if ((tr.sel & 0xfffc) === 0) guestFault(Vec.TS, ext);
    if (4 + 5 > tr.limit >>> 0) guestFault(Vec.TS, (tr.sel & 0xfffc) | ext);
    const newEsp = g.read32((tr.base + 4) | 0);
    const newSs = g.read16((tr.base + 8) | 0);
    if ((newSs & 0xfffc) === 0) guestFault(Vec.TS, ext);
    if (!guestDescriptor(g, newSs, d2)) guestFault(Vec.TS, (newSs & 0xfffc) | ext);
    if ((newSs & 3) !== 0 || descDpl(d2.hi) !== 0 || !isData(d2.hi) || (d2.hi & 0x200) === 0) guestFault(Vec.TS, (newSs & 0xfffc) | ext);
    if (!isPresent(d2.hi)) guestFault(Vec.SS, (newSs & 0xfffc) | ext);
    if ((d2.hi & 0x400000) === 0) throw new VmmStop(t('methods.teReflect.a16BitRing0Stack'));
    ssBase = descBase(d2.lo, d2.hi);
    sp = newEsp;
    values[n++] = c.segSel[Seg.SS];
    values[n++] = c.regs[4];
    newSsSel = ((newSs & ~3) | realRing(0)) & 0xffff;
    targetVcpl = 0;
    vmm.syncRing1Stack(newSs, newEsp);
  } else if (conforming || dpl === vcpl) {
    if ((c.segAr[Seg.SS] & Ar.DB) === 0) throw new VmmStop(t('methods.teReflect.a16BitStackIs'));
    ssBase = c.segBase[Seg.SS];
    sp = c.regs[4];
    targetVcpl = vcpl;
  } else {
    guestFault(Vec.GP, (sel & 0xfffc) | ext);
  }
  values[n++] = flags;
  values[n++] = csImage;
  values[n++] = returnEip;
  if (hasEc) values[n++] = errorCode;
  // Translate every slot first (supervisor accesses at the handler's level), so a fault writes nothing.
  for (let k = 0; k < n; k++) {
    sp = (sp - 4) | 0;
    lins[k] = (ssBase + sp) | 0;
    slots[k] = g.translate(lins[k], true, false);
    if ((lins[k] & 0xfff) > 0xffc) g.translate((lins[k] + 3) | 0, true, false);
  }
  for (let k = 0; k < n; k++) {
    if ((lins[k] & 0xfff) > 0xffc) g.write32(lins[k], values[k]);
    else g.gm.mem.write32(slots[k], values[k]);
  }
  // Commit: stack, code segment, EIP, flags.
  if (newSsSel >= 0) loadRealSegment(c, vmm.mem, Seg.SS, newSsSel);
  c.regs[4] = sp;
  loadRealSegment(c, vmm.mem, Seg.CS, ((sel & ~3) | realRing(targetVcpl)) & 0xffff);
  c.eip = offset;
  // Clear TF, NT, RF, VM (SDM Vol. 3A §6.12.1.3); an interrupt gate clears the virtual IF.
  c.setEflags(0, Flag.TF | Flag.NT | Flag.RF | Flag.VM);
  if (!trapGate) v.vif = false;
  if (vector === Vec.PF && type === EventType.HARDWARE_EXCEPTION) v.cr2 = cr2;
  c.intShadow = 0;
  c.stop = 1;
}
