/**
 * Events in words: what the log, the screen-reader announcements and the tooltips say about each
 * event. Names follow the SDM (exit reasons from its Appendix C, exception mnemonics from Vol. 3A
 * Table 6-1).
 */
import { EventKind, END_REASONS, VMX_INSTRUCTION_NAMES, VM_STATE_NAMES } from '../../core/trace/events.ts';
import { exitReasonInfo } from '../../core/vmx/spec/exit-reasons.ts';
import { EXCEPTION_MNEMONICS, EventType } from '../../core/x86/arch.ts';
import type { LoggedEvent } from '../../state/event-log.ts';
import { describeResume, describeTrap } from './swvmm-text.ts';
import { describeCallout, describeDomainCrash, describeHypercall, describeInvalidate, describeTranslate } from '../rings/bt-pv-text.ts';

export const hex = (v: number, digits = 8): string => '0x' + (v >>> 0).toString(16).toUpperCase().padStart(digits, '0');

const VMX_MODE = ['', 'VMX root', 'VMX non-root'];

/** A short category label (shown beside the icon; never color alone). */
export function kindLabel(kind: number): string {
  switch (kind) {
    case EventKind.EVENT_DELIVERY: return 'Interrupt';
    case EventKind.IRET: return 'IRET';
    case EventKind.FAR_TRANSFER: return 'Far transfer';
    case EventKind.VMEXIT: return 'VM exit';
    case EventKind.VMENTRY: return 'VM entry';
    case EventKind.VMFAIL: return 'VMfail';
    case EventKind.VMX_INSTRUCTION: return 'VMX insn';
    case EventKind.IO: return 'I/O';
    case EventKind.HALT: return 'HLT';
    case EventKind.WAKE: return 'Wake';
    case EventKind.SHUTDOWN: return 'Shutdown';
    case EventKind.VMM_HANDLER: return 'VMM handler';
    case EventKind.CONSOLE: return 'Console';
    case EventKind.VMM_LOG: return 'VMM';
    case EventKind.VM_STATE: return 'VM state';
    case EventKind.CR_WRITE: return 'CR write';
    case EventKind.INSN_RETIRED: return 'Instruction';
    case EventKind.PROGRESS: return 'Progress';
    case EventKind.END: return 'End';
    case EventKind.SW_TRAP: return 'Trap';
    case EventKind.SW_RESUME: return 'Resume';
    case EventKind.BT_TRANSLATE: return 'Translate';
    case EventKind.BT_CALLOUT: return 'Callout';
    case EventKind.BT_INVALIDATE: return 'TC flush';
    case EventKind.PV_HYPERCALL: return 'Hypercall';
    case EventKind.PV_DOMAIN_CRASH: return 'Domain crash';
    default: return `Event ${kind}`;
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
  if (type === EventType.EXTERNAL_INTERRUPT) return `external interrupt, vector ${hex(vector, 2)}`;
  if (type === EventType.NMI) return 'NMI';
  if (type === EventType.SOFTWARE_INTERRUPT) return `INT ${hex(vector, 2)}`;
  return `${EXCEPTION_MNEMONICS[vector] ?? `exception ${vector}`}`;
}

/** One line describing the event. */
export function describeEvent(e: LoggedEvent): string {
  const p = e.p;
  switch (e.kind) {
    case EventKind.EVENT_DELIVERY: {
      const err = p[3] >= 0 ? ` (error code ${hex(p[3], 4)})` : '';
      const ring = p[5] !== p[6] ? `, ring ${p[5]} → ${p[6]}` : `, stays in ring ${p[6]}`;
      return `${eventTypeName(p[2], p[1])}${err} delivered through the IDT${ring}; return address ${hex(p[4])}`;
    }
    case EventKind.IRET:
      return `IRET to ${hex(p[3])}${p[1] !== p[2] ? `, ring ${p[1]} → ${p[2]}` : ''}`;
    case EventKind.FAR_TRANSFER:
      return `${['Far CALL', 'Far JMP', 'Far RET', 'SYSENTER', 'SYSEXIT'][p[1]] ?? 'Far transfer'} to ${hex(p[4])}, ring ${p[2]} → ${p[3]}`;
    case EventKind.VMEXIT: {
      const full = p[1] >>> 0;
      const basic = full & 0xffff;
      const info = exitReasonInfo(basic);
      const fail = (full & 0x80000000) !== 0 ? ' (VM-entry failure)' : '';
      const len = p[4] > 0 ? `, instruction length ${p[4]}` : '';
      const q = p[2] !== 0 || p[3] !== 0 ? `, qualification ${hex(p[2])}` : '';
      return `VM exit${fail}: reason ${basic} ${info?.shortName ?? ''} at guest ${hex(p[5])}${len}${q}`;
    }
    case EventKind.VMENTRY: {
      const inj = p[4] !== 0 ? `, injecting ${describeInjection(p[4])}` : '';
      return `VM entry (${p[1] === 0 ? 'VMLAUNCH' : 'VMRESUME'}) to guest ${hex(p[2])}, guest CPL ${p[5]}${inj}`;
    }
    case EventKind.VMFAIL:
      return `${VMX_INSTRUCTION_NAMES[p[1]] ?? 'VMX instruction'} failed: ${p[2] === 1 ? `VMfailValid, error ${p[3]}` : 'VMfailInvalid'} at ${hex(p[4])}`;
    case EventKind.VMX_INSTRUCTION:
      return `${VMX_INSTRUCTION_NAMES[p[1]] ?? 'VMX instruction'} ${hex(p[2])} at ${hex(p[5])}`;
    case EventKind.IO:
      return `${p[3] === 1 ? 'IN' : 'OUT'} port ${hex(p[1], 4)} (${p[2]} byte${p[2] > 1 ? 's' : ''}) = ${hex(p[4], p[2] * 2)}${p[5] ? ` in ${VMX_MODE[p[5]]}` : ''}`;
    case EventKind.HALT:
      return `HLT at ${hex(p[1])}: the CPU sleeps until an interrupt${p[2] === 2 ? ' (the VMM took the exit)' : ''}`;
    case EventKind.WAKE:
      return p[1] >= 0 ? `Woken by vector ${hex(p[1], 2)}` : 'Woken';
    case EventKind.SHUTDOWN:
      return `Shutdown (triple fault) at ${hex(p[1])}`;
    case EventKind.VMM_HANDLER: {
      const info = exitReasonInfo(p[2]);
      return `VMM handled ${info?.shortName ?? `reason ${p[2]}`} for VM ${p[1]} vCPU ${p[5]} in ${p[4]} cycles`;
    }
    case EventKind.CONSOLE:
      return `Console${p[0] >= 0 ? ` (VM ${p[0]})` : ''}: ${JSON.stringify(e.text ?? '')}`;
    case EventKind.VMM_LOG:
      return e.text ?? '';
    case EventKind.VM_STATE:
      return `VM ${p[0]} is ${VM_STATE_NAMES[p[1]] ?? `in state ${p[1]}`}`;
    case EventKind.CR_WRITE:
      return `CR${p[1]} ← ${hex(p[2])}${p[3] ? ` (${VMX_MODE[p[3]]})` : ''}`;
    case EventKind.INSN_RETIRED:
      return `Retired the instruction at ${hex(p[1])} (${p[4]} bytes) in ring ${p[2]}${p[2] !== p[6] ? ` → ring ${p[6]}` : ''}${p[3] ? `, ${VMX_MODE[p[3]]}` : ''}`;
    case EventKind.PROGRESS:
      return `${(p[0] + p[1] * 2 ** 32).toLocaleString('en-US')} instructions retired`;
    case EventKind.END:
      return `The run ended: ${END_REASONS[p[0]] ?? 'unknown'}`;
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
      return `Event kind ${e.kind}`;
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
