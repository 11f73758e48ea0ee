/**
 * The I/O path tab (issue 7 item 5): one batch of network packets or disk requests through (a) an emulated device,
 * (b) a paravirtual ring and (c) a VT-d assigned device, run on the VMX core by the worker (`ioPath`,
 * src/core/io-path). Each path is a step-by-step trace (step, play, jump to an exit) across the hops guest driver →
 * VM exit → device model → IOMMU → host driver → wire; a comparison table gives exits, latency, throughput and CPU
 * per path with each figure's basis one click away; the published measurements sit beside them with their sources.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import { CPU_MODELS } from '../../core/cpu-models/index.ts';
import { DEFAULT_IO_PARAMS, IO_PATH_LABEL, type IoPathKind, type IoPathParams, type IoStep } from '../../core/io-path/index.ts';
import type { IoPathResponse } from '../../worker/protocol.ts';
import type { PathMetrics, Sourced } from '../../core/io-path/metrics.ts';
import { Tabs, type TabSpec } from '../shell/Tabs.tsx';
import { reducedMotion } from '../shell/prefs-effects.ts';
import { HOPS, exitsSoFar, fmt, hopLabel, hopMark, paramTexts, parseField, type PathField } from './path-view.ts';
import '../migration/migration.css';
import './io-path.css';
import { TextField, bindField } from '../shell/TextField.tsx';
import '../../i18n/en/io.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

type Ok = Extract<IoPathResponse, { ok: true }>;

const PATH_TABS: readonly TabSpec<IoPathKind>[] = [
  { id: 'emulated', label: t('io.path.emulatedDevice') },
  { id: 'paravirtual', label: t('io.path.paravirtualRing') },
  { id: 'assigned', label: t('io.path.assignedVtD') },
];

const ROWS: { key: keyof Omit<PathMetrics, 'path'>; label: string; unit: string }[] = [
  { key: 'exitsPerRequest', label: t('io.path.vmExitsPerRequest'), unit: '' },
  { key: 'dataExitsPerRequest', label: t('io.path.onTheDataPath'), unit: '' },
  { key: 'interruptExitsPerRequest', label: t('io.path.forTheCompletionInterrupt'), unit: '' },
  { key: 'cyclesPerRequest', label: t('io.path.cpuCyclesPerRequest'), unit: t('io.path.unitCycles') },
  { key: 'latencyMicros', label: t('io.path.latencyPerRequestModel'), unit: 'µs' },
  { key: 'throughputMbit', label: t('io.path.throughputOneVcpuModel'), unit: 'Mbit/s' },
  { key: 'cpuAtLineRatePercent', label: t('io.path.cpuNeededAtLine'), unit: t('io.path.unitPercentOfCore') },
  { key: 'vmmSharePercent', label: t('io.path.shareOfCyclesIn'), unit: '%' },
];

export function PathPanel() {
  const health = useApp((s) => s.health);
  const [params, setParams] = useState<IoPathParams>(DEFAULT_IO_PARAMS);
  const [texts, setTexts] = useState<Record<PathField, string>>(paramTexts(DEFAULT_IO_PARAMS));
  const [errors, setErrors] = useState<Partial<Record<keyof IoPathParams, string>>>({});
  const [res, setRes] = useState<Ok | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [path, setPath] = useState<IoPathKind>('emulated');
  const [announce, setAnnounce] = useState('');
  const idBase = useId();

  const run = useCallback(async (p: Partial<Record<keyof IoPathParams, unknown>>) => {
    setBusy(true);
    setError(null);
    setAnnounce(t('io.path.tracing'));
    try {
      const r = await commands.ioPath(p);
      if (!r.ok) {
        const errs: Partial<Record<keyof IoPathParams, string>> = {};
        for (const e of r.errors) errs[e.field] = e.message;
        setErrors(errs);
        return;
      }
      setRes(r);
      setParams(r.params);
      const [e, v, a] = r.metrics;
      setAnnounce(t('io.path.tracedExitsPerRequest', { n: r.params.packets, what: r.params.workload === 'net' ? t('io.path.packetsWord') : t('io.path.diskRequestsWord'), emulated: e.exitsPerRequest.value, paravirtual: v.exitsPerRequest.value, assigned: a.exitsPerRequest.value }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    if (health === 'ready' && res === null) void run(DEFAULT_IO_PARAMS);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [health]);

  const onTrace = (): void => {
    const errs: Partial<Record<keyof IoPathParams, string>> = {};
    const next: Partial<Record<keyof IoPathParams, unknown>> = { ...params };
    for (const f of ['packets', 'batch', 'bytes', 'lineRateMbit'] as const) {
      const r = parseField(f, texts[f]);
      if (r.ok) next[f] = r.value;
      else errs[f] = r.message;
    }
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    void run(next);
  };

  const setWorkload = (w: 'net' | 'disk'): void => {
    const bytes = w === 'net' ? 1514 : 4096;
    setParams((p) => ({ ...p, workload: w, bytes }));
    setTexts((t) => ({ ...t, bytes: String(bytes) }));
    setErrors({});
  };

  const field = (f: PathField, label: string, unit: string, hint: string, assumption = false) => {
    const id = `${idBase}-${f}`;
    return (
      <TextField
        id={id}
        label={
          <>
            {label} {assumption && <span className="iop-assume">{t('io.path.assumption')}</span>}
          </>
        }
        unit={unit}
        hint={hint}
        {...bindField(f, texts, errors, setTexts, setErrors)}
      />
    );
  };

  const cpuId = `${idBase}-cpu`;
  const checkErr = (f: 'postedInterrupts' | 'userSpaceDeviceModel' | 'cpu') =>
    errors[f] !== undefined ? (
      <span className="field-error" id={`${idBase}-${f}-err`} role="alert">
        {errors[f]}
      </span>
    ) : null;

  const runFor = res?.runs.find((r) => r.path === path) ?? null;

  return (
    <div className="iop" data-testid="io-path">
      <header className="pl-head">
        <p className="pl-lede">{t('io.path.whitePaper33')}</p>
      </header>
      <div className="visually-hidden" role="status" aria-live="polite" data-testid="iop-announce">
        {announce}
      </div>
      <div className="pl-grid">
        <form className="panel pl-form" aria-label={t('io.path.iOPathSet')} noValidate onSubmit={(e) => { e.preventDefault(); onTrace(); }}>
          <h2>{t('io.path.setUp')}</h2>
          <div className="pl-field">
            <label className="pl-label" htmlFor={cpuId}>{t('io.path.cpuModel')}</label>
            <select id={cpuId} value={params.cpu} aria-describedby={errors.cpu ? `${idBase}-cpu-err` : undefined} onChange={(e) => { const cpu = e.target.value; setParams((p) => ({ ...p, cpu })); setErrors((x) => ({ ...x, cpu: undefined, postedInterrupts: undefined })); }}>
              {CPU_MODELS.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
            {checkErr('cpu')}
          </div>
          <fieldset className="pl-radios">
            <legend className="pl-label">{t('io.path.workload')}</legend>
            <label>
              <input type="radio" name={`${idBase}-w`} checked={params.workload === 'net'} onChange={() => setWorkload('net')} />{' '}{t('io.path.networkPackets')}</label>
            <label>
              <input type="radio" name={`${idBase}-w`} checked={params.workload === 'disk'} onChange={() => setWorkload('disk')} />{' '}{t('io.path.diskWrites')}</label>
          </fieldset>
          {field('packets', params.workload === 'net' ? t('io.path.packets') : t('io.path.diskRequests'), '', t('io.path.packetsHint'))}
          {field('batch', t('io.path.batchSize'), t('io.path.perNotification'), t('io.path.requestsPerRingNotification'))}
          {field('bytes', params.workload === 'net' ? t('io.path.frameSize') : t('io.path.requestSize'), t('io.path.unitBytes'), params.workload === 'net' ? t('io.path.frameSizeHint') : t('io.path.multipleOf512Up'))}
          {field('lineRateMbit', params.workload === 'net' ? t('io.path.lineRate') : t('io.path.diskBandwidth'), 'Mbit/s', params.workload === 'net' ? t('io.path.modelAssumptionChangeIt') : t('io.path.modelAssumptionCapsThe'), true)}
          <label className="pl-check">
            <input type="checkbox" checked={params.userSpaceDeviceModel} aria-describedby={`${idBase}-us-hint`} onChange={(e) => { const v = e.target.checked; setParams((p) => ({ ...p, userSpaceDeviceModel: v })); }} />
            <span><T k='io.path.emulatedDeviceModelIn' parts={{ span: <span className="pl-hint" id={`${idBase}-us-hint`}>
                {' '}{t('io.path.addsKvmSMeasured')}</span> }} />
            </span>
          </label>
          <label className="pl-check">
            <input type="checkbox" checked={params.postedInterrupts} aria-invalid={errors.postedInterrupts !== undefined} aria-describedby={errors.postedInterrupts ? `${idBase}-postedInterrupts-err` : undefined} onChange={(e) => { const v = e.target.checked; setParams((p) => ({ ...p, postedInterrupts: v })); setErrors((x) => ({ ...x, postedInterrupts: undefined })); }} />
            <span>{t('io.path.assignedDevicePostedInterrupts')}</span>
          </label>
          {checkErr('postedInterrupts')}
          <button type="submit" className="btn primary" disabled={busy || health !== 'ready'}>
            {busy ? t('io.path.tracing') : t('io.path.traceTheThreePaths')}
          </button>
        </form>
        <div className="pl-main">
          {error !== null && (
            <p className="pl-error" role="alert">
              {error}
            </p>
          )}
          {res === null ? (
            <p className="pl-empty">{health === 'ready' ? t('io.path.tracing') : t('io.path.startingTheEngine')}</p>
          ) : (
            <>
              <section className="panel" aria-label={t('io.path.traceOfOnePath')}>
                <h2>{t('io.path.stepThroughAPath')}</h2>
                <Tabs<IoPathKind> tabs={PATH_TABS} current={path} onChange={setPath} label={t('io.path.iOPaths')} idPrefix="iop-">
                  {runFor !== null && <PathTrace key={`${path}-${res.runs[0].steps.length}-${res.params.packets}-${res.params.batch}-${res.params.bytes}-${res.params.cpu}-${res.params.workload}`} path={path} steps={runFor.steps} exits={runFor.exits.total} posted={res.params.postedInterrupts && path === 'assigned'} onStep={setAnnounce} />}
                </Tabs>
              </section>
              <Comparison res={res} />
              <Published res={res} />
            </>
          )}
        </div>
      </div>
    </div>
  );
}

function PathTrace({ path, steps, exits, posted, onStep }: { path: IoPathKind; steps: IoStep[]; exits: number; posted: boolean; onStep: (text: string) => void }) {
  const [i, setI] = useState(0);
  const [playing, setPlaying] = useState(false);
  const listRef = useRef<HTMLOListElement | null>(null);
  const n = steps.length;
  const s = steps[Math.min(i, n - 1)];

  useEffect(() => {
    if (!playing) return;
    const t = setInterval(() => setI((k) => {
      if (k >= n - 1) {
        setPlaying(false);
        return k;
      }
      return k + 1;
    }), reducedMotion() ? 1400 : 700);
    return () => clearInterval(t);
  }, [playing, n]);

  // Each step the learner moves to is said once through the panel's live region (not on the first render: the run's
  // own sentence is still being read then).
  const stepped = useRef(false);
  useEffect(() => {
    if (!stepped.current) {
      stepped.current = true;
      return;
    }
    const cur = steps[Math.min(i, n - 1)];
    if (cur !== undefined) {
      const hop = hopLabel(cur.hop);
      // A step whose title already names its hop ("VM exit #1: …") is not announced as "VM exit: VM exit #1: …".
      const key = cur.title.startsWith(hop) ? 'io.path.sayStepTitled' : 'io.path.sayStep';
      onStep(t(key, { i: i + 1, n, hop, title: cur.title, soFar: exitsSoFar(steps, i) }));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [i]);

  // Keep the current step visible inside the list only (scrollIntoView would scroll the page as well).
  useEffect(() => {
    const list = listRef.current;
    const el = list?.querySelector<HTMLElement>(`[data-step="${i}"]`);
    if (!list || !el) return;
    const top = el.offsetTop; // the list is positioned: offsets are relative to it
    if (top < list.scrollTop || top + el.offsetHeight > list.scrollTop + list.clientHeight) list.scrollTo({ top: Math.max(0, top - list.clientHeight / 3), behavior: reducedMotion() ? 'auto' : 'smooth' });
  }, [i]);

  if (s === undefined) return <p className="pl-empty">{t('io.path.noSteps')}</p>;
  const nextExit = (): void => {
    const k = steps.findIndex((x, j) => j > i && x.hop === 'exit');
    if (k >= 0) setI(k);
  };
  const soFar = exitsSoFar(steps, i);
  return (
    <div className="iop-trace">
      <p className="iop-sum">
        <strong>{IO_PATH_LABEL[path]}</strong>: {t('io.path.exitsInSteps', { count: exits, n })}{' '}
        {path === 'emulated' && t('io.path.everyRegisterAccessOf')}
        {path === 'paravirtual' && t('io.path.descriptorsGoIntoShared')}
        {path === 'assigned' && t('io.path.noExitOnThe')}
        {posted && ' ' + t('io.path.withPostedInterruptsEli')}
      </p>
      <ol className="iop-hops" aria-label={t('io.path.hops')}>
        {HOPS.map((h) => (
          <li key={h.hop} className={`iop-hop hop-${h.hop}${h.hop === s.hop ? ' current' : ''}`} aria-current={h.hop === s.hop ? 'step' : undefined}>
            <span className="iop-mark" aria-hidden="true">
              {h.mark}
            </span>
            {h.label}
          </li>
        ))}
      </ol>
      <div className="pl-transport" role="group" aria-label={t('io.path.stepControls')}>
        <button type="button" className="btn" onClick={() => setI(0)} disabled={i === 0}>{t('io.path.first')}</button>
        <button type="button" className="btn" onClick={() => setI((k) => Math.max(0, k - 1))} disabled={i === 0}>{t('io.path.previousStep')}</button>
        <button type="button" className="btn primary" onClick={() => { if (i >= n - 1) setI(0); setPlaying((p) => !p); }} aria-pressed={playing}>
          {playing ? t('io.path.pause') : t('io.path.play')}
        </button>
        <button type="button" className="btn" onClick={() => setI((k) => Math.min(n - 1, k + 1))} disabled={i >= n - 1}>{t('io.path.nextStep')}</button>
        <button type="button" className="btn" onClick={nextExit} disabled={!steps.some((x, j) => j > i && x.hop === 'exit')}>{t('io.path.nextExit')}</button>
        <span className="pl-time"><T k='io.path.stepOfExitsSo' parts={{ i: i + 1, n: n, soFar: soFar }} />
        </span>
      </div>
      <article className={`iop-card hop-${s.hop}`} aria-label={t('io.path.currentStep')} data-testid="iop-current">
        <p className="iop-card-head">
          <span className="iop-badge">
            <span aria-hidden="true">{hopMark(s.hop)}</span> {hopLabel(s.hop)}
          </span>
          {s.exitNo !== undefined && <span className="iop-exitno"><T k='io.path.exitNo' parts={{ exitNo: s.exitNo }} /></span>}
          {s.role !== undefined && <span className="iop-role">{s.role === 'interrupt' ? t('io.path.completionInterrupt') : t('io.path.dataPath')}</span>}
          {posted && s.role === 'interrupt' && <span className="iop-assume">{t('io.path.avoidedWithPostedInterrupts')}</span>}
          <span className="iop-cycle"><T k='io.path.cycle' parts={{ cycle: fmt(s.cycle) }} /></span>
        </p>
        <h3>{s.title}</h3>
        <p>{s.detail}</p>
        {s.exitCycles !== undefined && <p className="iop-cost"><T k='io.path.costOfThisExit' parts={{ exitCycles: fmt(s.exitCycles) }} /></p>}
      </article>
      <ol className="iop-steps" ref={listRef} aria-label={t('io.path.allSteps')}>
        {steps.map((x, k) => (
          <li key={k} data-step={k} className={`hop-${x.hop}${k === i ? ' current' : ''}`}>
            <button type="button" onClick={() => setI(k)} aria-current={k === i ? 'step' : undefined}>
              <span className="iop-mark" aria-hidden="true">
                {hopMark(x.hop)}
              </span>
              <span className="visually-hidden">{hopLabel(x.hop)}: </span>
              {x.title}
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}

function SourceCell({ s, label }: { s: Sourced; label: string }) {
  const [open, setOpen] = useState(false);
  const kind = s.kind === 'run' ? t('io.path.countedInTheRun') : s.kind === 'derived' ? t('io.path.derived') : t('io.path.assumption');
  return (
    <td className="num">
      <button type="button" className="iop-src" aria-expanded={open} title={`${kind}: ${s.basis}`} aria-label={t('io.path.showWhereItComes', { label, value: fmt(s.value), kind })} onClick={() => setOpen((o) => !o)}>
        {fmt(s.value)} <span className="iop-kind">{s.kind === 'run' ? t('io.path.run') : s.kind === 'derived' ? t('io.path.derived') : t('io.path.assumption')}</span>
      </button>
      {open && <p className="iop-basis">{s.basis}</p>}
    </td>
  );
}

function Comparison({ res }: { res: Ok }) {
  const unitWord = res.params.workload === 'net' ? t('io.path.packet') : t('io.path.diskRequest');
  return (
    <section className="panel" aria-label={t('io.path.comparisonOfTheThree')}>
      <h2><T k='io.path.comparisonPer' parts={{ unitWord: unitWord }} /></h2>
      <div className="iop-table-wrap">
        <table className="iop-table">
          <caption className="visually-hidden">{t('io.path.exitsCyclesLatencyThroughput')}</caption>
          <thead>
            <tr>
              <th scope="col"><T k='io.path.perUnit' parts={{ unitWord: unitWord }} /></th>
              {res.metrics.map((m) => (
                <th scope="col" key={m.path}>
                  {IO_PATH_LABEL[m.path]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {ROWS.map((r) => (
              <tr key={r.key}>
                <th scope="row">
                  {r.label} {r.unit !== '' && <span className="pl-unit">({r.unit})</span>}
                </th>
                {res.metrics.map((m) => (
                  <SourceCell key={m.path} s={m[r.key]} label={`${r.label}, ${IO_PATH_LABEL[m.path]}`} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="pl-note">{t('io.path.runCountedByThe')}</p>
    </section>
  );
}

function Published({ res }: { res: Ok }) {
  return (
    <section className="panel" aria-label={t('io.path.publishedMeasurements')}>
      <h2>{t('io.path.whatWasMeasuredOn')}</h2>
      <div className="iop-table-wrap">
        <table className="iop-table iop-pub">
          <thead>
            <tr>
              <th scope="col">{t('io.path.path')}</th>
              <th scope="col">{t('io.path.finding')}</th>
              <th scope="col">{t('io.path.figure')}</th>
              <th scope="col">{t('io.path.source')}</th>
            </tr>
          </thead>
          <tbody>
            {res.figures.map((f) => (
              <tr key={f.id}>
                <td>{f.path === 'all' ? t('io.path.all') : IO_PATH_LABEL[f.path]}</td>
                <td>{f.claim}</td>
                <td className="num">{f.value}</td>
                <td className="iop-source">
                  {f.source}
                  {f.conf === 'R' && <span className="iop-assume">{' '}{t('io.path.recalledNotReVerified')}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
