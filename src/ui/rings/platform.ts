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
import { EventKind, VMX_INSTRUCTION_NAMES, exitGuestCpl, exitInsnLength } from '../../core/trace/events.ts';
import { EventType, EXCEPTION_MNEMONICS } from '../../core/x86/arch.ts';
import { exitReasonInfo } from '../../core/vmx/spec/exit-reasons.ts';
import { instructionErrorText } from './vmx-errors.ts';
import { trapText } from '../viz/swvmm-text.ts';
import { calloutName, describeDomainCrash, describeHypercall, hypercallName } from './bt-pv-text.ts';
import { EMULATED_INSN_NAMES } from '../../core/techniques/deprivileged/emulated.ts';
import type { CatalogCpu, MachineView } from '../../worker/protocol.ts';
import type { LoggedEvent } from '../../state/event-log.ts';
import { t } from '../../i18n/t.ts';
import type { MessageKey } from '../../i18n/catalogue.ts';

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

function layouts(): Readonly<Record<PlatformId, PlatformLayout>> {
  return {
    native: {
      id: 'native',
      title: t('rings.platform.nativeTitle'),
      caption: t('rings.platform.nativeCaption'),
      columns: [{ id: 'host', label: t('rings.platform.nativeLabel'), sub: t('rings.platform.nativeSub') }],
      occupants: [
        { col: 'host', ring: 3, label: t('rings.platform.nativeLabel2'), sub: t('rings.platform.nativeSub2'), role: 'apps' },
        { col: 'host', ring: 0, label: t('rings.platform.nativeLabel3'), sub: t('rings.platform.nativeSub3'), role: 'os' },
      ],
    },
    swvmm: {
      id: 'swvmm',
      title: t('rings.platform.swvmmTitle'),
      caption: t('rings.platform.swvmmCaption'),
      columns: [{ id: 'host', label: t('rings.platform.swvmmLabel'), sub: t('rings.platform.swvmmSub') }],
      occupants: [
        { col: 'host', ring: 3, label: t('rings.platform.swvmmLabel2'), sub: t('rings.platform.swvmmSub2'), role: 'guest-apps' },
        { col: 'host', ring: 1, label: t('rings.platform.swvmmLabel3'), sub: t('rings.platform.swvmmSub3'), role: 'guest-os' },
        { col: 'host', ring: 0, label: t('rings.platform.swvmmLabel4'), sub: t('rings.platform.swvmmSub4'), role: 'vmm' },
      ],
    },
    bt: {
      id: 'bt',
      title: t('rings.platform.btTitle'),
      caption: t('rings.platform.btCaption'),
      columns: [{ id: 'host', label: t('rings.platform.btLabel'), sub: t('rings.platform.btSub') }],
      occupants: [
        { col: 'host', ring: 3, label: t('rings.platform.btLabel2'), sub: t('rings.platform.btSub2'), role: 'guest-apps' },
        { col: 'host', ring: 1, label: t('rings.platform.btLabel3'), sub: t('rings.platform.btSub3'), role: 'guest-os' },
        { col: 'host', ring: 0, label: t('rings.platform.btLabel4'), sub: t('rings.platform.btSub4'), role: 'vmm' },
      ],
    },
    pv: {
      id: 'pv',
      title: t('rings.platform.pvTitle'),
      caption: t('rings.platform.pvCaption'),
      columns: [{ id: 'host', label: t('rings.platform.pvLabel'), sub: t('rings.platform.pvSub') }],
      occupants: [
        { col: 'host', ring: 3, label: t('rings.platform.pvLabel2'), sub: t('rings.platform.pvSub2'), role: 'guest-apps' },
        { col: 'host', ring: 1, label: t('rings.platform.pvLabel3'), sub: t('rings.platform.pvSub3'), role: 'guest-os' },
        { col: 'host', ring: 0, label: t('rings.platform.pvLabel4'), sub: t('rings.platform.pvSub4'), role: 'vmm' },
      ],
    },
    vtx: {
      id: 'vtx',
      title: t('rings.platform.vtxTitle'),
      caption: t('rings.platform.vtxCaption'),
      columns: [
        { id: 'root', label: t('rings.platform.vtxLabel'), sub: t('rings.platform.vtxSub') },
        { id: 'nonroot', label: t('rings.platform.vtxLabel2'), sub: t('rings.platform.vtxSub2') },
      ],
      occupants: [
        { col: 'root', ring: 0, label: t('rings.platform.vtxLabel3'), sub: t('rings.platform.vtxSub3'), role: 'vmm' },
        { col: 'nonroot', ring: 3, label: t('rings.platform.vtxLabel4'), sub: t('rings.platform.vtxSub4'), role: 'guest-apps' },
        { col: 'nonroot', ring: 0, label: t('rings.platform.vtxLabel5'), sub: t('rings.platform.vtxSub5'), role: 'guest-os' },
      ],
    },
  };
}

/** Getters, so the words follow the active language. */
export const PLATFORMS: Readonly<Record<PlatformId, PlatformLayout>> = {
  get native() {
    return layouts().native;
  },
  get swvmm() {
    return layouts().swvmm;
  },
  get bt() {
    return layouts().bt;
  },
  get pv() {
    return layouts().pv;
  },
  get vtx() {
    return layouts().vtx;
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
  /** The same in plain words, for the Sales detail level (no addresses, no field values); absent where title/detail are plain. */
  plain?: { title: string; detail: string };
}

/** Exit reasons with a plain-words sentence for Sales; any other reason gets plainExitOther. */
const PLAIN_EXIT: Readonly<Record<number, MessageKey>> = {
  0: 'rings.platform.plainExit0',
  1: 'rings.platform.plainExit1',
  2: 'rings.platform.plainExit2',
  7: 'rings.platform.plainExit7',
  10: 'rings.platform.plainExit10',
  12: 'rings.platform.plainExit12',
  18: 'rings.platform.plainExit18',
  28: 'rings.platform.plainExit28',
  30: 'rings.platform.plainExit30',
  31: 'rings.platform.plainExit31',
  32: 'rings.platform.plainExit32',
  48: 'rings.platform.plainExit48',
  52: 'rings.platform.plainExit52',
};

export interface Handlers {
  [reason: number]: { name: string; does: string };
}

const hex = (v: number, d = 8): string => '0x' + (v >>> 0).toString(16).toUpperCase().padStart(d, '0');
const cyc = (n: number): string => t('rings.platform.cycles', { n: Math.round(n).toLocaleString('en-US') });
const fig = (f: { value: number; kind: string } | undefined): string => (f === undefined ? '' : `${cyc(f.value)} (${f.kind})`);

function deliveryName(type: number, vector: number): { kind: TransitionKind; name: string } {
  if (type === EventType.SOFTWARE_INTERRUPT) return { kind: 'syscall', name: `INT ${hex(vector, 2)}` };
  if (type === EventType.EXTERNAL_INTERRUPT) return { kind: 'interrupt', name: t('rings.platform.externalInterrupt', { vector: hex(vector, 2) }) };
  if (type === EventType.NMI) return { kind: 'interrupt', name: 'NMI' };
  return { kind: 'exception', name: EXCEPTION_MNEMONICS[vector] ?? t('rings.platform.exceptionN', { vector }) };
}

/**
 * The move an event represents, or null for events that do not move the processor (instructions retired
 * in the same ring, device I/O, console output…).
 */
export function transitionOf(e: LoggedEvent, platform: PlatformId, cpu: CatalogCpu | undefined, handlers: Handlers | undefined): Transition | null {
  const body = transitionBody(e, platform, cpu, handlers);
  if (body === null) return null;
  return { ...body, label: labelOf(e, body, handlers) };
}

/** The diagram's two-line label: the cause without the address, then the reason number and the cost. */
function labelOf(e: LoggedEvent, body: Omit<Transition, 'label'>, handlers: Handlers | undefined): [string, string] {
  const p = e.p;
  const cost = body.cost.replace(/ \((measured|derived|assumption)\)$/, ' ($1)');
  switch (e.kind) {
    case EventKind.VMEXIT: {
      const basic = p[1] & 0xffff;
      return [t('rings.platform.labelExit', { name: exitReasonInfo(basic)?.shortName ?? basic }), t('rings.platform.labelReason', { basic, cost: cost ? ` · ${cost}` : '' })];
    }
    case EventKind.VMENTRY:
      return [t('rings.platform.labelEntry', { insn: p[1] === 0 ? 'VMLAUNCH' : 'VMRESUME' }), cost || t('rings.platform.toRing', { ring: p[5] })];
    case EventKind.VMM_HANDLER:
      return [t('rings.platform.vmmRuns', { name: handlerName(handlers, p[2]) }), cost];
    case EventKind.SW_TRAP: {
      const x = trapText(p);
      return [t('rings.platform.labelTrap', { what: x.what, vector: x.what !== x.vector ? ` (${x.vector})` : '' }), cost || t('rings.platform.ringTo0', { ring: x.ring })];
    }
    case EventKind.SW_RESUME:
      return [t('rings.platform.labelBack'), t('rings.platform.labelBackRing', { ring: p[2], thinks: p[3] })];
    case EventKind.BT_TRANSLATE:
      return [t('rings.platform.labelTcMiss', { n: p[3] }), cost];
    case EventKind.BT_CALLOUT:
      return [t('rings.platform.labelCallout', { name: calloutName(p[2]) }), cost];
    case EventKind.PV_HYPERCALL:
      return [t('rings.platform.labelHypercall', { name: hypercallName(p[1], p[2]) }), cost];
    case EventKind.PV_DOMAIN_CRASH:
      return [t('rings.platform.labelCrashed'), p[5] >= 0 ? t('rings.platform.notEmulated', { insn: EMULATED_INSN_NAMES[p[5]] ?? '' }) : t('rings.platform.faultNotEmulated')];
    default:
      return [body.title.replace(/ (at|to) 0x[0-9A-F]+$/, ''), cost || body.detail.split(/[.;]/)[0]];
  }
}

/** The handler's name for exit reason `reason`, as the VMM_HANDLER title shows it. */
function handlerName(handlers: Handlers | undefined, reason: number): string {
  return handlers?.[reason]?.name ?? t('rings.platform.reasonN', { n: reason });
}

function transitionBody(e: LoggedEvent, platform: PlatformId, cpu: CatalogCpu | undefined, handlers: Handlers | undefined): Omit<Transition, 'label'> | null {
  const p = e.p;
  switch (e.kind) {
    case EventKind.EVENT_DELIVERY: {
      const d = deliveryName(p[2], p[1]);
      const col = colOf(platform, p[7]);
      const err = p[3] >= 0 ? t('rings.platform.errorCode', { code: hex(p[3], 4) }) : '';
      const ringMove = p[5] !== p[6] ? t('rings.platform.ringMove', { from: p[5], to: p[6] }) : t('rings.platform.staysInRing', { ring: p[6] });
      const what = d.kind === 'syscall' ? t('rings.platform.systemCall') : d.kind === 'interrupt' ? t('rings.platform.interrupt') : t('rings.platform.exception');
      if (isSoftwarePlatform(platform) && p[6] === 0) {
        // Under the software VMM every event goes through the VMM's IDT into ring 0 (vmm.ts, white paper §3.1).
        return {
          seq: e.seq,
          kind: d.kind,
          from: { col, ring: clampRing(p[5]) },
          to: { col, ring: 0 },
          title: t('rings.platform.deliveryTitle', { what, name: d.name }),
          detail: t('rings.platform.deliveredVmm', { err, ringMove, address: hex(p[4]) }),
          cost: '',
        };
      }
      return {
        seq: e.seq,
        kind: d.kind,
        from: { col, ring: clampRing(p[5]) },
        to: { col, ring: clampRing(p[6]) },
        title: t('rings.platform.deliveryTitle', { what, name: d.name }),
        detail: t('rings.platform.delivered', { err, ringMove, stack: p[5] !== p[6] ? t('rings.platform.stackSwitched') : '', address: hex(p[4]) }),
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
        title: t('rings.platform.iretTo', { address: hex(p[3]) }),
        detail: p[1] !== p[2] ? t('rings.platform.iretMove', { from: p[1], to: p[2] }) : t('rings.platform.iretSame', { ring: p[2] }),
        cost: fig(cpu?.costs.iret),
      };
    }
    case EventKind.FAR_TRANSFER: {
      const col = colOf(platform, p[5]);
      const name = [t('rings.platform.farCall'), t('rings.platform.farJmp'), t('rings.platform.farRet'), 'SYSENTER', 'SYSEXIT'][p[1]] ?? t('rings.platform.farTransfer');
      return { seq: e.seq, kind: 'far', from: { col, ring: clampRing(p[2]) }, to: { col, ring: clampRing(p[3]) }, title: t('rings.platform.nameTo', { name, address: hex(p[4]) }), detail: t('rings.platform.farDetail', { from: p[2], to: p[3] }), cost: '' };
    }
    case EventKind.VMEXIT: {
      const full = p[1] >>> 0;
      const basic = full & 0xffff;
      const info = exitReasonInfo(basic);
      const failure = (full & 0x80000000) !== 0;
      const name = info?.shortName ?? t('rings.platform.reasonN', { n: basic });
      const h = handlers?.[basic];
      return {
        seq: e.seq,
        kind: failure ? 'vmfail' : 'vmexit',
        // From the ring the guest was in: a timer interrupt while its application runs leaves ring 3.
        from: { col: 'nonroot', ring: failure ? 0 : clampRing(exitGuestCpl(p[4])) },
        to: { col: 'root', ring: 0 },
        title: failure ? t('rings.platform.entryFailed', { name }) : t('rings.platform.exitAt', { name, address: hex(p[5]) }),
        detail: t('rings.platform.exitDetail', {
          basic,
          sdm: info?.sdmName ?? t('rings.platform.unknown'),
          length: exitInsnLength(p[4]) > 0 ? t('rings.platform.insnLength', { n: exitInsnLength(p[4]) }) : '',
          qual: p[2] !== 0 ? t('rings.platform.qualification', { q: hex(p[2]) }) : '',
          next: h ? t('rings.platform.next', { name: h.name }) : '',
        }),
        cost: fig(cpu?.costs.vmExit),
        plain: failure
          ? undefined
          : { title: t('rings.platform.plainExitTitle', { name }), detail: t(PLAIN_EXIT[basic] ?? 'rings.platform.plainExitOther') },
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
        title: t('rings.platform.handlerTitle', { name: h?.name ?? t('rings.platform.reasonN', { n: p[2] }) }),
        detail: t('rings.platform.handlerDetail', { what: info?.shortName ?? t('rings.platform.exitReasonN', { n: p[2] }), vm: p[1], does: h?.does ?? t('rings.platform.noHandler') }),
        cost: cyc(p[4]),
        plain: { title: t('rings.platform.plainHandlerTitle'), detail: t('rings.platform.plainHandler') },
      };
    }
    case EventKind.VMENTRY: {
      const inj = p[4] !== 0 ? t('rings.platform.injects', { name: injectionName(p[4]) }) : '';
      return {
        seq: e.seq,
        kind: 'vmentry',
        from: { col: 'root', ring: 0 },
        to: { col: 'nonroot', ring: clampRing(p[5]) },
        title: t('rings.platform.entryTo', { insn: p[1] === 0 ? 'VMLAUNCH' : 'VMRESUME', address: hex(p[2]) }),
        detail: t('rings.platform.entryDetail', { inj, ring: p[5] }),
        cost: fig(cpu?.costs.vmEntry),
        plain: { title: t('rings.platform.plainEntryTitle'), detail: t(p[4] !== 0 ? 'rings.platform.plainEntryInjects' : 'rings.platform.plainEntry') },
      };
    }
    case EventKind.VMFAIL: {
      const name = VMX_INSTRUCTION_NAMES[p[1]] ?? t('rings.platform.vmxInstruction');
      return {
        seq: e.seq,
        kind: 'vmfail',
        from: { col: 'root', ring: 0 },
        to: { col: 'root', ring: 0 },
        title: t('rings.platform.failed', { name, how: p[2] === 1 ? t('rings.platform.failValid', { n: p[3] }) : 'VMfailInvalid' }),
        detail: p[2] === 1 ? t('rings.platform.failValidDetail', { n: p[3], text: instructionErrorText(p[3]) }) : t('rings.platform.failInvalidDetail'),
        cost: '',
      };
    }
    case EventKind.SW_TRAP: {
      // The guest kernel (real ring 1) or its applications (ring 3) trapped into the VMM at ring 0 (vmm.ts onEvent).
      const x = trapText(p);
      const how = x.emulated && !x.what.startsWith('INT') ? t('rings.platform.emulates', { does: x.does }) : t('rings.platform.vmmDoes', { does: x.does });
      return {
        seq: e.seq,
        kind: 'swtrap',
        from: { col: 'host', ring: clampRing(x.ring) },
        to: { col: 'host', ring: 0 },
        title: t('rings.platform.trapTitle', { what: x.what, address: hex(x.eip) }),
        detail: `${x.why ? t('rings.platform.trapFaults', { ring: x.ring, why: x.why }) : t('rings.platform.trapVector', { vector: x.vector, ring: x.ring })}${how}`,
        // The cycles the VMM charged (SW_TRAP p6), with the provenance of the figure (costs.ts: an assumption).
        cost: p[6] > 0 ? `${cyc(p[6])} (${cpu?.costs.swTrap?.kind ?? t('common.assumption')})` : '',
      };
    }
    case EventKind.SW_RESUME:
      return {
        seq: e.seq,
        kind: 'swresume',
        from: { col: 'host', ring: 0 },
        to: { col: 'host', ring: clampRing(p[2]) },
        title: t('rings.platform.backAt', { address: hex(p[1]) }),
        detail: p[4] >= 0 ? t('rings.platform.backDeliver', { vector: hex(p[4], 2), ring: p[2], thinks: p[3] }) : t('rings.platform.backResume', { ring: p[2], thinks: p[3] }),
        cost: '',
      };
    case EventKind.BT_TRANSLATE:
      // The translator runs in the VMM (ring 0) on a miss; the guest kernel's translated code then runs in ring 1.
      return {
        seq: e.seq, kind: 'translate', from: { col: 'host', ring: 1 }, to: { col: 'host', ring: 0 },
        title: t('rings.platform.tcMissAt', { address: hex(p[1]) }),
        detail: t('rings.platform.translated', { insns: t('rings.platform.guestInsns', { count: p[3] }), callouts: t('rings.platform.callouts', { count: p[4] }), n: p[5] }),
        cost: `${cyc(p[6])} (${t('common.assumption')})`,
      };
    case EventKind.BT_CALLOUT:
      return {
        seq: e.seq, kind: 'callout', from: { col: 'host', ring: 1 }, to: { col: 'host', ring: 0 },
        title: t('rings.platform.calloutAt', { name: calloutName(p[2]), address: hex(p[1]) }),
        detail: t('rings.platform.calloutDetail', { n: p[4], name: calloutName(p[2]), ring: p[3] }),
        cost: `${cyc(p[5])} (${t('common.assumption')})`,
      };
    case EventKind.PV_HYPERCALL:
      return {
        seq: e.seq, kind: 'hypercall', from: { col: 'host', ring: 1 }, to: { col: 'host', ring: 0 },
        title: t('rings.platform.hypercallAt', { name: hypercallName(p[1], p[2]), address: hex(p[4]) }),
        // describeHypercall's English opening is replaced by the ported-kernel sentence (both from the catalogue).
        detail: `${describeHypercall(p).replace(/^Hypercall \S+ (\([^)]*\) )?from the guest kernel at 0x[0-9A-F]+/, t('rings.platform.portedCalls')).replace(/, [\d,]+ cycles$/, '')}.`,
        cost: `${cyc(p[6])} (${t('common.assumption')})`,
      };
    case EventKind.PV_DOMAIN_CRASH:
      return {
        seq: e.seq, kind: 'domaincrash', from: { col: 'host', ring: clampRing(p[4]) }, to: { col: 'host', ring: 0 },
        title: t('rings.platform.crashedAt', { address: hex(p[3]) }),
        detail: `${describeDomainCrash(p)}.`,
        cost: '',
      };
    case EventKind.HALT: {
      const col = colOf(platform, p[2]);
      // After an HLT exit the VMM's handler lets the vCPU sleep: the processor stays with the VMM, in VMX root.
      if (p[3] === 1) return { seq: e.seq, kind: 'halt', from: { col, ring: 0 }, to: { col, ring: 0 }, title: t('rings.platform.vcpuHltAt', { address: hex(p[1]) }), detail: t('rings.platform.vcpuHltDetail'), cost: '' };
      return { seq: e.seq, kind: 'halt', from: { col, ring: 0 }, to: { col, ring: 0 }, title: t('rings.platform.hltAt', { address: hex(p[1]) }), detail: t('rings.platform.hltDetail'), cost: '' };
    }
    case EventKind.SHUTDOWN:
      return { seq: e.seq, kind: 'shutdown', from: { col: colOf(platform, p[2]), ring: 0 }, to: { col: colOf(platform, p[2]), ring: 0 }, title: t('rings.platform.shutdown'), detail: t('rings.platform.shutdownDetail'), cost: '' };
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
