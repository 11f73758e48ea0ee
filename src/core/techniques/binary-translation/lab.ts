/**
 * Runs a lab program on the binary-translating VMM, the way `runOnSoftwareVmm` (../deprivileged/lab.ts) runs it
 * on the trap-and-emulate VMM: assemble, load at the origin, run, and describe the end in an `end` record
 * (reason, instructions, the guest's registers as it sees them, and the VMM's statistics, with the translation
 * cache's under `bt`). The program's `; @mode` header is ignored: the program is the guest.
 */
import { assemble, type AsmError } from '../../x86/asm/index.ts';
import { getCpuModel, toProcessorModel } from '../../cpu-models/index.ts';
import { PROGRAM_BASE } from '../../machine/layout.ts';
import { parseLabHeader } from '../../lab/header.ts';
import { registerDump, DEFAULT_MAX_STEPS } from '../../lab/run.ts';
import type { TraceRecord } from '../../trace/json.ts';
import type { TraceSink } from '../../trace/sink.ts';
import { BinaryTranslationVmm } from './vmm.ts';
import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/methods.ts';

export interface BinaryTranslatorRunOptions {
  /** CPU model id (default: the header's). */
  cpu?: string;
  maxSteps?: number;
  trace?: TraceSink;
  /** Cost overrides (defaults: costs.ts and ../deprivileged/costs.ts — assumptions). */
  trapCycles?: number;
  translateCycles?: number;
  calloutCycles?: number;
  indirectCycles?: number;
  maxUnitInsns?: number;
}

export type BinaryTranslatorRunResult = { ok: false; errors: AsmError[] } | { ok: true; end: TraceRecord; vmm: BinaryTranslationVmm };

export function runOnBinaryTranslator(source: string, options: BinaryTranslatorRunOptions = {}): BinaryTranslatorRunResult {
  const parsed = parseLabHeader(source);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const cpu = getCpuModel(options.cpu ?? parsed.header.cpu);
  if (cpu === undefined) return { ok: false, errors: [{ line: 1, column: 1, endColumn: 2, message: t('methods.teLab.unknownCpuModel', { cpu: options.cpu ?? '' }) }] };
  const asm = assemble(source, { origin: PROGRAM_BASE });
  if (!asm.ok) return { ok: false, errors: asm.errors };
  const vmm = new BinaryTranslationVmm({
    model: toProcessorModel(cpu),
    trace: options.trace,
    trapCycles: options.trapCycles,
    translateCycles: options.translateCycles,
    calloutCycles: options.calloutCycles,
    indirectCycles: options.indirectCycles,
    maxUnitInsns: options.maxUnitInsns,
  });
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
    mode: 'binary-translation',
    ...vmm.stats(),
  };
  return { ok: true, end, vmm };
}
