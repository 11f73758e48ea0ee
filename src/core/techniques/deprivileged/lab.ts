/**
 * Runs a lab program on the trap-and-emulate VMM, the way `runLab` (src/core/lab/run.ts) runs it on the bare
 * machine or under the VT-x VMM: assemble, load at the origin, run, and describe the end in an `end` record
 * (reason, instructions, the guest's registers as it sees them, and the VMM's statistics). The program's
 * `; @mode` header is ignored: the program is the guest. Used by the tests; the session integrates the VMM
 * itself.
 */
import { assemble, type AsmError } from '../../x86/asm/index.ts';
import { getCpuModel, toProcessorModel } from '../../cpu-models/index.ts';
import { PROGRAM_BASE } from '../../machine/layout.ts';
import { parseLabHeader } from '../../lab/header.ts';
import { registerDump, DEFAULT_MAX_STEPS } from '../../lab/run.ts';
import type { TraceRecord } from '../../trace/json.ts';
import type { TraceSink } from '../../trace/sink.ts';
import { TrapAndEmulateVmm } from './vmm.ts';
import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/methods.ts';

export interface SoftwareVmmRunOptions {
  /** CPU model id (default: the header's). */
  cpu?: string;
  maxSteps?: number;
  trace?: TraceSink;
  /** Cycles per trap (default: the cost figure for the model). */
  trapCycles?: number;
}

export type SoftwareVmmRunResult = { ok: false; errors: AsmError[] } | { ok: true; end: TraceRecord; vmm: TrapAndEmulateVmm };

export function runOnSoftwareVmm(source: string, options: SoftwareVmmRunOptions = {}): SoftwareVmmRunResult {
  const parsed = parseLabHeader(source);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const cpu = getCpuModel(options.cpu ?? parsed.header.cpu);
  if (cpu === undefined) return { ok: false, errors: [{ line: 1, column: 1, endColumn: 2, message: t('methods.teLab.unknownCpuModel', { cpu: options.cpu ?? '' }) }] };
  const asm = assemble(source, { origin: PROGRAM_BASE });
  if (!asm.ok) return { ok: false, errors: asm.errors };
  const vmm = new TrapAndEmulateVmm({ model: toProcessorModel(cpu), trace: options.trace, trapCycles: options.trapCycles });
  vmm.load(asm.bytes, asm.origin, asm.entry);
  const out = vmm.run(options.maxSteps ?? DEFAULT_MAX_STEPS);
  vmm.flushConsole();
  const regs = vmm.guestRegisters();
  const end: TraceRecord = {
    type: 'end',
    reason: out.reason,
    instructions: out.instructions,
    cycle: regs.cycles,
    cpl: regs.cpl,
    registers: registerDump(regs),
    mode: 'software-vmm',
    ...vmm.stats(),
  };
  return { ok: true, end, vmm };
}
