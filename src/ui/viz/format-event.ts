/**
 * Events in words: what the log, the screen-reader announcements and the tooltips say about each
 * event. Names follow the SDM (exit reasons from its Appendix C, exception mnemonics from Vol. 3A
 * Table 6-1).
 */
import { EventKind, END_REASONS, VMX_INSTRUCTION_NAMES, VM_STATE_NAMES, exitInsnLength } from '../../core/trace/events.ts';
import { exitReasonInfo } from '../../core/vmx/spec/exit-reasons.ts';
import { EXCEPTION_MNEMONICS, EventType } from '../../core/x86/arch.ts';
import type { LoggedEvent } from '../../state/event-log.ts';
import { describeResume, describeTrap } from './swvmm-text.ts';
import { describeCallout, describeDomainCrash, describeHypercall, describeInvalidate, describeTranslate } from '../rings/bt-pv-text.ts';
import { t } from '../../i18n/t.ts';

export const hex = (v: number, digits = 8): string => '0x' + (v >>> 0).toString(16).toUpperCase().padStart(digits, '0');

const vmxMode = (m: number): string => (m === 1 ? t('viz.event.vmxRoot') : m === 2 ? t('viz.event.vmxNonRoot') : '');

/** A short category label (shown beside the icon; never color alone). */
export function kindLabel(kind: number): string {
  switch (kind) {
    case EventKind.EVENT_DELIVERY: return t('viz.event.kindEventDelivery');
    case EventKind.IRET: return t('viz.event.kindIret');
    case EventKind.FAR_TRANSFER: return t('viz.event.kindFarTransfer');
    case EventKind.VMEXIT: return t('viz.event.kindVmexit');
    case EventKind.VMENTRY: return t('viz.event.kindVmentry');
    case EventKind.VMFAIL: return t('viz.event.kindVmfail');
    case EventKind.VMX_INSTRUCTION: return t('viz.event.kindVmxInstruction');
    case EventKind.IO: return t('viz.event.kindIo');
    case EventKind.HALT: return t('viz.event.kindHalt');
    case EventKind.WAKE: return t('viz.event.kindWake');
    case EventKind.SHUTDOWN: return t('viz.event.kindShutdown');
    case EventKind.VMM_HANDLER: return t('viz.event.kindVmmHandler');
    case EventKind.CONSOLE: return t('viz.event.kindConsole');
    case EventKind.VMM_LOG: return t('viz.event.kindVmmLog');
    case EventKind.VM_STATE: return t('viz.event.kindVmState');
    case EventKind.CR_WRITE: return t('viz.event.kindCrWrite');
    case EventKind.INSN_RETIRED: return t('viz.event.kindInsnRetired');
    case EventKind.PROGRESS: return t('viz.event.kindProgress');
    case EventKind.END: return t('viz.event.kindEnd');
    case EventKind.SW_TRAP: return t('viz.event.kindSwTrap');
    case EventKind.SW_RESUME: return t('viz.event.kindSwResume');
    case EventKind.BT_TRANSLATE: return t('viz.event.kindBtTranslate');
    case EventKind.BT_CALLOUT: return t('viz.event.kindBtCallout');
    case EventKind.BT_INVALIDATE: return t('viz.event.kindBtInvalidate');
    case EventKind.PV_HYPERCALL: return t('viz.event.kindPvHypercall');
    case EventKind.PV_DOMAIN_CRASH: return t('viz.event.kindPvDomainCrash');
    default: return t('viz.event.kindOther', { kind });
  }
}

/** Which visual family an event belongs to (CSS class; the label and icon carry the same meaning). */
export function kindFamily(kind: number): 'vmx' | 'ring' | 'io' | 'vmm' | 'text' | 'insn' | 'other' {
  switch (kind) {
    case EventKind.VMEXIT:
    case EventKind.VMENTRY:
    case EventKind.VMFAIL:
    case EventKind.VMX_INSTRUCTION:
      return 'vmx';
    case EventKind.EVENT_DELIVERY:
    case EventKind.IRET:
    case EventKind.FAR_TRANSFER:
      return 'ring';
    case EventKind.IO:
    case EventKind.HALT:
    case EventKind.WAKE:
    case EventKind.CR_WRITE:
      return 'io';
    case EventKind.VMM_HANDLER:
    case EventKind.VM_STATE:
    case EventKind.VMM_LOG:
    case EventKind.SW_TRAP:
    case EventKind.SW_RESUME:
    case EventKind.BT_TRANSLATE:
    case EventKind.BT_CALLOUT:
    case EventKind.BT_INVALIDATE:
    case EventKind.PV_HYPERCALL:
      return 'vmm';
    case EventKind.PV_DOMAIN_CRASH:
      return 'other';
    case EventKind.CONSOLE:
      return 'text';
    case EventKind.INSN_RETIRED:
      return 'insn';
    default:
      return 'other';
  }
}

function eventTypeName(type: number, vector: number): string {
  if (type === EventType.EXTERNAL_INTERRUPT) return t('viz.event.externalInterrupt', { vector: hex(vector, 2) });
  if (type === EventType.NMI) return 'NMI';
  if (type === EventType.SOFTWARE_INTERRUPT) return `INT ${hex(vector, 2)}`;
  return EXCEPTION_MNEMONICS[vector] ?? t('viz.event.exceptionN', { vector });
}

/** One line describing the event. */
export function describeEvent(e: LoggedEvent): string {
  const p = e.p;
  switch (e.kind) {
    case EventKind.EVENT_DELIVERY: {
      const err = p[3] >= 0 ? t('viz.event.errorCode', { code: hex(p[3], 4) }) : '';
      const ring = p[5] !== p[6] ? t('viz.event.ringMove', { from: p[5], to: p[6] }) : t('viz.event.staysInRing', { ring: p[6] });
      return t('viz.event.delivery', { what: eventTypeName(p[2], p[1]), err, ring, address: hex(p[4]) });
    }
    case EventKind.IRET:
      return t('viz.event.iret', { address: hex(p[3]), ring: p[1] !== p[2] ? t('viz.event.ringMove', { from: p[1], to: p[2] }) : '' });
    case EventKind.FAR_TRANSFER:
      return t('viz.event.far', { name: [t('viz.event.farCall'), t('viz.event.farJmp'), t('viz.event.farRet'), 'SYSENTER', 'SYSEXIT'][p[1]] ?? t('viz.event.kindFarTransfer'), address: hex(p[4]), from: p[2], to: p[3] });
    case EventKind.VMEXIT: {
      const full = p[1] >>> 0;
      const basic = full & 0xffff;
      const info = exitReasonInfo(basic);
      const fail = (full & 0x80000000) !== 0 ? t('viz.event.entryFailure') : '';
      const n = exitInsnLength(p[4]);
      const len = n > 0 ? t('viz.event.insnLength', { n }) : '';
      const q = p[2] !== 0 || p[3] !== 0 ? t('viz.event.qualification', { q: hex(p[2]) }) : '';
      return t('viz.event.vmexit', { fail, basic, name: info?.shortName ?? '', address: hex(p[5]), len, q });
    }
    case EventKind.VMENTRY: {
      const inj = p[4] !== 0 ? t('viz.event.injecting', { what: describeInjection(p[4]) }) : '';
      return t('viz.event.vmentry', { insn: p[1] === 0 ? 'VMLAUNCH' : 'VMRESUME', address: hex(p[2]), cpl: p[5], inj });
    }
    case EventKind.VMFAIL:
      return t('viz.event.vmfail', { name: VMX_INSTRUCTION_NAMES[p[1]] ?? t('viz.event.vmxInstruction'), how: p[2] === 1 ? t('viz.event.failValid', { n: p[3] }) : 'VMfailInvalid', address: hex(p[4]) });
    case EventKind.VMX_INSTRUCTION:
      return t('viz.event.vmxInsn', { name: VMX_INSTRUCTION_NAMES[p[1]] ?? t('viz.event.vmxInstruction'), operand: hex(p[2]), address: hex(p[5]) });
    case EventKind.IO:
      return t('viz.event.io', { insn: p[3] === 1 ? 'IN' : 'OUT', port: hex(p[1], 4), bytes: t('viz.event.bytes', { count: p[2] }), value: hex(p[4], p[2] * 2), mode: p[5] ? t('viz.event.inMode', { mode: vmxMode(p[5]) }) : '' });
    case EventKind.HALT:
      return t('viz.event.halt', { address: hex(p[1]), exit: p[3] === 1 ? t('viz.event.haltExit') : '' });
    case EventKind.WAKE:
      return p[1] >= 0 ? t('viz.event.wokenBy', { vector: hex(p[1], 2) }) : t('viz.event.woken');
    case EventKind.SHUTDOWN:
      return t('viz.event.shutdown', { address: hex(p[1]) });
    case EventKind.VMM_HANDLER: {
      const info = exitReasonInfo(p[2]);
      return t('viz.event.handled', { what: info?.shortName ?? t('viz.event.reasonN', { n: p[2] }), vm: p[1], vcpu: p[5], cycles: p[4] });
    }
    case EventKind.CONSOLE:
      return t('viz.event.console', { vm: p[0] >= 0 ? t('viz.event.consoleVm', { vm: p[0] }) : '', text: JSON.stringify(e.text ?? '') });
    case EventKind.VMM_LOG:
      return e.text ?? '';
    case EventKind.VM_STATE:
      return t('viz.event.vmState', { vm: p[0], state: VM_STATE_NAMES[p[1]] ?? t('viz.event.inState', { n: p[1] }) });
    case EventKind.CR_WRITE:
      return `CR${p[1]} ← ${hex(p[2])}${p[3] ? ` (${vmxMode(p[3])})` : ''}`;
    case EventKind.INSN_RETIRED:
      return t('viz.event.retired', { address: hex(p[1]), count: p[4], n: p[4], ring: p[2], to: p[2] !== p[6] ? t('viz.event.toRing', { ring: p[6] }) : '', mode: p[3] ? `, ${vmxMode(p[3])}` : '' });
    case EventKind.PROGRESS:
      return t('viz.event.progress', { count: p[0] + p[1] * 2 ** 32, n: (p[0] + p[1] * 2 ** 32).toLocaleString('en-US') });
    case EventKind.END:
      return t('viz.event.ended', { reason: END_REASONS[p[0]] ?? t('viz.event.unknown') });
    case EventKind.SW_TRAP:
      return describeTrap(p);
    case EventKind.SW_RESUME:
      return describeResume(p);
    case EventKind.BT_TRANSLATE:
      return describeTranslate(p);
    case EventKind.BT_CALLOUT:
      return describeCallout(p);
    case EventKind.BT_INVALIDATE:
      return describeInvalidate(p);
    case EventKind.PV_HYPERCALL:
      return describeHypercall(p);
    case EventKind.PV_DOMAIN_CRASH:
      return describeDomainCrash(p);
    default:
      return t('viz.event.eventKind', { kind: e.kind });
  }
}

/** VM-entry interruption information (SDM Vol. 3C §24.8.3) in words. */
export function describeInjection(info: number): string {
  const vector = info & 0xff;
  const type = (info >>> 8) & 7;
  return eventTypeName(type, vector);
}

/** Cycles as a human time on a clock: "1.25 ms". */
export function formatSimTime(cycles: number, hz: number): string {
  const s = cycles / hz;
  if (s === 0) return '0 s';
  if (s < 1e-6) return `${+(s * 1e9).toPrecision(3)} ns`;
  if (s < 1e-3) return `${+(s * 1e6).toPrecision(3)} µs`;
  if (s < 1) return `${+(s * 1e3).toPrecision(3)} ms`;
  return `${+s.toPrecision(4)} s`;
}

export const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');
