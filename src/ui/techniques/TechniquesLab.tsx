/**
 * The Software vs hardware lab (issue 5): one workload run to its end under native, trap-and-emulate, binary
 * translation, paravirtualization, VT-x with shadow paging and VT-x with EPT (the worker's compareTechniques,
 * one technique per task); a verdict per technique against native, the cost table, the overhead chart, the
 * cost assumptions to change and re-run, and the paravirtual port's source difference.
 */
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import type { CostAssumption, TechniqueComparison, TechniqueResult } from '../../worker/protocol.ts';
import { TECHNIQUE_COST_KEYS, type TechniqueCostKey, type TechniquesLink } from '../../state/url.ts';
import { cycles, groupText, overheadText, ringsLinkFor, shortTitle, verdictLook } from './view.ts';
import { parseCostInput } from '../../core/techniques/cost-input.ts';
import { OverheadChart } from './OverheadChart.tsx';
import { PvDiff } from './PvDiff.tsx';
import { PopekGoldberg } from './PopekGoldberg.tsx';
import { InstructionClasses } from './InstructionClasses.tsx';
import { Challenges, WhitePaperSection31 } from './WhitePaper.tsx';
import './techniques.css';

const requestKey = (t: Pick<TechniquesLink, 'workload' | 'cpu' | 'costs'>): string =>
  `${t.workload}|${t.cpu}|${TECHNIQUE_COST_KEYS.map((k) => t.costs[k] ?? '').join(',')}`;

/** The overrides a comparison actually used (values that differ from the defaults). */
function overridesOf(c: TechniqueComparison): Partial<Record<TechniqueCostKey, number>> {
  const out: Partial<Record<TechniqueCostKey, number>> = {};
  for (const a of c.assumptions) if (a.overridden) out[a.key] = a.value;
  return out;
}

export function TechniquesLab() {
  const health = useApp((s) => s.health);
  const catalog = useApp((s) => s.catalog);
  const t = useApp((s) => s.techniques);
  const defaults = useApp((s) => s.techDefaults);
  const result = useApp((s) => s.techResult);
  const progress = useApp((s) => s.techProgress);
  const running = useApp((s) => s.techRunning);
  const error = useApp((s) => s.techError);
  const setTechniques = useApp((s) => s.setTechniques);
  const setTechState = useApp((s) => s.setTechState);
  const [announce, setAnnounce] = useState('');

  // Workloads, techniques and default assumptions for the chosen CPU model.
  useEffect(() => {
    if (health !== 'ready') return;
    let live = true;
    void commands
      .techniqueDefaults(t.cpu)
      .then((d) => {
        if (live) setTechState({ techDefaults: d });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [health, t.cpu, setTechState]);

  // The native I/O assumption (compare.ts nativeIoFigure): not part of the link yet, so kept here.
  const nativeIo = useRef<number | undefined>(undefined);
  const run = useCallback(
    async (req: Pick<TechniquesLink, 'workload' | 'cpu' | 'costs'>) => {
      setTechniques({ ...req, run: true });
      setTechState({ techRunning: true, techError: null, techProgress: { done: 0, total: 6, running: 'native' } });
      setAnnounce('Running the comparison…');
      try {
        const io = nativeIo.current;
        const r = await commands.compareTechniques({ workload: req.workload, cpu: req.cpu, costs: req.costs, ...(io !== undefined ? { nativeIo: io } : {}) }, (p) => useApp.getState().setTechState({ techProgress: p }));
        if (!r.ok) {
          if (r.errors[0]?.message.startsWith('superseded')) return;
          setTechState({ techRunning: false, techError: r.errors.map((e) => `${e.field}: ${e.message}`).join('; ') });
          setAnnounce('The comparison could not run.');
          return;
        }
        setTechState({ techRunning: false, techResult: r.comparison, techProgress: null });
        const wrong = r.comparison.results.filter((x) => x.verdict.status === 'wrong' || x.verdict.status === 'failed').map((x) => `${x.title} ${verdictLook(x.verdict).word.toLowerCase()}`);
        setAnnounce(`Comparison done: ${wrong.length === 0 ? 'every technique matches native' : wrong.join(', ')}.`);
      } catch (e) {
        setTechState({ techRunning: false, techError: e instanceof Error ? e.message : String(e) });
      }
    },
    [setTechniques, setTechState],
  );

  // A link with r=1 (or coming back to the lab) runs the comparison it names when there is no matching result.
  const current = requestKey(t);
  const shown = result === null ? null : requestKey({ workload: result.workload, cpu: result.cpu, costs: overridesOf(result) });
  useEffect(() => {
    if (health === 'ready' && t.run && !running && shown !== current && error === null) void run(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [health, t.run, current]);

  const workloads = defaults?.workloads ?? [];
  const cpus = catalog?.cpus ?? [];
  const stale = result !== null && shown !== current;

  return (
    <div className="techniques" data-testid="techniques-lab">
      <header className="tq-head">
        <div>
          <h1>Software vs hardware</h1>
          <p className="tq-lede">
            One guest program, run to its end six ways on the simulated processor. Which techniques give the guest the results it gets natively, and
            what does each cost? (White paper §3.1, §3.1.1, §3.2.1.)
          </p>
        </div>
        <form
          className="tq-controls"
          aria-label="What to compare"
          onSubmit={(e) => {
            e.preventDefault();
            void run(t);
          }}
        >
          <label className="field">
            <span>Workload</span>
            <select value={t.workload} onChange={(e) => setTechniques({ workload: e.target.value, run: false })} disabled={workloads.length === 0}>
              {workloads.length === 0 && <option value={t.workload}>{t.workload}</option>}
              {workloads.map((w) => (
                <option key={w.id} value={w.id}>
                  {shortTitle(w.title)}
                  {w.title.toLowerCase().includes(w.category.toLowerCase()) ? '' : ` — ${w.category}`}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>CPU model</span>
            <select value={t.cpu} onChange={(e) => setTechniques({ cpu: e.target.value, run: false })} disabled={cpus.length === 0}>
              {cpus.length === 0 && <option value={t.cpu}>{t.cpu}</option>}
              {cpus.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.year}){c.ept ? ', EPT' : ', no EPT'}
                </option>
              ))}
            </select>
          </label>
          <button className="btn primary" type="submit" disabled={health !== 'ready' || running}>
            {running ? 'Running…' : 'Run all six'}
          </button>
        </form>
      </header>

      <div className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </div>
      {running && progress !== null && (
        <div className="tq-progress">
          <progress max={progress.total} value={progress.done} aria-label="Techniques run" />
          <span>
            {progress.done} of {progress.total} run{progress.running !== null ? ` — now: ${defaults?.techniques.find((x) => x.id === progress.running)?.title ?? progress.running}` : ''}
          </span>
        </div>
      )}
      {error !== null && (
        <p className="tq-error" role="alert">
          The comparison could not run: {error}
        </p>
      )}
      {result === null && !running && error === null && (
        <p className="tq-empty">
          Pick a workload and a CPU model and press <strong>Run all six</strong>. Each technique runs the whole program headless; the runs take a few seconds
          together.
        </p>
      )}
      {stale && !running && <p className="tq-note" role="note">The results below are for {shortTitle(result.workloadTitle)} on {result.cpuName} with the assumptions they list. Press Run all six for the new choice.</p>}

      {result !== null && (
        <Results
          c={result}
          running={running}
          onNativeIo={(v) => {
            nativeIo.current = v;
            void run({ workload: t.workload, cpu: t.cpu, costs: t.costs });
          }}
        />
      )}
      <Assumptions assumptions={result?.assumptions ?? defaults?.assumptions ?? []} overrides={t.costs} running={running} onApply={(costs) => void run({ ...t, costs })} vtx={result?.vtxCosts ?? null} cpuName={result?.cpuName ?? t.cpu} />
      {result !== null && <PvDiff diff={result.paravirtDiff} pv={result.results.find((r) => r.technique === 'paravirt')!} />}
      <Challenges c={result} />
      <WhitePaperSection31 cpu={t.cpu} />
      <PopekGoldberg cpu={t.cpu} />
      <InstructionClasses cpu={t.cpu} />
    </div>
  );
}

function NativeIoField({ c, running, onApply }: { c: TechniqueComparison; running: boolean; onApply(v: number | undefined): void }) {
  const [text, setText] = useState(String(c.nativeIo.value));
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => setText(String(c.nativeIo.value)), [c.nativeIo.value]);
  const apply = () => {
    const p = parseCostInput(text);
    if (!p.ok) {
      setErr(p.message);
      return;
    }
    setErr(null);
    onApply(p.value === c.nativeIo.defaultValue ? undefined : p.value);
  };
  return (
    <div className="tq-native-io">
      <label className="field" htmlFor="tq-native-io">
        <span>
          Native port I/O, cycles per IN/OUT (assumption; default {cycles(c.nativeIo.defaultValue)})
        </span>
        <input
          id="tq-native-io"
          inputMode="numeric"
          value={text}
          aria-invalid={err !== null}
          aria-describedby={err !== null ? 'tq-native-io-err' : undefined}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && apply()}
        />
        {err !== null && (
          <span id="tq-native-io-err" className="field-error" role="alert">
            {err}
          </span>
        )}
      </label>
      <button type="button" className="btn" disabled={running} onClick={apply}>
        Re-run with this I/O cost
      </button>
    </div>
  );
}

function Results({ c, running, onNativeIo }: { c: TechniqueComparison; running: boolean; onNativeIo(v: number | undefined): void }) {
  const chartBox = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(640);
  useLayoutEffect(() => {
    const el = chartBox.current;
    if (el === null) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(320, Math.floor(el.clientWidth))));
    ro.observe(el);
    setWidth(Math.max(320, Math.floor(el.clientWidth)));
    return () => ro.disconnect();
  }, []);
  return (
    <div className={`tq-results${running ? ' is-running' : ''}`} aria-busy={running}>
      <section className="panel tq-verdicts" aria-labelledby="tq-verdicts-h">
        <h2 id="tq-verdicts-h">
          Verdicts: {shortTitle(c.workloadTitle)} on {c.cpuName} ({c.cpuYear})
        </h2>
        <ol className="tq-verdict-list">
          {c.results.map((r) => (
            <VerdictRow key={r.technique} r={r} c={c} />
          ))}
        </ol>
      </section>

      <section className="panel tq-costs" aria-labelledby="tq-costs-h">
        <h2 id="tq-costs-h">Cost side by side</h2>
        <div className="tq-table-wrap">
          <table className="tq-table" data-testid="cost-table">
            <caption className="visually-hidden">Simulated cycles, overhead against native and entries into the VMM by cause, per technique</caption>
            <thead>
              <tr>
                <th scope="col">Technique</th>
                <th scope="col">Verdict</th>
                <th scope="col" className="num">Busy cycles</th>
                <th scope="col" className="num">Overhead vs native</th>
                <th scope="col" className="num">VMM cycles</th>
                <th scope="col">Traps / exits / callouts / hypercalls by cause</th>
              </tr>
            </thead>
            <tbody>
              {c.results.map((r) => {
                const look = verdictLook(r.verdict);
                return (
                  <tr key={r.technique} data-technique={r.technique}>
                    <th scope="row">{r.title}</th>
                    <td className={`tone-${look.tone}`}>
                      <span aria-hidden="true">{look.icon}</span> {look.word}
                    </td>
                    <td className="num">{r.unavailable !== null ? '—' : cycles(r.busyCycles)}</td>
                    <td className="num" data-testid="overhead">
                      {overheadText(r)}
                    </td>
                    <td className="num">{r.unavailable !== null ? '—' : cycles(r.vmmCycles)}</td>
                    <td className="tq-causes">
                      {r.technique === 'native' ? 'none: no VMM' : r.unavailable !== null ? 'not run' : r.events.filter((g) => g.total > 0).map((g) => <div key={g.kind}>{groupText(g)}</div>)}
                      {r.unavailable === null && r.technique !== 'native' && r.events.every((g) => g.total === 0) && 'none'}
                      {r.translationCache !== null && (
                        <div data-testid="tc-figures">
                          Translation cache: {cycles(r.translationCache.misses)} misses, {cycles(r.translationCache.hits)} hits, {cycles(r.translationCache.chained)} chained
                          {r.translationCache.hitRate !== null ? ` (lookup hit rate ${(100 * r.translationCache.hitRate).toFixed(1)} %)` : ''}
                        </div>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p className="tq-footnote">
          Busy cycles = simulated cycles minus idle time (HLT waiting for a device), so a program that sleeps for timer ticks is compared on the work done. Overhead
          = busy cycles ÷ native busy cycles − 1.
        </p>
        <p className="tq-footnote" data-testid="native-io-note">
          <strong>Native port I/O: {cycles(c.nativeIo.value)} cycles per IN or OUT</strong> ({c.nativeIo.kind}). On real hardware the PIC, PIT and UART sit on the chipset, and the
          trip over the bus dominates: Adams &amp; Agesen measured one IN from port 0x80 at 3,209 cycles natively, 216 under binary translation (the VMM&apos;s device is
          software: no bus access) and 15,826 under first-generation VT-x, on a 3.8 GHz Pentium 4 (ASPLOS 2006, nano-benchmarks, raw data p. 12). That figure is used
          for the native run on every CPU model; without it native I/O would cost the instruction&apos;s own latency only (one cycle in the model for most cores), and every
          VMM would look hundreds of times slower on I/O-heavy work than it is. So on I/O-heavy work a software VMM can beat native, as Adams &amp; Agesen found — and every
          guest here prints to the UART with OUT, so a program that mostly prints (the sensitive instructions) gets cheaper under a VMM too.
        </p>
        <NativeIoField c={c} running={running} onApply={onNativeIo} />
        <h3 className="tq-sub">Overhead against native</h3>
        <div ref={chartBox} className="tq-chart">
          <OverheadChart results={c.results} width={width} />
        </div>
      </section>
    </div>
  );
}

function VerdictRow({ r, c }: { r: TechniqueResult; c: TechniqueComparison }) {
  const look = verdictLook(r.verdict);
  const v = r.verdict;
  const link = ringsLinkFor(r, c.workload, c.cpu);
  return (
    <li className={`tq-verdict tone-${look.tone}`} data-technique={r.technique} data-verdict={v.status}>
      <div className="tq-verdict-head">
        <span className="tq-badge">
          <span aria-hidden="true">{look.icon}</span> {look.word}
        </span>
        <strong>{r.title}</strong>
        <span className="tq-program">
          runs {r.program}
          {r.ported ? ' (the paravirtual port)' : r.technique === 'paravirt' ? ' (unmodified: no port exists)' : ''}
        </span>
        {link !== null && (
          <a className="tq-link" href={link.href}>
            {link.label}
          </a>
        )}
      </div>
      <p className="tq-summary">{v.summary}</p>
      {v.instruction !== null && (v.status === 'wrong' || v.status === 'failed') && (
        <p className="tq-culprit">
          <span className="tq-k">Broke it:</span> <code>{v.instruction.mnemonic}</code>
          {v.status === 'wrong' && <> — {v.instruction.why}</>}
          {v.instruction.sdm !== null && <span className="tq-sdm"> ({v.instruction.sdm})</span>}
          {v.instructionsDiffering.length > 1 && (
            <>
              {' '}
              <span className="tq-k">Also wrong:</span> {v.instructionsDiffering.filter((m) => m !== v.instruction!.mnemonic).join(', ')}.
            </>
          )}
        </p>
      )}
      {v.firstDifference !== null && v.status !== 'baseline' && v.status !== 'correct' && (
        <div className="tq-diffline" role="group" aria-label={`First differing console line, line ${v.firstDifference.line}`}>
          <div>
            <span className="tq-k">Native, line {v.firstDifference.line}:</span> <code>{v.firstDifference.native || '(no line)'}</code>
          </div>
          <div>
            <span className="tq-k">This run:</span> <code>{v.firstDifference.got || '(no line)'}</code>
          </div>
        </div>
      )}
      {v.registersDiffering.length > 0 && r.technique !== 'native' && (
        <p className="tq-regs">
          Registers that end differently from native (shown, not judged; CR0/CR3/CR4 are not compared because the bare machine starts with paging on):{' '}
          <code>{v.registersDiffering.join(', ')}</code>
        </p>
      )}
    </li>
  );
}

function Assumptions({
  assumptions,
  overrides,
  running,
  onApply,
  vtx,
  cpuName,
}: {
  assumptions: CostAssumption[];
  overrides: Partial<Record<TechniqueCostKey, number>>;
  running: boolean;
  onApply(costs: Partial<Record<TechniqueCostKey, number>>): void;
  vtx: TechniqueComparison['vtxCosts'] | null;
  cpuName: string;
}) {
  const [draft, setDraft] = useState<Partial<Record<TechniqueCostKey, string>>>({});
  const [errors, setErrors] = useState<Partial<Record<TechniqueCostKey, string>>>({});
  const idBase = useId();
  const valueOf = (a: CostAssumption): string => draft[a.key] ?? String(overrides[a.key] ?? a.defaultValue);
  const submit = (e: React.FormEvent): void => {
    e.preventDefault();
    const next: Partial<Record<TechniqueCostKey, number>> = {};
    const errs: Partial<Record<TechniqueCostKey, string>> = {};
    for (const a of assumptions) {
      const p = parseCostInput(valueOf(a));
      if (!p.ok) errs[a.key] = p.message;
      else if (p.value !== a.defaultValue) next[a.key] = p.value;
    }
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    setDraft({});
    onApply(next);
  };
  if (assumptions.length === 0) return null;
  return (
    <section className="panel tq-assumptions" aria-labelledby="tq-assume-h">
      <h2 id="tq-assume-h">Cost assumptions</h2>
      <form onSubmit={submit} noValidate>
        <p className="tq-footnote">
          The software techniques were never measured on these CPU models: each figure is a model <strong>assumption</strong> (its source below), charged per
          event. Change one and re-run.
        </p>
        <div className="tq-assume-grid">
          {assumptions.map((a) => {
            const id = `${idBase}-${a.key}`;
            const err = errors[a.key];
            return (
              <div className="tq-assume" key={a.key}>
                <label htmlFor={id}>
                  {a.label} <span className="tq-kind">({a.kind}; default {cycles(a.defaultValue)})</span>
                </label>
                <div className="tq-input-row">
                  <input
                    id={id}
                    name={a.key}
                    inputMode="numeric"
                    value={valueOf(a)}
                    aria-invalid={err !== undefined}
                    aria-describedby={err !== undefined ? `${id}-err` : `${id}-src`}
                    onChange={(e) => {
                      const text = e.target.value;
                      setDraft((d) => ({ ...d, [a.key]: text }));
                      setErrors((x) => {
                        const { [a.key]: _drop, ...rest } = x;
                        return rest;
                      });
                    }}
                  />
                  <span className="tq-unit">cycles</span>
                  {err !== undefined && (
                    <span className="field-error" id={`${id}-err`} role="alert">
                      {err}
                    </span>
                  )}
                </div>
                <details className="tq-src" id={`${id}-src`}>
                  <summary>Source; used by {a.usedBy.join(', ')}</summary>
                  <p>{a.source}</p>
                  <p>{a.note}</p>
                </details>
              </div>
            );
          })}
        </div>
        <div className="tq-assume-actions">
          <button className="btn primary" type="submit" disabled={running}>
            Apply and re-run
          </button>
          <button
            className="btn"
            type="button"
            disabled={running}
            onClick={() => {
              setDraft({});
              setErrors({});
              onApply({});
            }}
          >
            Reset to the defaults and re-run
          </button>
        </div>
      </form>
      {vtx !== null && (
        <div className="tq-vtx">
          <h3 className="tq-sub">VT-x transition costs of {cpuName} (from the CPU model; change the model to change them)</h3>
          <ul>
            {vtx.map((x) => (
              <li key={x.label}>
                {x.label}: <strong>{cycles(x.value)}</strong> cycles <span className="tq-kind">({x.kind}: {x.basis})</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
