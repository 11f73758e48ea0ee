/**
 * Helpers the software-VMM tests share: build a VMM (or a bare machine) for a program, record the event
 * stream, run to the end with or without stopping after every event. Pure core code (no Node, no Vitest).
 */
import { assemble } from '../../x86/asm/index.ts';
import { getCpuModel, toProcessorModel } from '../../cpu-models/index.ts';
import { PROGRAM_BASE } from '../../machine/layout.ts';
import { BareMachine } from '../../machine/bare.ts';
import { applyCostsToCpu } from '../../cost/model.ts';
import type { Cpu } from '../../x86/cpu.ts';
import type { EventKind } from '../../trace/events.ts';
import { eventRecord, textRecord, type TraceRecord } from '../../trace/json.ts';
import type { TraceSink } from '../../trace/sink.ts';
import { TrapAndEmulateVmm, type TrapAndEmulateOutcome } from './vmm.ts';

/** Records every event as a compact line; optionally asks the processor to stop after each one (as the timeline does). */
export class StreamRecorder implements TraceSink {
  readonly lines: string[] = [];
  readonly records: TraceRecord[] = [];
  cpu: Cpu | null = null;
  constructor(
    private readonly yielding = false,
    private readonly keepRecords = false,
  ) {}
  emit(kind: EventKind, cycle: number, p0: number, p1: number, p2: number, p3: number, p4: number, p5: number, p6: number, p7: number): void {
    this.lines.push(`${kind} ${cycle} ${p0} ${p1} ${p2} ${p3} ${p4} ${p5} ${p6} ${p7}`);
    if (this.keepRecords) this.records.push(eventRecord(kind, cycle, [p0, p1, p2, p3, p4, p5, p6, p7]));
    this.stopAfterEvent();
  }
  text(kind: EventKind, cycle: number, source: number, text: string): void {
    this.lines.push(`${kind} ${cycle} ${source} ${JSON.stringify(text)}`);
    if (this.keepRecords) this.records.push(textRecord(kind, cycle, source, text));
    this.stopAfterEvent();
  }
  private stopAfterEvent(): void {
    if (this.yielding && this.cpu !== null) {
      this.cpu.yieldRequested = true;
      this.cpu.stop = 1;
    }
  }
}

export function assembleProgram(source: string): { bytes: Uint8Array; origin: number; entry: number; symbols: Record<string, number> } {
  const asm = assemble(source, { origin: PROGRAM_BASE });
  if (!asm.ok) throw new Error(`assembly failed: ${JSON.stringify(asm.errors.slice(0, 3))}`);
  return asm;
}

export function modelOf(id = 'nehalem') {
  return toProcessorModel(getCpuModel(id)!);
}

/** A VMM with `source` loaded, reporting to `sink`. */
export function softwareVmmFor(source: string, sink?: StreamRecorder, cpu = 'nehalem', trapCycles?: number): TrapAndEmulateVmm {
  const p = assembleProgram(source);
  const vmm = new TrapAndEmulateVmm({ model: modelOf(cpu), trace: sink, trapCycles });
  if (sink !== undefined) sink.cpu = vmm.cpu;
  vmm.load(p.bytes, p.origin, p.entry);
  return vmm;
}

/** The same program on the bare machine (with the same instruction costs). */
export function bareFor(source: string, sink?: TraceSink, cpu = 'nehalem'): BareMachine {
  const p = assembleProgram(source);
  const model = modelOf(cpu);
  const m = new BareMachine({ model, trace: sink });
  applyCostsToCpu(m.cpu, model.id);
  m.load(p.bytes, p.origin, p.entry);
  return m;
}

/** Runs until the guest ends (or `budget` instructions), resuming after every yield. */
export function runToEnd(vmm: TrapAndEmulateVmm, budget = 20_000_000): TrapAndEmulateOutcome {
  let total = 0;
  for (;;) {
    vmm.cpu.yieldRequested = false;
    const r = vmm.run(budget - total);
    total += r.instructions;
    if (r.reason !== 'yield') return { reason: r.reason, instructions: total };
  }
}
