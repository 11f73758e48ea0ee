/**
 * The Isolation lab's Resources tab (issue 7 item 2): four VMs on one physical CPU of the VMX core — SIP PBX,
 * firewall, streaming server and, switched on, a noisy neighbour — under the VMM's round robin (no shares) or a
 * credit scheduler (weights, caps, wake-up boost; src/core/scheduling/credit.ts). The worker runs it
 * (`commands.resourcesRun`); the panel shows who ran when (slices ended by VMX-preemption-timer exits), CPU received
 * against entitled, the PBX's packet delays against the packetization interval and G.114's 150 ms, and a verdict.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { scaleLinear } from 'd3-scale';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import { RESOURCE_VM_IDS, RESOURCE_VM_LABELS, type ResourceVmId, type ResourcesParams, type ResourcesResult } from '../../core/scheduling/types.ts';
import { G114_ACCEPTABLE_MS, RESOURCES_DEFAULTS } from '../../core/scheduling/run.ts';
import { applyPreset, bins, explain, parseTexts, situation, textsOf, verdictLabel, type Preset, type ResField } from './resources-view.ts';
import '../migration/migration.css';
import './resources.css';
import { withoutKey } from '../shell/TextField.tsx';
import '../../i18n/en/isolation.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

const VM_CLASS: Record<ResourceVmId, string> = { pbx: 'rs-pbx', firewall: 'rs-fw', streaming: 'rs-tv', noisy: 'rs-noisy' };
const SHORT: Record<ResourceVmId, string> = { pbx: t('isolation.resources.pbx'), firewall: t('isolation.resources.firewall'), streaming: t('isolation.resources.streaming'), noisy: t('isolation.resources.noisy') };

export function ResourcesPanel() {
  const health = useApp((s) => s.health);
  const [params, setParams] = useState<ResourcesParams>(RESOURCES_DEFAULTS);
  const [texts, setTexts] = useState<Record<ResField, string>>(() => textsOf(RESOURCES_DEFAULTS));
  const [errors, setErrors] = useState<Partial<Record<ResField, string>>>({});
  const [result, setResult] = useState<ResourcesResult | null>(null);
  const [history, setHistory] = useState<{ what: string; p99: number; missed: number; due: number; verdict: ResourcesResult['verdict'] }[]>([]);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');
  const seq = useRef(0);
  const idBase = useId();

  const run = useCallback(async (p: ResourcesParams) => {
    const mine = ++seq.current;
    setRunning(true);
    setError(null);
    setAnnounce(t('isolation.resources.runningOnTheVmx'));
    try {
      const r = await commands.resourcesRun(p);
      if (mine !== seq.current) return;
      if (!r.ok) {
        setErrors((e) => ({ ...e, [r.field as ResField]: r.message }));
        setError(r.message);
        setAnnounce('');
      } else {
        setResult(r.result);
        const h = { what: situation(r.result.params), p99: r.result.pbx.p99, missed: r.result.pbx.missed, due: r.result.pbx.packetsDue, verdict: r.result.verdict };
        setHistory((old) => [h, ...old.filter((o) => o.what !== h.what)].slice(0, 6));
        const v = verdictLabel(r.result.verdict);
        setAnnounce(t('isolation.resources.runFinished', { word: v.word, verdictText: r.result.verdictText }));
      }
    } catch (e) {
      if (mine === seq.current) setError((e as Error).message);
    } finally {
      if (mine === seq.current) setRunning(false);
    }
  }, []);

  useEffect(() => {
    if (health === 'ready' && result === null && seq.current === 0) void run(params);
  }, [health, result, params, run]);

  /** Applies the form's texts (if valid) on top of `next` and runs. */
  const submit = (next: ResourcesParams, tx = texts) => {
    const parsed = parseTexts(next, tx);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      setAnnounce(t('isolation.resources.someSettingsNeedFixing'));
      return;
    }
    setErrors({});
    setParams(parsed.params);
    void run(parsed.params);
  };

  const change = (patch: Partial<ResourcesParams>) => submit({ ...params, ...patch });
  const preset = (k: Preset) => {
    const p = applyPreset(params, k);
    const tx = { ...texts, 'pbx.weight': String(p.vms.pbx.weight), 'noisy.capPercent': String(p.vms.noisy.capPercent) };
    setTexts(tx);
    submit(p, tx);
  };

  const input = (fld: ResField, label: string, unit: string, hint?: string, compact = false) => {
    const id = `${idBase}-${fld.replace('.', '-')}`;
    const err = errors[fld];
    return (
      <div className={compact ? 'rs-cell' : 'pl-field'}>
        <label className={compact ? 'visually-hidden' : 'pl-label'} htmlFor={id}>
          {label}
        </label>
        <div className="pl-input-row">
          <input
            id={id}
            inputMode="decimal"
            value={texts[fld]}
            size={compact ? 5 : 7}
            aria-invalid={err !== undefined}
            aria-describedby={err !== undefined ? `${id}-err` : hint !== undefined ? `${id}-hint` : undefined}
            onChange={(e) => {
              const v = e.target.value;
              setTexts((t) => ({ ...t, [fld]: v }));
              setErrors((x) => withoutKey(x, fld));
            }}
          />
          {unit !== '' && <span className="pl-unit">{unit}</span>}
        </div>
        {err !== undefined ? (
          <span className="field-error" id={`${id}-err`} role="alert">
            {err}
          </span>
        ) : (
          hint !== undefined && (
            <span className="pl-hint" id={`${id}-hint`}>
              {hint}
            </span>
          )
        )}
      </div>
    );
  };

  const credit = params.scheduler === 'credit';
  return (
    <div className="rs" data-testid="resources-panel">
      <p className="pl-lede"><T k='isolation.resources.fourVmsShareOne' parts={{ packetMs: params.packetMs }} /></p>
      <div className="visually-hidden" role="status" aria-live="polite" data-testid="rs-announce">
        {announce}
      </div>
      <div className="rs-grid">
        <form className="panel pl-form rs-form" aria-label={t('isolation.resources.resourceSettings')} noValidate onSubmit={(e) => (e.preventDefault(), submit(params))}>
          <h2>{t('isolation.resources.setUp')}</h2>
          <label className="pl-check rs-noisy-toggle">
            <input type="checkbox" checked={params.noisy} onChange={(e) => change({ noisy: e.target.checked })} />{' '}{t('isolation.resources.noisyNeighbourABatch')}</label>
          <fieldset className="pl-radios">
            <legend className="pl-label">{t('isolation.resources.vmmScheduler')}</legend>
            <label>
              <input type="radio" name={`${idBase}-sched`} checked={!credit} onChange={() => change({ scheduler: 'round-robin' })} />{' '}{t('isolation.resources.roundRobinNoShares')}</label>
            <label>
              <input type="radio" name={`${idBase}-sched`} checked={credit} onChange={() => change({ scheduler: 'credit' })} />{' '}{t('isolation.resources.creditSchedulerWeightsAnd')}</label>
          </fieldset>
          <label className="pl-check">
            <input type="checkbox" checked={params.boost} disabled={!credit} onChange={(e) => change({ boost: e.target.checked })} />{' '}{t('isolation.resources.wakeUpBoostCredit')}</label>
          <div className="rs-presets" role="group" aria-label={t('isolation.resources.remedies')}>
            <button type="button" className="btn" disabled={health !== 'ready'} onClick={() => preset('pbx-shares')}>{t('isolation.resources.giveThePbxShares')}</button>
            <button type="button" className="btn" disabled={health !== 'ready'} onClick={() => preset('cap-neighbour')}>{t('isolation.resources.capTheNeighbour')}</button>
          </div>
          <table className="rs-vmtable">
            <caption className="pl-label"><T k='isolation.resources.perVmSharesAnd' parts={{ credit: credit ? '' : t('isolation.resources.weightsAndCapsApply') }} /></caption>
            <thead>
              <tr>
                <th scope="col">{t('isolation.resources.vm')}</th>
                <th scope="col">{t('isolation.resources.weight')}</th>
                <th scope="col">{t('isolation.resources.cap')}</th>
                <th scope="col">{t('isolation.resources.memoryMib')}</th>
              </tr>
            </thead>
            <tbody>
              {RESOURCE_VM_IDS.map((id) => (
                <tr key={id}>
                  <th scope="row">
                    <span className={`rs-swatch ${VM_CLASS[id]}`} aria-hidden="true" /> {SHORT[id]}
                  </th>
                  <td>{input(`${id}.weight`, t('isolation.resources.weightOf', { id: RESOURCE_VM_LABELS[id] }), '', undefined, true)}</td>
                  <td>{input(`${id}.capPercent`, t('isolation.resources.capPercentOfOne', { id: RESOURCE_VM_LABELS[id] }), '', undefined, true)}</td>
                  <td>{input(`${id}.memoryMiB`, t('isolation.resources.memoryLimitMib', { id: RESOURCE_VM_LABELS[id] }), '', undefined, true)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="pl-hint">{t('isolation.resources.weight165535Default')}</p>
          {input('tsliceMs', t('isolation.resources.timeslice'), 'ms', t('isolation.resources.xenCreditDefault30'))}
          {input('pbxWorkMs', t('isolation.resources.pbxCpuWorkPer'), 'ms', t('isolation.resources.assumption'))}
          {input('networkDelayMs', t('isolation.resources.networkOneWayDelay'), 'ms', t('isolation.resources.assumptionTerminalsAdd80'))}
          {input('timeScale', t('isolation.resources.timeCompression'), '×', t('isolation.resources.assumptionPeriodsSlicesAnd'))}
          {input('durationMs', t('isolation.resources.runLength'), 'ms', t('isolation.resources.realTimeEquivalent'))}
          <button type="submit" className="btn primary" disabled={health !== 'ready'}>{t('isolation.resources.runOnTheVmx')}</button>
        </form>
        <div className="rs-main" aria-busy={running}>
          {running && <p className="pl-hint">{t('isolation.resources.runningOnTheVmx')}</p>}
          {error !== null && (
            <p className="pl-error" role="alert"><T k='isolation.resources.theRunFailed' parts={{ error: error }} />
            </p>
          )}
          {result !== null && <Results r={result} />}
          {history.length > 1 && (
            <section className="panel rs-history" aria-label={t('isolation.resources.runsSoFar')}>
              <h2>{t('isolation.resources.runsSoFarNewest')}</h2>
              <table className="rs-cputable">
                <thead>
                  <tr>
                    <th scope="col">{t('isolation.resources.situation')}</th>
                    <th scope="col">{t('isolation.resources.pbx99thPercentile')}</th>
                    <th scope="col">{t('isolation.resources.missed')}</th>
                    <th scope="col">{t('isolation.resources.verdict')}</th>
                  </tr>
                </thead>
                <tbody>
                  {history.map((h) => (
                    <tr key={h.what}>
                      <td>{h.what}</td>
                      <td><T k='isolation.resources.ms' parts={{ ms: h.p99.toFixed(1) }} /></td>
                      <td>
                        <T k='isolation.resources.missedOfDue' parts={{ missed: h.missed, due: h.due }} />
                      </td>
                      <td>
                        <span aria-hidden="true">{verdictLabel(h.verdict).icon}</span> {verdictLabel(h.verdict).word}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
        </div>
      </div>
    </div>
  );
}

function Results({ r }: { r: ResourcesResult }) {
  const v = verdictLabel(r.verdict);
  const p = r.params;
  return (
    <>
      <section className={`panel rs-verdict rs-${r.verdict}`} aria-label={t('isolation.resources.voiceQualityVerdict')}>
        <h2>
          <span aria-hidden="true">{v.icon}</span>{' '}<T k='isolation.resources.pbxVoice' parts={{ word: <span data-testid="rs-verdict">{v.word}</span> }} />
        </h2>
        <p>{r.verdictText}</p>
        <p className="rs-why" data-testid="rs-why">
          <strong>{t('isolation.resources.why')}{' '}</strong>
          {explain(r)}
        </p>
        <dl className="rs-stats">
          <div>
            <dt>{t('isolation.resources.median')}</dt>
            <dd data-testid="rs-p50"><T k='isolation.resources.ms' parts={{ ms: r.pbx.p50.toFixed(1) }} /></dd>
          </div>
          <div>
            <dt>{t('isolation.resources.n99thPercentile')}</dt>
            <dd data-testid="rs-p99"><T k='isolation.resources.ms' parts={{ ms: r.pbx.p99.toFixed(1) }} /></dd>
          </div>
          <div>
            <dt>{t('isolation.resources.worst')}</dt>
            <dd><T k='isolation.resources.ms' parts={{ ms: r.pbx.max.toFixed(1) }} /></dd>
          </div>
          <div>
            <dt>{t('isolation.resources.jitter')}</dt>
            <dd><T k='isolation.resources.ms' parts={{ ms: r.pbx.jitterMs.toFixed(1) }} /></dd>
          </div>
          <div>
            <dt>{t('isolation.resources.packetsMissed')}</dt>
            <dd data-testid="rs-missed">
              <T k='isolation.resources.missedOfDueNow' parts={{ missed: r.pbx.missed, packetsDue: r.pbx.packetsDue }} />
            </dd>
          </div>
        </dl>
        <p className="rs-note"><T k='isolation.resources.measuredOnTheVmx' parts={{ cpu: p.cpu, timeScale: p.timeScale, timeScale2: p.timeScale, terminalDelayMs: p.terminalDelayMs, networkDelayMs: p.networkDelayMs }} /></p>
      </section>
      <Lanes r={r} />
      <div className="rs-two">
        <CpuBars r={r} />
        <Histogram r={r} />
      </div>
    </>
  );
}

const LANE_H = 26;
const LANE_LABEL = 92;

function Lanes({ r }: { r: ResourcesResult }) {
  const ids = RESOURCE_VM_IDS.filter((id) => r.cpu.some((c) => c.vm === id && c.admitted));
  const width = 760;
  const showMs = Math.min(r.params.durationMs, 200);
  const x = scaleLinear().domain([0, showMs]).range([LANE_LABEL, width - 28]);
  const shown = r.slices.filter((s) => s.startMs < showMs);
  const timerEnds = shown.filter((s) => s.endedBy === 'preemption-timer' || s.endedBy === 'host-timer').length;
  const height = ids.length * LANE_H + 30;
  const ticks = x.ticks(8);
  return (
    <section className="panel rs-lanes" aria-label={t('isolation.resources.schedule')}>
      <h2><T k='isolation.resources.whoRanWhenFirst' parts={{ showMs: showMs }} /></h2>
      <p className="pl-hint"><T k='isolation.resources.eachBarIsA' parts={{ mark: <span aria-hidden="true">▼</span>, preemptionRateBits: r.preemptionRateBits, cycles: 2 ** r.preemptionRateBits, mhz: (r.preemptionTimerHz / 1e6).toFixed(1) }} /></p>
      <svg role="img" viewBox={`0 0 ${width} ${height}`} className="rs-svg" aria-label={t('isolation.resources.scheduleOfTheFirst', { showMs, slices: shown.length, timerEnds })}>
        {ids.map((id, k) => (
          <g key={id}>
            <text x={4} y={k * LANE_H + LANE_H / 2 + 5} className="rs-axis">
              {SHORT[id]}
            </text>
            <line x1={LANE_LABEL} x2={width - 8} y1={(k + 1) * LANE_H} y2={(k + 1) * LANE_H} className="rs-grid-line" />
          </g>
        ))}
        {shown.map((s, i) => {
          const k = ids.indexOf(s.vm);
          if (k < 0) return null;
          const x0 = x(s.startMs);
          const x1 = Math.max(x0 + 1, x(Math.min(s.endMs, showMs)));
          return (
            <g key={i}>
              <rect x={x0} y={k * LANE_H + 4} width={x1 - x0} height={LANE_H - 8} className={`rs-bar ${VM_CLASS[s.vm]}`} />
              {(s.endedBy === 'preemption-timer' || s.endedBy === 'host-timer') && s.endMs <= showMs && (
                <path d={`M${x1 - 4},${k * LANE_H + 1} L${x1 + 4},${k * LANE_H + 1} L${x1},${k * LANE_H + 7} Z`} className="rs-timer-mark" />
              )}
            </g>
          );
        })}
        {ticks.map((t) => (
          <text key={t} x={x(t)} y={height - 8} textAnchor="middle" className="rs-axis">
            <T k='isolation.resources.tickMs' parts={{ t: t }} /></text>
        ))}
      </svg>
    </section>
  );
}

function CpuBars({ r }: { r: ResourcesResult }) {
  return (
    <section className="panel rs-cpu" aria-label={t('isolation.resources.cpuReceivedAndEntitled')}>
      <h2>{t('isolation.resources.cpuReceivedVsEntitled')}</h2>
      <p className="pl-hint">{t('isolation.resources.receivedGuestTimeMeasured')}</p>
      <table className="rs-cputable">
        <thead>
          <tr>
            <th scope="col">{t('isolation.resources.vm')}</th>
            <th scope="col">{t('isolation.resources.received')}</th>
            <th scope="col">{t('isolation.resources.entitled')}</th>
            <th scope="col">{t('isolation.resources.timerExits')}</th>
          </tr>
        </thead>
        <tbody>
          {r.cpu.map((c) => (
            <tr key={c.vm} data-testid={`rs-cpu-${c.vm}`}>
              <th scope="row">{SHORT[c.vm]}</th>
              {c.admitted ? (
                <>
                  <td>
                    <span className="rs-meter" aria-hidden="true">
                      <span className={`rs-fill ${VM_CLASS[c.vm]}`} style={{ width: `${Math.min(100, c.receivedPercent)}%` }} />
                      <span className="rs-entitled" style={{ left: `${Math.min(100, c.entitledPercent)}%` }} />
                    </span>{' '}
                    {c.receivedPercent.toFixed(1)} %
                  </td>
                  <td>
                    {c.entitledPercent.toFixed(1)} %{c.capPercent > 0 && r.params.scheduler === 'credit' ? ' ' + t('isolation.resources.capSuffix', { capPercent: c.capPercent }) : ''}
                  </td>
                  <td>{c.preemptionTimerExits}</td>
                </>
              ) : (
                <td colSpan={3}><T k='isolation.resources.notStarted' parts={{ memoryNote: c.memoryNote }} /></td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Histogram({ r }: { r: ResourcesResult }) {
  const p = r.params;
  const budget = G114_ACCEPTABLE_MS - p.terminalDelayMs - p.networkDelayMs;
  const width = 420;
  const height = 200;
  const bw = Math.max(1, p.packetMs / 4);
  const upTo = Math.max(p.packetMs * 2, Math.min(budget, 200) + bw);
  const hb = bins(r.pbx.delaysMs, bw, upTo);
  const top = hb.length * bw;
  const x = scaleLinear().domain([0, top]).range([36, width - 24]);
  const maxCount = Math.max(1, ...hb.map((b) => b.count));
  const y = scaleLinear().domain([0, maxCount]).range([height - 38, 52]);
  return (
    <section className="panel rs-hist" aria-label={t('isolation.resources.pbxPacketDelayDistribution')}>
      <h2>{t('isolation.resources.pbxPacketDelayOn')}</h2>
      <p className="pl-hint">{t('isolation.resources.fromEachPacketS')}</p>
      <svg role="img" viewBox={`0 0 ${width} ${height}`} className="rs-svg" aria-label={t('isolation.resources.packetsMedianMs99th', { packets: r.pbx.delaysMs.length, median: r.pbx.p50.toFixed(1), p99: r.pbx.p99.toFixed(1), missed: r.pbx.missed })}>
        {hb.map((b) => (
          <g key={b.from}>
            <rect x={x(b.from) + 1} width={Math.max(1, x(b.to) - x(b.from) - 2)} y={y(b.count)} height={y(0) - y(b.count)} className="rs-bar rs-pbx" />
            {b.count > 0 && (
              <text x={(x(b.from) + x(b.to)) / 2} y={y(b.count) - 3} textAnchor="middle" className="rs-axis">
                {b.count}
              </text>
            )}
          </g>
        ))}
        <line x1={36} x2={width - 10} y1={y(0)} y2={y(0)} className="rs-grid-line" />
        <line x1={x(p.packetMs)} x2={x(p.packetMs)} y1={18} y2={y(0)} className="rs-threshold rs-interval" />
        <text x={x(p.packetMs) + 3} y={16} className="rs-axis">
          <T k='isolation.resources.msNextPacketDue' parts={{ packetMs: p.packetMs }} /></text>
        {budget > 0 && budget <= top && (
          <>
            <line x1={x(budget)} x2={x(budget)} y1={30} y2={y(0)} className="rs-threshold rs-g114" />
            <text x={x(budget) - 4} y={32} textAnchor="end" className="rs-axis">{t('isolation.resources.g114Budget')}</text>
          </>
        )}
        {x.ticks(5).map((t) => (
          <text key={t} x={x(t)} y={height - 20} textAnchor="middle" className="rs-axis">
            {t}
          </text>
        ))}
        <text x={width - 10} y={height - 5} textAnchor="end" className="rs-axis">{t('isolation.resources.delayMsBarLabels')}</text>
      </svg>
      <p className="pl-hint"><T k='isolation.resources.dashedLineItuT' parts={{ ms: budget.toFixed(0) }} /></p>
    </section>
  );
}
