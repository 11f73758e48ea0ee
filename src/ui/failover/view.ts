/**
 * The Fail-over lab's view model: the form checked field by field, the detection formula with the numbers,
 * the timeline's lanes, the call tally and the verdict in words.
 */
import { COROSYNC_REFORM_MS, corosyncTokenTimeoutMs, vrrpMasterDownIntervalS, vrrpSkewTimeS, type EventKind, type FailoverResult, type FailoverScenario, type TimelineEvent } from '../../core/platform/failover/index.ts';
import type { FailoverLink, KillKind } from '../../state/platform-links.ts';
import '../../i18n/en/failover.ts';
import { t } from '../../i18n/t.ts';

export type FoField = 'advertS' | 'priority' | 'tokenMs';

export function checkFoField(f: FoField, text: string): { ok: true; value: number } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: t('failover.view.enterANumber') };
  if (f === 'advertS') {
    // VRRPv3 carries the interval in centiseconds (RFC 5798): at most two decimals, 0.01 … 40.95 s.
    if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) return { ok: false, message: t('failover.view.enterSecondsWithAt') };
    const v = Number(trimmed);
    if (v < 0.01 || v > 40.95) return { ok: false, message: t('failover.view.mustBe001') };
    return { ok: true, value: v };
  }
  if (!/^\d+$/.test(trimmed)) return { ok: false, message: t('failover.view.enterAWholeNumber') };
  const v = Number(trimmed);
  if (f === 'priority') return v >= 1 && v <= 254 ? { ok: true, value: v } : { ok: false, message: t('failover.view.aBackupSPriority') };
  return v >= 1 && v <= 600000 ? { ok: true, value: v } : { ok: false, message: t('failover.view.mustBe1600000') };
}

/** The detection formula with this set-up's numbers. */
export function detectionFormula(sc: FailoverScenario): string {
  const d = sc.detection;
  if (d.kind === 'vrrp') {
    const skew = vrrpSkewTimeS(d);
    const mdi = vrrpMasterDownIntervalS(d);
    return t('failover.view.masterDownInterval3', { advertIntervalS: d.advertIntervalS, backupPriority: d.backupPriority, advertIntervalS2: d.advertIntervalS, value: (3 * d.advertIntervalS).toFixed(3), skew: skew.toFixed(3), mdi: mdi.toFixed(3) });
  }
  const tok = corosyncTokenTimeoutMs(d);
  return t('failover.view.tokenTimeoutMsNodes', { tok, nodes: d.nodes, growth: d.nodes >= 3 ? `: ${d.tokenMs} + (${d.nodes} − 2) × ${d.tokenCoefficientMs} ms` : '', reformMs: COROSYNC_REFORM_MS, seconds: ((tok + COROSYNC_REFORM_MS) / 1000).toFixed(3) });
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

const KILL_WORDS: Record<KillKind, string> = { get vm() { return t('failover.view.vm1WasKilled'); }, get kernel() { return t('failover.view.vm1SGuestKernel'); }, get host() { return t('failover.view.vm1SHostFailed'); } };

/** The verdict in one or two sentences. */
export function verdict(link: FailoverLink, kill: KillKind, r: FailoverResult, failAtS: number): string {
  const n = tally(r);
  const head = KILL_WORDS[kill];
  let body: string;
  if (r.survivor === 'restarted') {
    body = t('failover.view.sameHostLost', { seconds: r.switchoverS!.toFixed(1), calls: t('failover.view.establishedCalls', { count: n.dropped }) });
  } else {
    const calls = link.replication
      ? t('failover.view.withReplication', { calls: t('failover.view.establishedCalls', { count: n.survived + n.mediaOnly }), dropped: n.dropped > 0 ? t('failover.view.andDropped', { count: n.dropped }) : '' })
      : t('failover.view.withoutReplication', {
          dropped: n.dropped > 0 ? t('failover.view.droppedReDial', { calls: t('failover.view.establishedCalls', { count: n.dropped }) }) : t('failover.view.noCallDependedOn'),
          media: n.mediaOnly > 0 ? t('failover.view.keptOnlyMedia', { count: n.mediaOnly }) : '',
        });
    body = t('failover.view.detectedAfter', { detection: r.detectionS!.toFixed(3), switchover: r.switchoverS!.toFixed(3), calls });
  }
  const setup =
    n.delayed + n.failedSetup > 0
      ? t('failover.view.setUpLate', { calls: t('failover.view.newCalls', { count: n.delayed }), failed: n.failedSetup > 0 ? t('failover.view.timedOut', { calls: t('failover.view.newCalls', { count: n.failedSetup }) }) : '' })
      : '';
  const standby = r.newStandbyHost !== null ? t('failover.view.aNewStandbyIs', { host: r.newStandbyHost, seconds: (r.standbyReadyAtS! - failAtS).toFixed(0) }) : t('failover.view.noHealthyHostHad');
  return t('failover.view.verdict', { head, body, setup, standby });
}
