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

const hex = (v: number, d = 8): string => '0x' + (v >>> 0).toString(16).toUpperCase().padStart(d, '0');
const num = (n: number): string => Math.round(n).toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`): string => `${num(n)} ${n === 1 ? one : many}`;

/** BT_TRANSLATE: p1 guest EIP, p2 guest-physical, p3 instructions, p4 callouts, p5 translation id, p6 cycles. */
export function describeTranslate(p: ArrayLike<number>): string {
  return `Translation-cache miss at ${hex(p[1])}: the VMM translated ${plural(p[3], 'guest instruction')} (${plural(p[4], 'callout')}) into translation #${p[5]}, ${num(p[6])} cycles`;
}

/** The callout's name (the sensitive instruction it replaces). */
export function calloutName(id: number): string {
  return BT_CALLOUT_NAMES[id] ?? `callout ${id}`;
}

/** BT_CALLOUT: p1 guest EIP, p2 BtCallout, p3 virtual CPL, p4 translation id, p5 cycles. */
export function describeCallout(p: ArrayLike<number>): string {
  return `Callout from translation #${p[4]}: the VMM emulates ${calloutName(p[2])} at ${hex(p[1])} against the virtual CPU (the guest's virtual ring ${p[3]}), ${num(p[5])} cycles — no trap`;
}

/** BT_INVALIDATE: p1 guest-physical written, p2 translations dropped, p3 first id, p4 its guest EIP. */
export function describeInvalidate(p: ArrayLike<number>): string {
  return `The guest wrote to translated code (guest-physical ${hex(p[1])}): ${plural(p[2], 'translation')} dropped (first #${p[3]} at ${hex(p[4])}); it is translated again when it next runs`;
}

/** A hypercall's name and, for the multiplexed ones, the sub-command. */
export function hypercallName(nr: number, arg1: number): string {
  const name = HYPERCALL_NAMES[nr] ?? `hypercall ${nr}`;
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
  const rc = p[5] < 0 ? `error ${p[5]}` : `returns ${p[5]}`;
  const entries = p[7] > 0 ? `, ${plural(p[7], 'entry', 'entries')}` : '';
  const shutdown = HYPERCALL_NAMES[p[1]] === 'sched_op' && p[2] === SCHEDOP_SHUTDOWN ? ` (${SHUTDOWN_REASON_NAMES[p[3]] ?? p[3]})` : '';
  return `Hypercall ${hypercallName(p[1], p[2])}${shutdown} from the guest kernel at ${hex(p[4])}${entries}: ${rc}, ${num(p[6])} cycles`;
}

/** PV_DOMAIN_CRASH: p1 vector, p2 error code, p3 guest EIP, p4 real CPL, p5 EmulatedInsn, p6 cycles. */
export function describeDomainCrash(p: ArrayLike<number>): string {
  const insn = p[5] >= 0 ? EMULATED_INSN_NAMES[p[5]] ?? null : null;
  const vec = EXCEPTION_MNEMONICS[p[1]] ?? `vector ${p[1]}`;
  return `The paravirtual VMM crashed the domain: ${insn !== null ? `${insn} at ${hex(p[3])}` : `the instruction at ${hex(p[3])}`} raised ${vec} at ring ${p[4]} and the VMM does not emulate it${insn !== null ? ' — an unmodified kernel; a ported one asks with a hypercall' : ''}`;
}
