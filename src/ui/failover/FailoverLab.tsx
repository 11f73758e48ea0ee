/**
 * The Fail-over lab (issue 6 item 5): the SIP PBX on VM1 (active) and VM2 (standby), on one host or two; VRRP
 * (keepalived) or Corosync detection; state replication on or off; kill VM1, its guest kernel or its host, then
 * the timeline of what follows (src/core/platform/failover through the worker's `failover`), the detection
 * formula with its numbers, the calls that survive or drop, the clients that retry, the new standby, a verdict.
 */
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import type { FailoverLink, KillKind } from '../../state/platform-links.ts';
import type { FailoverResponse } from '../../worker/protocol.ts';
import { checkFoField, detectionFormula, listedEvents, tally, verdict, type FoField } from './view.ts';
import { FailoverTimeline } from './Timeline.tsx';
import '../migration/migration.css';
import './failover.css';
import { Sourced } from '../migration/Sourced.tsx';
import { TextField, withoutKey } from '../shell/TextField.tsx';

/** Where each figure of the outcome comes from (usage-models.md §C, the RFCs it cites). */
const FAILOVER_SOURCES = {
  detection: 'VRRPv3: RFC 5798 §6.1 (Master_Down_Interval = 3 × Master_Adver_Interval + Skew_Time, Skew_Time = (256 − Priority) × Master_Adver_Interval / 256); keepalived.conf(5) advert_int; Corosync: corosync.conf(5) token (3000 ms since 3.1) — usage-models.md §C',
  switchover: {
    formula: 'detection + the VIP move (gratuitous ARP after take-over, an assumption: 0 s by default); both copies lost: host declared dead (15 s, vSphere HA) + guest boot (assumption)',
    source: 'usage-models.md §C (keepalived GARP at transition; vSphere HA FDM timings, Epping); assumptions editable in the form',
  },
  calls: {
    formula: 'an established call survives when its state was replicated to VM2 (or its media flows peer to peer); without replication the new active copy does not know the dialog',
    source: 'usage-models.md §C “established SIP calls: media keeps flowing peer-to-peer”; RFC 4028 session timers',
  },
  retry: {
    formula: 'clients whose transaction was in flight at the failure: they retry after Timer B/F = 64 × T1 = 32 s (DNS SRV: the next target, RFC 3263); with a virtual IP the same address answers again after the take-over',
    source: 'RFC 3261 §17.1.1.2 / App. A (T1 = 500 ms); RFC 3263; usage-models.md §C',
  },
} as const;

type Ok = Extract<FailoverResponse, { ok: true }>;

const KILLS: { k: KillKind; label: string }[] = [
  { k: 'vm', label: 'Kill VM1' },
  { k: 'kernel', label: 'Kill its guest kernel' },
  { k: 'host', label: 'Kill its host' },
];

export function FailoverLab() {
  const health = useApp((s) => s.health);
  const f = useApp((s) => s.failover);
  const res = useApp((s) => s.failoverResult);
  const setFailover = useApp((s) => s.setFailover);
  const setResults = useApp((s) => s.setPlatformResults);
  const [texts, setTexts] = useState<Record<FoField, string>>({ advertS: String(f.advertS), priority: String(f.priority), tokenMs: String(f.tokenMs) });
  const [errors, setErrors] = useState<Partial<Record<FoField, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');
  const idBase = useId();

  useEffect(() => {
    setTexts({ advertS: String(f.advertS), priority: String(f.priority), tokenMs: String(f.tokenMs) });
  }, [f.advertS, f.priority, f.tokenMs]);

  const kill = useCallback(
    async (k: KillKind, link: FailoverLink) => {
      setError(null);
      try {
        const r = await commands.failover({ ...link, kill: k });
        if (!r.ok) {
          setError(r.message);
          return;
        }
        setResults({ failoverResult: r });
        setAnnounce(verdict(link, k, r.result, r.scenario.failAtS));
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    },
    [setResults],
  );

  // A link naming a kill replays it on opening.
  useEffect(() => {
    if (health === 'ready' && f.kill !== null && res === null) void kill(f.kill, f);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [health]);

  const onKill = (k: KillKind): void => {
    const next: Partial<FailoverLink> = {};
    const errs: Partial<Record<FoField, string>> = {};
    const fields: FoField[] = f.detection === 'vrrp' ? ['advertS', 'priority'] : ['tokenMs'];
    for (const fld of fields) {
      const r = checkFoField(fld, texts[fld]);
      if (r.ok) next[fld] = r.value;
      else errs[fld] = r.message;
    }
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    const link = { ...f, ...next, kill: k };
    setFailover(link);
    void kill(k, link);
  };

  const field = (fld: FoField, label: string, unit: string, hint: string) => {
    const id = `${idBase}-${fld}`;
    const err = errors[fld];
    return (
      <TextField
        id={id}
        label={label}
        unit={unit}
        hint={hint}
        value={texts[fld]}
        error={err}
        onChange={(v) => {
          setTexts((t) => ({ ...t, [fld]: v }));
          setErrors((x) => withoutKey(x, fld));
        }}
      />
    );
  };

  return (
    <div className="platform-lab failover" data-testid="failover-lab">
      <header className="pl-head">
        <h1>Fail-over</h1>
        <p className="pl-lede">
          A SIP PBX (such as Asterisk) runs on VM1; VM2 is its standby. Kill VM1, its guest kernel or its whole host and watch the standby detect the loss, take
          the virtual IP and carry on — or not. (White paper §3.3.1, §3.3.3; timers: usage-models.md §C.)
        </p>
      </header>
      <div className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </div>
      <div className="pl-grid">
        <form className="panel pl-form" aria-label="Fail-over set-up" noValidate onSubmit={(e) => e.preventDefault()}>
          <h2>Set-up</h2>
          <fieldset className="pl-radios">
            <legend className="pl-label">Placement of VM1 and VM2</legend>
            <label>
              <input type="radio" name="place" checked={!f.sameHost} onChange={() => setFailover({ sameHost: false, kill: null })} /> Separate hosts
            </label>
            <label>
              <input type="radio" name="place" checked={f.sameHost} onChange={() => setFailover({ sameHost: true, kill: null })} /> Same host
            </label>
          </fieldset>
          <label className="pl-field">
            <span className="pl-label">Detection</span>
            <select value={f.detection} onChange={(e) => setFailover({ detection: e.target.value as FailoverLink['detection'], kill: null })}>
              <option value="vrrp">VRRP / keepalived heartbeats</option>
              <option value="corosync">Corosync token (Pacemaker)</option>
            </select>
          </label>
          {f.detection === 'vrrp' ? (
            <>
              {field('advertS', 'Advertisement interval', 's', 'default 1 s (advert_int 1)')}
              {field('priority', 'VM2’s priority', '1 … 254', 'keepalived example 128; 100 gives 3.61 s')}
            </>
          ) : (
            field('tokenMs', 'Token timeout', 'ms', 'corosync 3.1 default 3000 ms')
          )}
          <label className="pl-check">
            <input type="checkbox" checked={f.replication} onChange={(e) => setFailover({ replication: e.target.checked, kill: null })} /> State replication (calls and
            media-relay state copied to VM2)
          </label>
          <label className="pl-field">
            <span className="pl-label">Phones reach the PBX by</span>
            <select value={f.clientMode} onChange={(e) => setFailover({ clientMode: e.target.value as FailoverLink['clientMode'], kill: null })}>
              <option value="vip">a virtual IP (moves with VRRP)</option>
              <option value="srv">DNS SRV: VM1 first, then VM2</option>
            </select>
          </label>
          <div className="fo-kills" role="group" aria-label="Failures">
            {KILLS.map(({ k, label }) => (
              <button key={k} type="button" className={`btn${f.kill === k ? ' primary' : ''}`} disabled={health !== 'ready'} onClick={() => onKill(k)}>
                {label}
              </button>
            ))}
          </div>
          <Pair f={f} r={res} />
        </form>
        <div className="pl-main">
          {error !== null && (
            <p className="pl-error" role="alert">
              The fail-over could not run: {error}
            </p>
          )}
          {res === null || f.kill === null ? (
            <p className="pl-empty">
              VM1 is active and multicasts its heartbeats; VM2 listens. Choose the set-up and press <strong>Kill VM1</strong>, <strong>Kill its guest kernel</strong> or{' '}
              <strong>Kill its host</strong>.
            </p>
          ) : (
            <Results r={res} f={f} kill={f.kill} />
          )}
        </div>
      </div>
    </div>
  );
}

/** VM1 and VM2 on their hosts, before and after. */
function Pair({ f, r }: { f: FailoverLink; r: Ok | null }) {
  const after = r !== null && f.kill !== null;
  const res = r?.result;
  const vm2Active = after && res?.survivor === 'vm2';
  const vm1 = after ? (f.kill === 'kernel' ? 'VM1: kernel panic' : 'VM1: dead') : 'VM1: active';
  const vm2 = !after ? 'VM2: standby' : vm2Active ? 'VM2: active' : 'VM2: lost';
  const standby = after && res?.newStandbyHost != null ? res.newStandbyHost : null;
  const newStandby = <span className="fo-vm standby" data-testid="fo-new-standby">new standby</span>;
  return (
    <div className="fo-pair" data-testid="fo-pair">
      <div className={`fo-host${after && f.kill === 'host' ? ' dead' : ''}`}>
        <span className="fo-host-name">host-1</span>
        <span className={`fo-vm ${after ? 'dead' : 'active'}`} data-testid="fo-vm1">
          {vm1}
        </span>
        {f.sameHost && (
          <span className={`fo-vm ${vm2Active ? 'active' : after ? 'dead' : 'standby'}`} data-testid="fo-vm2">
            {vm2}
          </span>
        )}
        {standby === 'host-1' && newStandby}
      </div>
      <div className="fo-host">
        <span className="fo-host-name">host-2</span>
        {!f.sameHost && (
          <span className={`fo-vm ${vm2Active ? 'active' : 'standby'}`} data-testid="fo-vm2">
            {vm2}
          </span>
        )}
        {standby === 'host-2' && newStandby}
      </div>
      <div className="fo-host">
        <span className="fo-host-name">host-3</span>
        {standby === 'host-3' && newStandby}
      </div>
    </div>
  );
}

function Results({ r, f, kill }: { r: Ok; f: FailoverLink; kill: KillKind }) {
  const res = r.result;
  const sc = r.scenario;
  const t = tally(res);
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(700);
  useLayoutEffect(() => {
    const el = box.current;
    if (el === null) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(360, Math.floor(el.clientWidth))));
    ro.observe(el);
    setWidth(Math.max(360, Math.floor(el.clientWidth)));
    return () => ro.disconnect();
  }, []);
  const ok = res.survivor === 'vm2' && t.dropped === 0;
  const rel = (x: number) => `${x - sc.failAtS >= 0 ? '+' : ''}${(x - sc.failAtS).toFixed(3)} s`;
  return (
    <>
      <section className="panel" aria-labelledby="fo-sum-h">
        <h2 id="fo-sum-h">Outcome</h2>
        <dl className="pl-figures" data-testid="failover-summary">
          <div>
            <dt>Detection</dt>
            <dd>
              <Sourced label="Detection" src={{ formula: detectionFormula(sc), source: FAILOVER_SOURCES.detection }} testId="fo-detection">
                {res.detectionS === null ? 'none (no copy left)' : `${res.detectionS.toFixed(3)} s`}
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>Service back after</dt>
            <dd>
              <Sourced label="Service back after" src={FAILOVER_SOURCES.switchover} testId="fo-switchover">
                {res.switchoverS === null ? '—' : `${res.switchoverS.toFixed(3)} s`}
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>Active now</dt>
            <dd data-testid="fo-active">{res.survivor === 'vm2' ? 'VM2' : res.survivor === 'restarted' ? 'PBX restarted' : 'none'}</dd>
          </div>
          <div>
            <dt>Established calls</dt>
            <dd>
              <Sourced label="Established calls" src={FAILOVER_SOURCES.calls}>
                {t.survived + t.mediaOnly} survived, {t.dropped} dropped
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>Clients that must retry</dt>
            <dd>
              <Sourced label="Clients that must retry" src={FAILOVER_SOURCES.retry}>
                {res.clientsMustRetry.length}
              </Sourced>
            </dd>
          </div>
        </dl>
        <p className="pl-note fo-formula" data-testid="fo-formula">
          <strong>Detection:</strong> {detectionFormula(sc)}
          {res.detectionS === null && ' — but VM2 was on the failed host, so nobody was left to detect it.'}
        </p>
        <p className={`pl-verdict ${ok ? 'tone-ok' : 'tone-bad'}`} data-testid="fo-verdict">
          {verdict(f, kill, res, sc.failAtS)}
        </p>
      </section>
      <section className="panel" aria-labelledby="fo-tl-h">
        <h2 id="fo-tl-h">Timeline (seconds after the failure; logarithmic beyond ±2 s)</h2>
        <div ref={box} className="pl-chart">
          <FailoverTimeline r={res} failAtS={sc.failAtS} width={width} />
        </div>
        <p className="pl-note fo-legend">
          <span className="fo-key bad">✕ loss</span> <span className="fo-key good">● recovery</span> <span className="fo-key info">◆ signal</span> Shaded: the outage, from the
          failure to the switch-over. Line on VM2’s lane: the detection interval. Calls ({t.established} established, {t.delayed + t.failedSetup} new during the outage) and
          SIP Timer B = 64 × T1 = {64 * sc.sipT1S} s for clients that retry.
        </p>
        <div className="fo-events-wrap">
          <table className="fo-events" data-testid="fo-events">
            <caption className="visually-hidden">Events after the failure</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">What happened</th>
              </tr>
            </thead>
            <tbody>
              {listedEvents(res)
                .filter((e) => e.kind !== 'advert' || e.t >= sc.failAtS - 3)
                .map((e, k) => (
                  <tr key={k} data-kind={e.kind}>
                    <td className="num">{rel(e.t)}</td>
                    <td>{e.text}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
