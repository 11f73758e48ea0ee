/**
 * The "Software vs hardware" comparison (issue 5): ONE guest workload run to its end under native execution,
 * trap-and-emulate with ring deprivileging, binary translation, paravirtualization, VT-x without EPT (shadow
 * paging) and VT-x with EPT, each a real execution on the core; every run judged against the native one
 * (console, the program's self-check lines, final registers) and costed (simulated cycles, overhead, traps /
 * exits / callouts / hypercalls by cause).
 *
 * Nothing here is a hard-coded result: verdicts come from comparing what the runs printed, overheads from the
 * runs' cycle counts. The software techniques' costs are model ASSUMPTIONS (their costs.ts files say so) that
 * the caller may override; VT-x transition costs come from the CPU model's cost model (src/core/cost/model.ts).
 *
 * Busy time: a program that idles with HLT (the kernel waits for timer ticks) spends the same wall time
 * whatever the technique; the overhead is therefore taken on busy cycles (total − idle), as each machine or
 * VMM counts idle time itself.
 *
 * The native baseline is the program on the bare machine (README "; @mode bare"). Its start state differs from
 * a guest's in one documented way: paging is on (CR0.PG, CR3, CR4.PSE). CR0, CR3 and CR4 are therefore not
 * compared; registers are reported, not judged (a program that counts loop iterations while waiting for an
 * interrupt ends with a different count under any VMM).
 *
 * The workloads: the scenario catalogue's (src/core/scenarios/index.ts). The paravirtual technique runs the
 * program's port where one exists (`guest/paravirt/*.s`, embedded in paravirt-sources.generated.ts) and the
 * unmodified program otherwise, which the paravirtual VMM crashes at its first privileged instruction: the
 * white paper's §3.1.1 point that paravirtualization cannot host unmodified guests.
 */
import { assemble } from '../x86/asm/index.ts';
import { CPU_MODELS, getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { BareMachine } from '../machine/bare.ts';
import { PROGRAM_BASE } from '../machine/layout.ts';
import { applyCostsToCpu, costModelFor } from '../cost/model.ts';
import { figureById, type CostFigure } from '../cost/figures.ts';
import { CostClass } from '../x86/cost-class.ts';
import { cpuRegisters, registerDump, runLab } from '../lab/run.ts';
import { EventKind } from '../trace/events.ts';
import type { TraceSink } from '../trace/sink.ts';
import { getScenario, loadScenarioSource, withMode } from '../scenarios/index.ts';
import { PARAVIRT_SOURCES } from '../scenarios/paravirt-sources.generated.ts';
import { SCENARIO_SOURCES } from '../scenarios/sources.generated.ts';
import { runOnSoftwareVmm, trapRoundTripFor, SENSITIVE_UNPRIVILEGED } from './deprivileged/index.ts';
import { calloutCostFor, indirectCostFor, runOnBinaryTranslator, translateCostFor } from './binary-translation/index.ts';
import { hypercallCostFor, pvSourceDiff, PV_PORTS, runOnParavirtVmm, type DiffHunk } from './paravirt/index.ts';
import { costValueError } from './cost-input.ts';
import { t } from '../../i18n/t.ts';
import '../../i18n/en/methods.ts';

// ------------------------------------------------------------------------------------ techniques

export const TECHNIQUE_IDS = ['native', 'trap-and-emulate', 'binary-translation', 'paravirt', 'vtx-shadow', 'vtx-ept'] as const;
export type TechniqueId = (typeof TECHNIQUE_IDS)[number];

export interface TechniqueInfo {
  id: TechniqueId;
  title: string;
  /** What runs and how. */
  description: string;
  /** The Rings & VMX lab's platform (SessionSpec.mode) that runs this technique step by step, if any. */
  platform: 'bare' | 'swvmm' | 'bt' | 'pv' | 'guest' | null;
  /** What an entry into the VMM is called for this technique. */
  entries: string;
}

export const TECHNIQUES: readonly TechniqueInfo[] = [
  { id: 'native', title: 'Native', description: t('methods.compare.native.description'), platform: 'bare', entries: 'none' },
  { id: 'trap-and-emulate', title: 'Trap-and-emulate', description: t('methods.compare.trapAndEmulate.description'), platform: 'swvmm', entries: 'traps' },
  { id: 'binary-translation', title: t('methods.compare.binaryTranslation.title'), description: t('methods.compare.binaryTranslation.description'), platform: 'bt', entries: t('methods.compare.binaryTranslation.entries') },
  { id: 'paravirt', title: 'Paravirtualization', description: t('methods.compare.paravirt.description'), platform: 'pv', entries: 'hypercalls' },
  { id: 'vtx-shadow', title: t('methods.compare.vtxShadow.title'), description: t('methods.compare.vtxShadow.description'), platform: 'guest', entries: t('methods.compare.vtxShadow.entries') },
  { id: 'vtx-ept', title: t('methods.compare.vtxEpt.title'), description: t('methods.compare.vtxEpt.description'), platform: 'guest', entries: t('methods.compare.vtxShadow.entries') },
];

export function techniqueInfo(id: TechniqueId): TechniqueInfo {
  return TECHNIQUES.find((t) => t.id === id)!;
}

// ------------------------------------------------------------------------------------ workloads

export interface CompareWorkload {
  /** Scenario id (src/core/scenarios/index.ts). */
  id: string;
  /** The classic workload class it stands for. */
  category: string;
  /** Lines of the program's console output that are its own checks; the matched text is compared. */
  selfCheck: RegExp;
  /** File of its paravirtual port in guest/paravirt/, if it has one. */
  pvPort: string | null;
}

const SENSITIVE_PREFIXES = SENSITIVE_UNPRIVILEGED.map((s) => s.line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

export const COMPARE_WORKLOADS: readonly CompareWorkload[] = [
  { id: 'sensitive', category: t('methods.compare.sensitive.category'), selfCheck: new RegExp(`^(${SENSITIVE_PREFIXES.join('|')}).*$`), pvPort: null },
  { id: 'cpu-bound', category: 'CPU-bound', selfCheck: /^checksum .*$/, pvPort: null },
  { id: 'syscall-heavy', category: t('methods.compare.syscallHeavy.category'), selfCheck: /^\d+ system calls.*$/, pvPort: null },
  { id: 'pagefault-heavy', category: t('methods.compare.pagefaultHeavy.category'), selfCheck: /^guest page faults handled.*$/, pvPort: null },
  { id: 'io-heavy', category: 'I/O heavy', selfCheck: /^I\/O rounds done.*$/, pvPort: null },
  { id: 'kernel', category: t('methods.compare.kernel.category'), selfCheck: /aliases physical 0: (OK|FAIL)|^\[ring 3\].*$|^user task exited.*$|^summary:.*$/, pvPort: PV_PORTS.kernel ?? null },
];

export function compareWorkload(id: string): CompareWorkload | undefined {
  return COMPARE_WORKLOADS.find((w) => w.id === id);
}

/** The program the paravirtual technique runs for a workload: its port, or the unmodified program. */
export function paravirtProgram(workload: CompareWorkload): { file: string; source: string; ported: boolean } {
  const original = getScenario(workload.id)!;
  if (workload.pvPort !== null && PARAVIRT_SOURCES[workload.pvPort] !== undefined) {
    return { file: `paravirt/${workload.pvPort}`, source: PARAVIRT_SOURCES[workload.pvPort], ported: true };
  }
  return { file: original.file, source: loadScenarioSource(workload.id)!, ported: false };
}

/** The source difference between a ported program and its original; the kernel's when `workload` has no port. */
export function paravirtDiffFor(workload: CompareWorkload): { original: string; port: string; forThisWorkload: boolean; hunks: DiffHunk[] } {
  const w = workload.pvPort !== null ? workload : COMPARE_WORKLOADS.find((x) => x.pvPort !== null)!;
  const original = getScenario(w.id)!.file;
  return { original, port: `paravirt/${w.pvPort}`, forThisWorkload: w === workload, hunks: pvSourceDiff(SCENARIO_SOURCES[original], PARAVIRT_SOURCES[w.pvPort!]) };
}

// ------------------------------------------------------------------------------------ costs

export const COST_KEYS = ['trap', 'callout', 'translate', 'indirect', 'hypercall'] as const;
export type CostKey = (typeof COST_KEYS)[number];
export type TechniqueCosts = Record<CostKey, number>;

export { MAX_COST_CYCLES, costValueError, parseCostInput } from './cost-input.ts';

export interface CostAssumption {
  key: CostKey;
  label: string;
  unit: string;
  value: number;
  defaultValue: number;
  overridden: boolean;
  kind: string;
  source: string;
  note: string;
  usedBy: TechniqueId[];
}

const COST_INFO: Record<CostKey, { label: string; usedBy: TechniqueId[] }> = {
  trap: { label: t('methods.compare.trapRoundTripGuest'), usedBy: ['trap-and-emulate', 'binary-translation'] },
  callout: { label: t('methods.compare.calloutFromTranslatedCode'), usedBy: ['binary-translation'] },
  translate: { label: t('methods.compare.translationPerGuestInstruction'), usedBy: ['binary-translation'] },
  indirect: { label: t('methods.compare.indirectBranchLookupIn'), usedBy: ['binary-translation'] },
  hypercall: { label: t('methods.compare.hypercallAndEachEvent'), usedBy: ['paravirt'] },
};

/**
 * What one IN or OUT costs natively. The CPU model tables give only the instruction's own latency (Agner Fog:
 * ">300" on the Pentium M, no figure for the other cores, so the cost model falls back to one cycle), not the
 * trip over the bus to the PIC, PIT or UART on the chipset. Adams & Agesen measured that trip: IN from port 0x80
 * took 3,209 cycles natively on a 3.8 GHz Pentium 4 672, 216 under binary translation (the VMM's emulated
 * device: no bus access) and 15,826 under first-generation VT-x (ASPLOS 2006, "Raw data" appendix,
 * "Nano-benchmarks in cycles", PDF p. 12; src/core/cost/figures.ts aa2006.in.*). Without it an I/O-heavy guest
 * looks far more expensive under every VMM than it is, because its native baseline pays almost nothing for the
 * device. Used for every project CPU model: an assumption the user can change. It applies to the native run only:
 * under the VMMs the device is software and the access costs the trap, callout, hypercall or exit instead.
 */
export function nativeIoFigure(): CostFigure {
  const aa = figureById('aa2006.in.native');
  return {
    id: 'techniques.native-io',
    value: aa?.value ?? 0,
    unit: 'cycles',
    cpu: aa?.cpu ?? 'Pentium 4 672',
    kind: 'assumption',
    source: aa?.source ?? t('methods.compare.techniquesNativeIo.source'),
    note: t('methods.compare.techniquesNativeIo.note'),
  };
}

function figureFor(key: CostKey, cpu: string) {
  switch (key) {
    case 'trap':
      return trapRoundTripFor(cpu);
    case 'callout':
      return calloutCostFor(cpu);
    case 'translate':
      return translateCostFor(cpu);
    case 'indirect':
      return indirectCostFor(cpu);
    case 'hypercall':
      return hypercallCostFor(cpu);
  }
}

export function defaultTechniqueCosts(cpu: string): TechniqueCosts {
  const out = {} as TechniqueCosts;
  for (const k of COST_KEYS) out[k] = figureFor(k, cpu).value;
  return out;
}

/** Every assumption the software techniques use, with the value in force and where the default comes from. */
export function costAssumptions(cpu: string, costs: TechniqueCosts): CostAssumption[] {
  return COST_KEYS.map((key) => {
    const f = figureFor(key, cpu);
    return {
      key,
      label: COST_INFO[key].label,
      unit: f.unit,
      value: costs[key],
      defaultValue: f.value,
      overridden: costs[key] !== f.value,
      kind: f.kind,
      source: f.source,
      note: f.note,
      usedBy: COST_INFO[key].usedBy,
    };
  });
}

export interface FieldError {
  field: string;
  message: string;
}

/** Checks cost overrides from outside (a link, a form): whole numbers of cycles, 0 … MAX_COST_CYCLES. */
export function validateTechniqueCosts(input: unknown): { ok: true; costs: Partial<TechniqueCosts> } | { ok: false; errors: FieldError[] } {
  if (input === undefined || input === null) return { ok: true, costs: {} };
  if (typeof input !== 'object' || Array.isArray(input)) return { ok: false, errors: [{ field: 'costs', message: t('methods.compare.mustBeAnObject') }] };
  const errors: FieldError[] = [];
  const costs: Partial<TechniqueCosts> = {};
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    if (!(COST_KEYS as readonly string[]).includes(k)) {
      errors.push({ field: k, message: t('methods.compare.isNotACost', { costKeys: COST_KEYS.join(', ') }) });
      continue;
    }
    if (v === undefined) continue;
    const msg = costValueError(v);
    if (msg !== null) errors.push({ field: k, message: msg });
    else costs[k as CostKey] = v as number;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, costs };
}

/** A VT-x transition cost of the CPU model (src/core/cost/model.ts), with its provenance. */
export interface VtxCost {
  label: string;
  value: number;
  kind: string;
  basis: string;
}

function vtxCosts(cpu: string): VtxCost[] {
  const cm = costModelFor(cpu);
  return [
    { label: t('methods.compare.vmExit'), ...cm.vmExit },
    { label: t('methods.compare.vmEntry'), ...cm.vmEntry },
    { label: t('methods.compare.exitEntryRoundTrip'), ...cm.roundTrip },
    { label: t('methods.compare.vmmHandlerMostExits'), ...cm.defaultHandler },
    { label: t('methods.compare.vmmHandlerIOExit'), ...(cm.handler[30] ?? cm.defaultHandler) },
  ];
}

// ------------------------------------------------------------------------------------ one run

export interface CauseCount {
  cause: string;
  count: number;
  /** Cycles charged for them, when the VMM counts them by cause. */
  cycles: number | null;
}

export interface EventGroup {
  /** 'trap', 'exit', 'callout', 'hypercall', 'translation', 'indirect'. */
  kind: string;
  label: string;
  total: number;
  /** Cycles charged for the whole group, when known. */
  cycles: number | null;
  byCause: CauseCount[];
}

export interface TechniqueRun {
  technique: TechniqueId;
  /** The technique cannot run on this CPU model (VT-x with EPT before Nehalem): why. */
  unavailable: string | null;
  /** The program file run (`paravirt/kernel-pv.s` for a port). */
  program: string;
  ported: boolean;
  /** The run's end reason (`halted`, `domain-crash`, `limit`, …). */
  ended: string;
  /** What the VMM said when it stopped the guest, if anything. */
  message: string | null;
  console: string;
  /** Final registers as the guest sees them (hex text, the `end` record's form). */
  registers: Record<string, string>;
  instructions: number;
  cycles: number;
  idleCycles: number;
  busyCycles: number;
  /** Cycles spent in the VMM (traps, callouts, translation, hypercalls, exits and handlers). */
  vmmCycles: number;
  events: EventGroup[];
  /** The binary translator's translation cache at the end of the run (binary translation only; null otherwise). */
  translationCache: TranslationCacheFigures | null;
}

/** The translation cache's counters as data (binary-translation/vmm.ts `stats().bt`), for tables and charts. */
export interface TranslationCacheFigures {
  /** Translations made: each one a cache miss (BT_TRANSLATE). */
  misses: number;
  /** Lookups that found a translation (indirect transfers and returns into the translator). */
  hits: number;
  /** Direct transfers that followed a chain link to the next translation, with no lookup at all. */
  chained: number;
  /** hits / (hits + misses), 0 … 1; null before any lookup. */
  hitRate: number | null;
  translatedInstructions: number;
  /** Translations dropped because the guest wrote to their bytes. */
  invalidated: number;
  translateCycles: number;
  callouts: number;
  calloutCycles: number;
}

export interface ResolvedRequest {
  workload: CompareWorkload;
  cpu: string;
  costs: TechniqueCosts;
  maxSteps: number;
  /** Cycles one native IN/OUT costs (nativeIoFigure; an assumption). */
  nativeIo: number;
}

export interface CompareRequest {
  workload: string;
  cpu: string;
  costs?: Partial<TechniqueCosts>;
  /** Instruction limit per run (default 20 million). */
  maxSteps?: number;
  /** Cycles one native IN/OUT costs (default: nativeIoFigure, Adams & Agesen's Pentium 4 measurement). */
  nativeIo?: number;
}

export const COMPARE_MAX_STEPS = 20_000_000;

/** Checks a request: known workload and CPU model, valid costs. */
export function resolveCompareRequest(req: CompareRequest): { ok: true; resolved: ResolvedRequest } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const workload = compareWorkload(req.workload);
  if (workload === undefined) errors.push({ field: 'workload', message: t('methods.compare.isNotAWorkload', { workload: req.workload, known: COMPARE_WORKLOADS.map((w) => w.id).join(', ') }) });
  const model = getCpuModel(req.cpu);
  if (model === undefined) errors.push({ field: 'cpu', message: t('methods.compare.unknownCpuModel', { cpu: req.cpu, known: CPU_MODELS.map((m) => m.id).join(', ') }) });
  const c = validateTechniqueCosts(req.costs);
  if (!c.ok) errors.push(...c.errors.map((e) => ({ field: e.field === 'costs' ? 'costs' : `costs.${e.field}`, message: e.message })));
  const maxSteps = req.maxSteps ?? COMPARE_MAX_STEPS;
  if (!Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > 200_000_000) errors.push({ field: 'maxSteps', message: t('methods.compare.mustBeAWhole') });
  const io = req.nativeIo ?? nativeIoFigure().value;
  const ioError = costValueError(io);
  if (ioError !== null) errors.push({ field: 'nativeIo', message: ioError });
  if (errors.length > 0 || workload === undefined || model === undefined || !c.ok) return { ok: false, errors };
  return { ok: true, resolved: { workload, cpu: model.id, costs: { ...defaultTechniqueCosts(model.id), ...c.costs }, maxSteps, nativeIo: io } };
}

/** Collects the console (COM1) text of a run. */
class ConsoleSink implements TraceSink {
  text_ = '';
  emit(): void {}
  text(kind: EventKind, _cycle: number, _source: number, text: string): void {
    if (kind === EventKind.CONSOLE) this.text_ += text;
  }
}

function sorted(rec: Record<string, number | { count: number; cycles: number }>, cycles?: (name: string, n: number) => number | null): CauseCount[] {
  return Object.entries(rec)
    .map(([cause, v]) => (typeof v === 'number' ? { cause, count: v, cycles: cycles?.(cause, v) ?? null } : { cause, count: v.count, cycles: v.cycles }))
    .filter((x) => x.count > 0)
    .sort((a, b) => b.count - a.count || (a.cause < b.cause ? -1 : 1));
}

function group(kind: string, label: string, byCause: CauseCount[], cycles: number | null): EventGroup {
  return { kind, label, total: byCause.reduce((a, b) => a + b.count, 0), cycles, byCause };
}

function unavailableRun(technique: TechniqueId, program: string, why: string): TechniqueRun {
  return { technique, unavailable: why, program, ported: false, ended: t('methods.compare.notRun'), message: null, console: '', registers: {}, instructions: 0, cycles: 0, idleCycles: 0, busyCycles: 0, vmmCycles: 0, events: [], translationCache: null };
}

function assemblyFailure(technique: TechniqueId, program: string, errors: { line: number; message: string }[]): TechniqueRun {
  const e = errors[0];
  return { ...unavailableRun(technique, program, ''), unavailable: null, ended: 'assembly-error', message: e === undefined ? t('methods.compare.theProgramDoesNot') : `line ${e.line}: ${e.message}` };
}

/** Runs the workload under one technique, to its end (or the instruction limit). Deterministic. */
export function runTechnique(r: ResolvedRequest, technique: TechniqueId): TechniqueRun {
  const scenario = getScenario(r.workload.id)!;
  const source = loadScenarioSource(r.workload.id)!;
  const cpu = r.cpu;
  const c = r.costs;
  switch (technique) {
    case 'native': {
      const bare = withMode(source, 'bare');
      const asm = assemble(bare, { origin: PROGRAM_BASE });
      if (!asm.ok) return assemblyFailure(technique, scenario.file, asm.errors);
      const model = toProcessorModel(getCpuModel(cpu)!);
      const sink = new ConsoleSink();
      const m = new BareMachine({ model, trace: sink });
      applyCostsToCpu(m.cpu, model.id);
      // IN/OUT reach a device on the chipset natively (nativeIoFigure); the model's own figure is the bare instruction.
      m.cpu.instructionCosts[CostClass.IO] = r.nativeIo;
      m.cpu.invalidateDecodeCache();
      m.load(asm.bytes, asm.origin, asm.entry);
      const out = m.run(r.maxSteps);
      m.flushConsole();
      const cycles = m.cpu.cycles;
      return {
        technique, unavailable: null, program: scenario.file, ported: false, ended: out.reason, message: null, console: sink.text_,
        registers: registerDump(cpuRegisters(m.cpu)), instructions: out.instructions,
        cycles, idleCycles: m.idleCycles, busyCycles: cycles - m.idleCycles, vmmCycles: 0, events: [], translationCache: null,
      };
    }
    case 'trap-and-emulate': {
      const res = runOnSoftwareVmm(source, { cpu, maxSteps: r.maxSteps, trapCycles: c.trap });
      if (!res.ok) return assemblyFailure(technique, scenario.file, res.errors);
      const s = res.vmm.stats();
      return {
        technique, unavailable: null, program: scenario.file, ported: false, ended: String(res.end.reason), message: s.message, console: res.vmm.consoleText,
        registers: res.end.registers as Record<string, string>, instructions: Number(res.end.instructions),
        cycles: Number(res.end.cycle), idleCycles: s.idleCycles, busyCycles: s.guestCycles + s.vmmCycles, vmmCycles: s.vmmCycles,
        events: [group('trap', 'Traps', sorted(s.trapsByCause), s.vmmCycles)],
        translationCache: null,
      };
    }
    case 'binary-translation': {
      const res = runOnBinaryTranslator(source, { cpu, maxSteps: r.maxSteps, trapCycles: c.trap, calloutCycles: c.callout, translateCycles: c.translate, indirectCycles: c.indirect });
      if (!res.ok) return assemblyFailure(technique, scenario.file, res.errors);
      const s = res.vmm.stats();
      const traps = sorted(s.trapsByCause);
      const trapCycles = traps.reduce((a, b) => a + (b.cycles ?? 0), 0);
      return {
        technique, unavailable: null, program: scenario.file, ported: false, ended: String(res.end.reason), message: s.message, console: res.vmm.consoleText,
        registers: res.end.registers as Record<string, string>, instructions: Number(res.end.instructions),
        cycles: Number(res.end.cycle), idleCycles: s.idleCycles, busyCycles: s.guestCycles + s.vmmCycles, vmmCycles: s.vmmCycles,
        events: [
          group('callout', 'Callouts', sorted(s.bt.calloutsByMnemonic, (_n, k) => k * c.callout), s.bt.calloutCycles),
          group('translation', t('methods.compare.translationsCacheMisses'), [{ cause: t('methods.compare.unitsTranslated'), count: s.bt.misses, cycles: s.bt.translateCycles }], s.bt.translateCycles),
          group('indirect', t('methods.compare.indirectBranchLookups'), [{ cause: t('methods.compare.retJmpCallRM'), count: s.bt.executedByKind.INDIRECT ?? 0, cycles: s.bt.indirectCycles }], s.bt.indirectCycles),
          group('trap', 'Traps', traps, trapCycles),
        ],
        translationCache: {
          misses: s.bt.misses, hits: s.bt.hits, chained: s.bt.chained, hitRate: s.bt.hits + s.bt.misses > 0 ? s.bt.hits / (s.bt.hits + s.bt.misses) : null,
          translatedInstructions: s.bt.translatedInstructions, invalidated: s.bt.invalidated, translateCycles: s.bt.translateCycles,
          callouts: s.bt.callouts, calloutCycles: s.bt.calloutCycles,
        },
      };
    }
    case 'paravirt': {
      const prog = paravirtProgram(r.workload);
      const res = runOnParavirtVmm(prog.source, { cpu, maxSteps: r.maxSteps, hypercallCycles: c.hypercall });
      if (!res.ok) return assemblyFailure(technique, prog.file, res.errors);
      const s = res.vmm.pvStats();
      const traps = sorted(s.trapsByCause);
      return {
        technique, unavailable: null, program: prog.file, ported: prog.ported, ended: String(res.end.reason), message: s.message, console: res.vmm.consoleText,
        registers: res.end.registers as Record<string, string>, instructions: Number(res.end.instructions),
        cycles: Number(res.end.cycle), idleCycles: s.idleCycles, busyCycles: s.guestCycles + s.vmmCycles, vmmCycles: s.vmmCycles,
        events: [
          group('hypercall', 'Hypercalls', sorted(s.hypercallsByName, (_n, k) => k * c.hypercall), s.hypercallCycles),
          group('trap', t('methods.compare.eventsBouncedByThe'), traps, traps.reduce((a, b) => a + (b.cycles ?? 0), 0)),
        ],
        translationCache: null,
      };
    }
    case 'vtx-shadow':
    case 'vtx-ept': {
      const model = getCpuModel(cpu)!;
      const ept = technique === 'vtx-ept';
      if (ept && model.features.ept !== true) {
        return unavailableRun(technique, scenario.file, t('methods.compare.hasNoEptEpt', { name: model.name, year: model.year }));
      }
      const sink = new ConsoleSink();
      // Without EPT on a model that has it: the VMM's `ept: false` setting (src/core/vmm/settings.ts) — shadow paging.
      const res = runLab(withMode(source, 'guest'), { cpu, trace: sink, maxSteps: r.maxSteps, ...(!ept && model.features.ept === true ? { vmm: { ept: false } } : {}) });
      if (!res.ok) return assemblyFailure(technique, scenario.file, res.errors);
      const e = res.end;
      const guest = Number(e.guestCycles ?? 0);
      const vmm = Number(e.vmmCycles ?? 0);
      const exits = sorted((e.exitsByReason ?? {}) as Record<string, number>);
      return {
        technique, unavailable: null, program: scenario.file, ported: false, ended: String(e.reason), message: (e.vmMessage as string | null) ?? null, console: sink.text_,
        registers: e.registers as Record<string, string>, instructions: Number(e.instructions),
        cycles: Number(e.cycle), idleCycles: Number(e.cycle) - guest - vmm, busyCycles: guest + vmm, vmmCycles: vmm,
        events: [group('exit', t('methods.compare.vtxShadow.entries'), exits, vmm)],
        translationCache: null,
      };
    }
  }
}

// ------------------------------------------------------------------------------------ judging

export type VerdictStatus = 'baseline' | 'correct' | 'equivalent' | 'wrong' | 'failed' | 'unavailable';

export interface CulpritInstruction {
  mnemonic: string;
  /** What it does under this technique, and why the VMM never saw it. */
  why: string;
  sdm: string | null;
}

export interface Verdict {
  status: VerdictStatus;
  /** One sentence for the screen. */
  summary: string;
  consoleEqual: boolean;
  /** Lines of the console that differ from native (by position), and how many lines native printed. */
  linesDiffering: number;
  nativeLines: number;
  selfChecks: { total: number; differing: number };
  selfChecksEqual: boolean;
  /** The first console line that differs (1-based), with both texts ('' for a missing line). */
  firstDifference: { line: number; native: string; got: string } | null;
  /** The instruction that made the first difference, when known. */
  instruction: CulpritInstruction | null;
  /** Every sensitive instruction whose line differs (the `sensitive` workload). */
  instructionsDiffering: string[];
  /** Registers (general, EIP, EFLAGS, segment selectors) that end differently from native; reported, not judged. */
  registersDiffering: string[];
}

/**
 * Ways a run ends normally: the processor halted for good, or the guest powered off (the paravirtual port ends
 * with sched_op(shutdown, poweroff) where the original stops with CLI; HLT, which faults at ring 1).
 */
const NORMAL_ENDS = new Set(['halted', 'poweroff']);

const JUDGED_REGISTERS = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip', 'eflags', 'es', 'cs', 'ss', 'ds', 'fs', 'gs'];

function lines(text: string): string[] {
  const l = text.split('\n');
  if (l.length > 0 && l[l.length - 1] === '') l.pop();
  return l;
}

function selfCheckValues(text: string, re: RegExp): string[] {
  const out: string[] = [];
  for (const l of lines(text)) {
    const m = re.exec(l);
    if (m !== null) out.push(m[0]);
  }
  return out;
}

function sensitiveFor(line: string): CulpritInstruction | null {
  const s = SENSITIVE_UNPRIVILEGED.find((x) => line.startsWith(x.line));
  return s === undefined ? null : { mnemonic: s.mnemonic, why: s.atRing1, sdm: s.sdm };
}

/** The instruction a VMM message names in backquotes (the paravirtual VMM's domain crash). */
function crashInstruction(message: string | null): CulpritInstruction | null {
  if (message === null) return null;
  const m = /`([^`]+)`/.exec(message);
  return m === null ? null : { mnemonic: m[1], why: message, sdm: null };
}

/** Judges one run against the native run of the same workload. */
export function judge(native: TechniqueRun, run: TechniqueRun, workload: CompareWorkload): Verdict {
  const nl = lines(native.console);
  const gl = lines(run.console);
  const base: Verdict = {
    status: 'baseline', summary: '', consoleEqual: native.console === run.console, linesDiffering: 0, nativeLines: nl.length,
    selfChecks: { total: 0, differing: 0 }, selfChecksEqual: true, firstDifference: null, instruction: null, instructionsDiffering: [], registersDiffering: [],
  };
  if (run.technique === 'native') return { ...base, summary: t('methods.compare.theBaselineEveryOther') };
  if (run.unavailable !== null) return { ...base, status: 'unavailable', consoleEqual: false, summary: t('methods.compare.notRun2', { unavailable: run.unavailable }) };

  let first: Verdict['firstDifference'] = null;
  let differing = 0;
  const diffInsns: string[] = [];
  for (let k = 0; k < Math.max(nl.length, gl.length); k++) {
    const a = nl[k] ?? '';
    const b = gl[k] ?? '';
    if (a === b && k < nl.length && k < gl.length) continue;
    differing++;
    first ??= { line: k + 1, native: a, got: b };
    const s = sensitiveFor(a);
    if (s !== null && gl[k] !== undefined && !diffInsns.includes(s.mnemonic)) diffInsns.push(s.mnemonic);
  }
  const nChecks = selfCheckValues(native.console, workload.selfCheck);
  const gChecks = selfCheckValues(run.console, workload.selfCheck);
  let checksDiffering = Math.abs(nChecks.length - gChecks.length);
  for (let k = 0; k < Math.min(nChecks.length, gChecks.length); k++) if (nChecks[k] !== gChecks[k]) checksDiffering++;
  const registersDiffering = JUDGED_REGISTERS.filter((r) => native.registers[r] !== undefined && run.registers[r] !== native.registers[r]);
  const v: Verdict = {
    ...base,
    linesDiffering: differing,
    selfChecks: { total: nChecks.length, differing: checksDiffering },
    selfChecksEqual: checksDiffering === 0,
    firstDifference: first,
    instructionsDiffering: diffInsns,
    registersDiffering,
  };
  const finished = run.ended === native.ended || (NORMAL_ENDS.has(run.ended) && NORMAL_ENDS.has(native.ended));
  if (!finished) {
    const insn = crashInstruction(run.message);
    const how = run.ended === 'limit' ? t('methods.compare.didNotFinishWithin') : `stopped (${run.ended})`;
    return {
      ...v,
      status: 'failed',
      instruction: insn ?? (first !== null ? sensitiveFor(first.native) : null),
      summary: t('methods.compare.failedTheGuestWhere', { how, nativeEnd: native.ended === 'halted' ? t('methods.compare.ranToItsEnd') : t('methods.compare.endedAs', { ended: native.ended }), detail: run.message !== null ? ` — ${run.message}` : insn !== null ? t('methods.compare.atInstruction', { mnemonic: insn.mnemonic }) : '' }),
    };
  }
  if (v.consoleEqual) {
    return { ...v, status: 'correct', summary: t('methods.compare.rightTheSameConsole', { lines: t('methods.compare.lines', { count: nl.length }), checks: nChecks.length > 0 ? t('methods.compare.asNative', { checks: t('methods.compare.selfChecks', { count: nChecks.length }) }) : '' }) };
  }
  const insn = first !== null ? sensitiveFor(first.native) : null;
  if (v.selfChecksEqual && nChecks.length > 0) {
    return {
      ...v,
      status: 'equivalent',
      instruction: null,
      summary: t('methods.compare.rightEverySelfCheckAs', { length: nChecks.length, count: differing, line: first!.line, ending: run.ended !== native.ended ? t('methods.compare.itEndsWithWhere', { ended: run.ended, ended2: native.ended }) : '' }),
    };
  }
  return {
    ...v,
    status: 'wrong',
    instruction: insn,
    summary:
      t('methods.compare.wrongOfLinesDiffer', { differing, length: nl.length }) +
      (nChecks.length > 0 ? t('methods.compare.ofSelfChecks', { checksDiffering, length: nChecks.length }) : '') +
      t('methods.compare.theFirstIsLine', { line: first!.line }) +
      (insn !== null ? t('methods.compare.madeByWhichDoes', { mnemonic: insn.mnemonic }) : '') +
      '.',
  };
}

// ------------------------------------------------------------------------------------ the comparison

export interface TechniqueResult extends TechniqueRun {
  title: string;
  platform: TechniqueInfo['platform'];
  verdict: Verdict;
  /** Busy cycles against native's busy cycles, in percent (one decimal); null when the run did not finish. */
  overheadPercent: number | null;
  /** Busy cycles / native busy cycles; null when the run did not finish. */
  slowdown: number | null;
}

export interface TechniqueComparison {
  workload: string;
  workloadTitle: string;
  category: string;
  cpu: string;
  cpuName: string;
  cpuYear: number;
  costs: TechniqueCosts;
  assumptions: CostAssumption[];
  vtxCosts: VtxCost[];
  /** The native I/O assumption in force (the native run's IN/OUT cost), with its provenance. */
  nativeIo: { value: number; defaultValue: number; kind: string; source: string; note: string };
  results: TechniqueResult[];
  paravirtDiff: ReturnType<typeof paravirtDiffFor>;
}

/** Overhead of a run against the native run, from their busy cycles. */
export function overheadOf(native: TechniqueRun, run: TechniqueRun, verdict: Verdict): { overheadPercent: number | null; slowdown: number | null } {
  if (run.technique === 'native') return { overheadPercent: 0, slowdown: 1 };
  if (verdict.status === 'failed' || verdict.status === 'unavailable' || native.busyCycles <= 0) return { overheadPercent: null, slowdown: null };
  const ratio = run.busyCycles / native.busyCycles;
  return { overheadPercent: Math.round((ratio - 1) * 1000) / 10, slowdown: Math.round(ratio * 100) / 100 };
}

/** Puts runs (one per technique, native first) together into the comparison. */
export function finishComparison(r: ResolvedRequest, runs: TechniqueRun[]): TechniqueComparison {
  const native = runs.find((x) => x.technique === 'native');
  if (native === undefined) throw new Error('the comparison needs the native run');
  const scenario = getScenario(r.workload.id)!;
  const model = getCpuModel(r.cpu)!;
  const results = runs.map((run): TechniqueResult => {
    const info = techniqueInfo(run.technique);
    const verdict = judge(native, run, r.workload);
    return { ...run, title: info.title, platform: info.platform, verdict, ...overheadOf(native, run, verdict) };
  });
  return {
    workload: r.workload.id,
    workloadTitle: scenario.title,
    category: r.workload.category,
    cpu: model.id,
    cpuName: model.name,
    cpuYear: model.year,
    costs: { ...r.costs },
    assumptions: costAssumptions(model.id, r.costs),
    vtxCosts: vtxCosts(model.id),
    nativeIo: (() => {
      const f = nativeIoFigure();
      return { value: r.nativeIo, defaultValue: f.value, kind: f.kind, source: f.source, note: f.note };
    })(),
    results,
    paravirtDiff: paravirtDiffFor(r.workload),
  };
}

/** Runs every technique (synchronously) and compares them: for tests and the CLI; the worker runs them one at a time. */
export function compareTechniques(req: CompareRequest): { ok: true; comparison: TechniqueComparison } | { ok: false; errors: FieldError[] } {
  const r = resolveCompareRequest(req);
  if (!r.ok) return r;
  return { ok: true, comparison: finishComparison(r.resolved, TECHNIQUE_IDS.map((t) => runTechnique(r.resolved, t))) };
}
