/**
 * Dynamic VM consolidation over a PlanetLab day (Beloglazov & Buyya, CCPE 2012) — a headless re-implementation
 * of CloudSim 3.0.3's `PowerDatacenter` with `PowerHostUtilizationHistory` hosts,
 * `VmSchedulerTimeSharedOverSubscription`, `PowerVm` and the `PowerVmAllocationPolicyMigration*` policies,
 * following ../shared/reference/usage-models.md §A1–§A4 and the code semantics of the reference simulator
 * (Cloudslab/cloudsim tag cloudsim-3.0.3), quirks included, so that its outputs can be compared with §A6.
 *
 * Time line (CloudSim): VMs are created at t = 0 (PABFD with the VMs at full MIPS, RAM and BW), the cloudlets
 * are submitted at 0.1 s and the data centre is processed at 0.1 + k × 300 s while ≤ 86,400 s (§A2). At each
 * processing all hosts re-share their MIPS, the energy of the elapsed frame is added (§A2), VMs whose demand is 0
 * are retired (`getCompletedVms`), the policy picks migrations (§A3), and each migration completes
 * RAM / (BW / 16000) s later (§A4), which processes the data centre again at that moment.
 *
 * Each host's VMs are re-shared in the order CloudSim's `VmSchedulerTimeShared` iterates its `HashMap` keyed by the
 * VM uid (javaHashMap.ts), so that the floating-point sums round as CloudSim's do; with that, CloudSim 3.0.3's
 * printed figures are reproduced to the last bit (agreement.test.ts).
 *
 * State is typed arrays in a plain object (`DynState`); the hot loop allocates nothing (the metric sample lists
 * double now and then).
 */
import {
  CLOUDLET_SUBMIT_TIME as CLOUDLET_SUBMIT_TIME_,
  HOST_TYPES as HOST_TYPES_,
  NUMBER_OF_HOSTS as NUMBER_OF_HOSTS_,
  SCHEDULING_INTERVAL as SCHEDULING_INTERVAL_,
  SIMULATION_LIMIT as SIMULATION_LIMIT_,
  VM_TYPES as VM_TYPES_,
  migrationSeconds as migrationSeconds_,
  vmTypeIndex as vmTypeIndex_,
  type HostType,
} from './config.ts';
import { clampUtilisation as clampUtilisation_, energyLinearInterpolation as energyLinearInterpolation_, powerAt as powerAt_ } from './power.ts';
import { FALLBACK_THRESHOLD as FALLBACK_THRESHOLD_, type Policy } from './policy.ts';
import { capacityAfterPut as capacityAfterPut_, CLOUDSIM_BROKER_ID, cloudSimVmUid, HASHMAP_DEFAULT_CAPACITY, hashMapOrder as hashMapOrder_, javaHashMapHash } from './javaHashMap.ts';
import { makeRng as makeRng_, nextFloat as nextFloat_, type RngState } from './rng.ts';
import {
  cloudSimMean,
  cloudSimStDev,
  countNonZeroBeginning as countNonZeroBeginning_,
  iqrSelect as iqrSelect_,
  loessEstimates as loessEstimates_,
  madSelect as madSelect_,
  mcMaxRSquaredIndex as mcMaxRSquaredIndex_,
} from './stats.ts';
import { TRACE_LENGTH as TRACE_LENGTH_, utilisationAt as utilisationAt_, type TraceSet } from './trace.ts';

// Module-local bindings of the imports: the hot loop reads them millions of times, and a runner that turns ES
// modules into CommonJS (tsx for `npm run bench` / the CLI) makes every imported-binding read a getter call
// (~10 % of a day replay). Same values, same results.
const CLOUDLET_SUBMIT_TIME = CLOUDLET_SUBMIT_TIME_;
const HOST_TYPES = HOST_TYPES_;
const NUMBER_OF_HOSTS = NUMBER_OF_HOSTS_;
const SCHEDULING_INTERVAL = SCHEDULING_INTERVAL_;
const SIMULATION_LIMIT = SIMULATION_LIMIT_;
const VM_TYPES = VM_TYPES_;
const migrationSeconds = migrationSeconds_;
const vmTypeIndex = vmTypeIndex_;
const clampUtilisation = clampUtilisation_;
const energyLinearInterpolation = energyLinearInterpolation_;
const powerAt = powerAt_;
const FALLBACK_THRESHOLD = FALLBACK_THRESHOLD_;
const makeRng = makeRng_;
const capacityAfterPut = capacityAfterPut_;
const hashMapOrder = hashMapOrder_;
const nextFloat = nextFloat_;
const countNonZeroBeginning = countNonZeroBeginning_;
const iqrSelect = iqrSelect_;
const loessEstimates = loessEstimates_;
const madSelect = madSelect_;
const mcMaxRSquaredIndex = mcMaxRSquaredIndex_;
const TRACE_LENGTH = TRACE_LENGTH_;
const utilisationAt = utilisationAt_;

/** `PowerVm.HISTORY_LENGTH`: the VM keeps its last 30 interval utilisations (§A3 detectors read them). */
export const HISTORY_LENGTH = 30;
/** `PowerVmAllocationPolicyMigrationLocalRegression`: the regression uses the last 10 samples (§A3). */
export const LR_WINDOW = 10;
/** IQR / MAD need at least 12 non-zero history samples ("12 has been suggested as a safe value", CloudSim). */
export const MIN_HISTORY_IQR_MAD = 12;

export interface SimOptions {
  /** Seed of the RS selection's PRNG (CloudSim's is unseeded). */
  seed?: number;
  /** Number of hosts (default 800, §A2); host i has type i mod 2. */
  hosts?: number;
  /** Host types (default §A2). */
  hostTypes?: readonly HostType[];
}

export interface DynMetrics {
  energyKWh: number;
  migrations: number;
  /** SLA time per active host (fraction, §A4). */
  slatah: number;
  /** Performance degradation due to migration (fraction, §A4). */
  pdm: number;
  slav: number;
  esv: number;
  /** Overall SLA violation: (requested − allocated) / requested MIPS·s (§A4 "also printed"). */
  overallSlaViolation: number;
  /**
   * Average SLA violation (`Helper.getSlaMetrics` "average"): the mean over every VM state-history interval in which a
   * VM got less than it requested of (requested − allocated) / requested; 0 when there is none.
   */
  averageSlaViolation: number;
  hostShutdowns: number;
  /**
   * Mean and standard deviation (s) of the time before a host shutdown (`Helper.getTimesBeforeHostShutdown`: from the
   * host's last switch-on, or from 0, to each entry where it goes from active to inactive). NaN when there is no
   * shutdown (and the deviation with a single one), as CloudSim prints them.
   */
  meanTimeBeforeHostShutdown: number;
  stDevTimeBeforeHostShutdown: number;
  /**
   * Mean and standard deviation (s) of the time before a VM migration (`Helper.getTimesBeforeVmMigration`: for each
   * VM, from the entry where it was last seen entering migration, or from 0, to each entry where it is seen leaving
   * it — despite the name, the migration's own duration as the source host records it). NaN as above.
   */
  meanTimeBeforeVmMigration: number;
  stDevTimeBeforeVmMigration: number;
  vms: number;
  hosts: number;
  /** Events CloudSim would have exited on (host utilisation > 1 in PABFD); 0 in a faithful run. */
  anomalies: number;
}

/** Plain-data simulation state. */
export interface DynState {
  policy: Policy;
  nH: number;
  nV: number;
  cap: number;
  traces: Float64Array;
  // hosts
  hostType: Int32Array;
  hostTotal: Float64Array;
  hostPe: Float64Array;
  hostBw: Float64Array;
  hostRamAvail: Float64Array;
  hostBwAvail: Float64Array;
  hostList: Int32Array;
  hostAlloc: Float64Array;
  hostCount: Int32Array;
  hostIn: Int32Array;
  hostInCount: Int32Array;
  hostAvail: Float64Array;
  hostUtil: Float64Array;
  hostPrevUtil: Float64Array;
  /** Cached per host: the policy's view of its MIPS in use, its VMs' summed demand, and its power now (W). */
  hostPum: Float64Array;
  hostReqSum: Float64Array;
  hostPowerNow: Float64Array;
  /** Cached per host: Σ over its VMs (list order) of VM history × VM MIPS / host MIPS (`getUtilizationHistory` before trimming). */
  hostHistAgg: Float64Array;
  hostHistDirty: Uint8Array;
  // vms
  vmMips: Float64Array;
  vmRam: Float64Array;
  vmReq: Float64Array;
  vmHost: Int32Array;
  vmTable: Int32Array;
  vmInMig: Uint8Array;
  vmRemoved: Uint8Array;
  vmHistPrev: Float64Array;
  /** Each host's `mipsMapRequested` as far as its order goes, and the re-allocation state it drives. */
  hm: HostMaps;
  hist: Float64Array;
  histLen: Int32Array;
  // clock
  clock: number;
  lastProcess: number;
  nextInterval: number;
  interval: number;
  done: boolean;
  // metrics accumulators
  energyWs: number;
  migrations: number;
  anomalies: number;
  // host state history (pending entry + previous finalised entry), §A4 SLATAH and shutdowns
  hEntT: Float64Array;
  hEntA: Float64Array;
  hEntR: Float64Array;
  hEntOn: Uint8Array;
  hPrvT: Float64Array;
  hPrvA: Float64Array;
  hPrvR: Float64Array;
  hPrvOn: Uint8Array;
  hLastOn: Uint8Array;
  shutdowns: number;
  /** What `Helper.printResults` sums and averages, kept so as to add up in its order. */
  acc: MetricLists;
  // vm state history, §A4 PDM
  vEntT: Float64Array;
  vEntA: Float64Array;
  vEntR: Float64Array;
  vEntM: Uint8Array;
  vPrvT: Float64Array;
  vPrvA: Float64Array;
  vPrvR: Float64Array;
  vPrvM: Uint8Array;
  // per-interval series for views
  seriesActiveHosts: Int32Array;
  seriesMigrations: Int32Array;
  seriesPowerW: Float64Array;
  rng: RngState;
  // scratch (reused, never reallocated)
  sHist: Float64Array;
  sSort: Float64Array;
  sEst: Float64Array;
  sY: Float64Array;
  sX: Float64Array;
  sQr: Float64Array;
  sWork: Float64Array;
  sCand: Int32Array;
  sMigVm: Int32Array;
  sMigHost: Int32Array;
  sMigCount: number;
  sOver: Int32Array;
  sExclA: Uint8Array;
  sExclB: Uint8Array;
  sToMove: Int32Array;
  sSaved: Int32Array;
  sSavedHost: Int32Array;
  sSort2: Float64Array;
  sEvT: Float64Array;
  sEvOrder: Int32Array;
  /** `updateHost`'s per-time constants (see `setTimeContext`), valid for time `tAt`. */
  tAt: number;
  tExact: number;
  tIdx1: number;
  tIdx2: number;
  tDen: number;
  tOff: number;
  tInterval: number;
  /**
   * `findHostForVm`: per host type, the first idle host not excluded (−1: none), for the idle list at version
   * `sIdleFirstAt` and `optimizeAllocation`'s placement exclusions (`sExclA`) at version `sIdleFirstExcl`.
   */
  sIdleFirst: Int32Array;
  sIdleFirstAt: number;
  sIdleFirstExcl: number;
  /** Bumped whenever `sExclA` changes. */
  sExclVersion: number;
  /** `optimizeAllocation` step 5: candidate under-utilised hosts by (utilisation, index), and their utilisations. */
  sUnderList: Int32Array;
  sUnderU: Float64Array;
  /** `findHostForVm`: the suitable hosts of this call (−1 once ruled out) and their power increases. */
  sCandHost: Int32Array;
  sCandDiff: Float64Array;
  /** 1 when CloudSim tests the candidate for overload (it used MIPS before the test). */
  sCandTest: Uint8Array;
  /** Per host, 1 when idle (see `syncIdle`); the idle and the other hosts as two ascending index lists. */
  hostIdle: Uint8Array;
  /** Per host, 1 when its last `updateHost` left it at 0 % utilisation, as it was before (switched off, settled). */
  hostSettled: Uint8Array;
  idleList: Int32Array;
  idleCount: number;
  busyList: Int32Array;
  busyCount: number;
  /** Bumped whenever a host enters or leaves the idle list. */
  idleVersion: number;
}

/**
 * Per host, its VM scheduler's `mipsMapRequested` (javaHashMap.ts) and whether its allocations are those of a
 * re-allocation in map order. Kept apart from `DynState` (V8 keeps an object literal of more than 128 properties
 * slower to read: one more field there slowed the whole replay by a quarter).
 */
export interface HostMaps {
  /** `HashMap.hash` of each VM's uid "2-<id>", worked out once. */
  keyHash: Int32Array;
  /** Table size of each host's map (16, doubling; never shrinks). */
  cap: Int32Array;
  /** Per host, its map's chain length per bucket (64 slots a host, the first `cap[h]` used; see `MAP_COUNTED`). */
  cnt: Uint8Array;
  /** Bucket counts of a table over 64 buckets (`mapRecount`). */
  bigCnt: Uint16Array;
  /** Per host, 1 when some chain may be longer than 8 (set on the way up, cleared by a recount). */
  long: Uint8Array;
  /** Per host, 1 when some chain may be 8 long (a put there makes 9) or the chains are not counted (> 64 buckets). */
  eight: Uint8Array;
  /** Per host, 1 when its allocations are (or, pending, will be) those of `reallocate` for its VMs, requests and table. */
  clean: Uint8Array;
  /** Per host, 1 when that re-allocation is due but not yet done (`probeCreateDestroy`, `vmDestroy`). */
  pending: Uint8Array;
  /** Per host, 1 when its allocations were last re-shared over-subscribed (`redistribute`). */
  over: Uint8Array;
  /** Per host, 1 when its chain counts changed since `optimizeAllocation` began (recounted at the restore). */
  touched: Uint8Array;
  /** A host's list positions in map order (`mapOrder`). */
  ord: Int32Array;
  /** Tests only: do every deferred re-allocation at once (the results must not change). */
  eager: boolean;
}

/** The lists and sums of `Helper.printResults`, kept so as to add up in its order. */
export interface MetricLists {
  /**
   * Every interval a host spent active (`Helper.getSlaTimePerActiveHost`), its length negated when the host was short
   * of MIPS: CloudSim sums them host by host into two running totals, so they are kept to be summed in that order.
   */
  activeIntervals: Samples;
  /** The samples of the three lists `Helper.printResults` averages, each with its host or VM (see `Samples`). */
  shutdownTimes: Samples;
  migrationTimes: Samples;
  slaViolations: Samples;
  /** Per host, the time of its last switch-on (`getTimesBeforeHostShutdown`'s `lastTimeSwitchedOn`). */
  hSwitchOn: Float64Array;
  /**
   * Per VM, its MIPS·s requested, allocated, and missing while in migration (`Helper.getSlaMetrics` sums each VM's
   * history into these, then the VMs' totals in VM order).
   */
  vReq: Float64Array;
  vAlloc: Float64Array;
  vUnderMig: Float64Array;
  /** Per VM, the time it was last seen entering migration (`getTimesBeforeVmMigration`'s `lastTimeMigrationFinished`). */
  vMigStart: Float64Array;
}

/** The largest table a host's map can reach holding at most `keys` keys: the load factor's, or 64 (treeify resizes stop there). */
function mapCapacityBound(keys: number): number {
  let c = HASHMAP_DEFAULT_CAPACITY;
  while (c * 0.75 < keys || c < 64) c *= 2;
  return c;
}

const INTERVALS = Math.floor((SIMULATION_LIMIT - CLOUDLET_SUBMIT_TIME) / SCHEDULING_INTERVAL);

export function createSimulation(traces: TraceSet, policy: Policy, opts: SimOptions = {}): DynState {
  const nV = traces.names.length;
  const nH = opts.hosts ?? NUMBER_OF_HOSTS;
  const types = opts.hostTypes ?? HOST_TYPES;
  const cap = Math.max(nV, 1);
  const st: DynState = {
    policy,
    nH,
    nV,
    cap,
    traces: traces.data,
    hostType: new Int32Array(nH),
    hostTotal: new Float64Array(nH),
    hostPe: new Float64Array(nH),
    hostBw: new Float64Array(nH),
    hostRamAvail: new Float64Array(nH),
    hostBwAvail: new Float64Array(nH),
    hostList: new Int32Array(nH * cap),
    hostAlloc: new Float64Array(nH * cap),
    hostCount: new Int32Array(nH),
    hostIn: new Int32Array(nH * cap),
    hostInCount: new Int32Array(nH),
    hostAvail: new Float64Array(nH),
    hostUtil: new Float64Array(nH),
    hostPrevUtil: new Float64Array(nH),
    hostPum: new Float64Array(nH),
    hostReqSum: new Float64Array(nH),
    hostPowerNow: new Float64Array(nH),
    hostHistAgg: new Float64Array(nH * HISTORY_LENGTH),
    hostHistDirty: new Uint8Array(nH).fill(1),
    vmMips: new Float64Array(nV),
    vmRam: new Float64Array(nV),
    vmReq: new Float64Array(nV),
    vmHost: new Int32Array(nV).fill(-1),
    vmTable: new Int32Array(nV).fill(-1),
    vmInMig: new Uint8Array(nV),
    vmRemoved: new Uint8Array(nV),
    vmHistPrev: new Float64Array(nV),
    hm: {
      keyHash: Int32Array.from({ length: nV }, (_, v) => javaHashMapHash(cloudSimVmUid(CLOUDSIM_BROKER_ID, v))),
      cap: new Int32Array(nH).fill(HASHMAP_DEFAULT_CAPACITY),
      cnt: new Uint8Array(nH * MAP_COUNTED),
      bigCnt: new Uint16Array(mapCapacityBound(cap)),
      long: new Uint8Array(nH),
      eight: new Uint8Array(nH),
      clean: new Uint8Array(nH),
      pending: new Uint8Array(nH),
      over: new Uint8Array(nH),
      touched: new Uint8Array(nH),
      ord: new Int32Array(cap),
      eager: false,
    },
    hist: new Float64Array(nV * HISTORY_LENGTH),
    histLen: new Int32Array(nV),
    clock: 0,
    lastProcess: 0,
    nextInterval: CLOUDLET_SUBMIT_TIME + SCHEDULING_INTERVAL,
    interval: 0,
    done: false,
    energyWs: 0,
    migrations: 0,
    anomalies: 0,
    hEntT: new Float64Array(nH).fill(-1),
    hEntA: new Float64Array(nH),
    hEntR: new Float64Array(nH),
    hEntOn: new Uint8Array(nH),
    hPrvT: new Float64Array(nH).fill(-1),
    hPrvA: new Float64Array(nH),
    hPrvR: new Float64Array(nH),
    hPrvOn: new Uint8Array(nH),
    hLastOn: new Uint8Array(nH).fill(1),
    shutdowns: 0,
    acc: {
      activeIntervals: makeSamples(1 << 16),
      shutdownTimes: makeSamples(1024),
      migrationTimes: makeSamples(4096),
      slaViolations: makeSamples(4096),
      hSwitchOn: new Float64Array(nH),
      vReq: new Float64Array(nV),
      vAlloc: new Float64Array(nV),
      vUnderMig: new Float64Array(nV),
      vMigStart: new Float64Array(nV),
    },
    vEntT: new Float64Array(nV).fill(-1),
    vEntA: new Float64Array(nV),
    vEntR: new Float64Array(nV),
    vEntM: new Uint8Array(nV),
    vPrvT: new Float64Array(nV).fill(-1),
    vPrvA: new Float64Array(nV),
    vPrvR: new Float64Array(nV),
    vPrvM: new Uint8Array(nV),
    seriesActiveHosts: new Int32Array(INTERVALS),
    seriesMigrations: new Int32Array(INTERVALS),
    seriesPowerW: new Float64Array(INTERVALS),
    rng: makeRng(opts.seed ?? 1),
    sHist: new Float64Array(HISTORY_LENGTH),
    sSort: new Float64Array(HISTORY_LENGTH),
    sEst: new Float64Array(2),
    sY: new Float64Array(HISTORY_LENGTH),
    sX: new Float64Array(cap * HISTORY_LENGTH),
    sQr: new Float64Array((cap + 1) * HISTORY_LENGTH),
    sWork: new Float64Array(HISTORY_LENGTH + cap + 1),
    sCand: new Int32Array(cap),
    sMigVm: new Int32Array(cap * 2),
    sMigHost: new Int32Array(cap * 2),
    sMigCount: 0,
    sOver: new Int32Array(nH),
    sExclA: new Uint8Array(nH),
    sExclB: new Uint8Array(nH),
    sToMove: new Int32Array(cap),
    sSaved: new Int32Array(cap * 2),
    sSavedHost: new Int32Array(cap * 2),
    sSort2: new Float64Array(cap),
    sEvT: new Float64Array(cap * 2),
    sEvOrder: new Int32Array(cap * 2),
    tAt: -1,
    tExact: 0,
    tIdx1: 0,
    tIdx2: 0,
    tDen: 1,
    tOff: 0,
    tInterval: 0,
    sIdleFirst: new Int32Array(types.length),
    sIdleFirstAt: -1,
    sIdleFirstExcl: -1,
    sExclVersion: 0,
    sUnderList: new Int32Array(nH),
    sUnderU: new Float64Array(nH),
    sCandHost: new Int32Array(nH),
    sCandDiff: new Float64Array(nH),
    sCandTest: new Uint8Array(nH),
    hostIdle: new Uint8Array(nH).fill(1), // every host starts empty at its idle power (below)
    hostSettled: new Uint8Array(nH),
    idleList: Int32Array.from({ length: nH }, (_, h) => h),
    idleCount: nH,
    busyList: new Int32Array(nH),
    busyCount: 0,
    idleVersion: 0,
  };
  for (let h = 0; h < nH; h++) {
    const t = types[h % types.length]; // §A2: host i has type i mod 2
    st.hostType[h] = h % types.length;
    st.hostTotal[h] = t.pes * t.peMips;
    st.hostPe[h] = t.peMips;
    st.hostBw[h] = t.bwKbps;
    st.hostRamAvail[h] = t.ramMb;
    st.hostBwAvail[h] = t.bwKbps;
    st.hostAvail[h] = st.hostTotal[h];
    st.hostPowerNow[h] = powerAt(t.power, 0);
  }
  for (let v = 0; v < nV; v++) {
    const vt = VM_TYPES[vmTypeIndex(v, nV)]; // §A2: block VM-type assignment
    st.vmMips[v] = vt.mips;
    st.vmRam[v] = vt.ramMb;
  }
  initialPlacement(st, types);
  return st;
}

// ---------------------------------------------------------------------------------------------------------
// Host lists and the over-subscribing VM scheduler (`VmSchedulerTimeSharedOverSubscription`)

function isMigratingIn(st: DynState, h: number, v: number): boolean {
  const base = h * st.cap;
  const n = st.hostInCount[h];
  for (let i = 0; i < n; i++) if (st.hostIn[base + i] === v) return true;
  return false;
}

/**
 * The order in which CloudSim iterates host h's `mipsMapRequested` (a `HashMap` keyed by the VM uid, see
 * javaHashMap.ts): list positions 0..n−1 stably sorted by bucket. The map's keys are the host's VMs, put in list
 * order (each processing removes and re-puts them all in list order, `vmCreate` / `addMigratingInVm` put the new VM
 * after the others, `restoreAllocation` clears the map and re-puts the list), so within a bucket list order is
 * insertion order. Writes `hm.ord[0..n)`.
 */
function mapOrder(st: DynState, h: number, n: number): void {
  hashMapOrder(st.hostList, h * st.cap, n, st.hm.keyHash, st.hm.cap[h], st.hm.ord);
}

/** Bucket chains are counted per host while its table has at most this many buckets (beyond, > 48 VMs: scanned). */
const MAP_COUNTED = 64;

/** Recounts host h's bucket chains over its list's first n VMs at the table's current size. */
function mapRecount(st: DynState, h: number, n: number): void {
  const cap = st.hm.cap[h];
  const mask = cap - 1;
  const counted = cap <= MAP_COUNTED;
  const cnt = counted ? st.hm.cnt : st.hm.bigCnt;
  const cb = counted ? h * MAP_COUNTED : 0;
  cnt.fill(0, cb, cb + cap);
  const base = h * st.cap;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const c = ++cnt[cb + (st.hm.keyHash[st.hostList[base + i]] & mask)];
    if (c > max) max = c;
  }
  st.hm.long[h] = max > 8 ? 1 : 0;
  st.hm.eight[h] = max >= 8 || !counted ? 1 : 0;
}

/** How many of host h's list entries 0..n−1 share VM v's bucket (the counts hold exactly those keys). */
function mapChain(st: DynState, h: number, v: number, n: number): number {
  const cap = st.hm.cap[h];
  const b = st.hm.keyHash[v] & (cap - 1);
  if (cap <= MAP_COUNTED) return st.hm.cnt[h * MAP_COUNTED + b];
  const base = h * st.cap;
  let c = 0;
  for (let i = 0; i < n; i++) if ((st.hm.keyHash[st.hostList[base + i]] & (cap - 1)) === b) c++;
  return c;
}

/**
 * `HashMap.put` of a new key into host h's `mipsMapRequested`: list entry i, the map holding entries 0..i−1. The
 * table doubles when the size passes 0.75 × its length, or (`treeifyBin`) when the key makes its bucket's chain 9
 * long in a table of fewer than 64 buckets.
 */
function mapInsertAt(st: DynState, h: number, i: number): void {
  const cap = st.hm.cap[h];
  const v = st.hostList[h * st.cap + i];
  const chain = mapChain(st, h, v, i);
  if (cap <= MAP_COUNTED) st.hm.cnt[h * MAP_COUNTED + (st.hm.keyHash[v] & (cap - 1))]++;
  st.hm.touched[h] = 1;
  if (chain >= 7) st.hm.eight[h] = 1;
  if (chain >= 8) st.hm.long[h] = 1;
  if (chain >= 8 || i + 1 > cap * 0.75) mapResize(st, h, capacityAfterPut(cap, chain, i + 1), i + 1);
}

function mapResize(st: DynState, h: number, next: number, keys: number): void {
  if (next < 0) st.anomalies++; // a chain of 9 in ≥ 64 buckets: Java builds a tree, whose order we do not model
  else if (next !== st.hm.cap[h]) {
    st.hm.cap[h] = next;
    mapRecount(st, h, keys);
    st.hm.touched[h] = 1;
    st.hm.clean[h] = 0;
  }
}

/** `HashMap.remove` of VM v from host h's map (the table keeps its size). */
function mapRemove(st: DynState, h: number, v: number): void {
  const cap = st.hm.cap[h];
  if (cap <= MAP_COUNTED) st.hm.cnt[h * MAP_COUNTED + (st.hm.keyHash[v] & (cap - 1))]--;
  st.hm.touched[h] = 1;
}

/**
 * Host h's map emptied and its list's VMs put again in list order (`updateVmsProcessing` removes and re-puts them
 * all; `restoreAllocation` clears the map first). Only a chain of 9 on the way can grow the table (one left by an
 * earlier treeify resize that did not split it, flagged in `hm.long`), or a list longer than the map ever was.
 */
function mapPutAll(st: DynState, h: number): void {
  const n = st.hostCount[h];
  if (st.hm.long[h] === 0 && n <= st.hm.cap[h] * 0.75) return;
  if (st.hm.cap[h] <= MAP_COUNTED) st.hm.cnt.fill(0, h * MAP_COUNTED, h * MAP_COUNTED + st.hm.cap[h]);
  st.hm.long[h] = 0;
  for (let i = 0; i < n; i++) mapInsertAt(st, h, i);
  if (st.hm.cap[h] > MAP_COUNTED) st.hm.eight[h] = 1;
}

/**
 * The state change of `isHostOverUtilizedAfterAllocation(host, vm)`, which tests by doing: `host.vmCreate(vm)`
 * puts the VM's uid into the map (which may grow the table for good), `host.vmDestroy(vm)` removes it and
 * re-allocates the host's VMs in map order (`reallocate`). The re-allocation is a function of the list, the
 * requests and the table size, so a host already in that state (`hm.clean`) is left as it is.
 *
 * Nor is it worked out at once. Against the host's state before (first fit in list order, or one more VM fitted
 * after the others; a re-share over the map order if any did not fit) it gives every VM the same MIPS — unless the
 * requests add up to the host's MIPS within rounding, so that one order over-subscribes and the other does not —
 * and the same free MIPS but for the last bits of their running difference. So the host is marked (`hm.pending`)
 * and re-allocated when that can show: before a VM is created on it, and before its free MIPS are compared with a
 * request within `MAP_EPS` of them (or now, when they are that close to 0). `rebuild` and `reallocate` start
 * afresh and drop the mark; every host is rebuilt when the optimisation restores the allocation.
 */
function probeCreateDestroy(st: DynState, h: number, v: number): void {
  const cap = st.hm.cap[h];
  const n = st.hostCount[h];
  const chain = mapChain(st, h, v, n);
  if (chain >= 8 || n + 1 > cap * 0.75) mapResize(st, h, capacityAfterPut(cap, chain, n + 1), n);
  if (st.hm.clean[h] === 0) {
    st.hm.clean[h] = 1;
    if (st.hostAvail[h] <= MAP_EPS || st.hm.eager) materialise(st, h);
    else st.hm.pending[h] = 1;
  }
}

/**
 * Re-allocates a marked host in map order (see `probeCreateDestroy`). Same list, requests, RAM, history and idle
 * state: of the cached sums only the MIPS in use can move, and only if the host is or gets over-subscribed — else
 * every VM keeps its first-fit share and only the free MIPS are summed again.
 */
function materialise(st: DynState, h: number): void {
  if (st.hm.over[h] === 0) {
    const n = st.hostCount[h];
    const base = h * st.cap;
    const pe = st.hostPe[h];
    const anyIn = st.hostInCount[h] > 0;
    mapOrder(st, h, n);
    const ord = st.hm.ord;
    let avail = st.hostTotal[h];
    let k = 0;
    for (; k < n; k++) {
      const v = st.hostList[base + ord[k]];
      const req = st.vmReq[v];
      const c = req > pe ? pe : req;
      const w = anyIn && isMigratingIn(st, h, v) ? c * 0.1 : c;
      if (!(avail >= w)) break;
      avail -= w;
    }
    if (k === n) {
      st.hostAvail[h] = avail;
      st.hm.clean[h] = 1;
      st.hm.pending[h] = 0;
      return;
    }
  }
  reshareInMapOrder(st, h);
  st.hostPum[h] = policyUtilMips(st, h);
}

/** Far above the rounding of a host's free MIPS (≤ 64 terms of ≤ 5320 MIPS: ~1e-10), far below any request. */
const MAP_EPS = 1e-6;

/** `redistributeMipsDueToOverSubscription` over host h's first `upto + 1` VMs (the map's keys), summed in map order. */
function redistribute(st: DynState, h: number, upto: number): void {
  const base = h * st.cap;
  const pe = st.hostPe[h];
  mapOrder(st, h, upto + 1);
  const ord = st.hm.ord;
  let total = 0;
  for (let k = 0; k <= upto; k++) {
    const v = st.hostList[base + ord[k]];
    const req = st.vmReq[v];
    const c = req > pe ? pe : req;
    total += isMigratingIn(st, h, v) ? c * 0.1 : c;
  }
  const s = st.hostTotal[h] / total;
  for (let i = 0; i <= upto; i++) {
    const v = st.hostList[base + i];
    const req = st.vmReq[v];
    const c = req > pe ? pe : req;
    const isIn = isMigratingIn(st, h, v);
    let m: number;
    if (st.vmInMig[v] === 1 && !isIn) m = c * s * 0.9;
    else if (isIn) m = c * 0.1 * s;
    else m = c * s;
    st.hostAlloc[base + i] = Math.floor(m);
  }
  st.hostAvail[h] = 0;
  st.hm.over[h] = 1;
}

/**
 * `allocatePesForVm`'s case where list entry i of host h fits in the free MIPS (requests capped at one PE; 10 % for
 * a VM migrating in, 90 % out): allocates it and returns true; returns false, changing nothing, when it does not.
 */
function firstFit(st: DynState, h: number, i: number): boolean {
  const base = h * st.cap;
  const v = st.hostList[base + i];
  const req = st.vmReq[v];
  const pe = st.hostPe[h];
  const c = req > pe ? pe : req;
  const isIn = isMigratingIn(st, h, v);
  const w = isIn ? c * 0.1 : c;
  if (!(st.hostAvail[h] >= w)) return false;
  st.hostAlloc[base + i] = st.vmInMig[v] === 1 && !isIn ? c * 0.9 : isIn ? c * 0.1 : c;
  st.hostAvail[h] -= w;
  return true;
}

/** `allocatePesForVm` for list entry i of host h, the map holding entries 0..i (re-shared if it does not fit). */
function allocateEntry(st: DynState, h: number, i: number): void {
  if (!firstFit(st, h, i)) redistribute(st, h, i);
}

/**
 * Host h's VMs put again in list order (`HostDynamicWorkload.updateVmsProcessing` after deallocating them all, or
 * `restoreAllocation`). Once one does not fit, every later one with a positive request re-shares all so far again,
 * and one requesting 0 gets 0 either way: the end state is the re-share over all of them.
 */
function rebuild(st: DynState, h: number): void {
  if (st.hm.long[h] === 1 || st.hostCount[h] > st.hm.cap[h] * 0.75) mapPutAll(st, h); // (rarely: see there)
  st.hm.clean[h] = 0;
  st.hm.pending[h] = 0;
  st.hm.over[h] = 0;
  st.hostAvail[h] = st.hostTotal[h];
  const n = st.hostCount[h];
  for (let i = 0; i < n; i++) {
    if (!firstFit(st, h, i)) {
      redistribute(st, h, n - 1);
      break;
    }
  }
  refresh(st, h);
}

/**
 * `VmSchedulerTimeShared.deallocatePesForVm` after a VM left host h (`Host.vmDestroy`, `removeMigratingInVm`): all
 * MIPS freed, then the remaining map entries allocated again in map order, with a re-share over all of them (the map
 * holds them all) as soon as one does not fit.
 */
function reallocate(st: DynState, h: number): void {
  reshareInMapOrder(st, h);
  refresh(st, h);
}

/** `reallocate` without the cached sums (the list and the requests did not change: only the MIPS in use may have). */
function reshareInMapOrder(st: DynState, h: number): void {
  // `firstFit` over the map order, written out: this runs for most hosts at each optimisation
  const base = h * st.cap;
  const n = st.hostCount[h];
  const pe = st.hostPe[h];
  const list = st.hostList;
  const alloc = st.hostAlloc;
  const vmReq = st.vmReq;
  const inMig = st.vmInMig;
  const anyIn = st.hostInCount[h] > 0;
  mapOrder(st, h, n);
  const ord = st.hm.ord;
  let avail = st.hostTotal[h];
  st.hm.over[h] = 0;
  for (let k = 0; k < n; k++) {
    const i = ord[k];
    const v = list[base + i];
    const req = vmReq[v];
    const c = req > pe ? pe : req;
    const isIn = anyIn && isMigratingIn(st, h, v);
    const w = isIn ? c * 0.1 : c;
    if (!(avail >= w)) {
      redistribute(st, h, n - 1);
      st.hm.clean[h] = 1;
      st.hm.pending[h] = 0;
      return;
    }
    alloc[base + i] = inMig[v] === 1 && !isIn ? c * 0.9 : isIn ? c * 0.1 : c;
    avail -= w;
  }
  st.hostAvail[h] = avail;
  st.hm.clean[h] = 1;
  st.hm.pending[h] = 0;
}

/** Recomputes the cached sums of host h after its list, allocations or demands changed. */
function refresh(st: DynState, h: number): void {
  st.hostPum[h] = policyUtilMips(st, h);
  st.hostReqSum[h] = requestedSum(st, h);
  st.hostHistDirty[h] = 1;
  syncIdle(st, h);
}

/**
 * Keeps `hostIdle` and the two index-ordered host lists in step with host h's state: idle = no VM, 0 MIPS in use
 * for the policy, all MIPS free and drawing its idle power — the state in which every host of one type gives
 * `findHostForVm` the same power increase. Called wherever those fields change (`refresh`, `updateHost`).
 */
function syncIdle(st: DynState, h: number): void {
  const idle =
    st.hostCount[h] === 0 && st.hostPum[h] === 0 && st.hostAvail[h] === st.hostTotal[h] && st.hostPowerNow[h] === hostPowerCurve(st, h)[0] ? 1 : 0;
  if (idle === st.hostIdle[h]) return;
  st.hostIdle[h] = idle;
  st.idleVersion++;
  if (idle === 1) {
    st.busyCount = listRemove(st.busyList, st.busyCount, h);
    st.idleCount = listInsert(st.idleList, st.idleCount, h);
  } else {
    st.idleCount = listRemove(st.idleList, st.idleCount, h);
    st.busyCount = listInsert(st.busyList, st.busyCount, h);
  }
}

/** First position in the ascending list[0..n) holding a value ≥ x. */
function lowerBound(list: Int32Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function listInsert(list: Int32Array, n: number, x: number): number {
  const i = lowerBound(list, n, x);
  list.copyWithin(i + 1, i, n);
  list[i] = x;
  return n + 1;
}

function listRemove(list: Int32Array, n: number, x: number): number {
  const i = lowerBound(list, n, x);
  list.copyWithin(i, i + 1, n);
  return n - 1;
}

function refreshHistory(st: DynState, h: number): void {
  st.hostHistDirty[h] = 0;
  const out = st.hostHistAgg;
  const ob = h * HISTORY_LENGTH;
  out.fill(0, ob, ob + HISTORY_LENGTH);
  const base = h * st.cap;
  const n = st.hostCount[h];
  const total = st.hostTotal[h];
  for (let i = 0; i < n; i++) {
    const v = st.hostList[base + i];
    const len = st.histLen[v];
    const hb = v * HISTORY_LENGTH;
    const k = st.vmMips[v] / total;
    for (let j = 0; j < len; j++) out[ob + j] += st.hist[hb + j] * k;
  }
}

/** `Host.vmCreate` (RAM, BW and storage are only binding at t = 0, see `initialPlacement`). */
function vmCreate(st: DynState, h: number, v: number): void {
  if (st.hm.pending[h] === 1) materialise(st, h);
  const i = st.hostCount[h]++;
  st.hostList[h * st.cap + i] = v;
  mapInsertAt(st, h, i);
  st.hm.clean[h] = 0;
  allocateEntry(st, h, i);
  refresh(st, h);
  st.vmHost[v] = h;
}

function removeFromList(st: DynState, h: number, v: number): boolean {
  const base = h * st.cap;
  const n = st.hostCount[h];
  for (let i = 0; i < n; i++) {
    if (st.hostList[base + i] === v) {
      mapRemove(st, h, v);
      st.hostList.copyWithin(base + i, base + i + 1, base + n);
      st.hostAlloc.copyWithin(base + i, base + i + 1, base + n);
      st.hostCount[h] = n - 1;
      return true;
    }
  }
  return false;
}

/**
 * `Host.vmDestroy` (never called here for a VM not on the host). Its re-allocation in map order gives the VMs left
 * the MIPS they had, unless the host was over-subscribed (then they are re-shared), and the free MIPS plus the
 * VM's, but for the last bits: like `probeCreateDestroy`, those are worked out when they can show (`hm.pending`).
 */
function vmDestroy(st: DynState, h: number, v: number): void {
  const pe = st.hostPe[h];
  const req = st.vmReq[v];
  const w = req > pe ? pe : req;
  const isIn = isMigratingIn(st, h, v);
  if (removeFromList(st, h, v)) {
    const avail = st.hostAvail[h] + w;
    if (st.hm.over[h] === 1 || isIn || st.hostCount[h] === 0 || avail <= MAP_EPS || st.hm.eager) reallocate(st, h);
    else {
      st.hostAvail[h] = avail;
      st.hm.clean[h] = 1;
      st.hm.pending[h] = 1;
      refresh(st, h);
    }
  }
  st.vmHost[v] = -1;
}

function removeMigratingIn(st: DynState, h: number, v: number): void {
  const base = h * st.cap;
  const n = st.hostInCount[h];
  for (let i = 0; i < n; i++) {
    if (st.hostIn[base + i] === v) {
      st.hostIn.copyWithin(base + i, base + i + 1, base + n);
      st.hostInCount[h] = n - 1;
      break;
    }
  }
  removeFromList(st, h, v);
  reallocate(st, h);
  st.vmInMig[v] = 0;
}

/** `HostDynamicWorkload.getUtilizationOfCpuMips` as the policy sees it (`getUtilizationOfCpuMips(host)`). */
function policyUtilMips(st: DynState, h: number): number {
  const base = h * st.cap;
  const n = st.hostCount[h];
  let u = 0;
  for (let i = 0; i < n; i++) {
    const a = st.hostAlloc[base + i];
    if (isMigratingIn(st, h, st.hostList[base + i])) u += (a * 0.9) / 0.1;
    u += a;
  }
  return u;
}

function requestedSum(st: DynState, h: number): number {
  const base = h * st.cap;
  const n = st.hostCount[h];
  let r = 0;
  for (let i = 0; i < n; i++) r += st.vmReq[st.hostList[base + i]];
  return r;
}

// ---------------------------------------------------------------------------------------------------------
// State histories (Helper.getSlaTimePerActiveHost, getSlaMetrics, getTimesBeforeHostShutdown — §A4)

function finaliseHostEntry(st: DynState, h: number): void {
  const t = st.hEntT[h];
  if (t < 0) return;
  if (st.hPrvT[h] >= 0 && st.hPrvOn[h] === 1) {
    const dt = t - st.hPrvT[h];
    pushSample(st.acc.activeIntervals, st.hPrvA[h] < st.hPrvR[h] ? -dt : dt, h); // dt > 0: entries have distinct times
  }
  const on = st.hEntOn[h];
  if (st.hLastOn[h] === 1 && on === 0) {
    st.shutdowns++;
    pushSample(st.acc.shutdownTimes, t - st.acc.hSwitchOn[h], h);
  }
  if (st.hLastOn[h] === 0 && on === 1) st.acc.hSwitchOn[h] = t;
  st.hLastOn[h] = on;
  st.hPrvT[h] = t;
  st.hPrvA[h] = st.hEntA[h];
  st.hPrvR[h] = st.hEntR[h];
  st.hPrvOn[h] = on;
}

function hostEntry(st: DynState, h: number, t: number, alloc: number, req: number, on: boolean): void {
  if (st.hEntT[h] !== t) finaliseHostEntry(st, h);
  st.hEntT[h] = t;
  st.hEntA[h] = alloc;
  st.hEntR[h] = req;
  st.hEntOn[h] = on ? 1 : 0;
}

function finaliseVmEntry(st: DynState, v: number): void {
  const t = st.vEntT[v];
  if (t < 0) return;
  if (st.vPrvT[v] >= 0) {
    const dt = t - st.vPrvT[v];
    const a = st.vPrvA[v];
    const r = st.vPrvR[v];
    st.acc.vAlloc[v] += a * dt;
    st.acc.vReq[v] += r * dt;
    if (a < r) {
      pushSample(st.acc.slaViolations, (r - a) / r, v);
      if (st.vPrvM[v] === 1) st.acc.vUnderMig[v] += (r - a) * dt;
    }
  }
  const m = st.vEntM[v];
  if (st.vPrvM[v] === 1 && m === 0) pushSample(st.acc.migrationTimes, t - st.acc.vMigStart[v], v);
  if (st.vPrvM[v] === 0 && m === 1) st.acc.vMigStart[v] = t;
  st.vPrvT[v] = t;
  st.vPrvA[v] = st.vEntA[v];
  st.vPrvR[v] = st.vEntR[v];
  st.vPrvM[v] = st.vEntM[v];
}

function vmEntry(st: DynState, v: number, t: number, alloc: number, req: number, inMig: boolean): void {
  if (st.vEntT[v] !== t) finaliseVmEntry(st, v);
  st.vEntT[v] = t;
  st.vEntA[v] = alloc;
  st.vEntR[v] = req;
  st.vEntM[v] = inMig ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------
// Processing (`HostDynamicWorkload.updateVmsProcessing`, `PowerDatacenter.updateCloudetProcessing…Force`)

/** The t-only parts of `utilisationAt(·, ·, t)` (trace.ts, same arithmetic) and `isIntervalTime(t)`. */
function setTimeContext(st: DynState, t: number): void {
  st.tAt = t;
  if (t % SCHEDULING_INTERVAL === 0) {
    st.tExact = 1;
    st.tIdx1 = Math.trunc(t / SCHEDULING_INTERVAL);
  } else {
    st.tExact = 0;
    const t1 = Math.floor(t / SCHEDULING_INTERVAL);
    const t2 = Math.ceil(t / SCHEDULING_INTERVAL);
    st.tIdx1 = t1;
    st.tIdx2 = t2;
    st.tDen = (t2 - t1) * SCHEDULING_INTERVAL;
    st.tOff = t - t1 * SCHEDULING_INTERVAL;
  }
  st.tInterval = isIntervalTime(t) ? 1 : 0;
}

function isIntervalTime(t: number): boolean {
  // `PowerVm.updateVmProcessing`: history is recorded when (t − 0.1) mod 300 == 0
  return (t - CLOUDLET_SUBMIT_TIME) % SCHEDULING_INTERVAL === 0;
}

function updateHost(st: DynState, h: number, t: number): void {
  const base = h * st.cap;
  const n = st.hostCount[h];
  // `utilisationAt` and `isIntervalTime` with their t-only parts (two floating-point remainders, floor, ceil)
  // worked out once per time instead of once per VM: the same operations on the same values.
  if (st.tAt !== t) setTimeContext(st, t);
  const traces = st.traces;
  const exact = st.tExact === 1;
  const i1 = st.tIdx1, i2 = st.tIdx2, den = st.tDen, off = st.tOff;
  const interval = st.tInterval === 1;
  for (let i = 0; i < n; i++) {
    const v = st.hostList[base + i];
    const tb = v * TRACE_LENGTH;
    let u: number;
    if (exact) u = traces[tb + i1];
    else {
      const u1 = traces[tb + i1];
      const delta = (traces[tb + i2] - u1) / den;
      u = u1 + delta * off;
    }
    st.vmReq[v] = u * st.vmMips[v];
    if (t > st.vmHistPrev[v] && interval) {
      const hb = v * HISTORY_LENGTH;
      st.hist.copyWithin(hb + 1, hb, hb + HISTORY_LENGTH - 1);
      st.hist[hb] = u;
      if (st.histLen[v] < HISTORY_LENGTH) st.histLen[v]++;
      st.vmHistPrev[v] = t;
    }
  }
  st.hostPrevUtil[h] = st.hostUtil[h];
  rebuild(st, h);
  let util = 0;
  let req = 0;
  for (let i = 0; i < n; i++) {
    const v = st.hostList[base + i];
    const r = st.vmReq[v];
    let a = st.hostAlloc[base + i];
    if (!isMigratingIn(st, h, v)) {
      vmEntry(st, v, t, a, r, st.vmInMig[v] === 1);
      if (st.vmInMig[v] === 1) a /= 0.9; // "performance degradation due to migration - 10%" (§A4)
    }
    util += a;
    req += r;
  }
  st.hostUtil[h] = util;
  st.hostPowerNow[h] = powerAt(hostPowerCurve(st, h), clampUtilisation(util / st.hostTotal[h])); // `PowerHost.getPower()`
  syncIdle(st, h);
  hostEntry(st, h, t, util, req, util > 0);
  st.hostSettled[h] = util === 0 && st.hostPrevUtil[h] === 0 ? 1 : 0;
}

function hostPowerCurve(st: DynState, h: number): readonly number[] {
  return HOST_TYPES[st.hostType[h]].power;
}

function processAll(st: DynState, t: number): void {
  const dt = t - st.lastProcess;
  // An idle host (no VM, nothing used, all MIPS free, idle power) whose last update found it off at 0 % both then
  // and before (most of the 800 once consolidated, at each of the ~7 processings per interval) would be written
  // the same values again, plus one more "off" entry in its state history. An "off" entry after an "off" entry adds
  // no active time, no SLA time and no shutdown (`Helper.getSlaTimePerActiveHost`, `getTimesBeforeHostShutdown`,
  // §A4; the next finalised entry sees the same previous entry either way), and a host at 0 % at the start of a
  // frame draws nothing (`PowerHost.getEnergyLinearInterpolation`, §A2): skipping it is exact.
  for (let h = 0; h < st.nH; h++) if (st.hostIdle[h] === 0 || st.hostSettled[h] === 0) updateHost(st, h, t);
  if (dt > 0) {
    let e = 0;
    for (let h = 0; h < st.nH; h++) {
      const curve = hostPowerCurve(st, h);
      if (st.policy.kind === 'npa') e += curve[10] * dt; // PowerDatacenterNonPowerAware: max power always (§A3)
      else {
        const total = st.hostTotal[h];
        let from = clampUtilisation(st.hostPrevUtil[h] / total);
        let to = clampUtilisation(st.hostUtil[h] / total);
        if (from > 1 || to > 1) {
          st.anomalies++; // CloudSim would exit (utilisation > 1.01); we count it and cap at 100 %
          from = Math.min(from, 1);
          to = Math.min(to, 1);
        }
        e += energyLinearInterpolation(curve, from, to, dt);
      }
    }
    st.energyWs += e;
  }
  // `getCompletedVms`: a VM not in migration whose current demand is 0 is retired for good
  for (let h = 0; h < st.nH; h++) {
    const base = h * st.cap;
    for (let i = 0; i < st.hostCount[h]; i++) {
      const v = st.hostList[base + i];
      if (st.vmInMig[v] === 0 && st.vmReq[v] === 0) {
        const th = st.vmTable[v];
        st.vmTable[v] = -1;
        st.vmRemoved[v] = 1;
        if (th >= 0) vmDestroy(st, th, v);
        if (th === h) i--;
      }
    }
  }
  st.lastProcess = t;
}

// ---------------------------------------------------------------------------------------------------------
// Initial placement at t = 0 (VMs being instantiated request their full MIPS, RAM and BW)

function initialPlacement(st: DynState, types: readonly HostType[]): void {
  const migrate = st.policy.kind === 'migrate';
  for (let v = 0; v < st.nV; v++) {
    st.vmReq[v] = st.vmMips[v]; // `Vm.getCurrentRequestedMips` while being instantiated
    const ram = st.vmRam[v];
    const bw = VM_TYPES[vmTypeIndex(v, st.nV)].bwKbps;
    let best = -1;
    let minPower = Number.MAX_VALUE;
    for (let h = 0; h < st.nH; h++) {
      if (!(st.hostPe[h] >= st.vmReq[v] && st.hostAvail[h] >= st.vmReq[v] && st.hostRamAvail[h] >= ram && st.hostBwAvail[h] >= bw)) continue;
      if (!migrate) {
        best = h; // `PowerVmAllocationPolicyAbstract.findHostForVm`: first fit
        break;
      }
      const um = st.hostPum[h];
      const curve = types[st.hostType[h]].power;
      const pa = powerAt(curve, (um + st.vmReq[v]) / st.hostTotal[h]);
      if (Number.isNaN(pa)) continue;
      const diff = pa - st.hostPowerNow[h];
      if (diff < minPower) {
        // Pure check, only needed for a would-be best host. CloudSim's `vmCreate` + `vmDestroy` around it change
        // nothing here: every request is a whole MIPS figure that fits (exact sums in any order), and a host holds
        // at most six VMs (4096 MB of RAM, 613 MB the smallest VM): its map never grows.
        if (um !== 0 && isOverAfter(st, h, v)) continue;
        minPower = diff;
        best = h;
      }
    }
    if (best < 0) {
      st.anomalies++; // CloudSim's broker exits when a VM cannot be created
      st.vmReq[v] = 0;
      st.vmRemoved[v] = 1;
      continue;
    }
    vmCreate(st, best, v);
    st.vmTable[v] = best;
    st.hostRamAvail[best] -= ram;
    st.hostBwAvail[best] -= bw;
    st.vmReq[v] = 0; // no cloudlet yet: demand 0 until the first processing at 300.1 s
    refresh(st, best);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Overload detection (§A3)

/** Host utilisation history (`PowerHostUtilizationHistory.getUtilizationHistory`), optionally with VM `extra` added. Returns its length. */
function hostHistory(st: DynState, h: number, extra: number): number {
  const out = st.sHist;
  const ob = h * HISTORY_LENGTH;
  if (st.hostHistDirty[h] === 1) refreshHistory(st, h);
  for (let j = 0; j < HISTORY_LENGTH; j++) out[j] = st.hostHistAgg[ob + j];
  if (extra >= 0) {
    // the VM is appended last by `vmCreate`, so adding it last keeps CloudSim's summation order
    const len = st.histLen[extra];
    const hb = extra * HISTORY_LENGTH;
    const k = st.vmMips[extra] / st.hostTotal[h];
    for (let j = 0; j < len; j++) out[j] += st.hist[hb + j] * k;
  }
  return countNonZeroBeginning(out, HISTORY_LENGTH);
}

function maxRam(st: DynState, h: number, extra: number): number {
  const base = h * st.cap;
  const n = st.hostCount[h];
  let m = -2147483648; // Integer.MIN_VALUE
  for (let i = 0; i < n; i++) {
    const r = st.vmRam[st.hostList[base + i]];
    if (r > m) m = r;
  }
  if (extra >= 0 && st.vmRam[extra] > m) m = st.vmRam[extra];
  return m;
}

/** `isHostOverUtilized`, with VM `extra` (≥ 0) counted as if created on the host (`isHostOverUtilizedAfterAllocation`). */
function overloaded(st: DynState, h: number, extra: number): boolean {
  const p = st.policy;
  if (p.kind !== 'migrate') return false;
  const total = st.hostTotal[h];
  const reqU = (st.hostReqSum[h] + (extra >= 0 ? st.vmReq[extra] : 0)) / total;
  if (p.detector === 'thr') return reqU > p.parameter;
  // A host without VMs has an all-zero history (fewer samples than any detector needs): the THR 0.7 fallback.
  if (extra < 0 && st.hostCount[h] === 0) return reqU > FALLBACK_THRESHOLD;
  switch (p.detector) {
    case 'iqr':
    case 'mad': {
      const n = hostHistory(st, h, extra);
      if (n < MIN_HISTORY_IQR_MAD) return reqU > FALLBACK_THRESHOLD;
      // Exact shortcuts before sorting: 0 ≤ stat ≤ spread (IQR: a difference of two samples, rounding is
      // monotone; MAD: deviations from a median inside [min, max], plus a margin far above any rounding),
      // so the threshold 1 − s·stat lies in [1 − s·bound, 1] and only a reqU in between needs the statistic.
      if (reqU > 1) return true;
      const hs = st.sHist;
      let lo = hs[0];
      let hi = lo;
      for (let j = 1; j < n; j++) {
        const x = hs[j];
        if (x < lo) lo = x;
        else if (x > hi) hi = x;
      }
      const spread = hi - lo;
      const bound = p.detector === 'iqr' ? spread : spread * (1 + 1e-9) + 1e-12;
      if (reqU <= 1 - p.parameter * bound) return false;
      const stat = p.detector === 'iqr' ? iqrSelect(st.sHist, n, st.sSort) : madSelect(st.sHist, n, st.sSort);
      return reqU > 1 - p.parameter * stat;
    }
    case 'lr':
    case 'lrr': {
      const n = hostHistory(st, h, extra);
      if (n < LR_WINDOW) return reqU > FALLBACK_THRESHOLD;
      const y = st.sY;
      for (let i = 0; i < LR_WINDOW; i++) y[i] = st.sHist[LR_WINDOW - i - 1];
      loessEstimates(y, LR_WINDOW, st.sEst);
      const migrationIntervals = Math.ceil(maxRam(st, h, extra) / (st.hostBw[h] / (2 * 8000)) / SCHEDULING_INTERVAL);
      const predicted = (st.sEst[0] + st.sEst[1] * (LR_WINDOW + migrationIntervals)) * p.parameter;
      return predicted >= 1;
    }
  }
}

function isOverAfter(st: DynState, h: number, v: number): boolean {
  return overloaded(st, h, v);
}

// ---------------------------------------------------------------------------------------------------------
// VM selection (§A3)

function selectMmt(st: DynState, h: number): number {
  const base = h * st.cap;
  let best = -1;
  let min = Number.MAX_VALUE;
  for (let i = 0; i < st.hostCount[h]; i++) {
    const v = st.hostList[base + i];
    if (st.vmInMig[v] === 1) continue;
    if (st.vmRam[v] < min) {
      min = st.vmRam[v];
      best = v;
    }
  }
  return best;
}

function selectMu(st: DynState, h: number): number {
  const base = h * st.cap;
  let best = -1;
  let min = Number.MAX_VALUE;
  for (let i = 0; i < st.hostCount[h]; i++) {
    const v = st.hostList[base + i];
    if (st.vmInMig[v] === 1) continue;
    const u = (utilisationAt(st.traces, v, st.clock) * st.vmMips[v]) / st.vmMips[v]; // getTotalUtilizationOfCpuMips / getMips
    if (u < min) {
      min = u;
      best = v;
    }
  }
  return best;
}

function migratable(st: DynState, h: number): number {
  const base = h * st.cap;
  let k = 0;
  for (let i = 0; i < st.hostCount[h]; i++) {
    const v = st.hostList[base + i];
    if (st.vmInMig[v] === 0) st.sCand[k++] = v;
  }
  return k;
}

function selectRs(st: DynState, h: number): number {
  const k = migratable(st, h);
  if (k === 0) return -1;
  return st.sCand[Math.floor(nextFloat(st.rng) * k)];
}

/** MC: the VM whose history is best explained (max R²) by the others'; MMT when the regression cannot be formed. */
function selectMc(st: DynState, h: number): number {
  const k = migratable(st, h);
  if (k === 0) return -1;
  let m = 2147483647;
  for (let i = 0; i < k; i++) if (st.histLen[st.sCand[i]] < m) m = st.histLen[st.sCand[i]];
  // the k histories as columns; `mcMaxRSquaredIndex` screens the k `olsRSquared` fits with one QR of all of them
  // and runs only those that can still be the maximum, the reference's way (CloudSim 3.0.3
  // `PowerVmSelectionPolicyMaximumCorrelation`; Beloglazov & Buyya, CCPE 2012, §5.2)
  if (m > HISTORY_LENGTH || k > HISTORY_LENGTH) return selectMmt(st, h); // k > m: Apache throws (k ≤ 30 otherwise)
  const cols = st.sX;
  for (let j = 0; j < k; j++) {
    const hb = st.sCand[j] * HISTORY_LENGTH;
    for (let r = 0; r < m; r++) cols[j * m + r] = st.hist[hb + r];
  }
  const best = mcMaxRSquaredIndex(cols, k, m);
  if (best < 0) return selectMmt(st, h);
  return st.sCand[best];
}

function selectVm(st: DynState, h: number): number {
  const p = st.policy;
  if (p.kind !== 'migrate') return -1;
  switch (p.selection) {
    case 'mmt':
      return selectMmt(st, h);
    case 'mu':
      return selectMu(st, h);
    case 'rs':
      return selectRs(st, h);
    case 'mc':
      return selectMc(st, h);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Placement: PABFD (`findHostForVm(vm, excludedHosts)`, §A2/§A3)

/**
 * Fills `sIdleFirst` with the first idle host of each type that `excluded` leaves in. During `optimizeAllocation`
 * (exclusions in `sExclA`) the answer is kept until the idle list or the exclusions change: while under-utilised
 * hosts are evacuated, every switched-off host is excluded and the walk would cross all of them for each VM.
 */
function firstIdleHosts(st: DynState, excluded: Uint8Array): void {
  const cacheable = excluded === st.sExclA;
  if (cacheable && st.sIdleFirstAt === st.idleVersion && st.sIdleFirstExcl === st.sExclVersion) return;
  const first = st.sIdleFirst;
  first.fill(-1);
  let left = first.length;
  for (let i = 0; i < st.idleCount && left > 0; i++) {
    const h = st.idleList[i];
    const ty = st.hostType[h];
    if (first[ty] >= 0 || excluded[h] !== 0) continue;
    first[ty] = h;
    left--;
  }
  st.sIdleFirstAt = cacheable ? st.idleVersion : -1;
  st.sIdleFirstExcl = st.sExclVersion;
}

function findHostForVm(st: DynState, v: number, excluded: Uint8Array): number {
  const req = st.vmReq[v];
  // CloudSim scans the hosts in order and keeps a host when its power increase is strictly below the best so far
  // and it is not over-utilised after the allocation (`PowerVmAllocationPolicyMigrationAbstract.findHostForVm`, the
  // PABFD of Beloglazov & Buyya, CCPE 2012; usage-models.md §A3): the answer is the lowest-index host of least power
  // increase among the suitable hosts that pass the overload test. The test's answer is pure, so it can be asked in
  // any order: first the power increases (cheap), then the tests in increasing (increase, index) order until one
  // passes — 66,000 tests instead of 148,000 for MAD-MC on 20110303 (an IQR/MAD/LR test sorts or fits a 30-sample
  // history). Asking it is not pure in CloudSim (`isHostOverUtilizedAfterAllocation` creates the VM on the host and
  // destroys it, which re-allocates the host's VMs in map order): that part (`probeCreateDestroy`) is done for every
  // host CloudSim asks — suitable, using MIPS — before its power increase, which reads its MIPS in use.
  const candHost = st.sCandHost;
  const candDiff = st.sCandDiff;
  const candTest = st.sCandTest;
  const hostAvail = st.hostAvail;
  const { pending, clean, eight, cap: mapCap } = st.hm;
  let nc = 0;
  for (let i = 0; i < st.busyCount; i++) {
    const h = st.busyList[i];
    if (excluded[h] !== 0) continue;
    // `Host.isSuitableForVm` (RAM/BW requests are 0 after creation); a marked host's free MIPS are exact but for the
    // last bits, so a close call re-allocates it first (see `probeCreateDestroy`)
    if (!(st.hostPe[h] >= req && hostAvail[h] >= req - MAP_EPS)) continue;
    if (pending[h] === 1 && hostAvail[h] - req <= MAP_EPS) materialise(st, h);
    if (!(hostAvail[h] >= req)) continue;
    const test = st.hostPum[h] !== 0;
    // (inline: most asked hosts are already in that state and far from a resize)
    if (test && (clean[h] === 0 || eight[h] === 1 || st.hostCount[h] + 1 > mapCap[h] * 0.75)) probeCreateDestroy(st, h, v);
    const um = st.hostPum[h];
    const pa = powerAt(hostPowerCurve(st, h), (um + req) / st.hostTotal[h]);
    if (Number.isNaN(pa)) {
      if (!test || !isOverAfter(st, h, v)) st.anomalies++; // CloudSim would exit here (utilisation > 1); we skip the host
      continue;
    }
    const diff = pa - st.hostPowerNow[h];
    if (!(diff < Number.MAX_VALUE)) continue; // CloudSim's running minimum starts at Double.MAX_VALUE
    candHost[nc] = h;
    candDiff[nc] = diff;
    candTest[nc] = test ? 1 : 0;
    nc++;
  }
  // Idle hosts of one type (most of the 800 once consolidated) all give the same power increase, and CloudSim
  // skips the overload test for them (0 MIPS in use): of each type only the first one not excluded can be chosen.
  firstIdleHosts(st, excluded);
  for (let ty = 0; ty < st.sIdleFirst.length; ty++) {
    const h = st.sIdleFirst[ty];
    if (h < 0) continue;
    if (!(st.hostPe[h] >= req && st.hostAvail[h] >= req)) continue; // the same PE and free MIPS on every idle host of the type
    const pa = powerAt(hostPowerCurve(st, h), (st.hostPum[h] + req) / st.hostTotal[h]);
    if (Number.isNaN(pa)) {
      // as above, once for each idle host of the type CloudSim would reach (a negative demand; never in a trace of percentages)
      for (let i = 0; i < st.idleCount; i++) if (st.hostType[st.idleList[i]] === ty && excluded[st.idleList[i]] === 0) st.anomalies++;
      continue;
    }
    const diff = pa - st.hostPowerNow[h];
    if (!(diff < Number.MAX_VALUE)) continue;
    candHost[nc] = h;
    candDiff[nc] = diff;
    candTest[nc] = 0; // an idle host uses 0 MIPS: not tested
    nc++;
  }
  // the candidates in increasing (increase, index) order until one passes the test
  for (;;) {
    let bi = -1;
    let bh = -1;
    let minPower = Number.MAX_VALUE;
    for (let i = 0; i < nc; i++) {
      const h = candHost[i];
      if (h < 0) continue;
      const d = candDiff[i];
      if (d < minPower || (d === minPower && h < bh)) {
        minPower = d;
        bi = i;
        bh = h;
      }
    }
    if (bi < 0) return -1;
    if (candTest[bi] === 0 || !isOverAfter(st, bh, v)) return bh; // CloudSim skips the test for a host using 0 MIPS
    candHost[bi] = -1; // over-utilised after the allocation: out
  }
}

/** Stable sort of st.sToMove[from..to) by current CPU demand, decreasing (`PowerVmList.sortByCpuUtilization`). */
function sortByUtilisationDesc(st: DynState, from: number, to: number): void {
  const a = st.sToMove;
  const key = st.sSort2;
  for (let i = from; i < to; i++) key[i] = utilisationAt(st.traces, a[i], st.clock) * st.vmMips[a[i]];
  for (let i = from + 1; i < to; i++) {
    const v = a[i];
    const kv = key[i];
    let j = i - 1;
    while (j >= from && key[j] < kv) {
      a[j + 1] = a[j];
      key[j + 1] = key[j];
      j--;
    }
    a[j + 1] = v;
    key[j + 1] = kv;
  }
}

function pushMigration(st: DynState, v: number, h: number): void {
  st.sMigVm[st.sMigCount] = v;
  st.sMigHost[st.sMigCount] = h;
  st.sMigCount++;
}

/** `PowerVmAllocationPolicyMigrationAbstract.optimizeAllocation`: fills sMigVm/sMigHost. */
function optimizeAllocation(st: DynState): void {
  st.sMigCount = 0;
  const nH = st.nH;
  const cap = st.cap;
  st.hm.touched.fill(0);
  // 1. over-utilised hosts
  let nOver = 0;
  for (let h = 0; h < nH; h++) if (overloaded(st, h, -1)) st.sOver[nOver++] = h;
  // 2. save the allocation (VMs not migrating in)
  let nSaved = 0;
  for (let h = 0; h < nH; h++) {
    const base = h * cap;
    for (let i = 0; i < st.hostCount[h]; i++) {
      const v = st.hostList[base + i];
      if (isMigratingIn(st, h, v)) continue;
      st.sSaved[nSaved] = v;
      st.sSavedHost[nSaved] = h;
      nSaved++;
    }
  }
  // 3. VMs to migrate from over-utilised hosts
  let nMove = 0;
  for (let o = 0; o < nOver; o++) {
    const h = st.sOver[o];
    for (;;) {
      const v = selectVm(st, h);
      if (v < 0) break;
      st.sToMove[nMove++] = v;
      vmDestroy(st, h, v);
      if (!overloaded(st, h, -1)) break;
    }
  }
  // 4. PABFD for them, excluding the over-utilised hosts
  const exclPlace = st.sExclA;
  exclPlace.fill(0);
  for (let o = 0; o < nOver; o++) exclPlace[st.sOver[o]] = 1;
  st.sExclVersion++;
  sortByUtilisationDesc(st, 0, nMove);
  for (let i = 0; i < nMove; i++) {
    const v = st.sToMove[i];
    const h = findHostForVm(st, v, exclPlace);
    if (h >= 0) {
      vmCreate(st, h, v);
      pushMigration(st, v, h);
    }
  }
  // 5. under-utilised hosts: evacuate all-or-nothing, least utilised first
  const exclUnder = st.sExclB;
  exclUnder.fill(0);
  let nExclUnder = 0;
  for (let o = 0; o < nOver; o++) {
    if (exclUnder[st.sOver[o]] === 0) nExclUnder++;
    exclUnder[st.sOver[o]] = 1;
  }
  for (let h = 0; h < nH; h++) {
    if (clampUtilisation(st.hostUtil[h] / st.hostTotal[h]) === 0) {
      if (exclUnder[h] === 0) nExclUnder++;
      exclUnder[h] = 1;
      exclPlace[h] = 1;
    }
  }
  st.sExclVersion++;
  // CloudSim picks, each time, the least utilised host (strict `<` from 1, so the first in index order among
  // equals) that is not excluded and not all-migrating-out/any-migrating-in (`getUnderUtilizedHost`). The
  // utilisations are those of the last processing and do not change here, so the hosts are sorted once by
  // (utilisation, index) and each pick is the first one left that passes the (state-dependent) test.
  const underList = st.sUnderList;
  const underU = st.sUnderU;
  let nUnder = 0;
  for (let h = 0; h < nH; h++) {
    if (exclUnder[h] !== 0) continue;
    const u = clampUtilisation(st.hostUtil[h] / st.hostTotal[h]);
    if (!(u > 0 && u < 1)) continue; // never picked (the excluded ones stay excluded)
    let j = nUnder++;
    while (j > 0 && underU[j - 1] > u) {
      underList[j] = underList[j - 1];
      underU[j] = underU[j - 1];
      j--;
    }
    underList[j] = h;
    underU[j] = u;
  }
  let firstUnder = 0;
  while (nExclUnder < nH) {
    let under = -1;
    while (firstUnder < nUnder && exclUnder[underList[firstUnder]] !== 0) firstUnder++;
    for (let i = firstUnder; i < nUnder; i++) {
      const h = underList[i];
      if (exclUnder[h] === 0 && !allMigratingOutOrAnyIn(st, h)) {
        under = h;
        break;
      }
    }
    if (under < 0) break;
    exclUnder[under] = 1;
    nExclUnder++;
    exclPlace[under] = 1;
    st.sExclVersion++;
    let n = 0;
    const base = under * cap;
    for (let i = 0; i < st.hostCount[under]; i++) {
      const v = st.hostList[base + i];
      if (st.vmInMig[v] === 0) st.sToMove[n++] = v;
    }
    if (n === 0) continue;
    sortByUtilisationDesc(st, 0, n);
    const start = st.sMigCount;
    let failed = false;
    for (let i = 0; i < n; i++) {
      const v = st.sToMove[i];
      const h = findHostForVm(st, v, exclPlace);
      if (h >= 0) {
        vmCreate(st, h, v);
        pushMigration(st, v, h);
      } else {
        for (let j = start; j < st.sMigCount; j++) vmDestroy(st, st.sMigHost[j], st.sMigVm[j]);
        st.sMigCount = start;
        failed = true;
        break;
      }
    }
    if (!failed) {
      for (let j = start; j < st.sMigCount; j++) {
        const th = st.sMigHost[j];
        if (exclUnder[th] === 0) {
          exclUnder[th] = 1;
          nExclUnder++;
        }
      }
    }
  }
  // 6. restore the saved allocation (migrating-in VMs first, then the saved ones in order)
  for (let h = 0; h < nH; h++) {
    const n = st.hostCount[h];
    const base = h * cap;
    for (let i = 0; i < n; i++) st.vmHost[st.hostList[base + i]] = -1;
    const ni = st.hostInCount[h];
    for (let i = 0; i < ni; i++) st.hostList[base + i] = st.hostIn[base + i];
    st.hostCount[h] = ni;
  }
  for (let s = 0; s < nSaved; s++) {
    const h = st.sSavedHost[s];
    st.hostList[h * cap + st.hostCount[h]++] = st.sSaved[s];
    st.vmHost[st.sSaved[s]] = h;
    st.vmTable[st.sSaved[s]] = h;
  }
  // `restoreAllocation`: each host's map cleared and the list's VMs put again (`rebuild` replays the puts where a
  // long chain could grow the table). The restored keys are those the map held when the optimisation began, so
  // the chain counts only need a recount where the optimisation put, removed or resized.
  for (let h = 0; h < nH; h++) {
    if (st.hm.touched[h] === 1) {
      mapRecount(st, h, st.hostCount[h]);
      st.hm.touched[h] = 0;
    }
    rebuild(st, h);
  }
}

function allMigratingOutOrAnyIn(st: DynState, h: number): boolean {
  const base = h * st.cap;
  for (let i = 0; i < st.hostCount[h]; i++) {
    const v = st.hostList[base + i];
    if (st.vmInMig[v] === 0) return false;
    if (isMigratingIn(st, h, v)) return true;
  }
  return true;
}

/** `Host.addMigratingInVm`. */
function addMigratingIn(st: DynState, h: number, v: number, t: number): void {
  st.vmInMig[v] = 1;
  if (!isMigratingIn(st, h, v)) {
    if (st.hm.pending[h] === 1) materialise(st, h);
    st.hostIn[h * st.cap + st.hostInCount[h]++] = v;
    const i = st.hostCount[h]++;
    st.hostList[h * st.cap + i] = v;
    mapInsertAt(st, h, i);
    st.hm.clean[h] = 0;
    allocateEntry(st, h, i);
    updateHost(st, h, t);
    const src = st.vmHost[v];
    if (src >= 0) updateHost(st, src, t);
  }
}

/** `Datacenter.processVmMigrate`. */
function completeMigration(st: DynState, v: number, h: number): void {
  const from = st.vmTable[v];
  st.vmTable[v] = -1;
  if (from >= 0) vmDestroy(st, from, v);
  removeMigratingIn(st, h, v);
  vmCreate(st, h, v);
  st.vmTable[v] = h;
  st.vmInMig[v] = 0;
}

// ---------------------------------------------------------------------------------------------------------
// Driving the day

/** Processes one scheduling interval (and the migrations it starts). Returns false when the day is over. */
export function stepInterval(st: DynState): boolean {
  if (st.done) return false;
  const t = st.nextInterval;
  if (t > SIMULATION_LIMIT) {
    finish(st);
    return false;
  }
  st.clock = t;
  const k = st.interval;
  const e0 = st.energyWs;
  if (t > st.lastProcess) {
    processAll(st, t);
    st.sMigCount = 0;
    if (st.policy.kind === 'migrate') optimizeAllocation(st);
    const n = st.sMigCount;
    for (let i = 0; i < n; i++) {
      const v = st.sMigVm[i];
      const h = st.sMigHost[i];
      addMigratingIn(st, h, v, t);
      st.migrations++;
      st.sEvT[i] = t + migrationSeconds(st.vmRam[v], st.hostBw[h]); // §A4
      st.sEvOrder[i] = i;
    }
    if (k < st.seriesMigrations.length) st.seriesMigrations[k] = n;
    // completions in time order, FIFO among equal times (CloudSim's event queue)
    const ord = st.sEvOrder;
    for (let i = 1; i < n; i++) {
      const x = ord[i];
      let j = i - 1;
      while (j >= 0 && st.sEvT[ord[j]] > st.sEvT[x]) {
        ord[j + 1] = ord[j];
        j--;
      }
      ord[j + 1] = x;
    }
    for (let i = 0; i < n; ) {
      const tc = st.sEvT[ord[i]];
      if (tc > SIMULATION_LIMIT) break;
      st.clock = tc;
      if (tc > st.lastProcess) processAll(st, tc);
      let j = i;
      while (j < n && st.sEvT[ord[j]] === tc) {
        completeMigration(st, st.sMigVm[ord[j]], st.sMigHost[ord[j]]);
        j++;
      }
      processAll(st, tc);
      i = j;
    }
  }
  if (k < st.seriesActiveHosts.length) {
    let active = 0;
    for (let h = 0; h < st.nH; h++) if (st.hostUtil[h] > 0) active++;
    st.seriesActiveHosts[k] = active;
    st.seriesPowerW[k] = (st.energyWs - e0) / SCHEDULING_INTERVAL;
  }
  st.interval++;
  st.nextInterval = t + SCHEDULING_INTERVAL;
  return true;
}

function finish(st: DynState): void {
  if (st.done) return;
  for (let h = 0; h < st.nH; h++) finaliseHostEntry(st, h);
  for (let v = 0; v < st.nV; v++) finaliseVmEntry(st, v);
  st.done = true;
}

export function metrics(st: DynState): DynMetrics {
  const energyKWh = st.energyWs / (3600 * 1000);
  const active = inListOrder(st.acc.activeIntervals, st.nH);
  let activeTime = 0;
  let slaViolTime = 0;
  for (let i = 0; i < active.length; i++) {
    const dt = active[i];
    if (dt < 0) {
      activeTime -= dt;
      slaViolTime -= dt;
    } else activeTime += dt;
  }
  let totReq = 0;
  let totAlloc = 0;
  let underMig = 0;
  for (let v = 0; v < st.nV; v++) {
    totAlloc += st.acc.vAlloc[v];
    totReq += st.acc.vReq[v];
    underMig += st.acc.vUnderMig[v];
  }
  const slatah = activeTime > 0 ? slaViolTime / activeTime : 0;
  const pdm = totReq > 0 ? underMig / totReq : 0;
  const slav = slatah * pdm;
  const viol = inListOrder(st.acc.slaViolations, st.nV);
  const shut = inListOrder(st.acc.shutdownTimes, st.nH);
  const mig = inListOrder(st.acc.migrationTimes, st.nV);
  return {
    energyKWh,
    migrations: st.migrations,
    slatah,
    pdm,
    slav,
    esv: energyKWh * slav,
    overallSlaViolation: totReq > 0 ? (totReq - totAlloc) / totReq : 0,
    averageSlaViolation: viol.length === 0 ? 0 : cloudSimMean(viol, viol.length), // `getSlaMetrics`: 0 for none
    hostShutdowns: st.shutdowns,
    // `printResults`: NaN for an empty list
    meanTimeBeforeHostShutdown: shut.length === 0 ? NaN : cloudSimMean(shut, shut.length),
    stDevTimeBeforeHostShutdown: shut.length === 0 ? NaN : cloudSimStDev(shut, shut.length),
    meanTimeBeforeVmMigration: mig.length === 0 ? NaN : cloudSimMean(mig, mig.length),
    stDevTimeBeforeVmMigration: mig.length === 0 ? NaN : cloudSimStDev(mig, mig.length),
    vms: st.nV,
    hosts: st.nH,
    anomalies: st.anomalies,
  };
}

/** Samples with their owner (host or VM index), in the order they were finalised (time order within an owner). */
interface Samples {
  value: Float64Array;
  owner: Int32Array;
  n: number;
}

function makeSamples(capacity: number): Samples {
  return { value: new Float64Array(capacity), owner: new Int32Array(capacity), n: 0 };
}

function pushSample(s: Samples, value: number, owner: number): void {
  if (s.n === s.value.length) {
    const value2 = new Float64Array(s.n * 2);
    value2.set(s.value);
    const owner2 = new Int32Array(s.n * 2);
    owner2.set(s.owner);
    s.value = value2;
    s.owner = owner2;
  }
  s.value[s.n] = value;
  s.owner[s.n] = owner;
  s.n++;
}

/**
 * The samples in the order of CloudSim's list: owner by owner (hosts or VMs in index order, as `Helper` loops over
 * them), each owner's in time order — a stable counting sort by owner. Sums over them then round as CloudSim's do.
 */
function inListOrder(s: Samples, owners: number): Float64Array {
  const start = new Int32Array(owners + 1);
  for (let i = 0; i < s.n; i++) start[s.owner[i] + 1]++;
  for (let o = 0; o < owners; o++) start[o + 1] += start[o];
  const out = new Float64Array(s.n);
  for (let i = 0; i < s.n; i++) out[start[s.owner[i]]++] = s.value[i];
  return out;
}

/** Replays the whole day. */
export function runDay(traces: TraceSet, policy: Policy, opts: SimOptions = {}): DynMetrics {
  const st = createSimulation(traces, policy, opts);
  while (stepInterval(st));
  return metrics(st);
}

export { TRACE_LENGTH };

/** Rule-level entry points for the unit tests (not part of the public API). */
export const internals = { overloaded, selectVm, findHostForVm, refresh, vmCreate, vmDestroy, policyUtilMips };
