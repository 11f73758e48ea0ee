/**
 * The Fail-over lab's view model: the form checked field by field, the detection formula with the numbers,
 * the timeline's lanes, the call tally and the verdict in words.
 */
import { COROSYNC_REFORM_MS, corosyncTokenTimeoutMs, vrrpMasterDownIntervalS, vrrpSkewTimeS, type EventKind, type FailoverResult, type FailoverScenario, type TimelineEvent } from '../../core/platform/failover/index.ts';
import type { FailoverLink, KillKind } from '../../state/platform-links.ts';

export type FoField = 'advertS' | 'priority' | 'tokenMs';

export function checkFoField(f: FoField, text: string): { ok: true; value: number } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '') return { ok: false, message: 'Enter a number.' };
  if (f === 'advertS') {
    // VRRPv3 carries the interval in centiseconds (RFC 5798): at most two decimals, 0.01 … 40.95 s.
    if (!/^\d+(\.\d{1,2})?$/.test(t)) return { ok: false, message: 'Enter seconds with at most two decimals (centiseconds), e.g. 1 or 0.25.' };
    const v = Number(t);
    if (v < 0.01 || v > 40.95) return { ok: false, message: 'Must be 0.01 … 40.95 s (VRRPv3’s 12-bit centisecond field).' };
    return { ok: true, value: v };
  }
  if (!/^\d+$/.test(t)) return { ok: false, message: 'Enter a whole number (digits only).' };
  const v = Number(t);
  if (f === 'priority') return v >= 1 && v <= 254 ? { ok: true, value: v } : { ok: false, message: 'A backup’s priority is 1 … 254 (255 is the address owner).' };
  return v >= 1 && v <= 600000 ? { ok: true, value: v } : { ok: false, message: 'Must be 1 … 600000 ms.' };
}

/** The detection formula with this set-up's numbers. */
export function detectionFormula(sc: FailoverScenario): string {
  const d = sc.detection;
  if (d.kind === 'vrrp') {
    const skew = vrrpSkewTimeS(d);
    const mdi = vrrpMasterDownIntervalS(d);
    return `Master_Down_Interval = 3 × Advertisement_Interval + Skew_Time = 3 × ${d.advertIntervalS} s + (256 − ${d.backupPriority}) × ${d.advertIntervalS} s / 256 = ${(3 * d.advertIntervalS).toFixed(3)} s + ${skew.toFixed(3)} s = ${mdi.toFixed(3)} s (VRRPv3, RFC 5798)`;
  }
  const tok = corosyncTokenTimeoutMs(d);
  return `Token timeout ${tok} ms (${d.nodes} nodes${d.nodes >= 3 ? `: ${d.tokenMs} + (${d.nodes} − 2) × ${d.tokenCoefficientMs} ms` : ''}) + about ${COROSYNC_REFORM_MS} ms to reform the membership = ${((tok + COROSYNC_REFORM_MS) / 1000).toFixed(3)} s (corosync.conf(5))`;
}

export type Lane = 'VM1' | 'VM2' | 'Network' | 'Calls' | 'Clients' | 'Standby';
export const LANES: readonly Lane[] = ['VM1', 'VM2', 'Network', 'Calls', 'Clients', 'Standby'];

const LANE_OF: Record<EventKind, Lane | null> = {
  advert: 'VM1',
  failure: 'VM1',
  'vm-lost': 'VM2',
  detected: 'VM2',
  takeover: 'VM2',
  'vip-moved': 'Network',
  'call-started': null,
  'call-survived': 'Calls',
  'call-dropped': 'Calls',
  'call-ended': null,
  'invite-retransmit': 'Clients',
  'invite-timeout': 'Clients',
  'srv-next-target': 'Clients',
  'call-setup-failed': 'Clients',
  'host-declared-dead': 'Standby',
  'vm-reset': 'Standby',
  'pbx-restarted': 'VM2',
  'provision-start': 'Standby',
  'standby-ready': 'Standby',
  'no-standby-host': 'Standby',
};

export interface Marker {
  t: number;
  lane: Lane;
  kind: EventKind;
  text: string;
  count: number;
}

/** The events worth a mark on the timeline, from the last adverts before the failure to the new standby; calls
 * that share a moment and kind are one mark with a count. Calls set up normally are left out. */
export function markers(r: FailoverResult): Marker[] {
  const out: Marker[] = [];
  for (const e of r.events) {
    const lane = LANE_OF[e.kind];
    if (lane === null) continue;
    const same = out.find((m) => m.kind === e.kind && Math.abs(m.t - e.t) < 1e-9 && m.lane === lane);
    if (same !== undefined && (lane === 'Calls' || lane === 'Clients')) {
      same.count++;
      continue;
    }
    out.push({ t: e.t, lane, kind: e.kind, text: e.text, count: 1 });
  }
  return out;
}

/** Events to list in the table: everything but normal call set-ups and ends, and only the last adverts. */
export function listedEvents(r: FailoverResult): TimelineEvent[] {
  return r.events.filter((e) => e.kind !== 'call-started' && e.kind !== 'call-ended');
}

export interface Tally {
  established: number;
  survived: number;
  mediaOnly: number;
  dropped: number;
  delayed: number;
  failedSetup: number;
}

export function tally(r: FailoverResult): Tally {
  const t: Tally = { established: 0, survived: 0, mediaOnly: 0, dropped: 0, delayed: 0, failedSetup: 0 };
  for (const c of r.calls) {
    if (c.outcome === 'survived') t.survived++;
    else if (c.outcome === 'survived-media-only') t.mediaOnly++;
    else if (c.outcome === 'dropped') t.dropped++;
    else if (c.outcome === 'delayed-setup') t.delayed++;
    else if (c.outcome === 'failed-setup') t.failedSetup++;
  }
  t.established = t.survived + t.mediaOnly + t.dropped;
  return t;
}

const KILL_WORDS: Record<KillKind, string> = { vm: 'VM1 was killed', kernel: "VM1's guest kernel panicked", host: "VM1's host failed" };

/** The verdict in one or two sentences. */
export function verdict(link: FailoverLink, kill: KillKind, r: FailoverResult, failAtS: number): string {
  const t = tally(r);
  const s = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const head = KILL_WORDS[kill];
  let body: string;
  if (r.survivor === 'restarted') {
    body = `VM2 was on the same host, so both copies were lost: the PBX came back only after HA restarted it elsewhere, ${r.switchoverS!.toFixed(1)} s later. ${s(t.dropped, 'established call')} dropped. Put the standby on a separate host.`;
  } else {
    const calls = link.replication
      ? `with state replication ${s(t.survived + t.mediaOnly, 'established call')} survived${t.dropped > 0 ? ` and ${t.dropped} dropped` : ''}`
      : `without state replication ${t.dropped > 0 ? `${s(t.dropped, 'established call')} dropped (their users must re-dial)` : 'no call depended on VM1'}${t.mediaOnly > 0 ? `, ${t.mediaOnly} kept only their media` : ''}`;
    body = `VM2 detected it after ${r.detectionS!.toFixed(3)} s and took over ${r.switchoverS!.toFixed(3)} s after the failure; ${calls}.`;
  }
  const setup = t.delayed + t.failedSetup > 0 ? ` ${s(t.delayed, 'new call')} set up late${t.failedSetup > 0 ? `, ${s(t.failedSetup, 'new call')} timed out (Timer B) and must be retried` : ''}.` : '';
  const standby = r.newStandbyHost !== null ? ` A new standby is ready on ${r.newStandbyHost} at +${(r.standbyReadyAtS! - failAtS).toFixed(0)} s.` : ' No healthy host had room for a new standby.';
  return `${head}: ${body}${setup}${standby}`;
}
