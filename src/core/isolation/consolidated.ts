/**
 * The non-virtualized consolidated server: the same three services in one kernel on the bare machine
 * (src/core/machine/bare.ts: one processor, no VMX, 12 MiB of RAM), one step of each per round. The same fault
 * code runs as in the VMs (programs.ts); here nothing stands between it and the other services:
 *  - a panic halts the only kernel (HLT with interrupts off: the processor never runs again),
 *  - a triple fault shuts the processor down (SDM Vol. 3A §6.15: the processor enters shutdown; a PC then resets),
 *  - a runaway loop with interrupts off never gives the CPU back, and no timer can take it,
 *  - the memory hog's pages run into the next service's memory (no limit, no EPT), whose integrity check then
 *    panics the kernel; from the last service they run into the kernel heap,
 *  - the wild write lands on the next service's state, same outcome,
 *  - the interrupt storm's handler runs for ever, so no service loop gets the CPU.
 * The run ends early only when the processor can never run again; otherwise it goes to the end and the lanes
 * show every service's progress stopping.
 */
import { getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { applyCostsToCpu } from '../cost/model.ts';
import { BareMachine } from '../machine/bare.ts';
import { assemble } from '../x86/asm/index.ts';
import { FAULTS } from './faults.ts';
import { CONSOLIDATED_MEMORY_BYTES, CONSOLIDATED_STATE, FAULT_CODE, PROGRAM_ORIGIN, SERVICE_IDS, SERVICES, STATE_MAILBOX, STATE_PROGRESS, consolidatedProgram } from './programs.ts';
import type { ConsolidatedRun, IsolationEvent, IsolationParams, LaneState, ProgressSample } from './types.ts';
import { SAMPLES_PER_RUN } from './virtualized.ts';
import { t as msg } from '../../i18n/t.ts';
import '../../i18n/en/partition.ts';

let IMAGE: { bytes: Uint8Array; entry: number } | null = null;
export function consolidatedImage(): { bytes: Uint8Array; entry: number } {
  if (IMAGE !== null) return IMAGE;
  const a = assemble(consolidatedProgram(), { origin: PROGRAM_ORIGIN });
  if (!a.ok) throw new Error(`consolidated kernel does not assemble: ${JSON.stringify(a.errors.slice(0, 3))}`);
  IMAGE = { bytes: a.bytes, entry: a.entry };
  return IMAGE;
}

/** Instructions per run slice between checks (small enough to sample finely). */
const CHUNK = 4000;

export function runConsolidated(p: IsolationParams): ConsolidatedRun {
  const cm = getCpuModel(p.cpu);
  if (cm === undefined) throw new RangeError(`unknown CPU model '${p.cpu}'`);
  const model = toProcessorModel(cm);
  const hz = model.coreClockHz;
  const cyc = (ms: number): number => Math.round((ms * hz) / 1000);
  const ms = (cycles: number): number => (1000 * cycles) / hz;
  const m = new BareMachine({ model, memoryBytes: CONSOLIDATED_MEMORY_BYTES });
  applyCostsToCpu(m.cpu, model.id);
  // A real processor: an exception it cannot deliver escalates to #DF and then to shutdown (no lab-mode stop).
  m.cpu.stopOnUnhandledException = false;
  const img = consolidatedImage();
  m.load(img.bytes, PROGRAM_ORIGIN, img.entry);
  const cpu = m.cpu;
  const end = cyc(p.durationMs);
  const faultAt = p.fault === 'none' ? Infinity : cyc(p.faultAtMs);
  const k = SERVICE_IDS.indexOf(p.target);
  const events: IsolationEvent[] = [];
  const samples: ProgressSample[] = [];
  const progress = (): number[] => SERVICE_IDS.map((s) => m.mem.read32(CONSOLIDATED_STATE[s] + STATE_PROGRESS) >>> 0);
  let state: LaneState = 'running';
  const sample = (now: number): void => {
    samples.push({ t: ms(now), progress: progress(), state: SERVICE_IDS.map(() => state) });
  };
  const sampleEvery = end / SAMPLES_PER_RUN;
  let nextSample = sampleEvery;
  let injected = false;
  let endKind: ConsolidatedRun['end'] = 'running';
  let lastChange = 0;
  let lastProgress = progress().join(',');
  let stalledReported = false;
  sample(0);
  while (cpu.cycles < end) {
    if (!injected && cpu.cycles >= faultAt) {
      m.mem.write32(CONSOLIDATED_STATE[p.target] + STATE_MAILBOX, FAULT_CODE[p.fault as keyof typeof FAULT_CODE]);
      injected = true;
      events.push({ tMs: ms(cpu.cycles), lane: k, kind: 'fault-injected', text: msg('partition.consolidated.kernelModeCodeInThe', { label: SERVICES[p.target].label, does: FAULTS[p.fault as keyof typeof FAULTS].does }) });
    }
    const r = m.run(CHUNK);
    const now = Math.min(cpu.cycles, end);
    const pr = progress().join(',');
    if (pr !== lastProgress) {
      lastProgress = pr;
      lastChange = now;
    } else if (injected && !stalledReported && now - lastChange >= cyc(p.watchdogMs)) {
      // Not a mechanism of the server (it has nobody to notice): the lab's observation, at the VMs' watchdog timeout.
      stalledReported = true;
      state = 'failed';
      endKind = 'stalled';
      events.push({ tMs: ms(lastChange), lane: -1, kind: 'stalled', text: msg('partition.consolidated.noServiceHasMade') });
      // The faulty code keeps the CPU for good (interrupts off, or a handler that never lets the loop run): the lab
      // stops simulating here and the lanes stay flat — what further execution would show, at no cost.
      sample(now);
      for (let t = nextSample; t < end; t += sampleEvery) samples.push({ t: ms(t), progress: progress(), state: SERVICE_IDS.map(() => state) });
      break;
    }
    if (now >= nextSample) {
      sample(now);
      while (nextSample <= now) nextSample += sampleEvery;
    }
    if (r.reason === 'halted' || r.reason === 'triple-fault' || r.reason === 'unhandled-exception' || r.reason === 'vmx-abort') {
      state = 'failed';
      endKind = r.reason === 'halted' ? 'halted' : 'shutdown';
      const why =
        r.reason === 'halted'
          ? msg('partition.consolidated.theKernelHaltedWith')
          : r.reason === 'triple-fault'
            ? msg('partition.consolidated.tripleFaultTheProcessor')
            : msg('partition.consolidated.theProcessorStopped', { reason: r.reason });
      events.push({ tMs: ms(cpu.cycles), lane: -1, kind: 'server-down', text: msg('partition.consolidated.serverDownEveryService', { why }) });
      sample(cpu.cycles);
      // The machine is dead: its lanes stay flat to the end.
      for (let t = nextSample; t < end; t += sampleEvery) sample(t);
      break;
    }
  }
  if (samples[samples.length - 1].t < p.durationMs) sample(end);
  m.flushConsole();
  return { samples, events, console: m.consoleText, end: endKind, instructions: cpu.icount };
}
