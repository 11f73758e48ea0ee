/**
 * Runs a lab file headless: parse the header, assemble, build the machine the header asks for, run, and
 * report every event to a trace sink plus a final `end` record. Shared by the CLI, the tests and the
 * worker, so all three see the same behaviour.
 */
import { assemble, type AsmError } from '../x86/asm/index.ts';
import { getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { BareMachine } from '../machine/bare.ts';
import { PROGRAM_BASE } from '../machine/layout.ts';
import type { Cpu } from '../x86/cpu.ts';
import type { TraceSink } from '../trace/sink.ts';
import { hex32, type TraceRecord } from '../trace/json.ts';
import { REG32_NAMES, SEG_NAMES } from '../x86/arch.ts';
import { parseLabHeader, type LabHeader } from './header.ts';
import { GuestLab, type RegisterSource } from '../vmm/guest-lab.ts';
// Messages come from the catalogue (issue 8: every user-visible string in one catalogue).
import { t } from '../../i18n/t.ts';
import { applyCostsToCpu } from '../cost/model.ts';
import type { VmmSettings } from '../vmm/settings.ts';

export interface LabRunOptions {
  /** Instruction limit (the CLI's --max-steps). */
  maxSteps?: number;
  /** Overrides the header's CPU model. */
  cpu?: string;
  trace: TraceSink;
  /** Guest mode: the VMM settings (src/core/vmm/settings.ts; validate untrusted input with `validateVmmSettings`). */
  vmm?: VmmSettings;
}

export type LabRunResult =
  | { ok: false; errors: AsmError[] }
  | { ok: true; header: LabHeader; end: TraceRecord };

export const DEFAULT_MAX_STEPS = 10_000_000;

/** The register dump of the `end` record. */
export function registerDump(c: RegisterSource): Record<string, string> {
  const r: Record<string, string> = {};
  REG32_NAMES.forEach((n, k) => (r[n] = hex32(c.regs[k])));
  r.eip = hex32(c.eip);
  r.eflags = hex32(c.eflags);
  for (let s = 0; s < 6; s++) r[SEG_NAMES[s]] = '0x' + (c.segSel[s] & 0xffff).toString(16).toUpperCase().padStart(4, '0');
  r.cr0 = hex32(c.cr0);
  r.cr3 = hex32(c.cr3);
  r.cr4 = hex32(c.cr4);
  return r;
}

export function runLab(source: string, options: LabRunOptions): LabRunResult {
  const parsed = parseLabHeader(source);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const header = { ...parsed.header };
  if (options.cpu !== undefined) {
    const m = getCpuModel(options.cpu);
    if (m === undefined) return { ok: false, errors: [{ line: 1, column: 1, endColumn: 2, message: t('session.spec.unknownCpu', { cpu: options.cpu }) }] };
    header.cpu = m.id;
  }
  const asm = assemble(source, { origin: PROGRAM_BASE });
  if (!asm.ok) return { ok: false, errors: asm.errors };
  const model = toProcessorModel(getCpuModel(header.cpu)!);
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  if (header.mode === 'bare') {
    const m = new BareMachine({ model, trace: options.trace });
    applyCostsToCpu(m.cpu, model.id);
    m.load(asm.bytes, asm.origin, asm.entry);
    const out = m.run(maxSteps);
    m.flushConsole(); // the run is over, even at the step limit: report the unfinished line
    const c = m.cpu;
    const end: TraceRecord = endRecord(out.reason, cpuRegisters(c), out.instructions);
    end.mode = 'bare';
    end.vmx = c.vmx.nonRoot ? 'non-root' : c.vmx.on ? 'root' : 'none';
    if (out.reason === 'unhandled-exception') {
      end.vector = c.unhandledVector;
      end.errorCode = c.unhandledErrorCode < 0 ? null : c.unhandledErrorCode;
    }
    if (out.reason === 'vmx-abort') end.vmxAbort = c.vmxAbortCode;
    return { ok: true, header, end };
  }
  const lab = new GuestLab({ model, trace: options.trace, ...(options.vmm !== undefined ? { settings: options.vmm } : {}) });
  lab.loadProgram(asm.bytes, asm.origin, asm.entry);
  const out = lab.run(maxSteps);
  const end = endRecord(out.reason, lab.guestRegisters(), out.instructions);
  end.mode = 'guest';
  Object.assign(end, lab.statistics());
  return { ok: true, header, end };
}

export function cpuRegisters(c: Cpu): RegisterSource {
  return { regs: c.regs, eip: c.eip, eflags: c.getEflags(), segSel: c.segSel, cr0: c.cr0, cr3: c.cr3, cr4: c.cr4, cpl: c.cpl, cycles: c.cycles };
}

/** The `end` record (docs/trace-format.md): why the run ended, the instructions retired, the cycle, the registers. */
export function endRecord(reason: string, c: RegisterSource, instructions: number): TraceRecord {
  return {
    type: 'end',
    reason,
    instructions,
    cycle: c.cycles,
    cpl: c.cpl,
    registers: registerDump(c),
  };
}
