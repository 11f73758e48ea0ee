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
import { TextField, withoutKey } from '../shell/TextField.tsx';

type Ok = Extract<IoPathResponse, { ok: true }>;

const PATH_TABS: readonly TabSpec<IoPathKind>[] = [
  { id: 'emulated', label: 'Emulated device' },
  { id: 'paravirtual', label: 'Paravirtual ring' },
  { id: 'assigned', label: 'Assigned (VT-d)' },
];

const ROWS: { key: keyof Omit<PathMetrics, 'path'>; label: string; unit: string }[] = [
  { key: 'exitsPerRequest', label: 'VM exits per request', unit: '' },
  { key: 'dataExitsPerRequest', label: '… on the data path', unit: '' },
  { key: 'interruptExitsPerRequest', label: '… for the completion interrupt', unit: '' },
  { key: 'cyclesPerRequest', label: 'CPU cycles per request', unit: 'cycles' },
  { key: 'latencyMicros', label: 'Latency per request (model)', unit: 'µs' },
  { key: 'throughputMbit', label: 'Throughput, one vCPU (model)', unit: 'Mbit/s' },
  { key: 'cpuAtLineRatePercent', label: 'CPU needed at line rate', unit: '% of a core' },
  { key: 'vmmSharePercent', label: 'Share of cycles in the VMM', unit: '%' },
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
      setAnnounce(`Traced ${r.params.packets} ${r.params.workload === 'net' ? 'packets' : 'disk requests'}: ${e.exitsPerRequest.value} exits per request emulated, ${v.exitsPerRequest.value} paravirtual, ${a.exitsPerRequest.value} assigned.`);
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
    const err = errors[f];
    return (
      <TextField
        id={id}
        label={
          <>
            {label} {assumption && <span className="iop-assume">assumption</span>}
          </>
        }
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
        <p className="pl-lede">
          White paper §3.3.5: “I/O performance of present day VMM and VT platforms are limited by the architecture, causing greater latency and lower throughput
          I/O performance.” Send the same packets (or disk writes) three ways and count the VM exits the real VMX core takes on each path.
        </p>
      </header>
      <div className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </div>
      <div className="pl-grid">
        <form className="panel pl-form" aria-label="I/O path set-up" noValidate onSubmit={(e) => { e.preventDefault(); onTrace(); }}>
          <h2>Set-up</h2>
          <div className="pl-field">
            <label className="pl-label" htmlFor={cpuId}>
              CPU model
            </label>
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
            <legend className="pl-label">Workload</legend>
            <label>
              <input type="radio" name={`${idBase}-w`} checked={params.workload === 'net'} onChange={() => setWorkload('net')} /> Network packets
            </label>
            <label>
              <input type="radio" name={`${idBase}-w`} checked={params.workload === 'disk'} onChange={() => setWorkload('disk')} /> Disk writes
            </label>
          </fieldset>
          {field('packets', params.workload === 'net' ? 'Packets' : 'Disk requests', '', '1 to 64')}
          {field('batch', 'Batch size', 'per notification', 'requests per ring notification / doorbell')}
          {field('bytes', params.workload === 'net' ? 'Frame size' : 'Request size', 'bytes', params.workload === 'net' ? '60 to 1514 (Ethernet)' : 'multiple of 512, up to 65536')}
          {field('lineRateMbit', params.workload === 'net' ? 'Line rate' : 'Disk bandwidth', 'Mbit/s', params.workload === 'net' ? 'model assumption: change it to your link' : 'model assumption: caps the throughput', true)}
          <label className="pl-check">
            <input type="checkbox" checked={params.userSpaceDeviceModel} aria-describedby={`${idBase}-us-hint`} onChange={(e) => { const v = e.target.checked; setParams((p) => ({ ...p, userSpaceDeviceModel: v })); }} />
            <span>
              Emulated device model in user space (QEMU)
              <span className="pl-hint" id={`${idBase}-us-hint`}>
                {' '}
                adds KVM's measured exit-to-user-space cost per register access
              </span>
            </span>
          </label>
          <label className="pl-check">
            <input type="checkbox" checked={params.postedInterrupts} aria-invalid={errors.postedInterrupts !== undefined} aria-describedby={errors.postedInterrupts ? `${idBase}-postedInterrupts-err` : undefined} onChange={(e) => { const v = e.target.checked; setParams((p) => ({ ...p, postedInterrupts: v })); setErrors((x) => ({ ...x, postedInterrupts: undefined })); }} />
            <span>Assigned device: posted interrupts / exit-less interrupts (ELI)</span>
          </label>
          {checkErr('postedInterrupts')}
          <button type="submit" className="btn primary" disabled={busy || health !== 'ready'}>
            {busy ? 'Tracing…' : 'Trace the three paths'}
          </button>
        </form>
        <div className="pl-main">
          {error !== null && (
            <p className="pl-error" role="alert">
              {error}
            </p>
          )}
          {res === null ? (
            <p className="pl-empty">{health === 'ready' ? 'Tracing…' : 'Starting the engine…'}</p>
          ) : (
            <>
              <section className="panel" aria-label="Trace of one path">
                <h2>Step through a path</h2>
                <Tabs<IoPathKind> tabs={PATH_TABS} current={path} onChange={setPath} label="I/O paths" idPrefix="iop-">
                  {runFor !== null && <PathTrace key={`${path}-${res.runs[0].steps.length}-${res.params.packets}-${res.params.batch}-${res.params.bytes}-${res.params.cpu}-${res.params.workload}`} path={path} steps={runFor.steps} exits={runFor.exits.total} posted={res.params.postedInterrupts && path === 'assigned'} />}
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

function PathTrace({ path, steps, exits, posted }: { path: IoPathKind; steps: IoStep[]; exits: number; posted: boolean }) {
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

  // Keep the current step visible inside the list only (scrollIntoView would scroll the page as well).
  useEffect(() => {
    const list = listRef.current;
    const el = list?.querySelector<HTMLElement>(`[data-step="${i}"]`);
    if (!list || !el) return;
    const top = el.offsetTop; // the list is positioned: offsets are relative to it
    if (top < list.scrollTop || top + el.offsetHeight > list.scrollTop + list.clientHeight) list.scrollTo({ top: Math.max(0, top - list.clientHeight / 3), behavior: reducedMotion() ? 'auto' : 'smooth' });
  }, [i]);

  if (s === undefined) return <p className="pl-empty">No steps.</p>;
  const nextExit = (): void => {
    const k = steps.findIndex((x, j) => j > i && x.hop === 'exit');
    if (k >= 0) setI(k);
  };
  const soFar = exitsSoFar(steps, i);
  return (
    <div className="iop-trace">
      <p className="iop-sum">
        <strong>{IO_PATH_LABEL[path]}</strong>: {exits} VM exit{exits === 1 ? '' : 's'} in {n} steps.{' '}
        {path === 'emulated' && 'Every register access of the guest driver is an IN or OUT that exits to the VMM.'}
        {path === 'paravirtual' && 'Descriptors go into shared memory with ordinary stores; one Queue Notify exit per batch.'}
        {path === 'assigned' && 'No exit on the data path: the doorbell and the DMA bypass the VMM. The completion interrupt still exits.'}
        {posted && ' With posted interrupts / ELI those interrupt exits would not happen (marked below; derived, not emulated by the core).'}
      </p>
      <ol className="iop-hops" aria-label="Hops">
        {HOPS.map((h) => (
          <li key={h.hop} className={`iop-hop hop-${h.hop}${h.hop === s.hop ? ' current' : ''}`} aria-current={h.hop === s.hop ? 'step' : undefined}>
            <span className="iop-mark" aria-hidden="true">
              {h.mark}
            </span>
            {h.label}
          </li>
        ))}
      </ol>
      <div className="pl-transport" role="group" aria-label="Step controls">
        <button type="button" className="btn" onClick={() => setI(0)} disabled={i === 0}>
          First
        </button>
        <button type="button" className="btn" onClick={() => setI((k) => Math.max(0, k - 1))} disabled={i === 0}>
          Previous step
        </button>
        <button type="button" className="btn primary" onClick={() => { if (i >= n - 1) setI(0); setPlaying((p) => !p); }} aria-pressed={playing}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <button type="button" className="btn" onClick={() => setI((k) => Math.min(n - 1, k + 1))} disabled={i >= n - 1}>
          Next step
        </button>
        <button type="button" className="btn" onClick={nextExit} disabled={!steps.some((x, j) => j > i && x.hop === 'exit')}>
          Next exit
        </button>
        <span className="pl-time" aria-live="polite">
          Step {i + 1} of {n} · exits so far: {soFar}
        </span>
      </div>
      <article className={`iop-card hop-${s.hop}`} aria-label="Current step" data-testid="iop-current">
        <p className="iop-card-head">
          <span className="iop-badge">
            <span aria-hidden="true">{hopMark(s.hop)}</span> {hopLabel(s.hop)}
          </span>
          {s.exitNo !== undefined && <span className="iop-exitno">Exit #{s.exitNo}</span>}
          {s.role !== undefined && <span className="iop-role">{s.role === 'interrupt' ? 'completion interrupt' : 'data path'}</span>}
          {posted && s.role === 'interrupt' && <span className="iop-assume">avoided with posted interrupts</span>}
          <span className="iop-cycle">cycle {fmt(s.cycle)}</span>
        </p>
        <h3>{s.title}</h3>
        <p>{s.detail}</p>
        {s.exitCycles !== undefined && <p className="iop-cost">Cost of this exit: {fmt(s.exitCycles)} cycles (VM exit + handler + VM entry, cost model)</p>}
      </article>
      <ol className="iop-steps" ref={listRef} aria-label="All steps">
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
  const kind = s.kind === 'run' ? 'counted in the run' : s.kind === 'derived' ? 'derived' : 'assumption';
  return (
    <td className="num">
      <button type="button" className="iop-src" aria-expanded={open} title={`${kind}: ${s.basis}`} aria-label={`${label}: ${fmt(s.value)} (${kind}); show where it comes from`} onClick={() => setOpen((o) => !o)}>
        {fmt(s.value)} <span className="iop-kind">{s.kind === 'run' ? 'run' : s.kind === 'derived' ? 'derived' : 'assumption'}</span>
      </button>
      {open && <p className="iop-basis">{s.basis}</p>}
    </td>
  );
}

function Comparison({ res }: { res: Ok }) {
  const unitWord = res.params.workload === 'net' ? 'packet' : 'disk request';
  return (
    <section className="panel" aria-label="Comparison of the three paths">
      <h2>Comparison per {unitWord}</h2>
      <div className="iop-table-wrap">
        <table className="iop-table">
          <caption className="visually-hidden">Exits, cycles, latency, throughput and CPU per path</caption>
          <thead>
            <tr>
              <th scope="col">Per {unitWord}</th>
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
      <p className="pl-note">
        “run” = counted by the VMX core in this run; “derived” = this run's simulated cycles (cost model per CPU generation, src/core/cost) and sourced figures; the line
        rate is an assumption you set. Click a number for its basis. Modelled on one vCPU with the guest doing nothing but I/O.
      </p>
    </section>
  );
}

function Published({ res }: { res: Ok }) {
  return (
    <section className="panel" aria-label="Published measurements">
      <h2>What was measured on real systems</h2>
      <div className="iop-table-wrap">
        <table className="iop-table iop-pub">
          <thead>
            <tr>
              <th scope="col">Path</th>
              <th scope="col">Finding</th>
              <th scope="col">Figure</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {res.figures.map((f) => (
              <tr key={f.id}>
                <td>{f.path === 'all' ? 'all' : IO_PATH_LABEL[f.path]}</td>
                <td>{f.claim}</td>
                <td className="num">{f.value}</td>
                <td className="iop-source">
                  {f.source}
                  {f.conf === 'R' && <span className="iop-assume"> recalled, not re-verified</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
