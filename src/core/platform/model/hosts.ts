/**
 * Host (physical server) types: the seed white paper's two VT-x platforms, and the SPECpower-measured servers
 * that CloudSim ships power models for (usage-models.md §A2). Capacities are in CloudSim's units: CPU in
 * MIPS with MIPS = core clock in MHz (§A2: "2 PEs x 1860 MIPS (Xeon 3040, 2 cores 1.86 GHz)"), memory in
 * MiB, network in Mbit/s.
 */
import {
  CURVE_ML110_G3,
  CURVE_ML110_G4,
  CURVE_ML110_G5,
  CURVE_X3250_X3470,
  CURVE_X3250_X3480,
  CURVE_X3550_X5670,
  CURVE_X3550_X5675,
  scaledCurve,
  type PowerCurve,
} from './power.ts';
import { SRC_A2, SRC_SEED, assumption, derived, measured, type Provenance } from './provenance.ts';
import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/platform.ts';

export interface HostType {
  readonly id: string;
  readonly name: string;
  readonly cores: number;
  readonly mipsPerCore: number;
  readonly memoryMiB: number;
  readonly networkMbit: number;
  /** Rack units (for the TCO's rack-space term). */
  readonly rackUnits: number;
  readonly power: PowerCurve;
  readonly provenance: {
    readonly cores: Provenance;
    readonly mips: Provenance;
    readonly memory: Provenance;
    readonly network: Provenance;
    readonly rackUnits: Provenance;
  };
}

/** Total CPU capacity in MIPS. */
export const hostMips = (h: HostType): number => h.cores * h.mipsPerCore;

const MIPS_IS_MHZ = t('platform.hosts.mipsIsMhz');
const RACK_ASSUMED = assumption(t('platform.hosts.1uPerServerEditable'));
const NET_1G_ASSUMED = assumption(t('platform.hosts.one1GbitSPort'));

/** The seed platforms' absolute idle/peak watts were not found (usage-models.md §F, §D5): the curve is a
 * labelled placeholder, the ML110 G4 SPECpower curve (a 65 nm dual-core Core-microarchitecture server, §A2,
 * §D5) scaled by an editable factor. */
const seedCurveNote = (factor: number): Provenance =>
  assumption(
    t('platform.hosts.placeholderCurveHp', { factor }),
  );

export const XEON_LV_E7520: HostType = {
  id: 'xeon-lv-e7520',
  name: 'Dual-Core Xeon LV 2.0 GHz + E7520 (2 sockets)',
  cores: 4,
  mipsPerCore: 2000,
  memoryMiB: 4096,
  networkMbit: 1000,
  rackUnits: 1,
  power: scaledCurve(CURVE_ML110_G4, 'xeon-lv-e7520', t('platform.hosts.xeonLvE7520.power'), 1, seedCurveNote(1)),
  provenance: {
    cores: derived(t('platform.hosts.xeonLvE7520.cores', { srcSeed: SRC_SEED }), t('platform.hosts.xeonLvE7520.cores2')),
    mips: derived(t('platform.hosts.xeonLvE7520.mips'), MIPS_IS_MHZ),
    memory: assumption(t('platform.hosts.xeonLvE7520.memory')),
    network: NET_1G_ASSUMED,
    rackUnits: RACK_ASSUMED,
  },
};

export const XEON_5100_5000P: HostType = {
  id: 'xeon-5100-5000p',
  name: 'Dual-Core Xeon 5160 3.0 GHz + 5000P (2 sockets)',
  cores: 4,
  mipsPerCore: 3000,
  memoryMiB: 8192,
  networkMbit: 1000,
  rackUnits: 1,
  power: scaledCurve(CURVE_ML110_G4, 'xeon-5100-5000p', t('platform.hosts.xeon51005000p.power'), 2, seedCurveNote(2)),
  provenance: {
    cores: derived(t('platform.hosts.xeon51005000p.cores', { srcSeed: SRC_SEED }), t('platform.hosts.xeonLvE7520.cores2')),
    mips: derived(t('platform.hosts.xeon51005000p.mips'), MIPS_IS_MHZ),
    memory: assumption(
      t('platform.hosts.xeon51005000p.memory'),
    ),
    network: NET_1G_ASSUMED,
    rackUnits: RACK_ASSUMED,
  },
};

const a2Host = (id: string, name: string, mips: number, power: PowerCurve): HostType => ({
  id,
  name,
  cores: 2,
  mipsPerCore: mips,
  memoryMiB: 4096,
  networkMbit: 1000,
  rackUnits: 1,
  power,
  provenance: {
    cores: measured(SRC_A2),
    mips: measured(SRC_A2),
    memory: measured(SRC_A2, t('platform.hosts.memory')),
    network: measured(SRC_A2, t('platform.hosts.network')),
    rackUnits: RACK_ASSUMED,
  },
});

export const HP_ML110_G4 = a2Host('hp-ml110-g4', 'HP ProLiant ML110 G4 (Xeon 3040)', 1860, CURVE_ML110_G4); // i18n-ignore: a server model name (a product name)
export const HP_ML110_G5 = a2Host('hp-ml110-g5', 'HP ProLiant ML110 G5 (Xeon 3075)', 2660, CURVE_ML110_G5); // i18n-ignore: a server model name (a product name)

/** SPECpower servers whose curve is in §A2 but whose cores/clock/memory the reference does not give. */
const specOnly = (id: string, name: string, cores: number, mhz: number, memoryMiB: number, power: PowerCurve): HostType => ({
  id,
  name,
  cores,
  mipsPerCore: mhz,
  memoryMiB,
  networkMbit: 1000,
  rackUnits: 1,
  power,
  provenance: {
    cores: assumption(t('platform.hosts.cores', { cores })),
    mips: assumption(t('platform.hosts.mips', { mhz, mipsIsMhz: MIPS_IS_MHZ })),
    memory: assumption(t('platform.hosts.memory2', { memoryMiB })),
    network: NET_1G_ASSUMED,
    rackUnits: RACK_ASSUMED,
  },
});

export const HP_ML110_G3 = specOnly('hp-ml110-g3', 'HP ProLiant ML110 G3 (Pentium D 930)', 2, 3000, 4096, CURVE_ML110_G3); // i18n-ignore: a server model name (a product name)
export const IBM_X3250_X3470 = specOnly('ibm-x3250-x3470', 'IBM x3250 (Xeon X3470)', 4, 2930, 8192, CURVE_X3250_X3470); // i18n-ignore: a server model name (a product name)
export const IBM_X3250_X3480 = specOnly('ibm-x3250-x3480', 'IBM x3250 (Xeon X3480)', 4, 3060, 8192, CURVE_X3250_X3480); // i18n-ignore: a server model name (a product name)
export const IBM_X3550_X5670 = specOnly('ibm-x3550-x5670', 'IBM x3550 (Xeon X5670)', 12, 2930, 16384, CURVE_X3550_X5670); // i18n-ignore: a server model name (a product name)
export const IBM_X3550_X5675 = specOnly('ibm-x3550-x5675', 'IBM x3550 (Xeon X5675)', 12, 3060, 16384, CURVE_X3550_X5675); // i18n-ignore: a server model name (a product name)

export const HOST_TYPES: readonly HostType[] = [
  XEON_LV_E7520,
  XEON_5100_5000P,
  HP_ML110_G4,
  HP_ML110_G5,
  HP_ML110_G3,
  IBM_X3250_X3470,
  IBM_X3250_X3480,
  IBM_X3550_X5670,
  IBM_X3550_X5675,
];

export function hostTypeById(id: string): HostType | undefined {
  return HOST_TYPES.find((h) => h.id === id);
}

/** A physical server in a scenario. */
export interface Host {
  readonly id: string;
  readonly type: HostType;
}

/** `count` hosts of one type, ids `${prefix}1`, `${prefix}2`, … */
export function makeHosts(type: HostType, count: number, prefix = 'host-'): Host[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i + 1}`, type }));
}
