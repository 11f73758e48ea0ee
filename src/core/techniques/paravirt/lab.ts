/**
 * Runs a lab program on the paravirtual VMM, the way `runOnSoftwareVmm` (../deprivileged/lab.ts) runs it on the
 * trap-and-emulate VMM: assemble, load at the origin, run, and describe the end in an `end` record (reason,
 * instructions, the guest's registers, the VMM's statistics). The program's `; @mode` header is ignored: the
 * program is the guest kernel. A kernel ported to the hypercall interface (docs/paravirt-abi.md) runs; an
 * unmodified one is crashed at its first privileged instruction (reason `domain-crash`).
 */
import { assemble, type AsmError } from '../../x86/asm/index.ts';
import { getCpuModel, toProcessorModel } from '../../cpu-models/index.ts';
import { PROGRAM_BASE } from '../../machine/layout.ts';
import { parseLabHeader } from '../../lab/header.ts';
import { registerDump, DEFAULT_MAX_STEPS } from '../../lab/run.ts';
import type { TraceRecord } from '../../trace/json.ts';
import type { TraceSink } from '../../trace/sink.ts';
import { ParavirtVmm } from './vmm.ts';
import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/methods.ts';

export interface ParavirtRunOptions {
  /** CPU model id (default: the header's). */
  cpu?: string;
  maxSteps?: number;
  trace?: TraceSink;
  /** Cycles per hypercall and per event the VMM handles (default: costs.ts, an assumption). */
  hypercallCycles?: number;
}

export type ParavirtRunResult = { ok: false; errors: AsmError[] } | { ok: true; end: TraceRecord; vmm: ParavirtVmm; symbols: Record<string, number> };

/** Builds the VMM with `source` loaded (nothing run yet). */
export function paravirtVmmFor(source: string, options: ParavirtRunOptions = {}): { ok: false; errors: AsmError[] } | { ok: true; vmm: ParavirtVmm; symbols: Record<string, number> } {
  const parsed = parseLabHeader(source);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const cpu = getCpuModel(options.cpu ?? parsed.header.cpu);
  if (cpu === undefined) return { ok: false, errors: [{ line: 1, column: 1, endColumn: 2, message: t('methods.teLab.unknownCpuModel', { cpu: options.cpu ?? '' }) }] };
  const asm = assemble(source, { origin: PROGRAM_BASE });
  if (!asm.ok) return { ok: false, errors: asm.errors };
  const vmm = new ParavirtVmm({ model: toProcessorModel(cpu), trace: options.trace, hypercallCycles: options.hypercallCycles });
  vmm.load(asm.bytes, asm.origin, asm.entry);
  return { ok: true, vmm, symbols: asm.symbols };
}

/** The `end` record of a run that stopped with `reason`. */
export function paravirtEndRecord(vmm: ParavirtVmm, reason: string, instructions: number): TraceRecord {
  const regs = vmm.guestRegisters();
  return {
    type: 'end',
    reason,
    instructions,
    cycle: regs.cycles,
    cpl: regs.cpl,
    registers: registerDump(regs),
    mode: 'paravirt',
    ...vmm.pvStats(),
  };
}

export function runOnParavirtVmm(source: string, options: ParavirtRunOptions = {}): ParavirtRunResult {
  const built = paravirtVmmFor(source, options);
  if (!built.ok) return built;
  const vmm = built.vmm;
  const out = vmm.runDomain(options.maxSteps ?? DEFAULT_MAX_STEPS);
  vmm.flushConsole();
  return { ok: true, end: paravirtEndRecord(vmm, out.reason, out.instructions), vmm, symbols: built.symbols };
}
