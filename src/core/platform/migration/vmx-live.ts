/**
 * Live migration of a VM that really runs on the VMX core (src/core/vmm/hypervisor.ts), page by page:
 *
 *   1. the source host runs the guest (vmx-guest.ts) for a warm-up;
 *   2. dirty logging starts (ept-dirty-log.ts: every guest page write-protected in EPT);
 *   3. the migration engine (engine.ts) runs its pre-copy rounds; at the start of each round the pages that
 *      round sends are copied to the destination's staging RAM (round 1: all of them), then the guest runs for
 *      the round's duration on the simulated clock, and the pages it wrote — seen as EPT violations — form the
 *      next round's set (KVM_GET_DIRTY_LOG semantics, usage-models.md §B1/§B2);
 *   4. stop-and-copy: the guest is suspended (it is simply not run any more), the last dirty set is copied, and
 *      the processor, VMCS, device and VMM state travel as a snapshot (Hypervisor.snapshot) — QEMU's device-state
 *      section after the RAM section (§B2);
 *   5. the destination hypervisor restores that state over the RAM it received and resumes the guest.
 *
 * Copying a page at the start of its round is equivalent to sending it during the round: a write after the copy
 * is logged and the page goes again next round. So the destination's RAM must equal the source's at suspension,
 * page for page — checked and reported (`pagesDiffering`), as is the guest's own output after the move against a
 * reference run of the same snapshot left on the source (`outputContinues`).
 *
 * Time: the engine's round durations (memory / bandwidth) become guest time on the processor's cycle counter
 * (cycles / core clock). The guest runs in steps of a few hundred instructions, so a round may overrun by up to one
 * timer tick; the overrun is carried and taken off the next round (`overrunSeconds` reports the last one).
 */
import { assemble } from '../../x86/asm/index.ts';
import { getCpuModel, toProcessorModel } from '../../cpu-models/index.ts';
import { guestCostsFor } from '../../cost/model.ts';
import { Hypervisor } from '../../vmm/hypervisor.ts';
import { GUEST_AREA_START } from '../../vmm/host.ts';
import { PROGRAM_BASE } from '../../machine/layout.ts';
import { VmState } from '../../trace/events.ts';
import type { Vm } from '../../vmm/vm.ts';
import { EptDirtyLog } from './ept-dirty-log.ts';
import { simulateMigrationFromSource, type MigrationResult } from './engine.ts';
import type { MigrationParams } from './params.ts';
import { PAGE_SIZE } from './units.ts';
import { GUEST_TICK_HZ, nominalWriteBytesPerSecond, validateGuestParams, vmxGuestSource, VMX_GUEST_MEMORY_BYTES, type VmxGuestParams } from './vmx-guest.ts';
import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/platform.ts';

export interface VmxMigrationParams extends Omit<MigrationParams, 'dirty' | 'memoryBytes' | 'postCopy'> {
  guest: VmxGuestParams;
  /** Guest seconds run on the source before the migration starts (default 0.3 s). */
  warmupSeconds?: number;
  /** Guest seconds run after the move, on the destination and on the reference (default 0.3 s). */
  afterSeconds?: number;
  /** CPU model with EPT (default 'nehalem'). */
  cpu?: string;
}

export interface VmxRoundLog {
  index: number;
  /** Pages the guest wrote during the round (distinct, from the EPT dirty log). */
  dirtyPages: number;
  /** Logged EPT violations in the round (one per page written, the first write after its protection). */
  faults: number;
  /** Ticks the guest counted by the end of the round. */
  ticks: number;
}

export interface VmxMigrationResult {
  migration: MigrationResult;
  rounds: VmxRoundLog[];
  tickHz: number;
  pageCount: number;
  /** Nominal page-write rate of the guest program (writes x 4 KiB x ticks/s). */
  nominalWriteBytesPerSecond: number;
  /** Dirty-logging faults over the whole migration. */
  faults: number;
  /** Guest console before the migration started and up to the suspension. */
  consoleAtSuspend: string;
  /** What the guest printed after resuming on the destination. */
  consoleAfterDestination: string;
  /** What the same guest prints over the same time if it had stayed (reference run of the suspended state). */
  consoleAfterReference: string;
  outputContinues: boolean;
  /** Guest pages whose destination copy differs from the source at suspension (0 when dirty logging is complete). */
  pagesDiffering: number;
  /** Tick counter of the guest at suspension and after the run on the destination. */
  ticksAtSuspend: number;
  ticksAfter: number;
  destinationState: 'running' | 'halted' | 'stopped' | 'crashed';
  overrunSeconds: number;
}

export type VmxMigrationOutcome = { ok: true; result: VmxMigrationResult } | { ok: false; error: string };

const STEP_INSTRUCTIONS = 400;

function build(cpu: string, source: string): { hv: Hypervisor; vm: Vm; clockHz: number; symbols: Record<string, number> } | string {
  const cm = getCpuModel(cpu);
  if (cm === undefined) return t('platform.vmxLive.unknownCpuModel', { cpu });
  if (!cm.features.ept) return t('platform.vmxLive.hasNoEpt', { name: cm.name });
  const model = toProcessorModel(cm);
  const asm = assemble(source, { origin: PROGRAM_BASE });
  if (!asm.ok) return t('platform.vmxLive.guestProgram', { error: asm.errors[0]?.message ?? t('platform.vmxLive.assemblyFailed') });
  const hv = new Hypervisor(model, { hostMemoryBytes: GUEST_AREA_START + VMX_GUEST_MEMORY_BYTES, costs: guestCostsFor(cm.id) });
  const vm = hv.createVm({ name: 'service', memoryBytes: VMX_GUEST_MEMORY_BYTES, vcpus: 1 }, asm.entry);
  vm.mem.load(asm.origin, asm.bytes);
  hv.cache.clear();
  return { hv, vm, clockHz: model.coreClockHz, symbols: asm.symbols };
}

/** Runs the guests of `hv` for `seconds` of simulated time on CPU 0's clock; returns the overrun in seconds. */
function runFor(hv: Hypervisor, seconds: number, clockHz: number): number {
  const c = hv.cpus[0];
  const target = c.cycles + seconds * clockHz;
  while (c.cycles < target) {
    const r = hv.run(STEP_INSTRUCTIONS);
    if (r === 'all-stopped' || r === 'idle') break;
  }
  return Math.max(0, (c.cycles - target) / clockHz);
}

function stateName(vm: Vm): VmxMigrationResult['destinationState'] {
  switch (vm.state) {
    case VmState.RUNNING:
      return 'running';
    case VmState.HALTED:
      return 'halted';
    case VmState.CRASHED:
      return 'crashed';
    default:
      return 'stopped';
  }
}

export function migrateVmxGuest(p: VmxMigrationParams): VmxMigrationOutcome {
  const bad = validateGuestParams(p.guest);
  if (bad !== null) return { ok: false, error: bad };
  const source = vmxGuestSource(p.guest);
  const cpu = p.cpu ?? 'nehalem';
  const src = build(cpu, source);
  if (typeof src === 'string') return { ok: false, error: src };
  const { hv, vm, clockHz, symbols } = src;
  const ticksAddr = symbols.ticks;
  const ticks = (): number => vm.mem.read32(ticksAddr) >>> 0;

  runFor(hv, p.warmupSeconds ?? 0.3, clockHz);
  if (vm.state !== VmState.RUNNING && vm.state !== VmState.HALTED) return { ok: false, error: t('platform.vmxLive.error', { stopReason: vm.stopReason }) };

  const log = new EptDirtyLog(hv, vm);
  const pages = log.pageCount;
  const base = vm.mem.base;
  const staging = new Uint8Array(pages * PAGE_SIZE);
  const all = new Uint8Array((pages + 7) >>> 3).fill(0xff);
  let pending: Uint8Array = all; // the set the current round sends (round 1: every page)
  const copyPages = (set: Uint8Array): void => {
    const bytes = hv.mem.bytes;
    for (let i = 0; i < set.length; i++) {
      let b = set[i];
      while (b !== 0) {
        const page = i * 8 + (31 - Math.clz32(b & -b));
        b &= b - 1;
        if (page >= pages) continue;
        const off = page * PAGE_SIZE;
        staging.set(bytes.subarray(base + off, base + off + PAGE_SIZE), off);
      }
    }
  };
  const rounds: VmxRoundLog[] = [];
  let carry = 0;
  let overrun = 0;
  log.start();
  const migration = simulateMigrationFromSource({ ...p }, {
    pageCount: pages,
    nextRoundDirtyPages(guestSeconds: number): Uint8Array {
      copyPages(pending); // the round's pages leave now; later writes are logged
      const f0 = log.faults;
      const want = Math.max(0, guestSeconds - carry);
      carry = 0;
      if (want > 0) {
        overrun = runFor(hv, want, clockHz);
        carry = overrun;
      }
      const dirty = log.collect();
      let n = 0;
      for (let i = 0; i < dirty.length; i++) {
        let b = dirty[i];
        while (b !== 0) {
          n++;
          b &= b - 1;
        }
      }
      rounds.push({ index: rounds.length + 1, dirtyPages: n, faults: log.faults - f0, ticks: ticks() });
      pending = dirty;
      return dirty;
    },
  });
  // Stop-and-copy: the guest is suspended (not run again here); the last dirty set and the machine state go over.
  copyPages(pending);
  log.stop();
  vm.flushUart();
  const consoleAtSuspend = vm.console;
  const ticksAtSuspend = ticks();
  const snap = hv.snapshot(true);

  // Destination: the VMM and processor state from the snapshot, guest RAM only from the pages transferred.
  const dstBuilt = build(cpu, source);
  if (typeof dstBuilt === 'string') return { ok: false, error: dstBuilt };
  const dst = dstBuilt.hv;
  const dstMemory = snap.memory!.slice();
  dstMemory.set(staging, base);
  dst.restore({ ...snap, memory: dstMemory });

  let pagesDiffering = 0;
  const srcBytes = hv.mem.bytes;
  for (let page = 0; page < pages; page++) {
    const off = base + page * PAGE_SIZE;
    for (let k = 0; k < PAGE_SIZE; k += 4) {
      if (srcBytes[off + k] !== dstMemory[off + k] || srcBytes[off + k + 1] !== dstMemory[off + k + 1] || srcBytes[off + k + 2] !== dstMemory[off + k + 2] || srcBytes[off + k + 3] !== dstMemory[off + k + 3]) {
        pagesDiffering++;
        break;
      }
    }
  }

  // Resume on the destination; the reference is the source's suspended state run on as if nothing had happened.
  const after = p.afterSeconds ?? 0.3;
  const dvm = dst.vms[vm.id];
  const before = dvm.console.length;
  runFor(dst, after, clockHz);
  dvm.flushUart();
  runFor(hv, after, clockHz);
  vm.flushUart();
  const consoleAfterDestination = dvm.console.slice(before);
  const consoleAfterReference = vm.console.slice(consoleAtSuspend.length);
  return {
    ok: true,
    result: {
      migration,
      rounds,
      tickHz: GUEST_TICK_HZ,
      pageCount: pages,
      nominalWriteBytesPerSecond: nominalWriteBytesPerSecond(p.guest),
      faults: log.faults,
      consoleAtSuspend,
      consoleAfterDestination,
      consoleAfterReference,
      outputContinues: consoleAfterDestination.length > 0 && consoleAfterDestination === consoleAfterReference,
      pagesDiffering,
      ticksAtSuspend,
      ticksAfter: dvm.mem.read32(ticksAddr) >>> 0,
      destinationState: stateName(dvm),
      overrunSeconds: overrun,
    },
  };
}
