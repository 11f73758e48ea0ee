/**
 * The binary translator's and the paravirtual VMM's events in words (docs/trace-format.md; the payloads are
 * documented on EventKind in src/core/trace/events.ts):
 *
 *  - BT_TRANSLATE — a translation-cache miss: the VMM translated a unit of guest kernel code (Adams & Agesen,
 *    ASPLOS 2006, §3: VMware's translator works on basic blocks, on demand, into a translation cache);
 *  - BT_CALLOUT — translated code called into the VMM to emulate a sensitive instruction (the callout that
 *    replaced it), with the guest's virtual CPL;
 *  - BT_INVALIDATE — the guest wrote to code that had been translated: the translations are dropped;
 *  - PV_HYPERCALL — a paravirtual guest asked the VMM (INT 0x82, Xen's x86_32 hypercall vector) for something
 *    it may not do at ring 1 (Barham et al., SOSP 2003, §2);
 *  - PV_DOMAIN_CRASH — the paravirtual VMM crashed the domain: a fault it does not emulate (an unmodified
 *    kernel's privileged instruction) with no handler registered.
 *
 * Pure; the event log, the narration and the ring diagram share it.
 */
import { BT_CALLOUT_NAMES } from '../../core/techniques/binary-translation/kinds.ts';
import { HYPERCALL_NAMES, CONSOLEIO_WRITE, SCHEDOP_BLOCK, SCHEDOP_SHUTDOWN, SCHEDOP_YIELD, SHUTDOWN_REASON_NAMES } from '../../core/techniques/paravirt/abi.ts';
import { EMULATED_INSN_NAMES } from '../../core/techniques/deprivileged/emulated.ts';
import { EXCEPTION_MNEMONICS } from '../../core/x86/arch.ts';
import { t } from '../../i18n/t.ts';

const hex = (v: number, d = 8): string => '0x' + (v >>> 0).toString(16).toUpperCase().padStart(d, '0');
const num = (n: number): string => Math.round(n).toLocaleString('en-US');

/** BT_TRANSLATE: p1 guest EIP, p2 guest-physical, p3 instructions, p4 callouts, p5 translation id, p6 cycles. */
export function describeTranslate(p: ArrayLike<number>): string {
  return t('rings.btpv.translate', {
    address: hex(p[1]),
    insns: t('rings.btpv.guestInsns', { count: p[3], n: num(p[3]) }),
    callouts: t('rings.btpv.callouts', { count: p[4], n: num(p[4]) }),
    id: p[5],
    cycles: num(p[6]),
  });
}

/** The callout's name (the sensitive instruction it replaces). */
export function calloutName(id: number): string {
  return BT_CALLOUT_NAMES[id] ?? t('rings.btpv.calloutN', { id });
}

/** BT_CALLOUT: p1 guest EIP, p2 BtCallout, p3 virtual CPL, p4 translation id, p5 cycles. */
export function describeCallout(p: ArrayLike<number>): string {
  return t('rings.btpv.callout', { id: p[4], name: calloutName(p[2]), address: hex(p[1]), ring: p[3], cycles: num(p[5]) });
}

/** BT_INVALIDATE: p1 guest-physical written, p2 translations dropped, p3 first id, p4 its guest EIP. */
export function describeInvalidate(p: ArrayLike<number>): string {
  return t('rings.btpv.invalidate', { gpa: hex(p[1]), dropped: t('rings.btpv.translations', { count: p[2], n: num(p[2]) }), id: p[3], address: hex(p[4]) });
}

/** A hypercall's name and, for the multiplexed ones, the sub-command. */
export function hypercallName(nr: number, arg1: number): string {
  const name = HYPERCALL_NAMES[nr] ?? t('rings.btpv.hypercallN', { nr });
  if (name === 'console_io') return arg1 === CONSOLEIO_WRITE ? 'console_io(write)' : name;
  if (name === 'sched_op') {
    if (arg1 === SCHEDOP_YIELD) return 'sched_op(yield)';
    if (arg1 === SCHEDOP_BLOCK) return 'sched_op(block)';
    if (arg1 === SCHEDOP_SHUTDOWN) return 'sched_op(shutdown)';
  }
  return name;
}

/** PV_HYPERCALL: p1 number, p2 EBX, p3 ECX, p4 guest EIP, p5 result, p6 cycles, p7 entries. */
export function describeHypercall(p: ArrayLike<number>): string {
  const rc = p[5] < 0 ? t('rings.btpv.error', { rc: p[5] }) : t('rings.btpv.returns', { rc: p[5] });
  // p7 counts what the hypercall processed: console_io(write) characters, the others' list entries.
  const entries = p[7] > 0 ? t(HYPERCALL_NAMES[p[1]] === 'console_io' ? 'rings.btpv.bytes' : 'rings.btpv.entries', { count: p[7], n: num(p[7]) }) : '';
  const shutdown = HYPERCALL_NAMES[p[1]] === 'sched_op' && p[2] === SCHEDOP_SHUTDOWN ? ` (${SHUTDOWN_REASON_NAMES[p[3]] ?? p[3]})` : '';
  return t('rings.btpv.hypercall', { name: hypercallName(p[1], p[2]), shutdown, address: hex(p[4]), entries, rc, cycles: num(p[6]) });
}

/** PV_DOMAIN_CRASH: p1 vector, p2 error code, p3 guest EIP, p4 real CPL, p5 EmulatedInsn, p6 cycles. */
export function describeDomainCrash(p: ArrayLike<number>): string {
  const insn = p[5] >= 0 ? EMULATED_INSN_NAMES[p[5]] ?? null : null;
  const vec = EXCEPTION_MNEMONICS[p[1]] ?? t('rings.btpv.vectorN', { n: p[1] });
  return t('rings.btpv.crash', {
    what: insn !== null ? t('rings.btpv.insnAt', { insn, address: hex(p[3]) }) : t('rings.btpv.theInsnAt', { address: hex(p[3]) }),
    vec,
    ring: p[4],
    unmodified: insn !== null ? t('rings.btpv.unmodified') : '',
  });
}
