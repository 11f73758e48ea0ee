/**
 * The three platforms of the white paper's Figure 2 and how the processor moves between their cells.
 *
 * A cell is (VMX mode, privilege ring). Native and the software VMM have one column (no VMX); VT-x has two,
 * VMX root and VMX non-root, side by side: the VMX mode is a second axis orthogonal to the rings, not a
 * fifth ring (SDM Vol. 3C §23.3: "VMX root operation … VMX non-root operation"; both have rings 0–3).
 *
 * `transitionOf` turns one event into the move it represents (from → to, its cause in words and its cost
 * on the chosen CPU model); `locationOf` says where the processor is in a machine view. Pure: the ring
 * diagram draws them, tests check them.
 */
import { EventKind, VMX_INSTRUCTION_NAMES } from '../../core/trace/events.ts';
import { EventType, EXCEPTION_MNEMONICS } from '../../core/x86/arch.ts';
import { exitReasonInfo } from '../../core/vmx/spec/exit-reasons.ts';
import { instructionErrorText } from './vmx-errors.ts';
import { trapText } from '../viz/swvmm-text.ts';
import { calloutName, describeDomainCrash, describeHypercall, hypercallName } from './bt-pv-text.ts';
import { EMULATED_INSN_NAMES } from '../../core/techniques/deprivileged/emulated.ts';
import type { CatalogCpu, MachineView } from '../../worker/protocol.ts';
import type { LoggedEvent } from '../../state/event-log.ts';

export type PlatformId = 'native' | 'swvmm' | 'bt' | 'pv' | 'vtx';

/** The software-only platforms: no VMX; the guest kernel deprivileged to ring 1 under a VMM in ring 0. */
export function isSoftwarePlatform(p: PlatformId): boolean {
  return p === 'swvmm' || p === 'bt' || p === 'pv';
}
export type Column = 'host' | 'root' | 'nonroot';
export type Ring = 0 | 1 | 2 | 3;

export interface Cell {
  col: Column;
  ring: Ring;
}

export interface Occupant {
  col: Column;
  ring: Ring;
  label: string;
  sub: string;
  role: 'os' | 'apps' | 'vmm' | 'guest-os' | 'guest-apps';
}

export interface PlatformLayout {
  id: PlatformId;
  title: string;
  caption: string;
  columns: { id: Column; label: string; sub: string }[];
  occupants: Occupant[];
}

export const PLATFORMS: Readonly<Record<PlatformId, PlatformLayout>> = {
  native: {
    id: 'native',
    title: 'Native',
    caption: 'No VMM: the operating system owns ring 0, its applications run in ring 3.',
    columns: [{ id: 'host', label: 'Processor', sub: 'no virtualization' }],
    occupants: [
      { col: 'host', ring: 3, label: 'Applications', sub: 'user mode', role: 'apps' },
      { col: 'host', ring: 0, label: 'OS kernel', sub: 'owns the machine', role: 'os' },
    ],
  },
  swvmm: {
    id: 'swvmm',
    title: 'Software VMM',
    caption: 'Ring deprivileging: the VMM takes ring 0 and pushes the guest kernel out to ring 1; privileged instructions trap to the VMM.',
    columns: [{ id: 'host', label: 'Processor', sub: 'no VT-x: rings only, no VMX modes' }],
    occupants: [
      { col: 'host', ring: 3, label: 'Guest apps', sub: 'ring 3', role: 'guest-apps' },
      { col: 'host', ring: 1, label: 'Guest kernel', sub: 'pushed out of ring 0 to ring 1', role: 'guest-os' },
      { col: 'host', ring: 0, label: 'VMM', sub: 'traps and emulates', role: 'vmm' },
    ],
  },
  bt: {
    id: 'bt',
    title: 'Binary translation',
    caption: 'Binary translation (VMware before VT-x): the guest kernel still runs in ring 1, but never as written — the VMM translates its code block by block into a translation cache and replaces each sensitive instruction with a callout into the VMM.',
    columns: [{ id: 'host', label: 'Processor', sub: 'no VT-x: rings only, no VMX modes' }],
    occupants: [
      { col: 'host', ring: 3, label: 'Guest apps', sub: 'ring 3, run directly', role: 'guest-apps' },
      { col: 'host', ring: 1, label: 'Guest kernel', sub: 'ring 1, runs from the translation cache', role: 'guest-os' },
      { col: 'host', ring: 0, label: 'VMM + translator', sub: 'translates, handles callouts and traps', role: 'vmm' },
    ],
  },
  pv: {
    id: 'pv',
    title: 'Paravirtualization',
    caption: 'Paravirtualization (Xen before VT-x): a guest kernel modified to run in ring 1 asks the VMM with hypercalls instead of executing privileged instructions; an unmodified kernel is crashed at its first one.',
    columns: [{ id: 'host', label: 'Processor', sub: 'no VT-x: rings only, no VMX modes' }],
    occupants: [
      { col: 'host', ring: 3, label: 'Guest apps', sub: 'ring 3', role: 'guest-apps' },
      { col: 'host', ring: 1, label: 'Ported guest kernel', sub: 'ring 1, makes hypercalls', role: 'guest-os' },
      { col: 'host', ring: 0, label: 'VMM (hypervisor)', sub: 'answers hypercalls', role: 'vmm' },
    ],
  },
  vtx: {
    id: 'vtx',
    title: 'VT-x',
    caption: 'The VMM runs in VMX root operation; the guest kernel is back in ring 0 and its applications in ring 3, in VMX non-root operation.',
    columns: [
      { id: 'root', label: 'VMX root operation', sub: 'the VMM' },
      { id: 'nonroot', label: 'VMX non-root operation', sub: 'the guest' },
    ],
    occupants: [
      { col: 'root', ring: 0, label: 'VMM', sub: 'handles VM exits', role: 'vmm' },
      { col: 'nonroot', ring: 3, label: 'Guest apps', sub: 'ring 3', role: 'guest-apps' },
      { col: 'nonroot', ring: 0, label: 'Guest kernel', sub: 'back in ring 0', role: 'guest-os' },
    ],
  },
};

/** The platform a loaded program runs on. A bare program that uses VMX itself is drawn as VT-x. */
export function platformOf(mode: string, vmx: 'none' | 'root' | 'non-root', sawVmx: boolean): PlatformId {
  if (mode === 'guest') return 'vtx';
  if (mode === 'swvmm' || mode === 'bt' || mode === 'pv') return mode;
  return vmx !== 'none' || sawVmx ? 'vtx' : 'native';
}

const clampRing = (r: number): Ring => (Math.max(0, Math.min(3, r | 0)) as Ring);

/** vmxMode in event payloads: 0 none, 1 root, 2 non-root. */
function colOf(platform: PlatformId, vmxMode: number): Column {
  if (platform !== 'vtx') return 'host';
  return vmxMode === 2 ? 'nonroot' : 'root';
}

/** Where the processor is in a machine view. */
export function locationOf(view: MachineView, platform: PlatformId): Cell {
  const cpl = view.hostCpl ?? view.cpl;
  if (platform !== 'vtx') return { col: 'host', ring: clampRing(cpl) };
  if (view.vmx === 'non-root') return { col: 'nonroot', ring: clampRing(view.cpl) };
  return { col: 'root', ring: clampRing(view.mode === 'guest' ? 0 : cpl) };
}

export type TransitionKind =
  | 'syscall' | 'interrupt' | 'exception' | 'iret' | 'far'
  | 'vmexit' | 'handler' | 'vmentry' | 'vmfail'
  | 'swtrap' | 'swresume' | 'halt' | 'shutdown'
  | 'translate' | 'callout' | 'hypercall' | 'domaincrash';

export interface Transition {
  seq: number;
  kind: TransitionKind;
  from: Cell;
  to: Cell;
  /** The cause, short: "VM exit: CPUID at 0x00010005". */
  title: string;
  /** Two short lines for the label on the diagram's path: "VM exit: CPUID", "reason 10 · 564 cycles". */
  label: [string, string];
  /** More: reason number and SDM name, what the handler does. */
  detail: string;
  /** Its cost on the CPU model, e.g. "1,186 cycles (derived)"; '' when the model has no figure. */
  cost: string;
}

export interface Handlers {
  [reason: number]: { name: string; does: string };
}

const hex = (v: number, d = 8): string => '0x' + (v >>> 0).toString(16).toUpperCase().padStart(d, '0');
const cyc = (n: number): string => `${Math.round(n).toLocaleString('en-US')} cycles`;
const fig = (f: { value: number; kind: string } | undefined): string => (f === undefined ? '' : `${cyc(f.value)} (${f.kind})`);

function deliveryName(type: number, vector: number): { kind: TransitionKind; name: string } {
  if (type === EventType.SOFTWARE_INTERRUPT) return { kind: 'syscall', name: `INT ${hex(vector, 2)}` };
  if (type === EventType.EXTERNAL_INTERRUPT) return { kind: 'interrupt', name: `external interrupt ${hex(vector, 2)}` };
  if (type === EventType.NMI) return { kind: 'interrupt', name: 'NMI' };
  return { kind: 'exception', name: `${EXCEPTION_MNEMONICS[vector] ?? `exception ${vector}`}` };
}

/**
 * The move an event represents, or null for events that do not move the processor (instructions retired
 * in the same ring, device I/O, console output…).
 */
export function transitionOf(e: LoggedEvent, platform: PlatformId, cpu: CatalogCpu | undefined, handlers: Handlers | undefined): Transition | null {
  const t = transitionBody(e, platform, cpu, handlers);
  if (t === null) return null;
  return { ...t, label: labelOf(e, t) };
}

/** The diagram's two-line label: the cause without the address, then the reason number and the cost. */
function labelOf(e: LoggedEvent, t: Omit<Transition, 'label'>): [string, string] {
  const p = e.p;
  const cost = t.cost.replace(/ \((measured|derived|assumption)\)$/, ' ($1)');
  switch (e.kind) {
    case EventKind.VMEXIT: {
      const basic = p[1] & 0xffff;
      return [`VM exit: ${exitReasonInfo(basic)?.shortName ?? basic}`, `reason ${basic}${cost ? ` · ${cost}` : ''}`];
    }
    case EventKind.VMENTRY:
      return [p[1] === 0 ? 'VM entry: VMLAUNCH' : 'VM entry: VMRESUME', cost || `to ring ${p[5]}`];
    case EventKind.VMM_HANDLER:
      return [handlers0(t.title), cost];
    case EventKind.SW_TRAP: {
      const x = trapText(p);
      return [`Trap: ${x.what}${x.what !== x.vector ? ` (${x.vector})` : ''}`, cost || `ring ${x.ring} → 0`];
    }
    case EventKind.SW_RESUME:
      return ['Back to the guest', `to ring ${p[2]} (guest thinks ${p[3]})`];
    case EventKind.BT_TRANSLATE:
      return [`TC miss: translate ${p[3]}`, cost];
    case EventKind.BT_CALLOUT:
      return [`Callout: ${calloutName(p[2])}`, cost];
    case EventKind.PV_HYPERCALL:
      return [`Hypercall: ${hypercallName(p[1], p[2])}`, cost];
    case EventKind.PV_DOMAIN_CRASH:
      return ['Domain crashed', p[5] >= 0 ? `${EMULATED_INSN_NAMES[p[5]] ?? ''} not emulated` : 'fault not emulated'];
    default:
      return [t.title.replace(/ (at|to) 0x[0-9A-F]+$/, ''), cost || t.detail.split(/[.;]/)[0]];
  }
}

function handlers0(title: string): string {
  return title.replace('VMM handler: ', 'VMM runs ');
}

function transitionBody(e: LoggedEvent, platform: PlatformId, cpu: CatalogCpu | undefined, handlers: Handlers | undefined): Omit<Transition, 'label'> | null {
  const p = e.p;
  switch (e.kind) {
    case EventKind.EVENT_DELIVERY: {
      const d = deliveryName(p[2], p[1]);
      const col = colOf(platform, p[7]);
      const err = p[3] >= 0 ? `, error code ${hex(p[3], 4)}` : '';
      const ringMove = p[5] !== p[6] ? `ring ${p[5]} → ${p[6]}` : `stays in ring ${p[6]}`;
      if (isSoftwarePlatform(platform) && p[6] === 0) {
        // Under the software VMM every event goes through the VMM's IDT into ring 0 (vmm.ts, white paper §3.1).
        return {
          seq: e.seq,
          kind: d.kind,
          from: { col, ring: clampRing(p[5]) },
          to: { col, ring: 0 },
          title: `${d.kind === 'syscall' ? 'System call' : d.kind === 'interrupt' ? 'Interrupt' : 'Exception'}: ${d.name}`,
          detail: `Delivered through the VMM's IDT${err}; ${ringMove}: the VMM gets control before the guest sees anything. Guest address ${hex(p[4])}.`,
          cost: '',
        };
      }
      return {
        seq: e.seq,
        kind: d.kind,
        from: { col, ring: clampRing(p[5]) },
        to: { col, ring: clampRing(p[6]) },
        title: `${d.kind === 'syscall' ? 'System call' : d.kind === 'interrupt' ? 'Interrupt' : 'Exception'}: ${d.name}`,
        detail: `Delivered through the IDT${err}; ${ringMove}${p[5] !== p[6] ? ' (stack switched to the TSS ring-0 stack)' : ''}. Return address ${hex(p[4])}.`,
        cost: d.kind === 'syscall' ? fig(cpu?.costs.intN) : '',
      };
    }
    case EventKind.IRET: {
      const col = colOf(platform, p[4]);
      return {
        seq: e.seq,
        kind: 'iret',
        from: { col, ring: clampRing(p[1]) },
        to: { col, ring: clampRing(p[2]) },
        title: `IRET to ${hex(p[3])}`,
        detail: p[1] !== p[2] ? `Return from the handler: ring ${p[1]} → ${p[2]}.` : `Return from the handler, ring ${p[2]}.`,
        cost: fig(cpu?.costs.iret),
      };
    }
    case EventKind.FAR_TRANSFER: {
      const col = colOf(platform, p[5]);
      const name = ['Far CALL', 'Far JMP', 'Far RET', 'SYSENTER', 'SYSEXIT'][p[1]] ?? 'Far transfer';
      return { seq: e.seq, kind: 'far', from: { col, ring: clampRing(p[2]) }, to: { col, ring: clampRing(p[3]) }, title: `${name} to ${hex(p[4])}`, detail: `Ring ${p[2]} → ${p[3]} through a gate or fast system call.`, cost: '' };
    }
    case EventKind.VMEXIT: {
      const full = p[1] >>> 0;
      const basic = full & 0xffff;
      const info = exitReasonInfo(basic);
      const failure = (full & 0x80000000) !== 0;
      const name = info?.shortName ?? `reason ${basic}`;
      const h = handlers?.[basic];
      return {
        seq: e.seq,
        kind: failure ? 'vmfail' : 'vmexit',
        from: { col: 'nonroot', ring: 0 },
        to: { col: 'root', ring: 0 },
        title: failure ? `VM entry failed: ${name}` : `VM exit: ${name} at ${hex(p[5])}`,
        detail: `Exit reason ${basic} (${info?.sdmName ?? 'unknown'})${p[4] > 0 ? `, instruction length ${p[4]}` : ''}${p[2] !== 0 ? `, qualification ${hex(p[2])}` : ''}. Guest state saved in the VMCS, host state loaded.${h ? ` Next: ${h.name}.` : ''}`,
        cost: fig(cpu?.costs.vmExit),
      };
    }
    case EventKind.VMM_HANDLER: {
      const h = handlers?.[p[2]];
      const info = exitReasonInfo(p[2]);
      return {
        seq: e.seq,
        kind: 'handler',
        from: { col: 'root', ring: 0 },
        to: { col: 'root', ring: 0 },
        title: `VMM handler: ${h?.name ?? `reason ${p[2]}`}`,
        detail: `Handles ${info?.shortName ?? `exit reason ${p[2]}`} for VM ${p[1]}: ${h?.does ?? 'no handler'}.`,
        cost: cyc(p[4]),
      };
    }
    case EventKind.VMENTRY: {
      const inj = p[4] !== 0 ? ` and injects ${injectionName(p[4])}` : '';
      return {
        seq: e.seq,
        kind: 'vmentry',
        from: { col: 'root', ring: 0 },
        to: { col: 'nonroot', ring: clampRing(p[5]) },
        title: `VM entry (${p[1] === 0 ? 'VMLAUNCH' : 'VMRESUME'}) to ${hex(p[2])}`,
        detail: `The processor checks the VMCS, loads the guest state${inj}; the guest continues in ring ${p[5]}.`,
        cost: fig(cpu?.costs.vmEntry),
      };
    }
    case EventKind.VMFAIL: {
      const name = VMX_INSTRUCTION_NAMES[p[1]] ?? 'VMX instruction';
      return {
        seq: e.seq,
        kind: 'vmfail',
        from: { col: 'root', ring: 0 },
        to: { col: 'root', ring: 0 },
        title: `${name} failed: ${p[2] === 1 ? `VMfailValid, error ${p[3]}` : 'VMfailInvalid'}`,
        detail: p[2] === 1 ? `VM-instruction error ${p[3]}: ${instructionErrorText(p[3])}. The processor stays in VMX root operation.` : 'No current VMCS: CF = 1.',
        cost: '',
      };
    }
    case EventKind.SW_TRAP: {
      // The guest kernel (real ring 1) or its applications (ring 3) trapped into the VMM at ring 0 (vmm.ts onEvent).
      const x = trapText(p);
      const how = x.emulated && !x.what.startsWith('INT') ? `The VMM emulates it: it ${x.does}.` : `The VMM ${x.does}.`;
      return {
        seq: e.seq,
        kind: 'swtrap',
        from: { col: 'host', ring: clampRing(x.ring) },
        to: { col: 'host', ring: 0 },
        title: `Trap to the VMM: ${x.what} at ${hex(x.eip)}`,
        detail: `${x.why ? `In ring ${x.ring} it faults (${x.why}). ` : `${x.vector} in ring ${x.ring}. `}${how}`,
        // The cycles the VMM charged (SW_TRAP p6), with the provenance of the figure (costs.ts: an assumption).
        cost: p[6] > 0 ? `${cyc(p[6])} (${cpu?.costs.swTrap?.kind ?? 'assumption'})` : '',
      };
    }
    case EventKind.SW_RESUME:
      return {
        seq: e.seq,
        kind: 'swresume',
        from: { col: 'host', ring: 0 },
        to: { col: 'host', ring: clampRing(p[2]) },
        title: `Back to the guest at ${hex(p[1])}`,
        detail: p[4] >= 0 ? `The VMM delivers vector ${hex(p[4], 2)} through the guest's own IDT; the guest runs in ring ${p[2]}, believing it is in ring ${p[3]}.` : `The guest resumes in ring ${p[2]}, believing it is in ring ${p[3]}.`,
        cost: '',
      };
    case EventKind.BT_TRANSLATE:
      // The translator runs in the VMM (ring 0) on a miss; the guest kernel's translated code then runs in ring 1.
      return {
        seq: e.seq, kind: 'translate', from: { col: 'host', ring: 1 }, to: { col: 'host', ring: 0 },
        title: `Translation-cache miss at ${hex(p[1])}`,
        detail: `The VMM translated ${p[3]} guest instruction${p[3] === 1 ? '' : 's'} (${p[4]} callout${p[4] === 1 ? '' : 's'}) into translation #${p[5]}; later runs of this code reuse it.`,
        cost: `${cyc(p[6])} (assumption)`,
      };
    case EventKind.BT_CALLOUT:
      return {
        seq: e.seq, kind: 'callout', from: { col: 'host', ring: 1 }, to: { col: 'host', ring: 0 },
        title: `Callout: ${calloutName(p[2])} at ${hex(p[1])}`,
        detail: `Translation #${p[4]} calls the VMM where the guest had ${calloutName(p[2])}: the VMM emulates it against the virtual CPU (guest's virtual ring ${p[3]}) — no trap.`,
        cost: `${cyc(p[5])} (assumption)`,
      };
    case EventKind.PV_HYPERCALL:
      return {
        seq: e.seq, kind: 'hypercall', from: { col: 'host', ring: 1 }, to: { col: 'host', ring: 0 },
        title: `Hypercall ${hypercallName(p[1], p[2])} at ${hex(p[4])}`,
        detail: `${describeHypercall(p).replace(/^Hypercall \S+ (\([^)]*\) )?from the guest kernel at 0x[0-9A-F]+/, 'The ported kernel calls the VMM (INT 0x82) where the original executed a privileged instruction').replace(/, [\d,]+ cycles$/, '')}.`,
        cost: `${cyc(p[6])} (assumption)`,
      };
    case EventKind.PV_DOMAIN_CRASH:
      return {
        seq: e.seq, kind: 'domaincrash', from: { col: 'host', ring: clampRing(p[4]) }, to: { col: 'host', ring: 0 },
        title: `Domain crashed at ${hex(p[3])}`,
        detail: `${describeDomainCrash(p)}.`,
        cost: '',
      };
    case EventKind.HALT: {
      const col = colOf(platform, p[2]);
      return { seq: e.seq, kind: 'halt', from: { col, ring: 0 }, to: { col, ring: 0 }, title: `HLT at ${hex(p[1])}`, detail: 'The processor sleeps until an interrupt.', cost: '' };
    }
    case EventKind.SHUTDOWN:
      return { seq: e.seq, kind: 'shutdown', from: { col: colOf(platform, p[2]), ring: 0 }, to: { col: colOf(platform, p[2]), ring: 0 }, title: 'Shutdown (triple fault)', detail: 'An exception occurred while delivering a double fault.', cost: '' };
    default:
      return null;
  }
}

function injectionName(info: number): string {
  const vector = info & 0xff;
  const type = (info >>> 8) & 7;
  return deliveryName(type, vector).name;
}

/** The event kinds that are transitions (Play holds on them so they can be watched). */
export const TRANSITION_KINDS: readonly number[] = [
  EventKind.EVENT_DELIVERY, EventKind.IRET, EventKind.FAR_TRANSFER, EventKind.VMEXIT, EventKind.VMM_HANDLER,
  EventKind.VMENTRY, EventKind.VMFAIL, EventKind.SW_TRAP, EventKind.SW_RESUME,
  EventKind.BT_TRANSLATE, EventKind.BT_CALLOUT, EventKind.PV_HYPERCALL, EventKind.PV_DOMAIN_CRASH,
];
