/**
 * Parameters of a live migration and their defaults, each with its source (usage-models.md section B).
 * Anything without a source is marked MODEL ASSUMPTION: the UI shows it as such and lets the user change it.
 */
import type { DirtyModelSpec } from './dirty.ts';
import { mbitToBytesPerSecond } from './units.ts';

export type StopRuleName = 'qemu' | 'xen' | 'clark';

export interface AutoConvergeParams {
  /** First throttle (fraction of vCPU time taken away): QEMU cpu-throttle-initial 20 % (§B2). */
  initial: number;
  /** Added at each further trigger: QEMU cpu-throttle-increment 10 % (§B2). */
  increment: number;
  /** QEMU max-cpu-throttle 99 % (§B2). */
  max: number;
  /** Trigger when bytes dirtied in a period exceed this fraction of bytes sent: throttle-trigger-threshold 50 % (§B2). */
  triggerThreshold: number;
  /** The check runs once a period of at least this long has passed: "checked every > 1000 ms" (§B2). */
  periodSeconds: number;
}

/** QEMU's auto-converge defaults (§B2, migration/options.c). */
export const QEMU_AUTO_CONVERGE: AutoConvergeParams = {
  initial: 0.2,
  increment: 0.1,
  max: 0.99,
  triggerThreshold: 0.5,
  periodSeconds: 1.0,
};

export interface PostCopyParams {
  /** Switch to post-copy after this many pre-copy rounds (QEMU: the operator issues migrate-start-postcopy, §B2). */
  afterRounds: number;
  /**
   * MODEL ASSUMPTION (no figure in the reference): network round trip added to each page fault served from the
   * source, in seconds. Default 0 = a fault costs only the page's transfer time at the link bandwidth.
   */
  faultRttSeconds?: number;
}

export interface MigrationParams {
  memoryBytes: number;
  /** Link (migration) bandwidth R in bytes/s. For Clark's rule: the administrator maximum (§B1: 500 Mbit/s). */
  bandwidthBytesPerSecond: number;
  dirty: DirtyModelSpec;
  rule: StopRuleName;
  /** QEMU downtime-limit; default 300 ms `DEFAULT_MIGRATE_SET_DOWNTIME` (§B2; older QEMU: 30 ms). */
  downtimeLimitSeconds?: number;
  /** Round cap (pre-copy rounds including the first full copy). Default per rule: see `defaultRoundCap`. */
  maxRounds?: number;
  /** Xen: never send more than this many times memory (`DEF_MAX_FACTOR 3`, §B1). */
  xenMaxFactor?: number;
  /** Xen: last iteration when fewer than this many pages are dirty (50 pages, §B1/§B4). */
  xenMinPages?: number;
  /** Clark: first-round rate (100 Mbit/s in the experiments, §B1). */
  clarkMinBytesPerSecond?: number;
  /** Clark: each later round at the observed dirtying rate plus this (50 Mbit/s, §B1). */
  clarkIncrementBytesPerSecond?: number;
  /** Clark: stop-and-copy when fewer than this many bytes remain (256 KB, §B1). */
  clarkThresholdBytes?: number;
  /** QEMU auto-converge (off by default, §B2). `true` = QEMU's defaults. */
  autoConverge?: boolean | Partial<AutoConvergeParams>;
  /** Post-copy (off by default, §B2 postcopy-ram). */
  postCopy?: PostCopyParams;
  /** Resume/activation overhead T_res (§B4; Clark measured 9-40 ms, §B1). Default 0, as in the §B4 vectors. */
  resumeSeconds?: number;
  /**
   * Delay from activation until the network has learned the VM's new location (unsolicited ARP). Default per
   * rule: QEMU sends its first self-announce after announce-initial 50 ms (§B2); Xen/Clark send the
   * unsolicited ARP at activation (§B1), so 0 - MODEL ASSUMPTION that switches learn instantly (not measured
   * in the reference); editable.
   */
  arpDelaySeconds?: number;
  /** Seed of the dirtying model's PRNG (page order). */
  seed?: number;
}

/** QEMU default downtime-limit, 300 ms (§B2 `DEFAULT_MIGRATE_SET_DOWNTIME`). */
export const QEMU_DOWNTIME_LIMIT_S = 0.3;
/** Xen: `DEF_MAX_ITERS 29` "limit us to 30 times round loop" (§B1) = n_max 30 rounds (§B4). */
export const XEN_MAX_ROUNDS = 30;
/** Xen: `DEF_MAX_FACTOR 3` (§B1). */
export const XEN_MAX_FACTOR = 3;
/** Xen: `sent_this_iter + skip_this_iter < 50` pages (§B1); §B4 applies it to the next dirty set. */
export const XEN_MIN_PAGES = 50;
/** Clark: minimum (first-round) rate 100 Mbit/s (§B1). */
export const CLARK_MIN_MBIT = 100;
/** Clark: observed dirtying rate + 50 Mbit/s (§B1). */
export const CLARK_INCREMENT_MBIT = 50;
/** Clark: administrator maximum 500 Mbit/s in the experiments (§B1). */
export const CLARK_MAX_MBIT = 500;
/** Clark: stop when fewer than 256 KB remain (§B1); KB = 1024 bytes (MODEL ASSUMPTION on the unit). */
export const CLARK_THRESHOLD_BYTES = 256 * 1024;
/** QEMU self-announce: first announcement after announce-initial 50 ms (§B2). */
export const QEMU_ANNOUNCE_INITIAL_S = 0.05;
/**
 * MODEL ASSUMPTION: QEMU and Clark's rule have no iteration cap (QEMU iterates until it converges or is
 * cancelled, §B2); the engine stops a non-converging migration after this many rounds and reports
 * `converged: false`. Editable through `maxRounds`.
 */
export const ENGINE_SAFETY_ROUNDS = 1000;

export function defaultRoundCap(rule: StopRuleName): number {
  return rule === 'xen' ? XEN_MAX_ROUNDS : ENGINE_SAFETY_ROUNDS;
}

export function defaultArpDelaySeconds(rule: StopRuleName): number {
  return rule === 'qemu' ? QEMU_ANNOUNCE_INITIAL_S : 0;
}

export function clarkDefaults(): { min: number; inc: number; max: number } {
  return {
    min: mbitToBytesPerSecond(CLARK_MIN_MBIT),
    inc: mbitToBytesPerSecond(CLARK_INCREMENT_MBIT),
    max: mbitToBytesPerSecond(CLARK_MAX_MBIT),
  };
}

export function autoConvergeParams(p: MigrationParams['autoConverge']): AutoConvergeParams | null {
  if (p === undefined || p === false) return null;
  if (p === true) return QEMU_AUTO_CONVERGE;
  return { ...QEMU_AUTO_CONVERGE, ...p };
}
