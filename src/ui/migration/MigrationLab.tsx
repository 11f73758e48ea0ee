/**
 * The Migration lab (issue 6 item 4): a VM with a SIP call and a video stream moved live from one host to another,
 * page by page (src/core/platform/migration through the worker's `migrate`). Parameters with a message beside
 * each field; the rounds as a bar chart; total time, downtime, bytes sent and the stop reason in words; the
 * migration replayed over its simulated time (play / scrub; reduced motion shows the end at once) with the
 * source → destination arrow, the clients' media gap and the gratuitous ARP.
 */
import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import { reducedMotion } from '../shell/prefs-effects.ts';
import type { MigrationLink } from '../../state/platform-links.ts';
import type { MigrateResponse } from '../../worker/protocol.ts';
import { bytesText, checkForm, endTime, frameAt, msText, secondsText, stopReasonText, textsOf, type Frame, type NumField } from './view.ts';
import { RoundsChart } from './RoundsChart.tsx';
import { VmxMigrationPanel } from './VmxMigrationPanel.tsx';
import { Tabs } from '../shell/Tabs.tsx';
import { MIGRATION_SOURCES as S, Sourced } from './Sourced.tsx';
import { QEMU_ANNOUNCE_INITIAL_S } from '../../core/platform/migration/index.ts';
import './migration.css';
import { TextField, bindField } from '../shell/TextField.tsx';
import '../../i18n/en/migration.ts';
import { t } from '../../i18n/t.ts';
import { StopRuleHint } from './StopRuleHint.tsx';
import { T } from '../../i18n/react.tsx';

type Ok = Extract<MigrateResponse, { ok: true }>;

const FIELDS: { f: NumField; label: string; unit: string; hint: string }[] = [
  { f: 'memoryMib', get label() { return t('migration.lab.memorySize'); }, unit: 'MiB', get hint() { return t('migration.lab.theVmSRam'); } },
  { f: 'bandwidthMbit', get label() { return t('migration.lab.linkBandwidth'); }, unit: 'Mbit/s', get hint() { return t('migration.lab.theMigrationLinkFor'); } },
  { f: 'dirtyMibPerS', get label() { return t('migration.lab.dirtyRate'); }, unit: 'MiB/s', get hint() { return t('migration.lab.howFastTheGuest'); } },
  { f: 'wwsMib', get label() { return t('migration.lab.writableWorkingSet'); }, unit: 'MiB', get hint() { return t('migration.lab.n0WritesSpreadOver'); } },
  { f: 'downtimeMs', get label() { return t('migration.lab.downtimeLimitQemu'); }, unit: 'ms', get hint() { return t('migration.lab.qemuDefault300Ms'); } },
  { f: 'roundCap', get label() { return t('migration.lab.roundCap'); }, get unit() { return t('migration.unit.rounds'); }, get hint() { return t('migration.lab.n0TheRuleS'); } },
  { f: 'postCopyAfter', get label() { return t('migration.lab.postCopyAfter'); }, get unit() { return t('migration.unit.rounds'); }, get hint() { return t('migration.lab.n0OffPurePre'); } },
  { f: 'streamTimeoutMs', get label() { return t('migration.lab.videoClientGiveUp'); }, unit: 'ms', get hint() { return t('migration.lab.modelAssumptionNotIn'); } },
];

export function MigrationLab() {
  const health = useApp((s) => s.health);
  const m = useApp((s) => s.migration);
  const res = useApp((s) => s.migrationResult);
  const setMigration = useApp((s) => s.setMigration);
  const setResults = useApp((s) => s.setPlatformResults);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [announce, setAnnounce] = useState('');
  const [mode, setMode] = useState<'model' | 'vmx'>('model');

  const run = useCallback(
    async (link: MigrationLink) => {
      setMigration({ ...link, run: true });
      setRunning(true);
      setError(null);
      try {
        const { run: _r, ...req } = link;
        const r = await commands.migrate(req);
        if (!r.ok) {
          setError(r.message);
          return;
        }
        setResults({ migrationResult: r });
        const sip = r.clients.sessions.find((s) => s.kind === 'sip-call')!;
        const said = t('migration.lab.migratedInDowntimeThe', { secondsText: secondsText(r.result.totalSeconds), msText: msText(r.result.downtimeMs), value: sip.reconnect ? t('migration.lab.reconnects') : t('migration.lab.staysConnected') });
        // A migration whose pre-copy never caught up says so first: its total and downtime are those of a forced stop-and-copy.
        setAnnounce(r.result.converged || r.result.stopReason === 'post-copy' ? said : `${t('migration.lab.didNotConverge')} ${said}`);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      } finally {
        setRunning(false);
      }
    },
    [setMigration, setResults],
  );

  // A link with r=1 runs on opening.
  useEffect(() => {
    if (health === 'ready' && m.run && res === null && !running) void run(m);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [health]);

  return (
    <div className="platform-lab migration" data-testid="migration-lab">
      <header className="pl-head">
        <h1>{t('migration.lab.migration')}</h1>
        <p className="pl-lede">
          {t('migration.lab.liveMigrationPageBy')}
        </p>
      </header>
      <div className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </div>
      <Tabs
        label={t('migration.lab.migrationMode')}
        idPrefix="mg-"
        current={mode}
        onChange={(t) => setMode(t === 'vmx' ? 'vmx' : 'model')}
        tabs={[
          { id: 'model', label: t('migration.lab.modelledVmAnySize') },
          { id: 'vmx', label: t('migration.lab.vmRunningOnThe') },
        ]}
      >
      {mode === 'vmx' ? (
        <VmxMigrationPanel />
      ) : (
      <div className="pl-grid">
        <ParamsForm m={m} running={running || health !== 'ready'} onRun={(l) => void run(l)} />
        <div className="pl-main">
          {error !== null && (
            <p className="pl-error" role="alert">{t('migration.lab.theMigrationCouldNot', { error })}
            </p>
          )}
          {res === null ? (
            <p className="pl-empty"><T k="migration.lab.setTheParametersAnd" parts={{ strong: <strong>{t('migration.lab.migrate')}</strong> }} /></p>
          ) : (
            <Results r={res} />
          )}
        </div>
      </div>
      )}
      </Tabs>
    </div>
  );
}

function ParamsForm({ m, running, onRun }: { m: MigrationLink; running: boolean; onRun(l: MigrationLink): void }) {
  const [texts, setTexts] = useState(() => textsOf(m));
  const [errors, setErrors] = useState<Partial<Record<NumField, string>>>({});
  const [rule, setRule] = useState(m.rule);
  const [ac, setAc] = useState(m.autoConverge);
  const idBase = useId();
  // A new link (pasted or shared) replaces the form's text.
  useEffect(() => {
    setTexts(textsOf(m));
    setRule(m.rule);
    setAc(m.autoConverge);
  }, [m]);
  return (
    <form
      className="panel pl-form"
      aria-label={t('migration.lab.migrationParameters')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const r = checkForm(texts);
        if (!r.ok) {
          setErrors(r.errors);
          return;
        }
        setErrors({});
        onRun({ ...m, ...r.values, rule, autoConverge: ac, run: true });
      }}
    >
      <h2>{t('migration.lab.parameters')}</h2>
      <label className="pl-field">
        <span className="pl-label">{t('migration.lab.stopRule')}</span>
        <select value={rule} aria-describedby={`${idBase}-rule`} onChange={(e) => setRule(e.target.value as MigrationLink['rule'])}>
          <option value="qemu">{t('migration.lab.qemuDowntimeLimit')}</option>
          <option value="xen">{t('migration.lab.xen50Pages30')}</option>
          <option value="clark">{t('migration.lab.clarkRateAdaptive256')}</option>
        </select>
      </label>
      <StopRuleHint id={`${idBase}-rule`} rule={rule} />
      {FIELDS.map(({ f, label, unit, hint }) => {
        const id = `${idBase}-${f}`;
        return (
          <TextField
            key={f}
            id={id}
            name={f}
            label={label}
            unit={unit}
            hint={hint}
            disabled={f === 'downtimeMs' && rule !== 'qemu'}
            {...bindField(f, texts, errors, setTexts, setErrors)}
          />
        );
      })}
      <label className="pl-check">
        <input type="checkbox" checked={ac} onChange={(e) => setAc(e.target.checked)} />{' '}{t('migration.lab.autoConvergeQemuThrottling')}
      </label>
      <button className="btn primary" type="submit" disabled={running}>
        {running ? t('migration.lab.migrating') : t('migration.lab.migrate')}
      </button>
    </form>
  );
}

function useWidth(min = 320): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [w, setW] = useState(640);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const ro = new ResizeObserver(() => setW(Math.max(min, Math.floor(el.clientWidth))));
    ro.observe(el);
    setW(Math.max(min, Math.floor(el.clientWidth)));
    return () => ro.disconnect();
  }, [min]);
  return [ref, w];
}

/** Wall-clock length of the replay (the simulated time is scaled to it). */
const REPLAY_MS = 6000;

function Results({ r }: { r: Ok }) {
  const res = r.result;
  const end = endTime(res);
  const [simT, setT] = useState(() => (reducedMotion() ? end : 0));
  const [playing, setPlaying] = useState(() => !reducedMotion());
  const raf = useRef(0);
  // A new result: start the replay (or show the end at once with reduced motion).
  useEffect(() => {
    const reduce = reducedMotion();
    setT(reduce ? end : 0);
    setPlaying(!reduce);
  }, [res, end]);
  const tRef = useRef(simT);
  tRef.current = simT;
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    const tick = (now: number): void => {
      const n = Math.min(end, tRef.current + ((now - last) / REPLAY_MS) * end);
      last = now;
      tRef.current = n;
      setT(n);
      if (n >= end) setPlaying(false);
      else raf.current = requestAnimationFrame(tick);
    };
    raf.current = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf.current);
  }, [playing, end]);
  const frame = useMemo(() => frameAt(res, simT), [res, simT]);
  const [chartRef, width] = useWidth();
  return (
    <>
      <section className="panel" aria-labelledby="mg-sum-h">
        <h2 id="mg-sum-h">{t('migration.lab.result')}</h2>
        <dl className="pl-figures" data-testid="migration-summary">
          <div>
            <dt>{t('migration.lab.preCopyRounds')}</dt>
            <dd>
              <Sourced label={t('migration.lab.preCopyRounds')} src={S.rounds} testId="mg-rounds">
                {res.rounds}
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>{t('migration.lab.totalTime')}</dt>
            <dd>
              <Sourced label={t('migration.lab.totalTime')} src={S.total} testId="mg-total">
                {secondsText(res.totalSeconds)}
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>{t('migration.lab.downtime')}</dt>
            <dd>
              <Sourced label={t('migration.lab.downtime')} src={S.downtime} testId="mg-downtime">
                {msText(res.downtimeMs)}
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>{t('migration.lab.bytesSent')}</dt>
            <dd data-testid="mg-bytes">
              <Sourced label={t('migration.lab.bytesSent')} src={S.bytes}>
                {bytesText(res.bytesSent)}
              </Sourced>{' '}
              <small>{t('migration.lab.memory', { value: (res.bytesSent / res.memoryBytes).toFixed(2) })}</small>
            </dd>
          </div>
        </dl>
        <p className={`pl-verdict ${res.converged ? 'tone-ok' : 'tone-bad'}`} data-testid="mg-stop">
          <strong>{res.converged ? t('migration.lab.converged') : res.stopReason === 'post-copy' ? t('migration.lab.postCopy') : t('migration.lab.didNotConverge')}</strong> {stopReasonText(res.stopReason)}
          {res.finalThrottle > 0 && <>{' '}{t('migration.lab.autoConvergeThrottledThe', { round: Math.round((1 - res.finalThrottle) * 100) })}</>}
          {res.postCopy !== null && (
            <>
              {' '}{t('migration.lab.pagesWereStillAt', { pagesAtSwitch: res.postCopy.pagesAtSwitch.toLocaleString('en-US'), faults: res.postCopy.faults.toLocaleString('en-US'), secondsText: secondsText(res.postCopy.degradationSeconds) })}</>
          )}
        </p>
      </section>

      <section className="panel" aria-labelledby="mg-anim-h">
        <h2 id="mg-anim-h">{t('migration.lab.overTime')}</h2>
        <Hosts frame={frame} />
        <div className="pl-transport">
          <button className="btn" type="button" onClick={() => (playing ? setPlaying(false) : (setT((x) => (x >= end ? 0 : x)), setPlaying(true)))}>
            {playing ? t('migration.lab.pause') : simT >= end ? t('migration.lab.replay') : t('migration.lab.play')}
          </button>
          <input
            type="range"
            aria-label={t('migration.lab.simulatedTime')}
            min={0}
            max={1000}
            value={end > 0 ? Math.round((simT / end) * 1000) : 1000}
            onChange={(e) => {
              setPlaying(false);
              setT((Number(e.target.value) / 1000) * end);
            }}
          />
          <span className="pl-time">{t('migration.lab.tOf', { secondsText: secondsText(frame.t), secondsText2: secondsText(end) })}
          </span>
        </div>
        <p className="pl-phase" aria-live="off">
          {frame.words}
        </p>
        <div ref={chartRef} className="pl-chart">
          <RoundsChart r={res} frame={frame} width={width} />
        </div>
      </section>

      <Clients r={r} frame={frame} />
    </>
  );
}

function Hosts({ frame }: { frame: Frame }) {
  const pct = Math.round(frame.progress * 100);
  const vm = (
    <div className={`mg-vm${frame.paused ? ' paused' : ''}`} data-testid="mg-vm">
      <T k="migration.lab.sipPbxVideo" parts={{ strong: <strong>{t('migration.lab.vm')}</strong>, span: <span>{frame.paused ? t('migration.lab.paused') : t('migration.lab.running')}</span> }} />
    </div>
  );
  return (
    <div className="mg-hosts" aria-label={t('migration.lab.sourceHostToDestination', { pct, runsAt: frame.runsAt, value: frame.paused ? t('migration.lab.paused2') : '' })} role="group">
      <div className="mg-host">
        <h3>{t('migration.lab.sourceHost')}</h3>
        {frame.runsAt === 'source' ? vm : <div className="mg-vm gone">{t('migration.lab.vmMoved')}</div>}
      </div>
      <div className="mg-link">
        <div className="mg-arrow" aria-hidden="true">
          <div className="mg-arrow-fill" style={{ width: `${pct}%` }} />
          <span className="mg-arrow-head">▶</span>
        </div>
        <span className="mg-link-text">
          {t('migration.lab.sent', { bytesText: bytesText(frame.bytesSoFar), pct })}</span>
      </div>
      <div className="mg-host">
        <h3>{t('migration.lab.destinationHost')}</h3>
        {frame.runsAt === 'destination' ? vm : <div className="mg-vm gone">{t('migration.lab.pagesArriving')}</div>}
        {frame.runsAt === 'destination' && <div className={`mg-arp${frame.arpDone ? ' done' : ''}`}>{frame.arpDone ? t('migration.lab.gratuitousArpSentTraffic') : t('migration.lab.gratuitousArpPending')}</div>}
      </div>
    </div>
  );
}

function Clients({ r, frame }: { r: Ok; frame: Frame }) {
  const res = r.result;
  const c = r.clients;
  const arpNote = res.rule === 'qemu' ? t('migration.lab.qemuSFirstSelf', { value: QEMU_ANNOUNCE_INITIAL_S * 1000 }) : t('migration.lab.theUnsolicitedArpAt');
  const finished = frame.t >= endTime(res);
  return (
    <section className="panel" aria-labelledby="mg-cl-h">
      <h2 id="mg-cl-h">{t('migration.lab.theVmSClients')}</h2>
      <p className="pl-note"><T k="migration.lab.mediaGapDowntimeTime" parts={{ msText: msText(c.downtimeMs), msText2: msText(c.arpDelayMs), arpNote, strong: <strong>
          <Sourced label={t('migration.lab.mediaGap')} src={S.gap}>
            {msText(c.gapMs)}
          </Sourced>
        </strong> }} /></p>
      <ul className="mg-clients">
        {c.sessions.map((s) => (
          <li key={s.id} className={s.reconnect ? 'tone-bad' : 'tone-ok'} data-testid={`client-${s.kind}`}>
            <strong>{s.id}</strong>
            <span><T k="migration.lab.mediaGap2" parts={{ span: <span data-testid="gap">{msText(s.gapMs)}</span> }} />
            </span>
            <span className="mg-outcome" data-testid="outcome">
              {!finished ? t('migration.lab.connected') : s.reconnect ? t('migration.lab.reconnectsGapItsTimeout', { msText: msText(s.timeoutMs) }) : t('migration.lab.staysConnectedNoReconnect')}
            </span>
            <small>
              {s.kind === 'sip-call'
                ? t('migration.lab.sipGivesUpOnly', { msText: msText(s.timeoutMs), value: s.sipRetransmission ? t('migration.lab.aRequestInFlight') : '' })
                : t('migration.lab.giveUpTimeoutA', { msText: msText(s.timeoutMs) })}
            </small>
          </li>
        ))}
      </ul>
    </section>
  );
}
