/**
 * The Overhead tab (issue 7 item 8): the white paper's §3.3.5 statement with numbers. For each CPU model and each
 * built-in workload the worker runs the real guest program under the VMM (`ioOverhead`, src/core/io-path/overhead.ts)
 * and reports the VMM's share of the cycles (the "permanent overhead") and the VM exit + entry round trip (the
 * "context switching" cost) from the cost model. Two SVG charts (d3 scales), each with a data table and sources.
 */
import { useEffect, useMemo, useState } from 'react';
import * as d3 from 'd3';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import type { OverheadReport } from '../../worker/protocol.ts';
import { CPU_SHORT, fmt } from './path-view.ts';
import '../migration/migration.css';
import './io-path.css';
import '../../i18n/en/io.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

const W = 860;
const H = 300;
const M = { top: 28, right: 16, bottom: 64, left: 64 };
/** Fill per CPU model; the short name is printed under every bar, so color is not the only signal. */
const FILL = ['var(--root)', 'var(--vmm)', 'var(--vmx)', 'var(--nonroot)'];

export function OverheadPanel() {
  const health = useApp((s) => s.health);
  const [rep, setRep] = useState<OverheadReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (health !== 'ready' || rep !== null) return;
    let live = true;
    commands
      .ioOverhead()
      .then((r) => live && setRep(r))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [health, rep]);

  return (
    <div className="iop" data-testid="io-overhead">
      <blockquote className="iop-quote">
        <p>{rep?.statement ?? t('io.overhead.vmmsConsumeValuableProcessing')}</p>
        <footer>{t('io.overhead.intelWhitePaper3')}</footer>
      </blockquote>
      {error !== null && (
        <p className="pl-error" role="alert">
          {error}
        </p>
      )}
      {rep === null ? (
        <p className="pl-empty" role="status">{t('io.overhead.runningTheFourWorkloads')}</p>
      ) : (
        <>
          <ShareChart rep={rep} />
          <TransitionChart rep={rep} />
        </>
      )}
    </div>
  );
}

function ShareChart({ rep }: { rep: OverheadReport }) {
  const cpus = useMemo(() => [...new Set(rep.cells.map((c) => c.cpu))], [rep]);
  const x0 = d3.scaleBand().domain(rep.workloads.map((w) => w.id)).range([M.left, W - M.right]).paddingInner(0.18).paddingOuter(0.05);
  const x1 = d3.scaleBand().domain(cpus).range([0, x0.bandwidth()]).padding(0.08);
  const y = d3.scaleLinear().domain([0, 100]).range([H - M.bottom, M.top]);
  const ticks = y.ticks(5);
  return (
    <section className="panel" aria-label={t('io.overhead.permanentOverheadVmmShare')}>
      <h2>{t('io.overhead.permanentOverheadShareOf')}</h2>
      <svg className="iop-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="iop-share-title iop-share-desc">
        <title id="iop-share-title">{t('io.overhead.vmmShareOfThe')}</title>
        <desc id="iop-share-desc">{rep.cells.map((c) => `${c.workload} on ${c.cpu}: ${c.vmmSharePercent} %`).join('; ')}</desc>
        {ticks.map((t) => (
          <g key={t}>
            <line className="grid" x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} />
            <text className="tick" x={M.left - 8} y={y(t)} dy="0.32em" textAnchor="end">
              {t} %
            </text>
          </g>
        ))}
        <text className="axis-label" transform={`translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)`} textAnchor="middle">{t('io.overhead.vmmCyclesAllCycles')}</text>
        {rep.workloads.map((w) => (
          <g key={w.id} transform={`translate(${x0(w.id)} 0)`}>
            {cpus.map((cpu, k) => {
              const c = rep.cells.find((z) => z.cpu === cpu && z.workload === w.id)!;
              const bx = x1(cpu)!;
              return (
                <g key={cpu}>
                  <rect x={bx} width={x1.bandwidth()} y={y(c.vmmSharePercent)} height={y(0) - y(c.vmmSharePercent)} style={{ fill: FILL[k % FILL.length] }} className={`bar cpu-${k}`} />
                  <text className="val" x={bx + x1.bandwidth() / 2} y={y(c.vmmSharePercent) - 4} textAnchor="middle">
                    {Math.round(c.vmmSharePercent)}
                  </text>
                  <text className="tick" x={bx + x1.bandwidth() / 2} y={H - M.bottom + 15} textAnchor="middle">
                    {CPU_SHORT[cpu] ?? cpu}
                  </text>
                </g>
              );
            })}
            <text className="axis-label" x={x0.bandwidth() / 2} y={H - M.bottom + 38} textAnchor="middle">
              {w.title}
            </text>
          </g>
        ))}
      </svg>
      <p className="iop-legend">
        {cpus.map((cpu, k) => (
          <span key={cpu}>
            <span className="iop-swatch" style={{ background: FILL[k % FILL.length] }} aria-hidden="true" /> {CPU_SHORT[cpu]} = {rep.transitions.find((t) => t.cpu === cpu)?.cpuName}
          </span>
        ))}
      </p>
      <p className="pl-note">{t('io.overhead.eachWorkloadIsA')}</p>
      <details className="pl-note">
        <summary>{t('io.overhead.dataTable')}</summary>
        <table className="iop-table">
          <thead>
            <tr>
              <th scope="col">{t('io.overhead.workload')}</th>
              <th scope="col">{t('io.overhead.cpu')}</th>
              <th scope="col">{t('io.overhead.vmmShare')}</th>
              <th scope="col">{t('io.overhead.exits')}</th>
              <th scope="col">{t('io.overhead.instructions')}</th>
              <th scope="col">{t('io.overhead.exits1000Instr')}</th>
            </tr>
          </thead>
          <tbody>
            {rep.cells.map((c) => (
              <tr key={`${c.workload}-${c.cpu}`}>
                <td>{rep.workloads.find((w) => w.id === c.workload)?.title}</td>
                <td>{CPU_SHORT[c.cpu]}</td>
                <td className="num">{c.vmmSharePercent} %</td>
                <td className="num">{fmt(c.exits)}</td>
                <td className="num">{fmt(c.instructions)}</td>
                <td className="num">{c.exitsPerKiloInstruction}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}

function TransitionChart({ rep }: { rep: OverheadReport }) {
  // Assumption rows (no measurement for that part) take the user's value; what they typed stays in the field.
  const [texts, setTexts] = useState<Record<string, string>>({});
  const errs: Record<string, string> = {};
  const rows = rep.transitions.map((z) => {
    const raw = texts[z.cpu];
    if (z.kind !== 'assumption' || raw === undefined) return z;
    const v = Number(raw.trim());
    if (raw.trim() === '' || !Number.isInteger(v) || v < 1 || v > 100000) {
      errs[z.cpu] = t('io.overhead.enterWholeCyclesFrom');
      return z;
    }
    return { ...z, roundTripCycles: v, roundTripNs: Math.round((v / z.clockHz) * 1e10) / 10 };
  });
  const h = 60 + rows.length * 44;
  const x = d3.scaleLinear().domain([0, Math.max(...rows.map((z) => z.roundTripNs)) * 1.05]).range([260, W - 250]);
  const y = d3.scaleBand().domain(rows.map((z) => z.cpu)).range([24, h - 40]).padding(0.25);
  return (
    <section className="panel" aria-label={t('io.overhead.transitionCostVmExit')}>
      <h2>{t('io.overhead.transitionCostOneVm')}</h2>
      <svg className="iop-chart" viewBox={`0 0 ${W} ${h}`} role="img" aria-labelledby="iop-rt-title iop-rt-desc">
        <title id="iop-rt-title">{t('io.overhead.vmExitPlusVm')}</title>
        <desc id="iop-rt-desc">{rows.map((z) => t('io.overhead.rtDesc', { cpuName: z.cpuName, roundTripCycles: z.roundTripCycles, roundTripNs: z.roundTripNs, kind: z.kind })).join('; ')}</desc>
        {x.ticks(5).map((v) => (
          <g key={v}>
            <line className="grid" x1={x(v)} x2={x(v)} y1={18} y2={h - 40} />
            <text className="tick" x={x(v)} y={h - 24} textAnchor="middle">
              <T k='io.overhead.nsTick' parts={{ v: v }} /></text>
          </g>
        ))}
        <text className="axis-label" x={(x.range()[0] + x.range()[1]) / 2} y={h - 4} textAnchor="middle">{t('io.overhead.roundTripAtThe')}</text>
        {rows.map((z, k) => (
          <g key={z.cpu}>
            <text className="axis-label" x={252} y={y(z.cpu)! + y.bandwidth() / 2} dy="0.32em" textAnchor="end">
              {z.cpuName}
            </text>
            <rect x={x(0)} y={y(z.cpu)} width={x(z.roundTripNs) - x(0)} height={y.bandwidth()} style={{ fill: FILL[k % FILL.length] }} className={z.kind === 'assumption' ? 'bar hatched' : 'bar'} />
            <text className="val" x={x(z.roundTripNs) + 6} y={y(z.cpu)! + y.bandwidth() / 2} dy="0.32em">
              <T k='io.overhead.nsCycles' parts={{ roundTripNs: z.roundTripNs, roundTripCycles: fmt(z.roundTripCycles), kind: z.kind === 'assumption' ? ' ' + t('io.overhead.assumptionParen') : '' }} />
            </text>
          </g>
        ))}
      </svg>
      <table className="iop-table">
        <caption className="visually-hidden">{t('io.overhead.roundTripFiguresAnd')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('io.overhead.cpuModel')}</th>
            <th scope="col">{t('io.overhead.clock')}</th>
            <th scope="col">{t('io.overhead.roundTrip')}</th>
            <th scope="col">{t('io.overhead.exitEntrySplit')}</th>
            <th scope="col">{t('io.overhead.kind')}</th>
            <th scope="col">{t('io.overhead.source')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((z) => (
            <tr key={z.cpu}>
              <td>{z.cpuName}</td>
              <td className="num"><T k='io.overhead.ghz' parts={{ ghz: (z.clockHz / 1e9).toFixed(2) }} /></td>
              <td className="num">
                <T k='io.overhead.cyclesNs' parts={{ roundTripCycles: fmt(z.roundTripCycles), roundTripNs: z.roundTripNs }} /></td>
              <td className="num">
                {fmt(z.vmExitCycles)} + {fmt(z.vmEntryCycles)}
              </td>
              <td>
                {z.kind === 'assumption' ? (
                  <div className="pl-field">
                    <label className="iop-assume" htmlFor={`iop-rt-${z.cpu}`}>{t('io.overhead.assumptionRoundTripCycles')}</label>
                    <input
                      id={`iop-rt-${z.cpu}`}
                      className="iop-small-input"
                      inputMode="numeric"
                      value={texts[z.cpu] ?? String(z.roundTripCycles)}
                      aria-invalid={errs[z.cpu] !== undefined}
                      aria-describedby={errs[z.cpu] !== undefined ? `iop-rt-${z.cpu}-err` : undefined}
                      onChange={(e) => {
                        const v = e.target.value;
                        setTexts((x) => ({ ...x, [z.cpu]: v }));
                      }}
                    />
                    {errs[z.cpu] !== undefined && (
                      <span className="field-error" id={`iop-rt-${z.cpu}-err`} role="alert">
                        {errs[z.cpu]}
                      </span>
                    )}
                  </div>
                ) : (
                  z.kind
                )}
              </td>
              <td className="iop-source">
                <details>
                  <summary>{z.figureId}</summary>
                  <p>{z.source}</p>
                  <p>{z.note}</p>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="pl-note"><T k='io.overhead.theHandlerWorkOn' parts={{ ioHandlerCycles: fmt(rows[0]?.ioHandlerCycles ?? 0) }} /></p>
    </section>
  );
}
