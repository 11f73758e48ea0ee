/**
 * Fail-over timing formulas (usage-models.md §C).
 *
 * VRRP. §C gives both versions:
 *   VRRPv3 (RFC 5798): Skew_Time = ((256 - priority) x Master_Adver_Interval) / 256,
 *                      Master_Down_Interval = 3 x Master_Adver_Interval + Skew_Time; advert default 1 s.
 *   VRRPv2 (RFC 3768): Skew_Time = (256 - priority) / 256 s, interval in whole seconds.
 * keepalived: "Advertisement timeout is 3 * advert_int + skew_time ... if advert_int is 1 and priority 128
 * ... wait 3.5 seconds" (§C, keepalived.conf.5). The model defaults to VRRPv3, the version §C's worked
 * numbers use (priority 100 -> 3.61 s, 128 -> 3.5 s, 254 -> 3.008 s); at a 1-s interval both agree.
 *
 * Corosync (§C, corosync.conf.5): token 3000 ms (default since 3.1; 1000 ms before); real timeout =
 * token + (nodes - 2) x token_coefficient (650 ms) for >= 3 nodes; consensus = 1.2 x token; reforming a
 * configuration takes about 50 ms more.
 *
 * SIP (RFC 3261 §17 / App. A, §C): T1 = 500 ms, T2 = 4 s; Timer A doubles from T1 (INVITE retransmits at
 * 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s); Timer B = Timer F = 64 x T1 = 32 s; Timer E doubles from T1 capped at T2.
 * With DNS SRV (RFC 3263) a client tries the next target after a transaction timeout (§C).
 */

export type VrrpVersion = 2 | 3;

export interface VrrpConfig {
  readonly version: VrrpVersion;
  /** Master_Adver_Interval in seconds (v3: centisecond resolution; v2: whole seconds). */
  readonly advertIntervalS: number;
  /** Priority of the backup that takes over (1..254). */
  readonly backupPriority: number;
}

export const VRRP_DEFAULT_ADVERT_S = 1; // §C: Advertisement_Interval 100 cs (1 s); keepalived advert_int 1
export const KEEPALIVED_EXAMPLE_PRIORITY = 128; // §C keepalived man page example

export function vrrpSkewTimeS(c: VrrpConfig): number {
  return c.version === 3 ? ((256 - c.backupPriority) * c.advertIntervalS) / 256 : (256 - c.backupPriority) / 256;
}

export function vrrpMasterDownIntervalS(c: VrrpConfig): number {
  return 3 * c.advertIntervalS + vrrpSkewTimeS(c);
}

export interface CorosyncConfig {
  readonly tokenMs: number;
  readonly nodes: number;
  readonly tokenCoefficientMs: number;
}

export const COROSYNC_DEFAULTS: CorosyncConfig = { tokenMs: 3000, nodes: 2, tokenCoefficientMs: 650 }; // §C
export const COROSYNC_REFORM_MS = 50; // §C "about 50 ms in addition"

export function corosyncTokenTimeoutMs(c: CorosyncConfig): number {
  return c.nodes >= 3 ? c.tokenMs + (c.nodes - 2) * c.tokenCoefficientMs : c.tokenMs;
}

export function corosyncConsensusMs(c: CorosyncConfig): number {
  return 1.2 * c.tokenMs;
}

export const SIP_T1_S = 0.5; // RFC 3261, §C
export const SIP_T2_S = 4; // RFC 3261, §C

export const sipTimerBS = (t1S = SIP_T1_S): number => 64 * t1S;
export const sipTimerFS = (t1S = SIP_T1_S): number => 64 * t1S;

/** Times (s after the first send) of INVITE retransmissions over UDP: Timer A = T1, 2T1, 4T1, … until Timer B. */
export function inviteRetransmitTimesS(t1S = SIP_T1_S): number[] {
  const out: number[] = [];
  let t = 0;
  let a = t1S;
  while (t + a < sipTimerBS(t1S)) {
    t += a;
    out.push(t);
    a *= 2;
  }
  return out;
}

/** Non-INVITE retransmissions: Timer E doubles from T1, capped at T2, until Timer F. */
export function nonInviteRetransmitTimesS(t1S = SIP_T1_S, t2S = SIP_T2_S): number[] {
  const out: number[] = [];
  let t = 0;
  let e = t1S;
  while (t + e < sipTimerFS(t1S)) {
    t += e;
    out.push(t);
    e = Math.min(2 * e, t2S);
  }
  return out;
}

/** vSphere HA (§C): a failed secondary host is declared dead at T+15 s without heartbeat datastores, 18 s with. */
export const VSPHERE_HA_HOST_DEAD_S = 15;
export const VSPHERE_HA_HOST_DEAD_HB_DATASTORE_S = 18;
/** vSphere VM monitoring (§C): VM reset after 30 s without a VMware Tools heartbeat (`failureInterval`). */
export const VSPHERE_VM_MONITOR_S = 30;
