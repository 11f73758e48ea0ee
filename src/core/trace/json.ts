/**
 * The JSON trace format: one object per event, as the CLI prints it (`npm run -s lab -- run FILE --json`)
 * and the UI exports it. Documented in docs/trace-format.md; keep the two in step.
 */
import { EventType, EXCEPTION_MNEMONICS } from '../x86/arch.ts';
import { exitReasonInfo } from '../vmx/spec/exit-reasons.ts';
import { END_REASONS, EventKind, VMX_INSTRUCTION_NAMES, exitGuestCpl, exitInsnLength } from './events.ts';
import { EMULATED_INSN_NAMES } from '../techniques/deprivileged/emulated.ts';
import { HYPERCALL_NAMES } from '../techniques/paravirt/abi.ts';
import { BT_CALLOUT_NAMES } from '../techniques/binary-translation/kinds.ts';
import type { TraceSink } from './sink.ts';

export type TraceRecord = Record<string, unknown> & { type: string };

export const hex32 = (v: number): string => '0x' + (v >>> 0).toString(16).toUpperCase().padStart(8, '0');
export const hex64 = (lo: number, hi: number): string =>
  hi === 0 ? hex32(lo) : '0x' + (hi >>> 0).toString(16).toUpperCase().padStart(8, '0') + (lo >>> 0).toString(16).toUpperCase().padStart(8, '0');

const VMX_MODE = ['none', 'root', 'non-root'] as const;
const EVENT_TYPE_NAMES: Record<number, string> = {
  [EventType.EXTERNAL_INTERRUPT]: 'external-interrupt',
  [EventType.NMI]: 'nmi',
  [EventType.HARDWARE_EXCEPTION]: 'hardware-exception',
  [EventType.SOFTWARE_INTERRUPT]: 'software-interrupt',
  [EventType.PRIVILEGED_SOFTWARE_EXCEPTION]: 'privileged-software-exception',
  [EventType.SOFTWARE_EXCEPTION]: 'software-exception',
};
const FAR_NAMES = ['call', 'jmp', 'ret', 'sysenter', 'sysexit'];

/** Converts one numeric event into its JSON record. */
export function eventRecord(kind: EventKind, cycle: number, p: ArrayLike<number>): TraceRecord {
  switch (kind) {
    case EventKind.EVENT_DELIVERY: {
      const type = p[2];
      const exception = type === EventType.HARDWARE_EXCEPTION || type === EventType.SOFTWARE_EXCEPTION || type === EventType.PRIVILEGED_SOFTWARE_EXCEPTION;
      return {
        type: exception ? 'exception' : 'interrupt',
        vector: p[1],
        name: exception ? (EXCEPTION_MNEMONICS[p[1]] ?? `vector ${p[1]}`) : type === EventType.NMI ? 'NMI' : `INT 0x${p[1].toString(16)}`,
        eventType: EVENT_TYPE_NAMES[type] ?? String(type),
        errorCode: p[3] < 0 ? null : p[3] >>> 0,
        eip: hex32(p[4]),
        cplBefore: p[5],
        cplAfter: p[6],
        vmx: VMX_MODE[p[7]] ?? 'none',
        cpu: p[0],
        cycle,
      };
    }
    case EventKind.IRET:
      return { type: 'iret', cplBefore: p[1], cplAfter: p[2], eip: hex32(p[3]), vmx: VMX_MODE[p[4]] ?? 'none', cpu: p[0], cycle };
    case EventKind.FAR_TRANSFER:
      return { type: 'far-transfer', kind: FAR_NAMES[p[1]] ?? String(p[1]), cplBefore: p[2], cplAfter: p[3], eip: hex32(p[4]), vmx: VMX_MODE[p[5]] ?? 'none', cpu: p[0], cycle };
    case EventKind.VMEXIT: {
      const full = p[1] >>> 0;
      const basic = full & 0xffff;
      const info = exitReasonInfo(basic);
      const rec: TraceRecord = {
        type: 'vmexit',
        reason: basic,
        name: info?.shortName ?? `reason ${basic}`,
        qualification: hex64(p[2], p[3]),
        instructionLength: exitInsnLength(p[4]),
        guestEip: hex32(p[5]),
        cycle,
      };
      if ((full & 0x80000000) !== 0) {
        rec.entryFailure = true;
        rec.exitReason = hex32(full);
      } else rec.guestCpl = exitGuestCpl(p[4]);
      if ((p[7] >>> 0) & 0x80000000) rec.interruptionInfo = hex32(p[7]);
      rec.vmcs = hex32(p[6]);
      rec.cpu = p[0];
      return rec;
    }
    case EventKind.VMENTRY:
      return {
        type: 'vmentry',
        instruction: p[1] === 0 ? 'VMLAUNCH' : 'VMRESUME',
        guestEip: hex32(p[2]),
        vmcs: hex32(p[3]),
        injected: p[4] === 0 ? null : hex32(p[4]),
        guestCpl: p[5],
        cpu: p[0],
        cycle,
      };
    case EventKind.VMFAIL:
      return {
        type: 'vmfail',
        instruction: VMX_INSTRUCTION_NAMES[p[1]] ?? String(p[1]),
        kind: p[2] === 1 ? 'valid' : 'invalid',
        error: p[3],
        eip: hex32(p[4]),
        cpu: p[0],
        cycle,
      };
    case EventKind.VMX_INSTRUCTION:
      return { type: 'vmx', instruction: VMX_INSTRUCTION_NAMES[p[1]] ?? String(p[1]), operand: hex32(p[2]), value: hex64(p[3], p[4]), eip: hex32(p[5]), cpu: p[0], cycle };
    case EventKind.IO:
      return { type: 'io', port: hex32(p[1]).replace(/^0x0000/, '0x'), size: p[2], direction: p[3] === 1 ? 'in' : 'out', value: hex32(p[4]), vmx: VMX_MODE[p[5]] ?? 'none', cpu: p[0], cycle };
    case EventKind.HALT:
      return p[3] === 1
        ? { type: 'halt', eip: hex32(p[1]), vmx: VMX_MODE[p[2]] ?? 'none', vcpu: true, cpu: p[0], cycle }
        : { type: 'halt', eip: hex32(p[1]), vmx: VMX_MODE[p[2]] ?? 'none', cpu: p[0], cycle };
    case EventKind.WAKE:
      return { type: 'wake', vector: p[1], cpu: p[0], cycle };
    case EventKind.SHUTDOWN:
      return { type: 'shutdown', eip: hex32(p[1]), vmx: VMX_MODE[p[2]] ?? 'none', cpu: p[0], cycle };
    case EventKind.VMM_HANDLER:
      return { type: 'handler', vm: p[1], reason: p[2], handler: p[3], cycles: p[4], vcpu: p[5], cpu: p[0], cycle };
    case EventKind.VM_STATE:
      return { type: 'vm-state', vm: p[0], state: p[1], cycle };
    case EventKind.CR_WRITE:
      return { type: 'cr-write', cr: p[1], value: hex32(p[2]), vmx: VMX_MODE[p[3]] ?? 'none', cpu: p[0], cycle };
    case EventKind.INSN_RETIRED:
      return { type: 'insn', eip: hex32(p[1]), length: p[4], cplBefore: p[2], cplAfter: p[6], vmx: VMX_MODE[p[3]] ?? 'none', cpu: p[0], cycle };
    case EventKind.END:
      return { type: 'end', reason: END_REASONS[p[0]] ?? 'unknown', cpu: p[1], cycle };
    case EventKind.PROGRESS:
      return { type: 'progress', instructions: p[0] + p[1] * 2 ** 32, cycle };
    case EventKind.SW_TRAP: {
      const irq = p[1] >= 0x100 ? p[1] - 0x100 : null;
      return {
        type: 'sw-trap',
        vector: p[1],
        name: irq !== null ? `IRQ ${irq}` : (EXCEPTION_MNEMONICS[p[1]] ?? `vector ${p[1]}`),
        errorCode: p[2] < 0 ? null : p[2] >>> 0,
        guestEip: hex32(p[3]),
        guestCpl: p[4],
        emulated: p[5] < 0 ? null : (EMULATED_INSN_NAMES[p[5]] ?? String(p[5])),
        vmmCycles: p[6],
        cpu: p[0],
        cycle,
      };
    }
    case EventKind.SW_RESUME:
      return { type: 'sw-resume', guestEip: hex32(p[1]), cpl: p[2], guestCpl: p[3], reflected: p[4] < 0 ? null : p[4], cpu: p[0], cycle };
    case EventKind.PV_HYPERCALL:
      return {
        type: 'pv-hypercall',
        hypercall: p[1],
        name: HYPERCALL_NAMES[p[1]] ?? `hypercall ${p[1]}`,
        arg1: hex32(p[2]),
        arg2: hex32(p[3]),
        guestEip: hex32(p[4]),
        result: p[5] | 0,
        vmmCycles: p[6],
        entries: p[7],
        cpu: p[0],
        cycle,
      };
    case EventKind.PV_DOMAIN_CRASH:
      return {
        type: 'pv-domain-crash',
        vector: p[1],
        name: EXCEPTION_MNEMONICS[p[1]] ?? `vector ${p[1]}`,
        errorCode: p[2] < 0 ? null : p[2] >>> 0,
        guestEip: hex32(p[3]),
        cpl: p[4],
        instruction: p[5] < 0 ? null : (EMULATED_INSN_NAMES[p[5]] ?? String(p[5])),
        vmmCycles: p[6],
        cpu: p[0],
        cycle,
      };
    case EventKind.BT_TRANSLATE:
      return { type: 'bt-translate', guestEip: hex32(p[1]), guestPhysical: hex32(p[2]), instructions: p[3], callouts: p[4], translation: p[5], vmmCycles: p[6], cpu: p[0], cycle };
    case EventKind.BT_CALLOUT:
      return { type: 'bt-callout', guestEip: hex32(p[1]), callout: BT_CALLOUT_NAMES[p[2]] ?? String(p[2]), guestCpl: p[3], translation: p[4], vmmCycles: p[5], cpu: p[0], cycle };
    case EventKind.BT_INVALIDATE:
      return { type: 'bt-invalidate', guestPhysical: hex32(p[1]), dropped: p[2], translation: p[3], guestEip: hex32(p[4]), cpu: p[0], cycle };
    default:
      return { type: 'event', kind, cycle };
  }
}

export function textRecord(kind: EventKind, cycle: number, source: number, text: string): TraceRecord {
  if (kind === EventKind.CONSOLE) return { type: 'console', text, vm: source < 0 ? null : source, cycle };
  return { type: 'log', text, vm: source < 0 ? null : source, cycle };
}

/** A sink that turns every event into a JSON record and hands it to `out` (the CLI, exports, tests). */
export class JsonSink implements TraceSink {
  private readonly p = new Float64Array(8);
  constructor(
    private readonly out: (rec: TraceRecord) => void,
    /** Event kinds to include (all when undefined). */
    private readonly kinds?: ReadonlySet<EventKind>,
  ) {}
  emit(kind: EventKind, cycle: number, p0: number, p1: number, p2: number, p3: number, p4: number, p5: number, p6: number, p7: number): void {
    if (this.kinds !== undefined && !this.kinds.has(kind)) return;
    const p = this.p;
    p[0] = p0;
    p[1] = p1;
    p[2] = p2;
    p[3] = p3;
    p[4] = p4;
    p[5] = p5;
    p[6] = p6;
    p[7] = p7;
    this.out(eventRecord(kind, cycle, p));
  }
  text(kind: EventKind, cycle: number, source: number, text: string): void {
    if (this.kinds !== undefined && !this.kinds.has(kind)) return;
    this.out(textRecord(kind, cycle, source, text));
  }
}

