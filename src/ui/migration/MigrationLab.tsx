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
import { TextField, withoutKey } from '../shell/TextField.tsx';

type Ok = Extract<MigrateResponse, { ok: true }>;

const FIELDS: { f: NumField; label: string; unit: string; hint: string }[] = [
  { f: 'memoryMib', label: 'Memory size', unit: 'MiB', hint: 'the VM’s RAM, sent page by page (4 KiB)' },
  { f: 'bandwidthMbit', label: 'Link bandwidth', unit: 'Mbit/s', hint: 'the migration link; for Clark’s rule, the administrator maximum' },
  { f: 'dirtyMibPerS', label: 'Dirty rate', unit: 'MiB/s', hint: 'how fast the guest writes to memory' },
  { f: 'wwsMib', label: 'Writable working set', unit: 'MiB', hint: '0 = writes spread over all memory (the analytical model)' },
  { f: 'downtimeMs', label: 'Downtime limit (QEMU)', unit: 'ms', hint: 'QEMU default 300 ms' },
  { f: 'roundCap', label: 'Round cap', unit: 'rounds', hint: '0 = the rule’s default (Xen 30)' },
  { f: 'postCopyAfter', label: 'Post-copy after', unit: 'rounds', hint: '0 = off (pure pre-copy)' },
  { f: 'streamTimeoutMs', label: 'Video client give-up timeout', unit: 'ms', hint: 'model assumption: not in the reference; change it' },
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
        setAnnounce(`Migrated in ${secondsText(r.result.totalSeconds)}, downtime ${msText(r.result.downtimeMs)}; the SIP call ${sip.reconnect ? 'reconnects' : 'stays connected'}.`);
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
        <h1>Migration</h1>
        <p className="pl-lede">
          Live migration, page by page: round 1 copies all memory while the VM runs, each later round the pages it dirtied meanwhile; then the VM is paused
          for the stop-and-copy, resumed on the destination, and a gratuitous ARP moves its traffic. Its clients see a short media gap and stay connected.
          (White paper §3.3.2; models and figures: usage-models.md §B.)
        </p>
      </header>
      <div className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </div>
      <Tabs
        label="Migration mode"
        idPrefix="mg-"
        current={mode}
        onChange={(t) => setMode(t === 'vmx' ? 'vmx' : 'model')}
        tabs={[
          { id: 'model', label: 'Modelled VM (any size)' },
          { id: 'vmx', label: 'VM running on the VMX core' },
        ]}
      >
      {mode === 'vmx' ? (
        <VmxMigrationPanel />
      ) : (
      <div className="pl-grid">
        <ParamsForm m={m} running={running || health !== 'ready'} onRun={(l) => void run(l)} />
        <div className="pl-main">
          {error !== null && (
            <p className="pl-error" role="alert">
              The migration could not run: {error}
            </p>
          )}
          {res === null ? (
            <p className="pl-empty">Set the parameters and press <strong>Migrate</strong>. The VM carries a SIP call and a video stream.</p>
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
      aria-label="Migration parameters"
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
      <h2>Parameters</h2>
      <label className="pl-field">
        <span className="pl-label">Stop rule</span>
        <select value={rule} onChange={(e) => setRule(e.target.value as MigrationLink['rule'])}>
          <option value="qemu">QEMU: downtime limit</option>
          <option value="xen">Xen: &lt; 50 pages, 30 rounds, 3 × memory</option>
          <option value="clark">Clark: rate-adaptive, 256 KB</option>
        </select>
      </label>
      {FIELDS.map(({ f, label, unit, hint }) => {
        const id = `${idBase}-${f}`;
        const err = errors[f];
        return (
          <TextField
            key={f}
            id={id}
            name={f}
            label={label}
            unit={unit}
            hint={hint}
            value={texts[f]}
            error={err}
            disabled={f === 'downtimeMs' && rule !== 'qemu'}
            onChange={(v) => {
              setTexts((t) => ({ ...t, [f]: v }));
              setErrors((x) => withoutKey(x, f));
            }}
          />
        );
      })}
      <label className="pl-check">
        <input type="checkbox" checked={ac} onChange={(e) => setAc(e.target.checked)} /> Auto-converge (QEMU throttling: 20 %, +10 %, max 99 %)
      </label>
      <button className="btn primary" type="submit" disabled={running}>
        {running ? 'Migrating…' : 'Migrate'}
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
  const [t, setT] = useState(() => (reducedMotion() ? end : 0));
  const [playing, setPlaying] = useState(() => !reducedMotion());
  const raf = useRef(0);
  // A new result: start the replay (or show the end at once with reduced motion).
  useEffect(() => {
    const reduce = reducedMotion();
    setT(reduce ? end : 0);
    setPlaying(!reduce);
  }, [res, end]);
  const tRef = useRef(t);
  tRef.current = t;
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
  const frame = useMemo(() => frameAt(res, t), [res, t]);
  const [chartRef, width] = useWidth();
  return (
    <>
      <section className="panel" aria-labelledby="mg-sum-h">
        <h2 id="mg-sum-h">Result</h2>
        <dl className="pl-figures" data-testid="migration-summary">
          <div>
            <dt>Pre-copy rounds</dt>
            <dd>
              <Sourced label="Pre-copy rounds" src={S.rounds} testId="mg-rounds">
                {res.rounds}
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>Total time</dt>
            <dd>
              <Sourced label="Total time" src={S.total} testId="mg-total">
                {secondsText(res.totalSeconds)}
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>Downtime</dt>
            <dd>
              <Sourced label="Downtime" src={S.downtime} testId="mg-downtime">
                {msText(res.downtimeMs)}
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>Bytes sent</dt>
            <dd data-testid="mg-bytes">
              <Sourced label="Bytes sent" src={S.bytes}>
                {bytesText(res.bytesSent)}
              </Sourced>{' '}
              <small>({(res.bytesSent / res.memoryBytes).toFixed(2)} × memory)</small>
            </dd>
          </div>
        </dl>
        <p className={`pl-verdict ${res.converged ? 'tone-ok' : 'tone-bad'}`} data-testid="mg-stop">
          <strong>{res.converged ? 'Converged.' : res.stopReason === 'post-copy' ? 'Post-copy.' : 'Did not converge.'}</strong> {stopReasonText(res.stopReason)}
          {res.finalThrottle > 0 && <> Auto-converge throttled the vCPU to {Math.round((1 - res.finalThrottle) * 100)} % of its time.</>}
          {res.postCopy !== null && (
            <>
              {' '}
              {res.postCopy.pagesAtSwitch.toLocaleString('en-US')} pages were still at the source; {res.postCopy.faults.toLocaleString('en-US')} page faults fetched over
              the network; degraded for {secondsText(res.postCopy.degradationSeconds)}.
            </>
          )}
        </p>
      </section>

      <section className="panel" aria-labelledby="mg-anim-h">
        <h2 id="mg-anim-h">Over time</h2>
        <Hosts frame={frame} />
        <div className="pl-transport">
          <button className="btn" type="button" onClick={() => (playing ? setPlaying(false) : (setT((x) => (x >= end ? 0 : x)), setPlaying(true)))}>
            {playing ? 'Pause' : t >= end ? 'Replay' : 'Play'}
          </button>
          <input
            type="range"
            aria-label="Simulated time"
            min={0}
            max={1000}
            value={end > 0 ? Math.round((t / end) * 1000) : 1000}
            onChange={(e) => {
              setPlaying(false);
              setT((Number(e.target.value) / 1000) * end);
            }}
          />
          <span className="pl-time">
            t = {secondsText(frame.t)} of {secondsText(end)}
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
      <strong>VM</strong> SIP PBX + video
      <span>{frame.paused ? 'paused' : 'running'}</span>
    </div>
  );
  return (
    <div className="mg-hosts" aria-label={`Source host to destination host: ${pct} % of the bytes sent; the VM runs on the ${frame.runsAt}${frame.paused ? ' (paused)' : ''}.`} role="group">
      <div className="mg-host">
        <h3>Source host</h3>
        {frame.runsAt === 'source' ? vm : <div className="mg-vm gone">VM moved</div>}
      </div>
      <div className="mg-link">
        <div className="mg-arrow" aria-hidden="true">
          <div className="mg-arrow-fill" style={{ width: `${pct}%` }} />
          <span className="mg-arrow-head">▶</span>
        </div>
        <span className="mg-link-text">
          {bytesText(frame.bytesSoFar)} sent ({pct} %)
        </span>
      </div>
      <div className="mg-host">
        <h3>Destination host</h3>
        {frame.runsAt === 'destination' ? vm : <div className="mg-vm gone">pages arriving…</div>}
        {frame.runsAt === 'destination' && <div className={`mg-arp${frame.arpDone ? ' done' : ''}`}>{frame.arpDone ? '✓ gratuitous ARP sent: traffic follows' : '… gratuitous ARP pending'}</div>}
      </div>
    </div>
  );
}

function Clients({ r, frame }: { r: Ok; frame: Frame }) {
  const res = r.result;
  const c = r.clients;
  const arpNote = res.rule === 'qemu' ? `QEMU's first self-announce after announce-initial ${QEMU_ANNOUNCE_INITIAL_S * 1000} ms` : 'the unsolicited ARP at activation (switch learning time assumed 0)';
  const finished = frame.t >= endTime(res);
  return (
    <section className="panel" aria-labelledby="mg-cl-h">
      <h2 id="mg-cl-h">The VM's clients</h2>
      <p className="pl-note">
        Media gap = downtime {msText(c.downtimeMs)} + time until the network learns the new location {msText(c.arpDelayMs)} ({arpNote}) ={' '}
        <strong>
          <Sourced label="Media gap" src={S.gap}>
            {msText(c.gapMs)}
          </Sourced>
        </strong>
        . The
        VM keeps its IP and MAC address, so its TCP connections and SIP dialogs carry on.
      </p>
      <ul className="mg-clients">
        {c.sessions.map((s) => (
          <li key={s.id} className={s.reconnect ? 'tone-bad' : 'tone-ok'} data-testid={`client-${s.kind}`}>
            <strong>{s.id}</strong>
            <span>
              media gap <span data-testid="gap">{msText(s.gapMs)}</span>
            </span>
            <span className="mg-outcome" data-testid="outcome">
              {!finished ? 'connected…' : s.reconnect ? `✗ reconnects (gap ≥ its ${msText(s.timeoutMs)} timeout)` : '✓ stays connected: no reconnect'}
            </span>
            <small>
              {s.kind === 'sip-call'
                ? `SIP gives up only after Timer B = 64 × T1 = ${msText(s.timeoutMs)} (RFC 3261).${s.sipRetransmission ? ' A request in flight is retransmitted (gap > T1 = 500 ms), not lost.' : ''}`
                : `Give-up timeout ${msText(s.timeoutMs)}: a model assumption (editable in the parameters).`}
            </small>
          </li>
        ))}
      </ul>
    </section>
  );
}
