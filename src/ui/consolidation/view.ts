/**
 * The Consolidation lab's view model (pure, tested in view.test.ts): the seed roster as placement items, the
 * "before" (one server per application) and "after" (packed) placements, moves by hand checked with the core's
 * checkMove, the figures with their formula and source, the TCO inputs as editable text, and the CloudSim 3.0.3
 * reference values of the dynamic day.
 */
import {
  HOST_TYPES,
  SEED_ROSTER,
  hostMips,
  hostTypeById,
  makeHosts,
  peakDemand,
  reservedDemand,
  type HostType,
  type Provenance,
  type VmSpec,
  type WorkloadKind,
} from '../../core/platform/model/index.ts';
import {
  DEFAULT_TCO_INPUTS,
  bestFitDecreasing,
  checkMove,
  firstFitDecreasing,
  kubeSchedule,
  onePerHost,
  powerAwareBestFitDecreasing,
  tco,
  toPlacementHost,
  toPlacementItem,
  type PlacementHost,
  type PlacementItem,
  type PlacementSummary,
  type TcoBreakdown,
  type TcoInputs,
  type Violation,
} from '../../core/platform/placement/index.ts';
import { TCO_KEYS, type ConsolidationLink, type DemandBasis, type PlacementAlgorithm, type TcoKey } from '../../state/consolidation-link.ts';
import '../../i18n/en/consolidation.ts';
import { t } from '../../i18n/t.ts';

/** The seed of the workload profiles' noise (the peak-demand basis). */
export const ROSTER_SEED = 1;

export const ALGORITHM_LABELS: Readonly<Record<PlacementAlgorithm, string>> = {
  get ffd() { return t('consolidation.view.firstFitDecreasingFfd'); },
  get bfd() { return t('consolidation.view.bestFitDecreasingBfd'); },
  get pabfd() { return t('consolidation.view.powerAwareBestFit'); },
  get 'kube-least'() { return t('consolidation.view.kubernetesLeastAllocated'); },
  get 'kube-most'() { return t('consolidation.view.kubernetesMostAllocated'); },
  get 'kube-balanced'() { return t('consolidation.view.kubernetesBalancedAllocation'); },
};

export const ALGORITHM_SOURCES: Readonly<Record<PlacementAlgorithm, string>> = {
  get ffd() { return t('consolidation.view.vmsByDecreasingDominant'); },
  get bfd() { return t('consolidation.view.vmsByDecreasingDominant2'); },
  get pabfd() { return t('consolidation.view.vmsByDecreasingCpu'); },
  get 'kube-least'() { return t('consolidation.view.kubeSchedulerLeastAllocatedScore'); },
  get 'kube-most'() { return t('consolidation.view.kubeSchedulerMostAllocatedScore'); },
  get 'kube-balanced'() { return t('consolidation.view.kubeSchedulerBalancedAllocationS'); },
};

export const ROLE_LABELS: Readonly<Record<WorkloadKind, string>> = {
  get 'sip-pbx'() { return t('consolidation.view.sipPbx'); },
  get firewall() { return t('consolidation.view.roleFirewall'); },
  get antivirus() { return t('consolidation.view.roleAntivirus'); },
  get hrm() { return t('consolidation.view.hrMgmt'); },
  get email() { return t('consolidation.view.roleEmail'); },
  ftp: 'FTP',
  get streaming() { return t('consolidation.view.roleStreaming'); },
  get web() { return t('consolidation.view.roleWeb'); },
  vpn: 'VPN',
  get router() { return t('consolidation.view.roleRouting'); },
};

export interface Scenario {
  hostType: HostType;
  roster: readonly VmSpec[];
  items: PlacementItem[];
  /** The pool the algorithms pack into: as many hosts as VMs (every VM could have its own). */
  hosts: PlacementHost[];
  before: { hosts: PlacementHost[]; assignment: Record<string, string> };
}

export function scenario(hostTypeId: string, basis: DemandBasis): Scenario {
  const hostType = hostTypeById(hostTypeId) ?? HOST_TYPES[1]!;
  const roster = SEED_ROSTER;
  const items = roster.map((v, i) => toPlacementItem(v, basis === 'peak' ? peakDemand(v, i, ROSTER_SEED) : reservedDemand(v)));
  const hosts = makeHosts(hostType, roster.length).map(toPlacementHost);
  const { id: _id, ...template } = hosts[0]!;
  void _id;
  return { hostType, roster, items, hosts, before: onePerHost(items, { ...template, name: hostType.name }) };
}

export function runAlgorithm(alg: PlacementAlgorithm, items: readonly PlacementItem[], hosts: readonly PlacementHost[]): { assignment: Record<string, string>; unplaced: string[] } {
  switch (alg) {
    case 'ffd':
      return firstFitDecreasing(items, hosts);
    case 'bfd':
      return bestFitDecreasing(items, hosts);
    case 'pabfd':
      return powerAwareBestFitDecreasing(items, hosts);
    case 'kube-least':
      return kubeSchedule('least-allocated', items, hosts);
    case 'kube-most':
      return kubeSchedule('most-allocated', items, hosts);
    case 'kube-balanced':
      return kubeSchedule('balanced-allocation', items, hosts);
  }
}

export interface After {
  assignment: Record<string, string>;
  unplaced: string[];
  /** Moves from the link that were applied (each checked) and those refused. */
  applied: { vm: string; host: string }[];
  refused: { vm: string; host: string; violations: Violation[] }[];
}

/** The algorithm's placement, then the moves by hand in order, each checked as a drop would be. */
export function afterPlacement(sc: Scenario, alg: PlacementAlgorithm, moves: readonly { vm: string; host: string }[]): After {
  const r = runAlgorithm(alg, sc.items, sc.hosts);
  let assignment = { ...r.assignment };
  const applied: After['applied'] = [];
  const refused: After['refused'] = [];
  for (const m of moves) {
    if (!sc.items.some((i) => i.id === m.vm) || !sc.hosts.some((h) => h.id === m.host)) {
      refused.push({ ...m, violations: [] });
      continue;
    }
    const c = checkMove(sc.items, sc.hosts, assignment, m.vm, m.host);
    if (!c.ok) refused.push({ ...m, violations: c.violations });
    else {
      assignment = { ...assignment, [m.vm]: m.host };
      applied.push(m);
    }
  }
  return { assignment, unplaced: sc.items.filter((i) => assignment[i.id] === undefined).map((i) => i.id), applied, refused };
}

/** A drop of `vm` on `host`: the new move list if accepted, or the violations in words. */
export function tryMove(sc: Scenario, after: After, moves: readonly { vm: string; host: string }[], vm: string, host: string):
  | { ok: true; moves: { vm: string; host: string }[] }
  | { ok: false; messages: string[] } {
  if (after.assignment[vm] === host) return { ok: false, messages: [t('consolidation.view.theVmAlreadyRuns')] };
  const c = checkMove(sc.items, sc.hosts, after.assignment, vm, host);
  if (!c.ok) return { ok: false, messages: c.violations.map((v) => v.message) };
  // Keep the list short: an earlier move of the same VM is replaced.
  return { ok: true, moves: [...moves.filter((m) => m.vm !== vm), { vm, host }] };
}

/** Hosts to draw in the "after" view: those running VMs, then the first spare (off) host as a drop target. */
export function hostsToDraw(s: PlacementSummary): string[] {
  const running = s.loads.filter((l) => l.running).map((l) => l.hostId);
  const spare = s.loads.find((l) => !l.running);
  return spare === undefined ? running : [...running, spare.hostId];
}

// ------------------------------------------------------------------------------------------------- figures

/** A number with how it was obtained: shown on demand beside it. */
export interface Figure {
  text: string;
  formula: string;
  source: string;
}

export const provenanceText = (p: Provenance): string =>
  p.kind === 'assumption' ? t('consolidation.view.modelAssumption', { note: p.note ?? '' }) : t(p.kind === 'measured' ? 'consolidation.view.measured' : 'consolidation.view.derived', { source: p.source, note: p.note ? ` — ${p.note}` : '' });

const pct = (x: number): string => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;
const w = (x: number): string => `${x.toFixed(1)} W`;
export const usd = (x: number): string => `${Math.round(x).toLocaleString('en-US')} USD`;

export function powerFigure(s: PlacementSummary, hostType: HostType): Figure {
  const on = s.loads.filter((l) => l.running);
  return {
    text: w(s.totalWatts),
    formula: t('consolidation.view.overTheRunningHosts', { length: on.length, join: on.map((l) => `P(${pct(l.util.cpuMips)}) = ${w(l.watts)}`).join(' + ') }),
    source: provenanceText(hostType.power.provenance),
  };
}

export function hostsFigure(s: PlacementSummary, label: string): Figure {
  return { text: String(s.hostsUsed), formula: t('consolidation.view.hostsRunningAtLeast', { label }), source: t('consolidation.view.srcCorePlatformPlacement') };
}

export function lowerBoundFigure(s: PlacementSummary): Figure {
  return {
    text: String(s.lowerBound.value),
    formula: t('consolidation.view.noPlacementCanUse', { reason: s.lowerBound.reason }),
    source: t('consolidation.view.usageModelsMdD1'),
  };
}

export function utilFigure(util: number, load: number, cap: number, unit: string, what: string): Figure {
  return { text: pct(util), formula: t('consolidation.view.utilFormula', { what, load: load.toFixed(0), cap: cap.toFixed(0), unit }), source: t('consolidation.view.vmSizesUsageModels') };
}

export function capacityText(h: HostType): string {
  return t('consolidation.view.capacity', { cores: h.cores, mipsPerCore: h.mipsPerCore, mips: hostMips(h), memoryMiB: h.memoryMiB, networkMbit: h.networkMbit });
}

export function hostTypeSource(t: HostType): string {
  return [`cores: ${provenanceText(t.provenance.cores)}`, `MIPS: ${provenanceText(t.provenance.mips)}`, `memory: ${provenanceText(t.provenance.memory)}`, `network: ${provenanceText(t.provenance.network)}`].join('; ');
}

// ------------------------------------------------------------------------------------------------------ TCO

export function tcoInputs(overrides: Partial<Record<TcoKey, number>>): TcoInputs {
  const out = { ...DEFAULT_TCO_INPUTS } as Record<TcoKey, TcoInputs[TcoKey]>;
  for (const k of TCO_KEYS) {
    const v = overrides[k];
    if (v !== undefined) out[k] = { ...out[k], value: v };
  }
  return out as TcoInputs;
}

/** TCO of the running servers of a placement. */
export function tcoOf(s: PlacementSummary, hosts: readonly PlacementHost[], inp: TcoInputs): TcoBreakdown {
  const byId = new Map(hosts.map((h) => [h.id, h]));
  return tco(
    s.loads.filter((l) => l.running).map((l) => ({ watts: l.watts, rackUnits: byId.get(l.hostId)!.rackUnits })),
    inp,
  );
}

/** User text inside a message, shortened: a pasted 100 kB text must give a message that fits beside the field (issue 9). */
const clip = (s: string): string => (s.length > 40 ? `${s.slice(0, 37)}...` : s);

const TCO_LIMITS: Readonly<Record<TcoKey, { min: number; max: number; integer?: boolean }>> = {
  serverPriceUsd: { min: 0, max: 1e7 },
  electricityUsdPerKWh: { min: 0, max: 100 },
  pue: { min: 1, max: 10 },
  rackUnitUsdPerYear: { min: 0, max: 1e6 },
  years: { min: 1, max: 30, integer: true },
};

/** A TCO field's text: a value, or a message to show beside the field (the text is kept). */
export function parseTcoField(key: TcoKey, text: string): { ok: true; value: number } | { ok: false; message: string } {
  const s = text.trim().replace(/[,_\s]/g, '');
  if (s === '') return { ok: false, message: t('consolidation.view.enterANumber') };
  if (!/^-?\d+(\.\d+)?$/.test(s)) return { ok: false, message: t('consolidation.view.isNotANumber', { trim: clip(text.trim()) }) };
  const v = Number(s);
  const lim = TCO_LIMITS[key];
  if (lim.integer === true && !Number.isInteger(v)) return { ok: false, message: t('consolidation.view.useAWholeNumber') };
  if (v < lim.min) return { ok: false, message: key === 'pue' ? t('consolidation.view.aPueIsAt') : t('consolidation.view.atLeast', { min: lim.min }) };
  if (v > lim.max) return { ok: false, message: t('consolidation.view.atMost', { max: lim.max.toLocaleString('en-US') }) };
  if (s.split('.')[1] !== undefined && s.split('.')[1]!.length > 6) return { ok: false, message: t('consolidation.view.atMost6Decimals') };
  return { ok: true, value: v };
}

// ------------------------------------------------------------------------------------ dynamic consolidation

/** The policies offered, as the core names them (docs/planetlab.md table order). */
export const DAY_POLICIES = [
  'dvfs', 'thr-mmt-1.0', 'thr-mmt-0.8', 'iqr-mmt-1.5', 'mad-mmt-2.5', 'lrr-mmt-1.2', 'lr-mmt-1.2', 'thr-mc-0.8', 'thr-mu-0.8', 'thr-rs-0.8',
  'iqr-mc-1.5', 'mad-mc-2.5', 'lrr-mc-1.2', 'lr-mc-1.2', 'lr-mu-1.2', 'lr-rs-1.2', 'npa',
] as const;

export type { CloudSimReference } from '../../core/platform/dynamic/reference.ts';

export { CLOUDSIM_SOURCE, cloudSimReference } from '../../core/platform/dynamic/reference.ts';

export const METRIC_FORMULAS = {
  get energy() { return t('consolidation.view.overHostsAndFrames'); },
  get migrations() { return t('consolidation.view.vmLiveMigrationsStarted'); },
  get slatah() { return t('consolidation.view.slatahTotalTimeThe'); },
  get pdm() { return t('consolidation.view.pdmMipsRequestedBut'); },
  get slav() { return t('consolidation.view.slavFormula'); },
  get esv() { return t('consolidation.view.esvEnergyKWhSlav'); },
  get shutdowns() { return t('consolidation.view.hostShutdownsActiveInactive'); },
} as const;

/** Hour h (0 … 23) of a per-interval series: the 12 intervals of 300 s in it. */
export function hourSlice(series: readonly number[], hour: number, intervalSeconds = 300): number[] {
  const per = Math.round(3600 / intervalSeconds);
  return series.slice(hour * per, (hour + 1) * per);
}

export interface HourView {
  hour: number;
  meanActive: number;
  minActive: number;
  maxActive: number;
  migrations: number;
  energyKWh: number;
}

export function hourView(activeHosts: readonly number[], migrations: readonly number[], powerW: readonly number[], hour: number, intervalSeconds = 300): HourView {
  const a = hourSlice(activeHosts, hour, intervalSeconds);
  const m = hourSlice(migrations, hour, intervalSeconds);
  const p = hourSlice(powerW, hour, intervalSeconds);
  return {
    hour,
    meanActive: a.length ? a.reduce((s, x) => s + x, 0) / a.length : 0,
    minActive: a.length ? Math.min(...a) : 0,
    maxActive: a.length ? Math.max(...a) : 0,
    migrations: m.reduce((s, x) => s + x, 0),
    energyKWh: p.reduce((s, x) => s + (x * intervalSeconds) / 3.6e6, 0),
  };
}

/** Absolute URL of the PlanetLab data folder for the worker (relative base './' resolved against the page). */
export function planetLabDataUrl(baseUrl: string, pageUrl: string): string {
  return new URL(`${baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`}data/planetlab/`, pageUrl).href;
}

/** Re-export for the lab: the link's shape. */
export type { ConsolidationLink };
