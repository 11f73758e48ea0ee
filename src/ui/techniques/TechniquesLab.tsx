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
import '../../i18n/en/techniques.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

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
  const link = useApp((s) => s.techniques);
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
      .techniqueDefaults(link.cpu)
      .then((d) => {
        if (live) setTechState({ techDefaults: d });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [health, link.cpu, setTechState]);

  // The native I/O assumption (compare.ts nativeIoFigure): not part of the link yet, so kept here.
  const nativeIo = useRef<number | undefined>(undefined);
  const run = useCallback(
    async (req: Pick<TechniquesLink, 'workload' | 'cpu' | 'costs'>) => {
      setTechniques({ ...req, run: true });
      setTechState({ techRunning: true, techError: null, techProgress: { done: 0, total: 6, running: 'native' } });
      setAnnounce(t('techniques.lab.runningTheComparison'));
      try {
        const io = nativeIo.current;
        const r = await commands.compareTechniques({ workload: req.workload, cpu: req.cpu, costs: req.costs, ...(io !== undefined ? { nativeIo: io } : {}) }, (p) => useApp.getState().setTechState({ techProgress: p }));
        if (!r.ok) {
          if (r.errors[0]?.message.startsWith('superseded')) return;
          setTechState({ techRunning: false, techError: r.errors.map((e) => `${e.field}: ${e.message}`).join('; ') });
          setAnnounce(t('techniques.lab.theComparisonCouldNot'));
          return;
        }
        setTechState({ techRunning: false, techResult: r.comparison, techProgress: null });
        const wrong = r.comparison.results.filter((x) => x.verdict.status === 'wrong' || x.verdict.status === 'failed').map((x) => `${x.title} ${verdictLook(x.verdict).word.toLowerCase()}`);
        setAnnounce(t('techniques.lab.comparisonDone', { value: wrong.length === 0 ? t('techniques.lab.everyTechniqueMatchesNative') : wrong.join(', ') }));
      } catch (e) {
        setTechState({ techRunning: false, techError: e instanceof Error ? e.message : String(e) });
      }
    },
    [setTechniques, setTechState],
  );

  // A link with r=1 (or coming back to the lab) runs the comparison it names when there is no matching result.
  const current = requestKey(link);
  const shown = result === null ? null : requestKey({ workload: result.workload, cpu: result.cpu, costs: overridesOf(result) });
  useEffect(() => {
    if (health === 'ready' && link.run && !running && shown !== current && error === null) void run(link);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [health, link.run, current]);

  const workloads = defaults?.workloads ?? [];
  const cpus = catalog?.cpus ?? [];
  const stale = result !== null && shown !== current;

  return (
    <div className="techniques" data-testid="techniques-lab">
      <header className="tq-head">
        <div>
          <h1>{t('techniques.lab.softwareVsHardware')}</h1>
          <p className="tq-lede">
            {t('techniques.lab.oneGuestProgramRun')}
          </p>
        </div>
        <form
          className="tq-controls"
          aria-label={t('techniques.lab.whatToCompare')}
          onSubmit={(e) => {
            e.preventDefault();
            void run(link);
          }}
        >
          <label className="field">
            <span>{t('techniques.lab.workload')}</span>
            <select value={link.workload} onChange={(e) => setTechniques({ workload: e.target.value, run: false })} disabled={workloads.length === 0}>
              {workloads.length === 0 && <option value={link.workload}>{link.workload}</option>}
              {workloads.map((w) => (
                <option key={w.id} value={w.id}>
                  {shortTitle(w.title)}
                  {w.title.toLowerCase().includes(w.category.toLowerCase()) ? '' : ` — ${w.category}`}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('techniques.lab.cpuModel')}</span>
            <select value={link.cpu} onChange={(e) => setTechniques({ cpu: e.target.value, run: false })} disabled={cpus.length === 0}>
              {cpus.length === 0 && <option value={link.cpu}>{link.cpu}</option>}
              {cpus.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.year}){c.ept ? t('techniques.lab.ept') : t('techniques.lab.noEpt')}
                </option>
              ))}
            </select>
          </label>
          <button className="btn primary" type="submit" disabled={health !== 'ready' || running}>
            {running ? t('techniques.lab.running') : t('techniques.lab.runAllSix')}
          </button>
        </form>
      </header>

      <div className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </div>
      {running && progress !== null && (
        <div className="tq-progress">
          <progress max={progress.total} value={progress.done} aria-label={t('techniques.lab.techniquesRun')} />
          <span>
            {t('techniques.lab.progressRun', { done: progress.done, total: progress.total })}{progress.running !== null ? t('techniques.lab.now', { value: defaults?.techniques.find((x) => x.id === progress.running)?.title ?? progress.running }) : ''}
          </span>
        </div>
      )}
      {error !== null && (
        <p className="tq-error" role="alert">{t('techniques.lab.theComparisonCouldNot2', { error })}
        </p>
      )}
      {result === null && !running && error === null && (
        <p className="tq-empty"><T k="techniques.lab.pickAWorkloadAnd" parts={{ strong: <strong>{t('techniques.lab.runAllSix')}</strong> }} /></p>
      )}
      {stale && !running && <p className="tq-note" role="note">{t('techniques.lab.theResultsBelowAre', { shortTitle: shortTitle(result.workloadTitle), cpuName: result.cpuName })}</p>}

      {result !== null && (
        <Results
          c={result}
          running={running}
          onNativeIo={(v) => {
            nativeIo.current = v;
            void run({ workload: link.workload, cpu: link.cpu, costs: link.costs });
          }}
        />
      )}
      <Assumptions assumptions={result?.assumptions ?? defaults?.assumptions ?? []} overrides={link.costs} running={running} onApply={(costs) => void run({ ...link, costs })} vtx={result?.vtxCosts ?? null} cpuName={result?.cpuName ?? link.cpu} />
      {result !== null && <PvDiff diff={result.paravirtDiff} pv={result.results.find((r) => r.technique === 'paravirt')!} />}
      <Challenges c={result} />
      <WhitePaperSection31 cpu={link.cpu} />
      <PopekGoldberg cpu={link.cpu} />
      <InstructionClasses cpu={link.cpu} />
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
        <span>{t('techniques.lab.nativePortIO', { cycles: cycles(c.nativeIo.defaultValue) })}</span>
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
        {t('techniques.lab.reRunWithThis')}
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
        <h2 id="tq-verdicts-h">{t('techniques.lab.verdictsOn', { shortTitle: shortTitle(c.workloadTitle), cpuName: c.cpuName, cpuYear: c.cpuYear })}</h2>
        <ol className="tq-verdict-list">
          {c.results.map((r) => (
            <VerdictRow key={r.technique} r={r} c={c} />
          ))}
        </ol>
      </section>

      <section className="panel tq-costs" aria-labelledby="tq-costs-h">
        <h2 id="tq-costs-h">{t('techniques.lab.costSideBySide')}</h2>
        <div className="tq-table-wrap">
          <table className="tq-table" data-testid="cost-table">
            <caption className="visually-hidden">{t('techniques.lab.simulatedCyclesOverheadAgainst')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('techniques.lab.technique')}</th>
                <th scope="col">{t('techniques.lab.verdict')}</th>
                <th scope="col" className="num">{t('techniques.lab.busyCycles')}</th>
                <th scope="col" className="num">{t('techniques.lab.overheadVsNative')}</th>
                <th scope="col" className="num">{t('techniques.lab.vmmCycles')}</th>
                <th scope="col">{t('techniques.lab.trapsExitsCalloutsHypercalls')}</th>
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
                      {r.technique === 'native' ? t('techniques.lab.noneNoVmm') : r.unavailable !== null ? t('techniques.lab.notRun') : r.events.filter((g) => g.total > 0).map((g) => <div key={g.kind}>{groupText(g)}</div>)}
                      {r.unavailable === null && r.technique !== 'native' && r.events.every((g) => g.total === 0) && t('techniques.lab.none')}
                      {r.translationCache !== null && (
                        <div data-testid="tc-figures">{t('techniques.lab.translationCacheMissesHits', { cycles: cycles(r.translationCache.misses), cycles2: cycles(r.translationCache.hits), cycles3: cycles(r.translationCache.chained), value: r.translationCache.hitRate !== null ? t('techniques.lab.lookupHitRate', { value: (100 * r.translationCache.hitRate).toFixed(1) }) : '' })}
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
          {t('techniques.lab.busyCyclesSimulatedCycles')}
        </p>
        <p className="tq-footnote" data-testid="native-io-note">
          <T k="techniques.lab.onRealHardwareThe" parts={{ strong: <strong>{t('techniques.lab.nativePortIO2', { cycles: cycles(c.nativeIo.value) })}</strong>, kind: c.nativeIo.kind }} /></p>
        <NativeIoField c={c} running={running} onApply={onNativeIo} />
        <h3 className="tq-sub">{t('techniques.lab.overheadAgainstNative')}</h3>
        <div ref={chartBox} className="tq-chart">
          <OverheadChart results={c.results} width={width} />
        </div>
        {c.results.some((r) => r.technique !== 'native' && r.overheadPercent !== null && r.overheadPercent < 0) && (
          // Said beside the chart, not only in the footnote above: a bar below zero reads as "a VMM beats bare metal".
          <p className="tq-chart-note" data-testid="faster-than-native">
            {t('techniques.lab.fasterThanNative', { cycles: cycles(c.nativeIo.value) })}
          </p>
        )}
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
        <span className="tq-program">{t('techniques.lab.runs', { program: r.program, value: r.ported ? t('techniques.lab.theParavirtualPort') : r.technique === 'paravirt' ? t('techniques.lab.unmodifiedNoPortExists') : '' })}
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
          <span className="tq-k">{t('techniques.lab.brokeIt')}</span> <code>{v.instruction.mnemonic}</code>
          {v.status === 'wrong' && <> — {v.instruction.why}</>}
          {v.instruction.sdm !== null && <span className="tq-sdm"> ({v.instruction.sdm})</span>}
          {v.instructionsDiffering.length > 1 && (
            <>
              {' '}
              <span className="tq-k">{t('techniques.lab.alsoWrong')}</span> {v.instructionsDiffering.filter((m) => m !== v.instruction!.mnemonic).join(', ')}.
            </>
          )}
        </p>
      )}
      {v.firstDifference !== null && v.status !== 'baseline' && v.status !== 'correct' && (
        <div className="tq-diffline" role="group" aria-label={t('techniques.lab.firstDifferingConsoleLine', { line: v.firstDifference.line })}>
          <div>
            <span className="tq-k">{t('techniques.lab.nativeLine', { line: v.firstDifference.line })}</span> <code>{v.firstDifference.native || t('techniques.lab.noLine')}</code>
          </div>
          <div>
            <span className="tq-k">{t('techniques.lab.thisRun')}</span> <code>{v.firstDifference.got || t('techniques.lab.noLine')}</code>
          </div>
        </div>
      )}
      {v.registersDiffering.length > 0 && r.technique !== 'native' && (
        <p className="tq-regs"><T k="techniques.lab.registersThatEndDifferently" parts={{ code: <code>{v.registersDiffering.join(', ')}</code> }} />
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
      <h2 id="tq-assume-h">{t('techniques.lab.costAssumptions')}</h2>
      <form onSubmit={submit} noValidate>
        <p className="tq-footnote"><T k="techniques.lab.theSoftwareTechniquesWere" parts={{ strong: <strong>{t('techniques.lab.assumption')}</strong> }} /></p>
        <div className="tq-assume-grid">
          {assumptions.map((a) => {
            const id = `${idBase}-${a.key}`;
            const err = errors[a.key];
            return (
              <div className="tq-assume" key={a.key}>
                <label htmlFor={id}>
                  {a.label} <span className="tq-kind">{t('techniques.lab.default', { kind: a.kind, cycles: cycles(a.defaultValue) })}</span>
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
                  <span className="tq-unit">{t('techniques.lab.cycles')}</span>
                  {err !== undefined && (
                    <span className="field-error" id={`${id}-err`} role="alert">
                      {err}
                    </span>
                  )}
                </div>
                <details className="tq-src" id={`${id}-src`}>
                  <summary>{t('techniques.lab.sourceUsedBy', { join: a.usedBy.join(', ') })}</summary>
                  <p>{a.source}</p>
                  <p>{a.note}</p>
                </details>
              </div>
            );
          })}
        </div>
        <div className="tq-assume-actions">
          <button className="btn primary" type="submit" disabled={running}>
            {t('techniques.lab.applyAndReRun')}
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
            {t('techniques.lab.resetToTheDefaults')}
          </button>
        </div>
      </form>
      {vtx !== null && (
        <div className="tq-vtx">
          <h3 className="tq-sub">{t('techniques.lab.vtXTransitionCosts', { cpuName })}</h3>
          <ul>
            {vtx.map((x) => (
              <li key={x.label}>
                <T k="techniques.lab.cycles2" parts={{ label: x.label, strong: <strong>{cycles(x.value)}</strong>, span: <span className="tq-kind">({x.kind}: {x.basis})</span> }} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
