/**
 * The simulated data centre of the CloudSim PlanetLab examples (Beloglazov & Buyya 2012), as documented in
 * ../shared/reference/usage-models.md §A2 (hosts, VM types, interval) and §A4 (migration time).
 * Every figure here is from that section; nothing is a model assumption of ours.
 */
import { HP_ML110_G4, HP_ML110_G5, type PowerCurve } from './power.ts';

export interface HostType {
  readonly name: string;
  readonly pes: number;
  /** MIPS per processing element (core). */
  readonly peMips: number;
  readonly ramMb: number;
  /** Network bandwidth, kbit/s (CloudSim units). */
  readonly bwKbps: number;
  readonly power: PowerCurve;
}

export interface VmType {
  readonly name: string;
  readonly mips: number;
  readonly pes: number;
  readonly ramMb: number;
  readonly bwKbps: number;
}

/** §A2: host type 0 = HP ProLiant ML110 G4, 2 × 1860 MIPS, 4096 MB, 1 Gbit/s. */
export const HOST_TYPES: readonly HostType[] = [
  { name: 'HP ProLiant ML110 G4 (Xeon 3040)', pes: 2, peMips: 1860, ramMb: 4096, bwKbps: 1_000_000, power: HP_ML110_G4 },
  // §A2: host type 1 = HP ProLiant ML110 G5, 2 × 2660 MIPS, 4096 MB, 1 Gbit/s.
  { name: 'HP ProLiant ML110 G5 (Xeon 3075)', pes: 2, peMips: 2660, ramMb: 4096, bwKbps: 1_000_000, power: HP_ML110_G5 },
];

/** §A2: VM types (MIPS, PEs, RAM MB), all 100 Mbit/s — EC2 High-CPU Medium, Extra Large, Small, Micro (RAM halved). */
export const VM_TYPES: readonly VmType[] = [
  { name: 'High-CPU Medium', mips: 2500, pes: 1, ramMb: 870, bwKbps: 100_000 },
  { name: 'Extra Large', mips: 2000, pes: 1, ramMb: 1740, bwKbps: 100_000 },
  { name: 'Small', mips: 1000, pes: 1, ramMb: 1740, bwKbps: 100_000 },
  { name: 'Micro', mips: 500, pes: 1, ramMb: 613, bwKbps: 100_000 },
];

/** §A2: 800 hosts in the PlanetLab examples; host i has type i mod 2. */
export const NUMBER_OF_HOSTS = 800;
/** §A2: scheduling interval 300 s. */
export const SCHEDULING_INTERVAL = 300;
/** §A2: simulation limit 86,400 s (24 h). */
export const SIMULATION_LIMIT = 86_400;
/** §A2 / CloudSim `Constants.HOST_STORAGE` and `VM_SIZE`: 1,000,000 MB of storage per host, 2,500 MB image per VM. */
export const HOST_STORAGE_MB = 1_000_000;
export const VM_IMAGE_MB = 2_500;
/**
 * CloudSim's default minimum time between events (`CloudSim.minTimeBetweenEvents` = 0.1 s): the VM-creation
 * acknowledgements arrive 0.1 s after creation, the cloudlets are submitted then, and every scheduling
 * event falls at 0.1 + k × 300 s (CloudSim 3.0.3 `Datacenter.processVmCreate`, `PowerDatacenter`).
 */
export const CLOUDLET_SUBMIT_TIME = 0.1;

/** §A2: VM i gets type i / ceil(N / 4) (blocks, not round-robin). */
export function vmTypeIndex(i: number, n: number): number {
  return Math.trunc(i / Math.ceil(n / VM_TYPES.length));
}

/** §A4: migration delay = RAM / (host BW / (2 × 8000)) s — half the BW is reserved for migration. */
export function migrationSeconds(ramMb: number, hostBwKbps: number): number {
  return ramMb / (hostBwKbps / (2 * 8000));
}
