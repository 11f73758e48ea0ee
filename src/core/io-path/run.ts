/**
 * Runs one I/O path on the real VMX core: the guest driver (guests.ts) in VMX non-root operation under the
 * built-in VMM (src/core/vmm/hypervisor.ts), the device model (devices.ts) on the VM's port bus or, for the
 * assigned device, outside the VMM entirely. Every VM exit inside the measured window becomes a numbered step
 * with its exit qualification decoded (SDM Vol. 3C §28.2.1, Table 28-5 "Exit Qualification for I/O
 * Instructions"); the device's own steps are interleaved in simulated-cycle order.
 */
import { t } from '../../i18n/t.ts';
import '../../i18n/en/iopath.ts';
import { EventKind } from '../trace/events.ts';
import type { TraceSink } from '../trace/sink.ts';
import { Hypervisor } from '../vmm/hypervisor.ts';
import { GUEST_AREA_START } from '../vmm/host.ts';
import { VmState } from '../trace/events.ts';
import type { Vm } from '../vmm/vm.ts';
import { assemble } from '../x86/asm/index.ts';
import { GUEST_MEMORY_BYTES, PROGRAM_BASE } from '../machine/layout.ts';
import { getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { costModelFor, toHypervisorCosts } from '../cost/model.ts';
import { figureById } from '../cost/figures.ts';
import { exitReasonInfo } from '../vmx/spec/exit-reasons.ts';
import { disassemble } from '../x86/disasm/index.ts';
import {
  ATA_BASE,
  AssignedDevice,
  AtaDisk,
  NE_BASE,
  Ne2000Nic,
  VIRTIO_BASE,
  VirtioLegacy,
  ataRegisterName,
  ne2000RegisterName,
  virtioRegisterName,
  type DeviceCounters,
} from './devices.ts';
import { BUF_GPA, guestProgram } from './guests.ts';
import { IoLog, hex } from './log.ts';
import type { ExitRole, IoPathKind, IoPathParams, IoPathRun, IoStep } from './types.ts';

/** Guest instructions between two looks at the assigned device (its "clock"), and the run's safety cap. */
const SLICE = 8;
const MAX_INSTRUCTIONS = 3_000_000;

/** The register a port belongs to, by device. */
export function portName(port: number): string {
  if (port >= NE_BASE && port <= NE_BASE + 0x1f) return `NE2000 ${ne2000RegisterName(port)}`;
  if (port >= ATA_BASE && port <= ATA_BASE + 7) return `IDE ${ataRegisterName(port)}`;
  if (port >= VIRTIO_BASE && port <= VIRTIO_BASE + 0x1f) return `virtio ${virtioRegisterName(port)}`;
  if (port === 0x20) return t('iopath.run.n8259aMasterCommandEoi');
  if (port === 0xa0) return t('iopath.run.n8259aSlaveCommandEoi');
  if (port === 0x21 || port === 0xa1) return t('iopath.run.n8259aMask');
  return t('iopath.run.portAt', { port: hex(port, 4) });
}

/** Exit qualification of an I/O-instruction exit (SDM Vol. 3C Table 28-5), decoded. */
export interface IoQualification {
  size: number;
  direction: 'IN' | 'OUT';
  string: boolean;
  rep: boolean;
  operand: 'DX' | 'immediate';
  port: number;
}

export function decodeIoQualification(q: number): IoQualification {
  return {
    size: (q & 7) + 1,
    direction: (q & 8) !== 0 ? 'IN' : 'OUT',
    string: (q & 0x10) !== 0,
    rep: (q & 0x20) !== 0,
    operand: (q & 0x40) !== 0 ? 'immediate' : 'DX',
    port: q >>> 16,
  };
}

function describeExit(reason: number, qual: number, intrInfo: number): string {
  if (reason === 30) {
    const d = decodeIoQualification(qual);
    const insn = `${d.rep ? 'REP ' : ''}${d.direction}${d.string ? 'S' : ''}`;
    return t(d.direction === 'IN' ? 'iopath.run.ioExitIn' : 'iopath.run.ioExitOut', { insn, count: d.size, port: hex(d.port, 4), portName: portName(d.port), operand: d.operand === 'DX' ? 'DX' : t('iopath.run.anImmediate'), qual: hex(qual, 8), sizeField: d.size - 1, directionBit: d.direction === 'IN' ? 1 : 0, stringBit: d.string ? 1 : 0, repBit: d.rep ? 1 : 0, operandBit: d.operand === 'DX' ? 0 : 1 });
  }
  if (reason === 1) return t('iopath.run.aHostInterruptArrivedWhile', { intrInfo: hex(intrInfo, 8), vector: hex(intrInfo & 0xff, 2) });
  if (reason === 18) return t('iopath.run.vmcallAHypercall');
  if (reason === 48) return t('iopath.run.eptViolationAtGuestPhysical', { qual: hex(qual) });
  return t('iopath.run.exitQualification', { qual: hex(qual, 8) });
}

/** Collects VM exits, their cost and event injections, in the measured window only. */
class PathSink implements TraceSink {
  vm: Vm | null = null;
  phaseGpa = 0;
  inIsrGpa = 0;
  exitNo = 0;
  setupExits = 0;
  private pending: IoStep | null = null;
  readonly roles: Record<ExitRole, number> = { data: 0, interrupt: 0, setup: 0 };
  readonly byReason: Record<string, number> = {};
  vmmCycles = 0;
  deviceModelExits = 0;
  constructor(private readonly log: IoLog, private readonly exitCost: number, private readonly entryCost: number) {}

  /** The guest instruction at a guest-physical EIP (paging is off in these guests), disassembled. */
  private instructionAt(eip: number): string {
    const bytes = new Uint8Array(15);
    for (let k = 0; k < 15; k++) bytes[k] = this.vm!.mem.read8(eip + k);
    return disassemble(bytes, eip, 32, 1)[0]?.text ?? '?';
  }

  private phase(): number {
    return this.vm === null ? 0 : this.vm.mem.read32(this.phaseGpa);
  }

  emit(kind: EventKind, cycle: number, _p0: number, p1: number, p2: number, _p3: number, p4: number, p5: number, _p6: number, p7: number): void {
    if (kind === EventKind.VMEXIT) {
      this.pending = null;
      if (this.phase() !== 1) {
        this.setupExits++;
        return;
      }
      const reason = p1 & 0xffff;
      const qual = p2 >>> 0;
      const inIsr = this.vm!.mem.read32(this.inIsrGpa) !== 0;
      const role: ExitRole = reason === 1 || inIsr ? 'interrupt' : 'data';
      const info = exitReasonInfo(reason);
      const name = info?.shortName ?? `reason ${reason}`;
      this.exitNo++;
      this.roles[role]++;
      const key = `${reason} ${name}`;
      this.byReason[key] = (this.byReason[key] ?? 0) + 1;
      if (reason === 30) {
        const port = qual >>> 16;
        if (port !== 0x20 && port !== 0xa0) this.deviceModelExits++;
      }
      const io = reason === 30 ? decodeIoQualification(qual) : null;
      const insn = reason === 30 ? this.instructionAt(p5) : '';
      const title = io !== null ? t('iopath.run.vmExitIo', { exitNo: this.exitNo, insn, portName: portName(io.port) }) : t('iopath.run.vmExitOther', { exitNo: this.exitNo, name: info?.sdmName ?? name });
      const who = reason === 30 ? t(inIsr ? 'iopath.run.theGuestHandlerExecutedAtEip' : 'iopath.run.theGuestDriverExecutedAtEip', { insn, eip: hex(p5, 8) }) : t('iopath.run.guestEip', { eip: hex(p5, 8) });
      this.pending = this.log.add({ hop: 'exit', cycle, exitNo: this.exitNo, reason, reasonName: info?.sdmName ?? name, role, title, detail: t('iopath.run.exitReason', { who, reason, name: info?.sdmName ?? name, explanation: describeExit(reason, qual, p7) }) });
      return;
    }
    if (kind === EventKind.VMM_HANDLER && this.pending !== null) {
      const c = this.exitCost + p4 + this.entryCost;
      this.pending.exitCycles = c;
      this.vmmCycles += c;
      this.pending = null;
      return;
    }
    // VMENTRY payload: p0 cpu, p1 resume, p2 guest EIP, p3 VMCS, p4 VM-entry interruption information (valid bit set) or 0.
    if (kind === EventKind.VMENTRY && p4 !== 0 && this.phase() === 1) {
      const vector = p4 & 0xff;
      this.log.add({ hop: 'entry', cycle, title: t('iopath.run.vmEntryInjectsVectorIrq', { vector: hex(vector, 2), irq: vector >= 0x28 ? vector - 0x28 + 8 : vector - 0x20 }), detail: t('iopath.run.vmEntryInterruptionInformationField', { info: hex(p4, 8), vector: hex(vector, 2) }) });
    }
  }

  text(): void {}
}

/** A frame worth looking at in the buffer: broadcast Ethernet header, IPv4 ethertype, then a counting pattern. */
function fillBuffer(vm: Vm, bytes: number): void {
  const head = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x08, 0x00];
  for (let k = 0; k < bytes; k++) vm.mem.write8(BUF_GPA + k, k < head.length ? head[k] : k & 0xff);
}

export function runIoPath(path: IoPathKind, params: IoPathParams): IoPathRun {
  const cpu = getCpuModel(params.cpu);
  if (cpu === undefined) throw new RangeError(`unknown CPU model '${params.cpu}'`);
  const pm = toProcessorModel(cpu);
  const cm = costModelFor(pm.id);
  const log = new IoLog();
  const sink = new PathSink(log, cm.vmExit.value, cm.vmEntry.value);
  const hv = new Hypervisor(pm, { hostMemoryBytes: GUEST_AREA_START + GUEST_MEMORY_BYTES, trace: sink, costs: toHypervisorCosts(cm) });
  const prog = guestProgram(path, params);
  const asm = assemble(prog.source, { origin: PROGRAM_BASE });
  if (!asm.ok) throw new Error(`guest driver does not assemble: ${asm.errors[0]?.message} (line ${asm.errors[0]?.line})`);
  const vm = hv.createVm({ name: `${path}-${params.workload}`, memoryBytes: GUEST_MEMORY_BYTES, vcpus: 1 }, asm.entry);
  vm.mem.load(asm.origin, asm.bytes);
  hv.cache.clear();
  fillBuffer(vm, Math.min(params.bytes, 65536));
  sink.vm = vm;
  sink.phaseGpa = asm.symbols['phase'];
  sink.inIsrGpa = asm.symbols['in_isr'];
  log.gate = () => vm.mem.read32(sink.phaseGpa) === 1;
  const wire = { lineRateMbit: params.lineRateMbit };
  const irq = vm.pc.pic.irq(prog.irq);
  let counters: DeviceCounters;
  let assigned: AssignedDevice | null = null;
  if (path === 'assigned') {
    // The host's driver (VFIO-style) unmasks the device's line on the host interrupt controller; the VMM
    // forwards each host interrupt to the guest as a virtual one (no posted interrupts in the core).
    const hostPc = hv.hostPcs[0];
    hostPc.bus.write(0x21, 1, 0xfe & ~(1 << 5), 0);
    // A new edge on each line, held high afterwards: an 8259A input withdrawn before INTA loses the request
    // (8259A data sheet, "Edge and Level Triggered Modes"), and edge mode ignores a line that stays high.
    const raise = (): void => {
      const host = hostPc.pic.irq(5);
      host.set(false);
      host.set(true);
      irq.set(false);
      irq.set(true);
    };
    assigned = new AssignedDevice(log, vm.mem, params.workload, wire, raise, vm.id + 1);
    counters = assigned.counters;
  } else {
    const dev = path === 'emulated' ? (params.workload === 'net' ? new Ne2000Nic(log, irq, wire) : new AtaDisk(log, irq, wire)) : new VirtioLegacy(log, irq, wire, vm.mem, params.workload);
    const r = vm.pc.bus.register(dev);
    if (!r.ok) throw new Error(`device registration failed: ${r.reason}`);
    counters = dev.counters;
  }
  const c = hv.cpus[0];
  let start = -1;
  let end = -1;
  let startInsn = 0;
  let endInsn = 0;
  let vmmAtStart = 0;
  const phaseGpa = sink.phaseGpa;
  while (hv.totalInstructions() < MAX_INSTRUCTIONS && (vm.state === VmState.RUNNING || vm.state === VmState.HALTED)) {
    const r = hv.run(SLICE);
    const phase = vm.mem.read32(phaseGpa);
    if (start < 0 && phase >= 1) {
      start = c.cycles;
      startInsn = hv.totalInstructions();
      vmmAtStart = sink.vmmCycles;
    }
    if (assigned !== null && phase === 1) assigned.poll(c.cycles);
    if (end < 0 && phase >= 2) {
      end = c.cycles;
      endInsn = hv.totalInstructions();
    }
    if (r === 'all-stopped' || r === 'idle') break;
  }
  vm.flushUart();
  if (end < 0) end = c.cycles;
  const span = Math.max(0, end - Math.max(0, start));
  const vmmCycles = sink.vmmCycles - vmmAtStart;
  const unit = params.workload === 'net' ? t('iopath.run.packetOfBytes', { count: params.packets, bytes: params.bytes }) : t('iopath.run.writeRequestOfBytes', { count: params.packets, bytes: params.bytes });
  const how =
    path === 'emulated'
      ? params.workload === 'net'
        ? t('iopath.run.programsTheEmulatedNe2000Register')
        : t('iopath.run.programsTheEmulatedIdeController')
      : path === 'paravirtual'
        ? t('iopath.run.fillsRingDescriptorsInShared', { batch: params.batch })
        : t('iopath.run.fillsTheAssignedDeviceS', { batch: params.batch });
  log.first({ hop: 'guest-driver', cycle: Math.max(0, start), title: t('iopath.run.guestDriverSend', { packets: params.packets, unit }), detail: t('iopath.run.theDriverInTheGuest', { how, name: cpu.name }) });
  const steps = log.finish();
  const interruptExits = sink.roles.interrupt;
  const userSpace = figureById('kvm.userspace-exit.2012-unnamed');
  const userSpaceCycles = path === 'emulated' && params.userSpaceDeviceModel ? sink.deviceModelExits * (userSpace?.value ?? 0) : 0;
  return {
    path,
    params: { ...params },
    steps,
    exits: { data: sink.roles.data, interrupt: interruptExits, total: sink.exitNo, byReason: { ...sink.byReason } },
    postedRemovable: path === 'assigned' ? interruptExits : 0,
    interrupts: counters.interrupts,
    windowCycles: span,
    vmmCycles,
    guestCycles: Math.max(0, span - vmmCycles),
    userSpaceCycles,
    bytesDelivered: counters.bytes,
    completed: counters.completed,
    guestInstructions: endInsn - startInsn,
    console: vm.console,
    ended: vm.state === VmState.STOPPED ? t('iopath.run.poweredOff') : vm.state === VmState.CRASHED ? t('iopath.run.crashed', { reason: vm.stopReason }) : t('iopath.run.instructionCapReached'),
  };
}
