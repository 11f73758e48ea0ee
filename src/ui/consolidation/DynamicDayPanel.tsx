/**
 * A day of dynamic consolidation: pick a policy, Run; the worker fetches the PlanetLab day (index JSON, then the
 * files) and replays it in slices with a progress bar; then the metrics beside CloudSim 3.0.3's, and an
 * hour-by-hour view (d3, SVG: 288 points) of active hosts and migrations, scrubbable by hour.
 */
import { useEffect, useRef, useState } from 'react';
import * as d3 from 'd3';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import type { DynamicDay } from '../../worker/protocol.ts';
import { CLOUDSIM_SOURCE, DAY_POLICIES, METRIC_FORMULAS, cloudSimReference, hourView, planetLabDataUrl } from './view.ts';
import { Fig } from './Fig.tsx';
import { HostDayView } from './HostDayView.tsx';
import '../../i18n/en/consolidation.ts';
import { t } from '../../i18n/t.ts';

const fmt = (x: number, d = 2): string => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

export function DynamicDayPanel() {
  const c = useApp((s) => s.consolidation);
  const day = useApp((s) => s.conDay);
  const progress = useApp((s) => s.conProgress);
  const running = useApp((s) => s.conRunning);
  const error = useApp((s) => s.conError);
  const health = useApp((s) => s.health);
  const setConsolidation = useApp((s) => s.setConsolidation);
  const setConState = useApp((s) => s.setConState);
  // What a sighted user sees when the replay ends (the metrics table), said through the polite live region below.
  const [announce, setAnnounce] = useState('');

  const run = async (policy: string): Promise<void> => {
    setConsolidation({ policy, run: true });
    setConState({ conRunning: true, conError: null, conProgress: { phase: 'loading', done: 0, total: 1 } });
    setAnnounce('');
    try {
      const r = await commands.runDynamicDay({ policy, dataUrl: planetLabDataUrl(import.meta.env.BASE_URL, document.baseURI) }, (p) => {
        // A progress message can arrive after the result (comlink delivers them separately): ignore it then.
        if (useApp.getState().conRunning) useApp.getState().setConState({ conProgress: p });
      });
      if (!r.ok) {
        if (r.error.startsWith('superseded')) return;
        setConState({ conRunning: false, conError: r.error, conProgress: null });
        return;
      }
      setConState({ conRunning: false, conDay: r.day, conProgress: null });
      const m = r.day.metrics;
      setAnnounce(t('consolidation.dynamic.replayedAnnounce', { policy: r.day.policy, energy: fmt(m.energyKWh), migrations: m.migrations.toLocaleString('en-US'), shutdowns: m.hostShutdowns.toLocaleString('en-US') }));
    } catch (e) {
      setConState({ conRunning: false, conError: e instanceof Error ? e.message : String(e), conProgress: null });
    }
  };

  // A link with r=1 replays the day it names when there is no matching result.
  const started = useRef(false);
  useEffect(() => {
    if (health !== 'ready' || started.current || !c.run || running) return;
    if (day !== null && day.policy === c.policy) return;
    started.current = true;
    void run(c.policy);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [health, c.run]);

  const ref = cloudSimReference(day?.policy ?? c.policy);

  return (
    <section className="panel cn-day" aria-labelledby="cn-day-h">
      <h2 id="cn-day-h">{t('consolidation.dynamic.aDayOfDynamic')}</h2>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </p>
      <div className="cn-day-body">
        <div className="cn-day-controls">
          <label className="field">
            <span>{t('consolidation.dynamic.policy')}</span>
            <select value={c.policy} onChange={(e) => setConsolidation({ policy: e.target.value, run: false })} disabled={running}>
              {DAY_POLICIES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn primary" onClick={() => void run(c.policy)} disabled={running || health !== 'ready'}>
            {t('consolidation.dynamic.runTheDay')}
          </button>
          {progress !== null && (
            <div className="cn-progress">
              <progress max={progress.total} value={progress.done} aria-label={progress.phase === 'loading' ? t('consolidation.dynamic.loadingThePlanetLabTraces') : t('consolidation.dynamic.replayingTheDay')} />
              <span>
                {progress.phase === 'loading' ? t('consolidation.dynamic.loadingTracesOf', { done: progress.done, total: progress.total }) : t('consolidation.dynamic.intervalOf5Min', { done: progress.done, total: progress.total })}
              </span>
            </div>
          )}
          <p className="cn-src">
            {t('consolidation.dynamic.policyNamesOverloadDetector')}
          </p>
        </div>
        {error !== null && (
          <p className="cn-error" role="alert">{t('consolidation.dynamic.theDayCouldNot', { error })}
          </p>
        )}
        {day !== null && <DayResult day={day} hour={c.hour} onHour={(h) => setConsolidation({ hour: h })} reference={ref} />}
      </div>
    </section>
  );
}

function DayResult({ day, hour, onHour, reference }: { day: DynamicDay; hour: number; onHour(h: number): void; reference: ReturnType<typeof cloudSimReference> }) {
  const m = day.metrics;
  const rows: { key: string; label: string; ours: string; ref: string | null; formula: string }[] = [
    { key: 'energy', label: t('consolidation.dynamic.energy'), ours: `${fmt(m.energyKWh)} kWh`, ref: reference ? `${fmt(reference.energyKWh)} kWh` : null, formula: METRIC_FORMULAS.energy },
    { key: 'migrations', label: t('consolidation.dynamic.vmMigrations'), ours: m.migrations.toLocaleString('en-US'), ref: reference ? reference.migrations.toLocaleString('en-US') : null, formula: METRIC_FORMULAS.migrations },
    { key: 'slatah', label: 'SLATAH', ours: `${fmt(m.slatah * 100)} %`, ref: reference?.slatahPct != null ? `${fmt(reference.slatahPct)} %` : null, formula: METRIC_FORMULAS.slatah },
    { key: 'pdm', label: 'PDM', ours: `${fmt(m.pdm * 100)} %`, ref: reference?.pdmPct != null ? `${fmt(reference.pdmPct)} %` : null, formula: METRIC_FORMULAS.pdm },
    { key: 'slav', label: 'SLAV', ours: `${fmt(m.slav * 1e5)} × 10⁻⁵`, ref: reference?.slavE5 != null ? `${fmt(reference.slavE5)} × 10⁻⁵` : null, formula: METRIC_FORMULAS.slav },
    { key: 'esv', label: 'ESV', ours: `${fmt(m.esv * 1e3, 3)} × 10⁻³`, ref: reference?.slavE5 != null ? t('consolidation.day.esvReference', { value: fmt(reference.energyKWh * reference.slavE5 * 1e-2, 3) }) : null, formula: METRIC_FORMULAS.esv },
    { key: 'shutdowns', label: t('consolidation.dynamic.hostShutdowns'), ours: m.hostShutdowns.toLocaleString('en-US'), ref: reference?.hostShutdowns != null ? reference.hostShutdowns.toLocaleString('en-US') : null, formula: METRIC_FORMULAS.shutdowns },
  ];
  const hv = hourView(day.activeHosts, day.migrations, day.powerW, hour, day.intervalSeconds);
  return (
    <div className="cn-day-result">
      <div className="cn-table-wrap">
        <table className="cn-table" data-testid="cn-day-metrics">
          <caption>
            {t('consolidation.dynamic.vmsOnHostsReplayed', { policy: day.policy, vms: m.vms.toLocaleString('en-US'), hosts: m.hosts, replaySeconds: day.replaySeconds.toFixed(2) })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('consolidation.dynamic.metric')}</th>
              <th scope="col">{t('consolidation.dynamic.vtLab')}</th>
              <th scope="col">{t('consolidation.dynamic.cloudSim303')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} data-metric={r.key}>
                <th scope="row">{r.label}</th>
                <td className="num">
                  <Fig f={{ text: r.ours, formula: r.formula, source: t('consolidation.dynamic.srcCorePlatformDynamic') }} label={r.label} />
                </td>
                <td className="num">{r.ref === null ? <span className="cn-src">{t('consolidation.dynamic.notInA6')}</span> : <Fig f={{ text: r.ref, formula: r.formula, source: CLOUDSIM_SOURCE }} label={t('consolidation.dynamic.cloudSim', { label: r.label })} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="cn-hours">
        <HourChart day={day} hour={hour} onHour={onHour} />
        <label className="field cn-scrub">
          <span>{t('consolidation.dynamic.hour0000', { padStart: String(hour).padStart(2, '0'), padStart2: String(hour + 1).padStart(2, '0') })}</span>
          <input type="range" min={0} max={23} step={1} value={hour} onChange={(e) => onHour(Number(e.target.value))} aria-valuetext={`${hour}:00`} />
        </label>
        <p className="cn-hour-read" data-testid="cn-hour-read">
          {t('consolidation.dynamic.n00OfHostsOn', { padStart: String(hour).padStart(2, '0'), meanActive: hv.meanActive.toFixed(0), hosts: m.hosts, minActive: hv.minActive, maxActive: hv.maxActive, migrations: hv.migrations.toLocaleString('en-US'), fmt: fmt(hv.energyKWh) })}</p>
        <div className="cn-hostbar" aria-hidden="true">
          <span style={{ width: `${(hv.meanActive / m.hosts) * 100}%` }} />
        </div>
      </div>
      {day.hostOfVm !== undefined && day.vmCount !== undefined && day.hostCount !== undefined && (
        <HostDayView d={{ hostOfVm: day.hostOfVm, vmCount: day.vmCount, hostCount: day.hostCount }} intervalSeconds={day.intervalSeconds} startRow={hour * (3600 / day.intervalSeconds) + 1} powerW={day.powerW} />
      )}
    </div>
  );
}

const H = 200;
const M = { top: 26, right: 56, bottom: 28, left: 48 };

function HourChart({ day, hour, onHour }: { day: DynamicDay; hour: number; onHour(h: number): void }) {
  const wrap = useRef<HTMLDivElement>(null);
  const g = useRef<SVGGElement>(null);
  const [width, setWidth] = useState(720);
  useEffect(() => {
    const el = wrap.current;
    if (el === null) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(320, el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    if (g.current === null) return;
    const svg = d3.select(g.current);
    svg.selectAll('*').remove();
    const n = day.activeHosts.length;
    const hoursOf = (i: number): number => (i * day.intervalSeconds) / 3600;
    const x = d3.scaleLinear().domain([0, 24]).range([M.left, width - M.right]);
    const yA = d3.scaleLinear().domain([0, Math.max(1, d3.max(day.activeHosts) ?? 1)]).nice().range([H - M.bottom, M.top]);
    const yM = d3.scaleLinear().domain([0, Math.max(1, d3.max(day.migrations) ?? 1)]).nice().range([H - M.bottom, M.top]);
    svg.append('rect').attr('class', 'hour-band').attr('x', x(hour)).attr('width', x(hour + 1) - x(hour)).attr('y', M.top).attr('height', H - M.top - M.bottom);
    const bw = Math.max(1, x(hoursOf(1)) - x(0) - 0.5);
    svg
      .append('g')
      .selectAll('rect')
      .data(day.migrations)
      .enter()
      .append('rect')
      .attr('class', 'mig')
      .attr('x', (_d, i) => x(hoursOf(i)))
      .attr('width', bw)
      .attr('y', (d) => yM(d))
      .attr('height', (d) => H - M.bottom - yM(d));
    const line = d3
      .line<number>()
      .x((_d, i) => x(hoursOf(i)))
      .y((d) => yA(d));
    svg.append('path').attr('class', 'active').attr('d', line(Array.from(day.activeHosts)) ?? '');
    svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${H - M.bottom})`).call(d3.axisBottom(x).ticks(12).tickFormat((v) => `${v}h`));
    svg.append('g').attr('class', 'axis axis-active').attr('transform', `translate(${M.left},0)`).call(d3.axisLeft(yA).ticks(5));
    svg.append('g').attr('class', 'axis axis-mig').attr('transform', `translate(${width - M.right},0)`).call(d3.axisRight(yM).ticks(5));
    svg.append('text').attr('class', 'lbl lbl-active').attr('x', M.left).attr('y', 12).text(t('consolidation.dynamic.activeHostsLeftAxis'));
    svg.append('text').attr('class', 'lbl lbl-mig').attr('x', width - M.right).attr('y', 12).attr('text-anchor', 'end').text(t('consolidation.dynamic.migrationsPer5Min'));
    void n;
  }, [day, hour, width]);
  const label = t('consolidation.dynamic.activeHostsAndMigrations', { hour, max: String(d3.max(day.activeHosts)), max2: String(d3.max(day.migrations)) });
  return (
    <div ref={wrap} className="cn-chart-wrap">
      <svg
        className="cn-chart"
        width={width}
        height={H}
        role="img"
        aria-label={label}
        data-testid="cn-hour-chart"
        onClick={(e) => {
          const r = (e.currentTarget as SVGSVGElement).getBoundingClientRect();
          const h = Math.floor(((e.clientX - r.left - M.left) / (width - M.left - M.right)) * 24);
          if (h >= 0 && h <= 23) onHour(h);
        }}
      >
        <g ref={g} />
      </svg>
    </div>
  );
}
