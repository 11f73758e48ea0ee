/**
 * The Isolation lab's Faults tab (issue 7 item 1, white paper §3.3.1): three services — a firewall and a SIP PBX on
 * Linux-like guests, a streaming server on a Windows-like guest — as three VMs on one host on the VMX core, and
 * the same three services in one kernel on a non-virtualized server. Inject one fault into one service and see
 * the VM exit (or the VMM's watchdog) report it, the VMM contain it and restart the VM by policy while the other
 * VMs keep working; and the consolidated server lose every service. Everything runs as real guest code on the
 * core (src/core/isolation through the worker's `isolationRun`).
 */
import { useId, useLayoutEffect, useRef, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import { FAULT_KINDS, FAULTS, ISOLATION_DEFAULTS, SERVICES, SERVICE_IDS, type FaultKind, type IsolationParams, type IsolationResult, type RestartPolicy, type ServiceId } from '../../core/isolation/index.ts';
import { exitReasonInfo } from '../../core/vmx/spec/exit-reasons.ts';
import { ProgressLanes } from './ProgressLanes.tsx';
import { checkNumField, detectionEvent, exitLabel, fmtMs, laneEnd, pct, serverCausality, serverMarks, vmCausality, vmMarks, type NumField } from './faults-view.ts';
import '../migration/migration.css';
import '../failover/failover.css';
import './isolation.css';
import { TextField, withoutKey } from '../shell/TextField.tsx';

const CPUS: { id: string; label: string }[] = [
  { id: 'nehalem', label: 'Nehalem (EPT, host-timer exits)' },
  { id: 'modern', label: 'Modern Xeon (EPT, preemption timer)' },
  { id: 'xeon-5100', label: 'Xeon 5100 (no EPT: shadow paging)' },
  { id: 'xeon-lv', label: 'Xeon LV (no EPT: shadow paging)' },
];

type Texts = Record<NumField, string>;
const SHORT: Record<ServiceId, string> = { firewall: 'Firewall', pbx: 'SIP PBX', streaming: 'Streaming' };
const D = ISOLATION_DEFAULTS;
const initialTexts = (): Texts => ({
  durationMs: String(D.durationMs),
  faultAtMs: String(D.faultAtMs),
  sliceMs: String(D.sliceMs),
  watchdogMs: String(D.watchdogMs),
  restartDelayMs: String(D.restartDelayMs),
  stormPerSecond: String(D.stormPerSecond),
  maxRestarts: String(D.policy.kind === 'on-failure' ? D.policy.maxRestarts : 3),
});

export function FaultsPanel() {
  const health = useApp((s) => s.health);
  const [fault, setFault] = useState<FaultKind>(D.fault as FaultKind);
  const [target, setTarget] = useState<ServiceId>(D.target);
  const [cpu, setCpu] = useState(D.cpu);
  const [policyKind, setPolicyKind] = useState<RestartPolicy['kind']>(D.policy.kind);
  const [recurring, setRecurring] = useState(false);
  const [texts, setTexts] = useState<Texts>(initialTexts);
  const [errors, setErrors] = useState<Partial<Record<NumField, string>>>({});
  const [result, setResult] = useState<IsolationResult | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');
  const idBase = useId();

  const run = async (): Promise<void> => {
    const vals: Partial<Record<NumField, number>> = {};
    const errs: Partial<Record<NumField, string>> = {};
    const fields: NumField[] = ['durationMs', 'faultAtMs', 'sliceMs', 'watchdogMs', 'restartDelayMs', 'stormPerSecond', ...(policyKind === 'on-failure' ? (['maxRestarts'] as NumField[]) : [])];
    for (const f of fields) {
      const r = checkNumField(f, texts[f]);
      if (r.ok) vals[f] = r.value;
      else errs[f] = r.message;
    }
    if (errs.faultAtMs === undefined && errs.durationMs === undefined && vals.faultAtMs! >= vals.durationMs!) errs.faultAtMs = `Must come before the end of the run (${vals.durationMs} ms).`;
    if (errs.watchdogMs === undefined && errs.sliceMs === undefined && vals.watchdogMs! < 3 * vals.sliceMs!) {
      errs.watchdogMs = `At least 3 time slices (${+(3 * vals.sliceMs!).toFixed(4)} ms): a healthy VM waits 2 slices for its turn.`;
    }
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    const policy: RestartPolicy = policyKind === 'on-failure' ? { kind: 'on-failure', maxRestarts: vals.maxRestarts! } : { kind: policyKind };
    const req: IsolationParams = {
      cpu,
      fault,
      target,
      durationMs: vals.durationMs!,
      faultAtMs: vals.faultAtMs!,
      sliceMs: vals.sliceMs!,
      watchdogMs: vals.watchdogMs!,
      restartDelayMs: vals.restartDelayMs!,
      stormPerSecond: vals.stormPerSecond!,
      policy,
      recurring,
    };
    setError(null);
    setRunning(true);
    setAnnounce('Running the guests on the core…');
    try {
      const r = await commands.isolationRun(req);
      if (!r.ok) {
        const f = r.field === 'policy.maxRestarts' ? 'maxRestarts' : r.field;
        if (f in texts) setErrors({ [f]: r.message });
        else setError(r.message);
        setAnnounce('');
        return;
      }
      setResult(r.result);
      setAnnounce(vmCausality(r.result).join(' '));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setAnnounce('');
    } finally {
      setRunning(false);
    }
  };

  const field = (f: NumField, label: string, unit: string, hint: string) => {
    const id = `${idBase}-${f}`;
    const err = errors[f];
    return (
      <TextField
        key={f}
        id={id}
        label={label}
        unit={unit}
        hint={hint}
        value={texts[f]}
        error={err}
        onChange={(v) => {
          setTexts((t) => ({ ...t, [f]: v }));
          setErrors((x) => withoutKey(x, f));
        }}
      />
    );
  };

  return (
    <div className="iso-faults" data-testid="isolation-faults">
      <header className="pl-head">
        <p className="pl-lede">
          White paper §3.3.1: a firewall and a SIP PBX on Linux guests and a streaming server on a Windows guest share one platform, each in its own VM. Here each
          service is real guest code running on the VMX core — three VMs on one host — and, beside it, the same code as three parts of one kernel on a server
          without virtualization. Inject a fault into one service and compare.
        </p>
      </header>
      <div className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </div>
      <div className="pl-grid">
        <form
          className="panel pl-form"
          aria-label="Fault injection set-up"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void run();
          }}
        >
          <h2>Inject a fault</h2>
          <div className="pl-field">
            <label className="pl-label" htmlFor={`${idBase}-fault`}>
              Fault
            </label>
            <select id={`${idBase}-fault`} value={fault} aria-describedby={`${idBase}-does`} onChange={(e) => setFault(e.target.value as FaultKind)}>
              {FAULT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {FAULTS[k].label}
                </option>
              ))}
            </select>
          </div>
          <p className="pl-hint iso-does" id={`${idBase}-does`}>
            {FAULTS[fault].does}
          </p>
          <fieldset className="pl-radios iso-targets">
            <legend className="pl-label">Into</legend>
            {SERVICE_IDS.map((s, k) => (
              <label key={s}>
                <input type="radio" name={`${idBase}-target`} checked={target === s} onChange={() => setTarget(s)} /> VM{k + 1}: {SERVICES[s].label} ({SERVICES[s].guestOs})
              </label>
            ))}
          </fieldset>
          <div className="pl-field">
            <label className="pl-label" htmlFor={`${idBase}-cpu`}>
              CPU model
            </label>
            <select id={`${idBase}-cpu`} value={cpu} onChange={(e) => setCpu(e.target.value)}>
              {CPUS.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
          <div className="pl-field">
            <label className="pl-label" htmlFor={`${idBase}-policy`}>
              Restart policy
            </label>
            <select id={`${idBase}-policy`} value={policyKind} onChange={(e) => setPolicyKind(e.target.value as RestartPolicy['kind'])}>
              <option value="never">never</option>
              <option value="on-failure">on failure, with a limit</option>
              <option value="always">always</option>
            </select>
          </div>
          {policyKind === 'on-failure' && field('maxRestarts', 'Restart limit', 'restarts', 'like Docker’s on-failure:N')}
          <label className="pl-check">
            <input type="checkbox" checked={recurring} onChange={(e) => setRecurring(e.target.checked)} /> The bug comes back after every restart
          </label>
          <button type="submit" className="btn primary" disabled={health !== 'ready' || running}>
            {running ? 'Running on the core…' : 'Inject fault and run'}
          </button>
          <details className="iso-assumptions">
            <summary>Timing and model assumptions</summary>
            <p className="pl-hint">
              Simulated time on the core’s clock is milliseconds (the guests really run, a few million instructions per second), so these are scaled down.
              All are model assumptions.
            </p>
            {field('durationMs', 'Run length', 'ms', 'simulated time')}
            {field('faultAtMs', 'Fault at', 'ms', 'when the injector writes the fault')}
            {field('sliceMs', 'VMM time slice (assumption)', 'ms', 'round robin; Xen’s credit scheduler uses 30 ms')}
            {field('watchdogMs', 'Watchdog timeout (assumption)', 'ms', '≥ 3 slices')}
            {field('restartDelayMs', 'Restart delay (assumption)', 'ms', 'a real guest boots in seconds')}
            {field('stormPerSecond', 'Storm threshold (assumption)', 'interrupts/s', 'ACRN’s monitor: 10 000/s')}
          </details>
        </form>
        <div className="pl-main">
          {error !== null && (
            <p className="pl-error" role="alert">
              The run failed: {error}
            </p>
          )}
          {result === null ? (
            <p className="pl-empty">Choose a fault and a VM, then press <strong>Inject fault and run</strong>. Each run takes a few seconds: the guests really execute.</p>
          ) : (
            <Results r={result} />
          )}
        </div>
      </div>
    </div>
  );
}

function useWidth(): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [w, setW] = useState(700);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const ro = new ResizeObserver(() => setW(Math.max(420, Math.floor(el.clientWidth))));
    ro.observe(el);
    setW(Math.max(420, Math.floor(el.clientWidth)));
    return () => ro.disconnect();
  }, []);
  return [ref, w];
}

function Results({ r }: { r: IsolationResult }) {
  const v = r.virtualized;
  const det = detectionEvent(v);
  const [box, width] = useWidth();
  const k = r.services.findIndex((s) => s.id === r.params.target);
  const vmOk = r.services.every((_, j) => j === k || (r.vmOutputIntact[j] && v.final[j] === 'running'));
  const serverDown = r.consolidated.end !== 'running';
  return (
    <>
      <section className="panel" aria-labelledby="iso-story-h">
        <h2 id="iso-story-h">What happened</h2>
        <div className="iso-stories">
          <div>
            <h3>Three VMs on one host (VMX)</h3>
            <ol className="iso-chain" data-testid="iso-vm-story">
              {vmCausality(r).map((s, j) => (
                <li key={j}>{s}</li>
              ))}
            </ol>
            <p className={`pl-verdict ${vmOk ? 'tone-ok' : 'tone-bad'}`} data-testid="iso-vm-verdict">
              {vmOk ? '✔ Contained: the other VMs never noticed.' : '✘ Not contained.'}
            </p>
          </div>
          <div>
            <h3>One consolidated server (no VMM)</h3>
            <ol className="iso-chain" data-testid="iso-server-story">
              {serverCausality(r).map((s, j) => (
                <li key={j}>{s}</li>
              ))}
            </ol>
            <p className={`pl-verdict ${serverDown ? 'tone-bad' : 'tone-ok'}`} data-testid="iso-server-verdict">
              {serverDown ? '✘ Every service is down.' : '✔ Still running.'}
            </p>
          </div>
        </div>
      </section>
      {det !== undefined && det.exit !== undefined && <ExitPanel r={r} />}
      <section className="panel" aria-labelledby="iso-lanes-h">
        <h2 id="iso-lanes-h">Work done over simulated time</h2>
        <p className="pl-note iso-legend">
          Solid line: this run. <span className="iso-key-ref">Dashed line</span>: the same VM in a run without the fault. <span className="iso-key-down">Hatched</span>: the service
          is failed, restarting or off. ✕ fault · ◆ what reported it · ↻ restart · ■ server down.
        </p>
        <div ref={box} className="pl-chart iso-charts">
          <h3 className="iso-chart-h">Three VMs on one host — VMX core, {r.virtualized.ept ? 'EPT' : 'shadow paging'}, VMM time slices of {r.params.sliceMs} ms</h3>
          <ProgressLanes
            title="Three VMs on one host"
            testId="iso-vm-lanes"
            width={width}
            durationMs={r.params.durationMs}
            samples={v.samples}
            reference={r.baseline.samples}
            lanes={r.services.map((s, j) => ({
              label: `VM${j + 1} ${SHORT[s.id]}`,
              sub: `${s.guestOs} guest`,
              end: laneEnd(v, j),
              endSub: `${v.samples[v.samples.length - 1].progress[j].toLocaleString('en-US')} units${j !== k ? ` · ${pct(r.vmProgressRatio[j])}` : ''}`,
              endTestId: `iso-vm-end-${j}`,
            }))}
            marks={vmMarks(v)}
          />
          <h3 className="iso-chart-h">The same services in one kernel on a server without virtualization</h3>
          <ProgressLanes
            title="Consolidated server"
            testId="iso-server-lanes"
            width={width}
            durationMs={r.params.durationMs}
            samples={r.consolidated.samples}
            lanes={r.services.map((s, j) => ({
              label: SHORT[s.id],
              sub: 'in the one kernel',
              end: r.consolidated.end === 'running' ? 'running' : 'down',
              endTestId: `iso-server-end-${j}`,
            }))}
            marks={serverMarks(r)}
          />
        </div>
        <p className="pl-note">
          The VM lanes’ units are the services’ own (packets, voice frames, video chunks); the consolidated server runs the same code without VM exits, so it does more
          per millisecond before the fault — the price of the VMM (§3.3.5), not part of the isolation story.
        </p>
      </section>
      <section className="panel" aria-labelledby="iso-ev-h">
        <h2 id="iso-ev-h">Events</h2>
        <div className="fo-events-wrap">
          <table className="fo-events" data-testid="iso-events">
            <caption className="visually-hidden">VMM and server events</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Where</th>
                <th scope="col">What happened</th>
              </tr>
            </thead>
            <tbody>
              {[
                ...v.events.map((e) => ({ ...e, where: e.lane >= 0 ? `VM${e.lane + 1}` : 'VMM' })),
                ...r.consolidated.events.map((e) => ({ ...e, where: 'server' })),
              ]
                .sort((a, b) => a.tMs - b.tMs)
                .map((e, j) => (
                  <tr key={j} data-kind={e.kind}>
                    <td className="num">{fmtMs(e.tMs)}</td>
                    <td>{e.where}</td>
                    <td>{e.text}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="panel" aria-labelledby="iso-con-h">
        <h2 id="iso-con-h">Consoles</h2>
        <div className="iso-consoles">
          {r.services.map((s, j) => (
            <details key={s.id}>
              <summary>
                VM{j + 1} {s.label}
              </summary>
              <pre className="iso-console">{tail(v.consoles[j])}</pre>
            </details>
          ))}
          <details>
            <summary>Consolidated server (COM1)</summary>
            <pre className="iso-console">{tail(r.consolidated.console)}</pre>
          </details>
        </div>
      </section>
    </>
  );
}

const tail = (s: string): string => s.split('\n').slice(-14).join('\n');

function ExitPanel({ r }: { r: IsolationResult }) {
  const v = r.virtualized;
  const det = detectionEvent(v)!;
  const e = det.exit!;
  const reported = det.kind === 'vm-exit';
  const during = Object.entries(v.exitsDuringFault).sort((a, b) => b[1] - a[1]);
  return (
    <section className="panel" aria-labelledby="iso-exit-h" data-testid="iso-exit">
      <h2 id="iso-exit-h">{reported ? 'The VM exit that reported it' : `No exit reports it: the VMM’s ${det.kind === 'storm' ? 'storm monitor' : 'watchdog'} did — its last VM exit was`}</h2>
      <dl className="pl-figures">
        <div>
          <dt>Exit reason</dt>
          <dd data-testid="iso-exit-reason">
            {e.reason} <small>{e.name}</small>
          </dd>
        </div>
        <div>
          <dt>Exit qualification</dt>
          <dd data-testid="iso-exit-qual">
            0x{e.qualification.toString(16).toUpperCase().padStart(8, '0')} <small>{e.qualificationSummary}</small>
          </dd>
        </div>
        {e.guestPhysical !== null && (
          <div>
            <dt>Guest-physical address</dt>
            <dd data-testid="iso-exit-gpa">0x{e.guestPhysical.toString(16).toUpperCase()}</dd>
          </div>
        )}
        <div>
          <dt>Guest EIP</dt>
          <dd>0x{e.guestEip.toString(16).toUpperCase()}</dd>
        </div>
        <div>
          <dt>At</dt>
          <dd>{fmtMs(e.tMs)}</dd>
        </div>
      </dl>
      {e.qualificationParts.length > 1 && (
        <table className="iso-qual">
          <caption>Exit qualification, field by field (SDM Vol. 3C §27.2.1)</caption>
          <thead>
            <tr>
              <th scope="col">Bits</th>
              <th scope="col">Field</th>
              <th scope="col">Value</th>
              <th scope="col">Meaning</th>
            </tr>
          </thead>
          <tbody>
            {e.qualificationParts.map((q) => (
              <tr key={q.bits}>
                <td className="num">{q.bits}</td>
                <td>{q.name}</td>
                <td className="num">{q.value}</td>
                <td>{q.meaning}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="pl-note" data-testid="iso-exits-during">
        VM exits of VM{r.services.findIndex((s) => s.id === r.params.target) + 1} from the fault to its detection:{' '}
        {during.length === 0 ? 'none' : during.map(([reason, n]) => `${n} × ${exitLabel({ reason: Number(reason), name: exitReasonInfo(Number(reason))?.sdmName ?? '?' })}`).join(', ')}.
      </p>
    </section>
  );
}
