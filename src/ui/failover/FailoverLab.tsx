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
import { TextField, bindField } from '../shell/TextField.tsx';
import '../../i18n/en/failover.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

/** Where each figure of the outcome comes from (usage-models.md §C, the RFCs it cites). */
const FAILOVER_SOURCES = {
  get detection() { return t('failover.lab.vrrpv3Rfc57986'); },
  switchover: {
    get formula() { return t('failover.lab.detectionTheVipMove'); },
    get source() { return t('failover.lab.usageModelsMdC'); },
  },
  calls: {
    get formula() { return t('failover.lab.anEstablishedCallSurvives'); },
    get source() { return t('failover.lab.usageModelsMdC2'); },
  },
  retry: {
    get formula() { return t('failover.lab.clientsWhoseTransactionWas'); },
    get source() { return t('failover.lab.rfc3261171'); },
  },
} as const;

type Ok = Extract<FailoverResponse, { ok: true }>;

const KILLS: { k: KillKind; label: string }[] = [
  { k: 'vm', get label() { return t('failover.lab.killVm1'); } },
  { k: 'kernel', get label() { return t('failover.lab.killItsGuestKernel'); } },
  { k: 'host', get label() { return t('failover.lab.killItsHost'); } },
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
    return (
      <TextField
        id={id}
        label={label}
        unit={unit}
        hint={hint}
        {...bindField(fld, texts, errors, setTexts, setErrors)}
      />
    );
  };

  return (
    <div className="platform-lab failover" data-testid="failover-lab">
      <header className="pl-head">
        <h1>{t('failover.lab.failOver')}</h1>
        <p className="pl-lede">
          {t('failover.lab.aSipPbxSuch')}
        </p>
      </header>
      <div className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </div>
      <div className="pl-grid">
        <form className="panel pl-form" aria-label={t('failover.lab.failOverSetUp')} noValidate onSubmit={(e) => e.preventDefault()}>
          <h2>{t('failover.lab.setUp')}</h2>
          <fieldset className="pl-radios">
            <legend className="pl-label">{t('failover.lab.placementOfVm1And')}</legend>
            <label>
              <input type="radio" name="place" checked={!f.sameHost} onChange={() => setFailover({ sameHost: false, kill: null })} />{' '}{t('failover.lab.separateHosts')}
            </label>
            <label>
              <input type="radio" name="place" checked={f.sameHost} onChange={() => setFailover({ sameHost: true, kill: null })} />{' '}{t('failover.lab.sameHost')}
            </label>
          </fieldset>
          <label className="pl-field">
            <span className="pl-label">{t('failover.lab.detection')}</span>
            <select value={f.detection} onChange={(e) => setFailover({ detection: e.target.value as FailoverLink['detection'], kill: null })}>
              <option value="vrrp">{t('failover.lab.vrrpKeepalivedHeartbeats')}</option>
              <option value="corosync">{t('failover.lab.corosyncTokenPacemaker')}</option>
            </select>
          </label>
          {f.detection === 'vrrp' ? (
            <>
              {field('advertS', t('failover.lab.advertisementInterval'), 's', t('failover.lab.advertDefault'))}
              {field('priority', t('failover.lab.vm2SPriority'), '1 … 254', t('failover.lab.keepalivedExample128100'))}
            </>
          ) : (
            field('tokenMs', t('failover.lab.tokenTimeout'), 'ms', t('failover.lab.tokenDefault'))
          )}
          <label className="pl-check">
            <input type="checkbox" checked={f.replication} onChange={(e) => setFailover({ replication: e.target.checked, kill: null })} />{' '}{t('failover.lab.stateReplicationCallsAnd')}
          </label>
          <label className="pl-field">
            <span className="pl-label">{t('failover.lab.phonesReachThePbx')}</span>
            <select value={f.clientMode} onChange={(e) => setFailover({ clientMode: e.target.value as FailoverLink['clientMode'], kill: null })}>
              <option value="vip">{t('failover.lab.aVirtualIpMoves')}</option>
              <option value="srv">{t('failover.lab.dnsSrvVm1First')}</option>
            </select>
          </label>
          <div className="fo-kills" role="group" aria-label={t('failover.lab.failures')}>
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
            <p className="pl-error" role="alert">{t('failover.lab.theFailOverCould', { error })}
            </p>
          )}
          {res === null || f.kill === null ? (
            <p className="pl-empty"><T k="failover.lab.vm1IsActiveAnd" parts={{ strong: <strong>{t('failover.lab.killVm1')}</strong>, strong2: <strong>{t('failover.lab.killItsGuestKernel')}</strong>, strong3: <strong>{t('failover.lab.killItsHost')}</strong> }} /></p>
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
  const vm1 = after ? (f.kill === 'kernel' ? t('failover.lab.vm1KernelPanic') : t('failover.lab.vm1Dead')) : t('failover.lab.vm1Active');
  const vm2 = !after ? t('failover.lab.vm2Standby') : vm2Active ? t('failover.lab.vm2Active') : t('failover.lab.vm2Lost');
  const standby = after && res?.newStandbyHost != null ? res.newStandbyHost : null;
  const newStandby = <span className="fo-vm standby" data-testid="fo-new-standby">{t('failover.lab.newStandby')}</span>;
  return (
    <div className="fo-pair" data-testid="fo-pair">
      <div className={`fo-host${after && f.kill === 'host' ? ' dead' : ''}`}>
        <span className="fo-host-name">{t('failover.lab.host1')}</span>
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
        <span className="fo-host-name">{t('failover.lab.host2')}</span>
        {!f.sameHost && (
          <span className={`fo-vm ${vm2Active ? 'active' : 'standby'}`} data-testid="fo-vm2">
            {vm2}
          </span>
        )}
        {standby === 'host-2' && newStandby}
      </div>
      <div className="fo-host">
        <span className="fo-host-name">{t('failover.lab.host3')}</span>
        {standby === 'host-3' && newStandby}
      </div>
    </div>
  );
}

function Results({ r, f, kill }: { r: Ok; f: FailoverLink; kill: KillKind }) {
  const res = r.result;
  const sc = r.scenario;
  const n = tally(res);
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
  const ok = res.survivor === 'vm2' && n.dropped === 0;
  const rel = (x: number) => `${x - sc.failAtS >= 0 ? '+' : ''}${(x - sc.failAtS).toFixed(3)} s`;
  return (
    <>
      <section className="panel" aria-labelledby="fo-sum-h">
        <h2 id="fo-sum-h">{t('failover.lab.outcome')}</h2>
        <dl className="pl-figures" data-testid="failover-summary">
          <div>
            <dt>{t('failover.lab.detection')}</dt>
            <dd>
              <Sourced label={t('failover.lab.detection')} src={{ formula: detectionFormula(sc), source: FAILOVER_SOURCES.detection }} testId="fo-detection">
                {res.detectionS === null ? t('failover.lab.noneNoCopyLeft') : `${res.detectionS.toFixed(3)} s`}
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>{t('failover.lab.serviceBackAfter')}</dt>
            <dd>
              <Sourced label={t('failover.lab.serviceBackAfter')} src={FAILOVER_SOURCES.switchover} testId="fo-switchover">
                {res.switchoverS === null ? '—' : `${res.switchoverS.toFixed(3)} s`}
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>{t('failover.lab.activeNow')}</dt>
            <dd data-testid="fo-active">{res.survivor === 'vm2' ? t('failover.lab.vm2') : res.survivor === 'restarted' ? t('failover.lab.pbxRestarted') : t('failover.lab.none')}</dd>
          </div>
          <div>
            <dt>{t('failover.lab.establishedCalls')}</dt>
            <dd>
              <Sourced label={t('failover.lab.establishedCalls')} src={FAILOVER_SOURCES.calls}>
                {t('failover.lab.survivedDropped', { value: n.survived + n.mediaOnly, dropped: n.dropped })}</Sourced>
            </dd>
          </div>
          <div>
            <dt>{t('failover.lab.clientsThatMustRetry')}</dt>
            <dd>
              <Sourced label={t('failover.lab.clientsThatMustRetry')} src={FAILOVER_SOURCES.retry}>
                {res.clientsMustRetry.length}
              </Sourced>
            </dd>
          </div>
        </dl>
        <p className="pl-note fo-formula" data-testid="fo-formula">
          <strong>{t('failover.lab.detection2')}</strong> {detectionFormula(sc)}
          {res.detectionS === null && t('failover.lab.butVm2WasOn')}
        </p>
        <p className={`pl-verdict ${ok ? 'tone-ok' : 'tone-bad'}`} data-testid="fo-verdict">
          {verdict(f, kill, res, sc.failAtS)}
        </p>
      </section>
      <section className="panel" aria-labelledby="fo-tl-h">
        <h2 id="fo-tl-h">{t('failover.lab.timelineSecondsAfterThe')}</h2>
        <div ref={box} className="pl-chart">
          <FailoverTimeline r={res} failAtS={sc.failAtS} width={width} />
        </div>
        <p className="pl-note fo-legend">
          <T k="failover.lab.shadedTheOutageFrom" parts={{ span: <span className="fo-key bad">{t('failover.lab.loss')}</span>, span2: <span className="fo-key good">{t('failover.lab.recovery')}</span>, span3: <span className="fo-key info">{t('failover.lab.signal')}</span>, established: n.established, value: n.delayed + n.failedSetup, value2: 64 * sc.sipT1S }} /></p>
        <div className="fo-events-wrap">
          <table className="fo-events" data-testid="fo-events">
            <caption className="visually-hidden">{t('failover.lab.eventsAfterTheFailure')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('failover.lab.time')}</th>
                <th scope="col">{t('failover.lab.whatHappened')}</th>
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
