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
import { checkNumField, detectionEvent, exitLabel, faultSentence, fmtMs, laneEnd, pct, serverCausality, serverMarks, vmCausality, vmMarks, type NumField } from './faults-view.ts';
import '../migration/migration.css';
import '../failover/failover.css';
import './isolation.css';
import { TextField, bindField } from '../shell/TextField.tsx';
import '../../i18n/en/isolation.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

// Short option labels (a select cannot wrap; the form column is 19rem even on a projector) with what matters
// about each model for fault containment said in full under the select.
const CPUS: { id: string; label: string; hint: string }[] = [
  { id: 'nehalem', label: t('isolation.faults.nehalemEptHostTimer'), hint: t('isolation.faults.nehalemHint') },
  { id: 'modern', label: t('isolation.faults.modernXeonEptPreemption'), hint: t('isolation.faults.modernHint') },
  { id: 'xeon-5100', label: t('isolation.faults.xeon5100NoEpt'), hint: t('isolation.faults.shadowHint') },
  { id: 'xeon-lv', label: t('isolation.faults.xeonLvNoEpt'), hint: t('isolation.faults.shadowHint') },
];

type Texts = Record<NumField, string>;
const SHORT: Record<ServiceId, string> = { firewall: t('isolation.faults.firewall'), pbx: t('isolation.faults.sipPbx'), streaming: t('isolation.faults.streaming') };
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
    if (errs.faultAtMs === undefined && errs.durationMs === undefined && vals.faultAtMs! >= vals.durationMs!) errs.faultAtMs = t('isolation.faults.mustComeBeforeThe', { durationMs: vals.durationMs! });
    if (errs.watchdogMs === undefined && errs.sliceMs === undefined && vals.watchdogMs! < 3 * vals.sliceMs!) {
      errs.watchdogMs = t('isolation.faults.atLeast3Time', { ms: +(3 * vals.sliceMs!).toFixed(4) });
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
    setAnnounce(t('isolation.faults.runningTheGuestsOn'));
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
      setAnnounce(faultSentence(r.result));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setAnnounce('');
    } finally {
      setRunning(false);
    }
  };

  const field = (f: NumField, label: string, unit: string, hint: string) => {
    const id = `${idBase}-${f}`;
    return (
      <TextField
        key={f}
        id={id}
        label={label}
        unit={unit}
        hint={hint}
        {...bindField(f, texts, errors, setTexts, setErrors)}
      />
    );
  };

  return (
    <div className="iso-faults" data-testid="isolation-faults">
      <header className="pl-head">
        <p className="pl-lede">{t('isolation.faults.whitePaper33')}</p>
      </header>
      <div className="visually-hidden" role="status" aria-live="polite" data-testid="iso-announce">
        {announce}
      </div>
      <div className="pl-grid">
        <form
          className="panel pl-form"
          aria-label={t('isolation.faults.faultInjectionSetUp')}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void run();
          }}
        >
          <h2>{t('isolation.faults.injectAFault')}</h2>
          <div className="pl-field">
            <label className="pl-label" htmlFor={`${idBase}-fault`}>{t('isolation.faults.fault')}</label>
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
            <legend className="pl-label">{t('isolation.faults.into')}</legend>
            {SERVICE_IDS.map((s, k) => (
              <label key={s}>
                <input type="radio" name={`${idBase}-target`} checked={target === s} onChange={() => setTarget(s)} />{' '}<T k='isolation.faults.targetRadio' parts={{ k: k + 1, label: SERVICES[s].label, guestOs: SERVICES[s].guestOs }} /></label>
            ))}
          </fieldset>
          <div className="pl-field">
            <label className="pl-label" htmlFor={`${idBase}-cpu`}>{t('isolation.faults.cpuModel')}</label>
            <select id={`${idBase}-cpu`} value={cpu} aria-describedby={`${idBase}-cpu-hint`} onChange={(e) => setCpu(e.target.value)}>
              {CPUS.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
            <p className="pl-hint iso-does" id={`${idBase}-cpu-hint`}>{CPUS.find((c) => c.id === cpu)?.hint}</p>
          </div>
          <div className="pl-field">
            <label className="pl-label" htmlFor={`${idBase}-policy`}>{t('isolation.faults.restartPolicy')}</label>
            <select id={`${idBase}-policy`} value={policyKind} onChange={(e) => setPolicyKind(e.target.value as RestartPolicy['kind'])}>
              <option value="never">{t('isolation.faults.never')}</option>
              <option value="on-failure">{t('isolation.faults.onFailureWithA')}</option>
              <option value="always">{t('isolation.faults.always')}</option>
            </select>
          </div>
          {policyKind === 'on-failure' && field('maxRestarts', t('isolation.faults.restartLimit'), t('isolation.faults.unitRestarts'), t('isolation.faults.likeDockerSOn'))}
          <label className="pl-check">
            <input type="checkbox" checked={recurring} onChange={(e) => setRecurring(e.target.checked)} />{' '}{t('isolation.faults.theBugComesBack')}</label>
          <button type="submit" className="btn primary" disabled={health !== 'ready' || running}>
            {running ? t('isolation.faults.runningOnTheCore') : t('isolation.faults.injectFaultAndRun')}
          </button>
          <details className="iso-assumptions">
            <summary>{t('isolation.faults.timingAndModelAssumptions')}</summary>
            <p className="pl-hint">{t('isolation.faults.simulatedTimeOnThe')}</p>
            {field('durationMs', t('isolation.faults.runLength'), 'ms', t('isolation.faults.simulatedTime'))}
            {field('faultAtMs', t('isolation.faults.faultAt'), 'ms', t('isolation.faults.whenTheInjectorWrites'))}
            {field('sliceMs', t('isolation.faults.vmmTimeSliceAssumption'), 'ms', t('isolation.faults.roundRobinXenS'))}
            {field('watchdogMs', t('isolation.faults.watchdogTimeoutAssumption'), 'ms', t('isolation.faults.watchdogHint'))}
            {field('restartDelayMs', t('isolation.faults.restartDelayAssumption'), 'ms', t('isolation.faults.aRealGuestBoots'))}
            {field('stormPerSecond', t('isolation.faults.stormThresholdAssumption'), t('isolation.faults.unitInterruptsPerSecond'), t('isolation.faults.acrnSMonitor10'))}
          </details>
        </form>
        <div className="pl-main">
          {error !== null && (
            <p className="pl-error" role="alert"><T k='isolation.faults.theRunFailed' parts={{ error: error }} />
            </p>
          )}
          {result === null ? (
            <p className="pl-empty"><T k='isolation.faults.chooseAFaultAnd' parts={{ strong: <strong>{t('isolation.faults.injectFaultAndRun')}</strong> }} /></p>
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
        <h2 id="iso-story-h">{t('isolation.faults.whatHappened')}</h2>
        <div className="iso-stories">
          <div>
            <h3>{t('isolation.faults.threeVmsOnOne')}</h3>
            <ol className="iso-chain" data-testid="iso-vm-story">
              {vmCausality(r).map((s, j) => (
                <li key={j}>{s}</li>
              ))}
            </ol>
            <p className={`pl-verdict ${vmOk ? 'tone-ok' : 'tone-bad'}`} data-testid="iso-vm-verdict">
              {vmOk ? t('isolation.faults.containedTheOtherVms') : t('isolation.faults.notContained')}
            </p>
          </div>
          <div>
            <h3>{t('isolation.faults.oneConsolidatedServerNo')}</h3>
            <ol className="iso-chain" data-testid="iso-server-story">
              {serverCausality(r).map((s, j) => (
                <li key={j}>{s}</li>
              ))}
            </ol>
            <p className={`pl-verdict ${serverDown ? 'tone-bad' : 'tone-ok'}`} data-testid="iso-server-verdict">
              {serverDown ? t('isolation.faults.everyServiceIsDown') : t('isolation.faults.stillRunning')}
            </p>
          </div>
        </div>
      </section>
      {det !== undefined && det.exit !== undefined && <ExitPanel r={r} />}
      <section className="panel" aria-labelledby="iso-lanes-h">
        <h2 id="iso-lanes-h">{t('isolation.faults.workDoneOverSimulated')}</h2>
        <p className="pl-note iso-legend"><T k='isolation.faults.solidLineThisRun' parts={{ dashed: <span className="iso-key-ref">{t('isolation.faults.dashedLine')}</span>, hatched: <span className="iso-key-down">{t('isolation.faults.hatched')}</span> }} /></p>
        <div ref={box} className="pl-chart iso-charts">
          <h3 className="iso-chart-h"><T k='isolation.faults.vmChartTitle' parts={{ ept: r.virtualized.ept ? 'EPT' : t('isolation.faults.shadowPaging'), sliceMs: r.params.sliceMs }} /></h3>
          <ProgressLanes
            title={t('isolation.faults.vmChartName')}
            testId="iso-vm-lanes"
            width={width}
            durationMs={r.params.durationMs}
            samples={v.samples}
            reference={r.baseline.samples}
            lanes={r.services.map((s, j) => ({
              label: `VM${j + 1} ${SHORT[s.id]}`,
              sub: t('isolation.faults.laneGuest', { os: s.guestOs }),
              end: laneEnd(v, j),
              endSub: t('isolation.lanes.units', { n: v.samples[v.samples.length - 1].progress[j].toLocaleString('en-US') }) + (j !== k ? ` · ${pct(r.vmProgressRatio[j])}` : ''),
              endTestId: `iso-vm-end-${j}`,
            }))}
            marks={vmMarks(v)}
          />
          <h3 className="iso-chart-h">{t('isolation.faults.theSameServicesIn')}</h3>
          <ProgressLanes
            title={t('isolation.faults.consolidatedServer')}
            testId="iso-server-lanes"
            width={width}
            durationMs={r.params.durationMs}
            samples={r.consolidated.samples}
            lanes={r.services.map((s, j) => ({
              label: SHORT[s.id],
              sub: t('isolation.faults.inTheOneKernel'),
              end: r.consolidated.end === 'running' ? 'running' : 'down',
              endTestId: `iso-server-end-${j}`,
            }))}
            marks={serverMarks(r)}
          />
        </div>
        <p className="pl-note">{t('isolation.faults.theVmLanesUnits')}</p>
      </section>
      <section className="panel" aria-labelledby="iso-ev-h">
        <h2 id="iso-ev-h">{t('isolation.faults.events')}</h2>
        <div className="fo-events-wrap">
          <table className="fo-events" data-testid="iso-events">
            <caption className="visually-hidden">{t('isolation.faults.vmmAndServerEvents')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('isolation.faults.time')}</th>
                <th scope="col">{t('isolation.faults.where')}</th>
                <th scope="col">{t('isolation.faults.whatHappened')}</th>
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
        <h2 id="iso-con-h">{t('isolation.faults.consoles')}</h2>
        <div className="iso-consoles">
          {r.services.map((s, j) => (
            <details key={s.id}>
              <summary><T k='isolation.faults.consoleSummary' parts={{ j: j + 1, label: s.label }} />
              </summary>
              <pre className="iso-console">{tail(v.consoles[j])}</pre>
            </details>
          ))}
          <details>
            <summary>{t('isolation.faults.consolidatedServerCom1')}</summary>
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
      <h2 id="iso-exit-h">{reported ? t('isolation.faults.theVmExitThat') : t('isolation.faults.noExitReportsIt', { kind: det.kind === 'storm' ? t('isolation.faults.stormMonitor') : t('isolation.faults.watchdog') })}</h2>
      <dl className="pl-figures">
        <div>
          <dt>{t('isolation.faults.exitReason')}</dt>
          <dd data-testid="iso-exit-reason">
            {e.reason} <small>{e.name}</small>
          </dd>
        </div>
        <div>
          <dt>{t('isolation.faults.exitQualification')}</dt>
          <dd data-testid="iso-exit-qual">
            0x{e.qualification.toString(16).toUpperCase().padStart(8, '0')} <small>{e.qualificationSummary}</small>
          </dd>
        </div>
        {e.guestPhysical !== null && (
          <div>
            <dt>{t('isolation.faults.guestPhysicalAddress')}</dt>
            <dd data-testid="iso-exit-gpa">0x{e.guestPhysical.toString(16).toUpperCase()}</dd>
          </div>
        )}
        <div>
          <dt>{t('isolation.faults.guestEip')}</dt>
          <dd>0x{e.guestEip.toString(16).toUpperCase()}</dd>
        </div>
        <div>
          <dt>{t('isolation.faults.at')}</dt>
          <dd>{fmtMs(e.tMs)}</dd>
        </div>
      </dl>
      {e.qualificationParts.length > 1 && (
        <table className="iso-qual">
          <caption>{t('isolation.faults.exitQualificationFieldBy')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('isolation.faults.bits')}</th>
              <th scope="col">{t('isolation.faults.field')}</th>
              <th scope="col">{t('isolation.faults.value')}</th>
              <th scope="col">{t('isolation.faults.meaning')}</th>
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
      <p className="pl-note" data-testid="iso-exits-during"><T k='isolation.faults.vmExitsOfVm' parts={{ vm: r.services.findIndex((s) => s.id === r.params.target) + 1, exits: during.length === 0 ? t('isolation.faults.none') : during.map(([reason, n]) => `${n} × ${exitLabel({ reason: Number(reason), name: exitReasonInfo(Number(reason))?.sdmName ?? '?' })}${Number(reason) === 18 ? t('isolation.faults.vmcallIsConsole') : ''}`).join(', ') }} /></p>
    </section>
  );
}
