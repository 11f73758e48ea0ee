/**
 * VMs for the seed white paper's workloads and their demand over simulated time.
 *
 * Sizes: the four CloudSim PlanetLab VM types (usage-models.md §A2; EC2 types with RAM halved). Which size each
 * workload gets is a labelled assumption. Demand over time comes from one of three documented profiles:
 *   - diurnal (web-like): a raised cosine between a trough and a peak utilisation. Default range 10-50 %:
 *     servers "operate most of the time at between 10 and 50 percent of their maximum utilization"
 *     (Barroso & Hölzle 2007, usage-models.md §D5). Peak hour and noise are assumptions.
 *   - erlang (PBX call traffic): concurrent calls ~ Poisson(A) where A = offered traffic in erlangs - the
 *     occupancy of an infinite-server system with Poisson arrivals and any holding time; calls beyond the
 *     trunk count are blocked (Erlang B, `erlangB`). Media relayed by the PBX costs 2 streams x 87.2 kbit/s
 *     per call (G.711, 20 ms packets, incl. IP/UDP/RTP + Ethernet: Avaya Aura "Media bandwidth", Table
 *     "Bandwidth requirements for media streams"). CPU per call is an assumption.
 *   - constant: a constant bit rate (streaming) or constant load; rates are assumptions.
 * Time is simulated seconds from midnight; noise is a pure function of (seed, VM, 300-s step), so
 * `demandAt` is deterministic and needs no state.
 */
import { hashSeed } from './hash.ts';
import { nextFloat, nextPoisson, prng } from './prng.ts';
import { SRC_A2, SRC_SEED, assumption, measured, type Provenance } from './provenance.ts';
import { t as msg } from '../../../i18n/t.ts';
import '../../../i18n/en/platform.ts';

/** A resource vector: CPU (MIPS), memory (MiB), network (Mbit/s). */
export interface Demand {
  readonly cpuMips: number;
  readonly memMiB: number;
  readonly netMbit: number;
}

export const ZERO_DEMAND: Demand = { cpuMips: 0, memMiB: 0, netMbit: 0 };

export interface VmSize {
  readonly id: string;
  readonly name: string;
  readonly mips: number;
  readonly vcpus: number;
  readonly memMiB: number;
  readonly bwMbit: number;
  readonly provenance: Provenance;
}

// usage-models.md §A2: VM types (MIPS, PEs, RAM MB) = (2500,1,870), (2000,1,1740), (1000,1,1740), (500,1,613);
// all BW 100 Mbit/s.
const a2 = (id: string, name: string, mips: number, memMiB: number): VmSize => ({
  id,
  name,
  mips,
  vcpus: 1,
  memMiB,
  bwMbit: 100,
  provenance: measured(SRC_A2, msg('platform.workloads.provenance')),
});
export const VM_HIGH_CPU_MEDIUM = a2('high-cpu-medium', 'High-CPU Medium', 2500, 870); // i18n-ignore: an EC2/CloudSim VM type name
export const VM_EXTRA_LARGE = a2('extra-large', 'Extra Large', 2000, 1740); // i18n-ignore: an EC2/CloudSim VM type name
export const VM_SMALL = a2('small', 'Small', 1000, 1740);
export const VM_MICRO = a2('micro', 'Micro', 500, 613);
export const VM_SIZES: readonly VmSize[] = [VM_HIGH_CPU_MEDIUM, VM_EXTRA_LARGE, VM_SMALL, VM_MICRO];

export type WorkloadKind =
  | 'sip-pbx'
  | 'firewall'
  | 'antivirus'
  | 'hrm'
  | 'email'
  | 'ftp'
  | 'streaming'
  | 'web'
  | 'vpn'
  | 'router';

export interface DiurnalProfile {
  readonly kind: 'diurnal';
  /** CPU utilisation of the VM size at the trough and at the peak, 0..1. */
  readonly minUtil: number;
  readonly maxUtil: number;
  readonly peakHour: number;
  /** Uniform noise amplitude (± fraction of the VM size), redrawn every 300 s. */
  readonly noise: number;
  /** Network at full utilisation, Mbit/s (scaled with the CPU curve). */
  readonly netAtPeakMbit: number;
}

export interface ErlangProfile {
  readonly kind: 'erlang';
  /** Busy-hour offered traffic, erlangs. */
  readonly busyHourErlangs: number;
  /** Trunk/channel limit; calls beyond it are blocked. */
  readonly trunks: number;
  readonly busyHour: number;
  /** Fraction of busy-hour traffic at the quietest hour. */
  readonly troughFraction: number;
  readonly baseMips: number;
  readonly mipsPerCall: number;
  /** Per-call media bandwidth through the PBX, kbit/s, both directions. */
  readonly kbitPerCall: number;
}

export interface ConstantProfile {
  readonly kind: 'constant';
  readonly util: number;
  readonly netMbit: number;
}

export type DemandProfile = DiurnalProfile | ErlangProfile | ConstantProfile;

export type GuestOs = 'linux' | 'windows';

export interface VmSpec {
  readonly id: string;
  readonly name: string;
  readonly workload: WorkloadKind;
  readonly os: GuestOs;
  readonly size: VmSize;
  readonly profile: DemandProfile;
  /** VMs sharing a replica group must run on different hosts (anti-affinity). */
  readonly replicaGroup?: string;
  readonly provenance: { readonly role: Provenance; readonly os: Provenance; readonly size: Provenance; readonly profile: Provenance };
}

/** G.711, 20 ms packets, one direction incl. Ethernet: 87.2 kbit/s (Avaya Aura "Media bandwidth" table). */
export const G711_20MS_KBIT = 87.2;
export const G711_20MS_SOURCE = msg('platform.workloads.g71120msSource');

/** Erlang B blocking probability B(A, m) by the standard recursion B(A,0)=1, B(A,k)=A·B/(k + A·B). */
export function erlangB(erlangs: number, trunks: number): number {
  let b = 1;
  for (let k = 1; k <= trunks; k++) b = (erlangs * b) / (k + erlangs * b);
  return b;
}

const DAY_S = 86_400;
export const NOISE_STEP_S = 300; // the CloudSim scheduling interval (usage-models.md §A2)

/** 0..1, 1 at `peakHour`, raised cosine over 24 h. */
export function diurnalShape(tS: number, peakHour: number): number {
  const phase = (2 * Math.PI * (tS - peakHour * 3600)) / DAY_S;
  return (1 + Math.cos(phase)) / 2;
}

/** The demand of one VM at simulated time tS (seconds), deterministic in (seed, vm index, 300-s step). */
export function demandAt(vm: VmSpec, vmIndex: number, tS: number, seed: number): Demand {
  const step = Math.floor(tS / NOISE_STEP_S);
  const r = prng(hashSeed(seed, vmIndex, step));
  const p = vm.profile;
  const mem = vm.size.memMiB;
  switch (p.kind) {
    case 'diurnal': {
      const u0 = p.minUtil + (p.maxUtil - p.minUtil) * diurnalShape(tS, p.peakHour);
      const u = clamp01(u0 + p.noise * (2 * nextFloat(r) - 1));
      return { cpuMips: u * vm.size.mips, memMiB: mem, netMbit: Math.min(vm.size.bwMbit, u * p.netAtPeakMbit) };
    }
    case 'erlang': {
      const a = p.busyHourErlangs * (p.troughFraction + (1 - p.troughFraction) * diurnalShape(tS, p.busyHour));
      const calls = Math.min(p.trunks, nextPoisson(r, a));
      const cpu = Math.min(vm.size.mips, p.baseMips + p.mipsPerCall * calls);
      return { cpuMips: cpu, memMiB: mem, netMbit: Math.min(vm.size.bwMbit, (calls * p.kbitPerCall) / 1000) };
    }
    case 'constant':
      return { cpuMips: p.util * vm.size.mips, memMiB: mem, netMbit: Math.min(vm.size.bwMbit, p.netMbit) };
  }
}

/** Concurrent PBX calls at tS (the same draw `demandAt` makes). */
export function callsAt(vm: VmSpec, vmIndex: number, tS: number, seed: number): number {
  const p = vm.profile;
  if (p.kind !== 'erlang') return 0;
  const r = prng(hashSeed(seed, vmIndex, Math.floor(tS / NOISE_STEP_S)));
  const a = p.busyHourErlangs * (p.troughFraction + (1 - p.troughFraction) * diurnalShape(tS, p.busyHour));
  return Math.min(p.trunks, nextPoisson(r, a));
}

/** Demand series over a day at the 300-s interval (288 points). */
export function demandSeries(vm: VmSpec, vmIndex: number, seed: number, stepS = NOISE_STEP_S): Demand[] {
  const out: Demand[] = [];
  for (let t = 0; t < DAY_S; t += stepS) out.push(demandAt(vm, vmIndex, t, seed));
  return out;
}

/** The peak of each resource over a day (what a conservative static placement reserves). */
export function peakDemand(vm: VmSpec, vmIndex: number, seed: number): Demand {
  let c = 0;
  let m = 0;
  let n = 0;
  for (const d of demandSeries(vm, vmIndex, seed)) {
    c = Math.max(c, d.cpuMips);
    m = Math.max(m, d.memMiB);
    n = Math.max(n, d.netMbit);
  }
  return { cpuMips: c, memMiB: m, netMbit: n };
}

/** The VM size itself (MIPS, RAM and BW of the type): what a reservation-based placement packs. */
export function reservedDemand(vm: VmSpec): Demand {
  return { cpuMips: vm.size.mips, memMiB: vm.size.memMiB, netMbit: vm.size.bwMbit };
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

// ---------------------------------------------------------------------------------------------------------
// Default profiles. Every number below that is not cited on its line is a model assumption (editable).
// ---------------------------------------------------------------------------------------------------------

const BARROSO = msg('platform.workloads.barroso');

/** Diurnal web-like load, 10-50 % (§D5), peak 14:00 and ±5 % noise (assumptions). */
export const diurnal = (netAtPeakMbit: number, peakHour = 14): DiurnalProfile => ({
  kind: 'diurnal',
  minUtil: 0.1,
  maxUtil: 0.5,
  peakHour,
  noise: 0.05,
  netAtPeakMbit,
});

/** PBX call traffic: 8.108 E busy-hour on 15 trunks = the 1 %-blocking point of Erlang B (erlang.com
 * calculator manual, "How much traffic can a trunk group handle": 15 lines at 1 % -> 8.108 E); busy hour 10:00,
 * trough 10 %, 100 + 20 MIPS per call are assumptions. */
export const PBX_PROFILE: ErlangProfile = {
  kind: 'erlang',
  busyHourErlangs: 8.108,
  trunks: 15,
  busyHour: 10,
  troughFraction: 0.1,
  baseMips: 100,
  mipsPerCall: 20,
  kbitPerCall: 2 * G711_20MS_KBIT,
};

const A_ROLE = (section: string): Provenance => measured(`${SRC_SEED} ${section}`);
const SIZE_ASSUMED = assumption(msg('platform.workloads.whichCloudsimVmType'));
const OS_ASSUMED = assumption(msg('platform.workloads.guestOsNotStated'));

function vm(
  id: string,
  name: string,
  workload: WorkloadKind,
  os: GuestOs,
  size: VmSize,
  profile: DemandProfile,
  role: Provenance,
  osProv: Provenance,
  profileProv: Provenance,
  replicaGroup?: string,
): VmSpec {
  const base = { id, name, workload, os, size, profile, provenance: { role, os: osProv, size: SIZE_ASSUMED, profile: profileProv } };
  return replicaGroup === undefined ? base : { ...base, replicaGroup };
}

const LINUX_SEED = measured(msg('platform.workloads.331FirewallAnd', { srcSeed: SRC_SEED }));
const WINDOWS_SEED = measured(msg('platform.workloads.331WindowsStreaming', { srcSeed: SRC_SEED }));
const PBX_PROV = measured(
  msg('platform.workloads.erlangB1', { g71120msKbit: G711_20MS_KBIT, g71120msSource: G711_20MS_SOURCE }),
  msg('platform.workloads.busyHourTroughMips'),
);
const DIURNAL_PROV = assumption(msg('platform.workloads.shapePeakHourNoise', { barroso: BARROSO }));
const CONST_PROV = assumption(msg('platform.workloads.constantUtilisationAndBit'));

/**
 * The seed roster: the consolidation example of the white paper (§3.3.2 Figure 6: SIP PBX on VM#1 replicated
 * on VM#2, web hosting, FTP, email, firewall, antivirus, video streaming; §2: routing, VPN; §2 also names HRM).
 */
export const SEED_ROSTER: readonly VmSpec[] = [
  vm('pbx-1', 'SIP PBX (Asterisk) VM#1 - active', 'sip-pbx', 'linux', VM_SMALL, PBX_PROFILE, A_ROLE('§3.3.2 Fig. 6, §3.3.1'), LINUX_SEED, PBX_PROV, 'sip-pbx'), // i18n-ignore: VM names of the seed roster (white paper §3.3.2 Fig. 6): user-editable names that links and saved files carry
  vm('pbx-2', 'SIP PBX (Asterisk) VM#2 - standby', 'sip-pbx', 'linux', VM_SMALL, { kind: 'constant', util: 0.1, netMbit: 1 }, A_ROLE('§3.3.2 Fig. 6, §3.3.1'), LINUX_SEED, CONST_PROV, 'sip-pbx'), // i18n-ignore: VM names of the seed roster (white paper §3.3.2 Fig. 6): user-editable names that links and saved files carry
  vm('firewall', 'Firewall', 'firewall', 'linux', VM_MICRO, diurnal(80), A_ROLE('§2, §3.3.2'), LINUX_SEED, DIURNAL_PROV),
  vm('antivirus', 'Antivirus gateway', 'antivirus', 'linux', VM_HIGH_CPU_MEDIUM, diurnal(40), A_ROLE('§2, §3.3.2'), OS_ASSUMED, DIURNAL_PROV), // i18n-ignore: VM names of the seed roster (white paper §3.3.2 Fig. 6): user-editable names that links and saved files carry
  vm('hrm', 'HR management', 'hrm', 'windows', VM_SMALL, diurnal(5, 11), A_ROLE('§2'), OS_ASSUMED, DIURNAL_PROV), // i18n-ignore: VM names of the seed roster (white paper §3.3.2 Fig. 6): user-editable names that links and saved files carry
  vm('email', 'Email server', 'email', 'linux', VM_EXTRA_LARGE, diurnal(20, 10), A_ROLE('§2, §3.3.2'), OS_ASSUMED, DIURNAL_PROV), // i18n-ignore: VM names of the seed roster (white paper §3.3.2 Fig. 6): user-editable names that links and saved files carry
  vm('ftp', 'FTP server', 'ftp', 'linux', VM_MICRO, diurnal(60), A_ROLE('§2, §3.3.2'), OS_ASSUMED, DIURNAL_PROV), // i18n-ignore: VM names of the seed roster (white paper §3.3.2 Fig. 6): user-editable names that links and saved files carry
  vm('streaming', 'Video/voice streaming (media server)', 'streaming', 'windows', VM_EXTRA_LARGE, { kind: 'constant', util: 0.4, netMbit: 40 }, A_ROLE('§2, §3.3.2'), WINDOWS_SEED, CONST_PROV), // i18n-ignore: VM names of the seed roster (white paper §3.3.2 Fig. 6): user-editable names that links and saved files carry
  vm('web', 'Web hosting', 'web', 'linux', VM_EXTRA_LARGE, diurnal(50, 20), A_ROLE('§2, §3.3.2'), OS_ASSUMED, DIURNAL_PROV), // i18n-ignore: VM names of the seed roster (white paper §3.3.2 Fig. 6): user-editable names that links and saved files carry
  vm('vpn', 'VPN gateway', 'vpn', 'linux', VM_MICRO, diurnal(30), A_ROLE('§2'), OS_ASSUMED, DIURNAL_PROV), // i18n-ignore: VM names of the seed roster (white paper §3.3.2 Fig. 6): user-editable names that links and saved files carry
  vm('router', 'Network routing', 'router', 'linux', VM_MICRO, diurnal(80), A_ROLE('§2'), OS_ASSUMED, DIURNAL_PROV), // i18n-ignore: VM names of the seed roster (white paper §3.3.2 Fig. 6): user-editable names that links and saved files carry
];
