/**
 * Progress lanes (SVG; d3 scales and line generators, React owns the DOM): one lane per service, its work done
 * over simulated time — solid: this run; dashed: the same VM without the fault (where given). Hatched: the
 * stretch where the service was failed, restarting or off. Marks: ✕ fault, ◆ what reported it, ↻ restart,
 * ■ server down. Every mark has a text label; colour is only a second cue.
 */
import { useId } from 'react';
import * as d3 from 'd3';
import type { LaneState, ProgressSample } from '../../core/isolation/index.ts';
import type { LaneMark } from './faults-view.ts';
import '../../i18n/en/isolation.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

const LEFT = 160;
const RIGHT = 175;
const TOP = 26;
const LANE_H = 62;
const GAP = 10;

export interface LaneSpec {
  label: string;
  sub: string;
  end: string;
  /** Second line at the lane's end (under the state). */
  endSub?: string;
  endTestId: string;
}

const DOWN: ReadonlySet<LaneState> = new Set(['failed', 'off', 'restarting']);

export function ProgressLanes(props: {
  title: string;
  testId: string;
  width: number;
  durationMs: number;
  samples: ProgressSample[];
  reference?: ProgressSample[];
  lanes: LaneSpec[];
  marks: LaneMark[];
}) {
  const { width, durationMs, samples, reference, lanes, marks } = props;
  const hatch = `${useId().replace(/:/g, '')}-hatch`;
  const x = d3.scaleLinear().domain([0, durationMs]).range([LEFT, Math.max(LEFT + 50, width - RIGHT)]);
  const height = TOP + lanes.length * (LANE_H + GAP) + 4;
  const laneTop = (k: number) => TOP + k * (LANE_H + GAP);
  const ticks = x.ticks(Math.max(3, Math.floor((width - LEFT - RIGHT) / 90)));
  const summary = t('isolation.lanes.summary', { title: props.title, lanes: lanes.map((l) => `${l.label} ${l.end}`).join('; '), marks: marks.map((m) => t('isolation.lanes.markAt', { label: m.label, ms: m.t.toFixed(3) })).join(', ') || t('isolation.lanes.none') });
  return (
    <svg className="iso-lanes" width={width} height={height} role="img" aria-label={summary} data-testid={props.testId}>
      <defs>
        <pattern id={hatch} width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="8" height="8" className="iso-hatch-bg" />
          <line x1="0" y1="0" x2="0" y2="8" className="iso-hatch-line" />
        </pattern>
      </defs>
      <g className="axis" aria-hidden="true">
        {ticks.map((t) => (
          <g key={t} transform={`translate(${x(t)},0)`}>
            <line y1={TOP - 4} y2={height - 4} className="iso-grid" />
            <text y={TOP - 8} textAnchor="middle">
              <T k='isolation.lanes.tickMs' parts={{ t: t }} /></text>
          </g>
        ))}
      </g>
      {lanes.map((lane, k) => {
        const top = laneTop(k);
        const max = Math.max(1, ...samples.map((s) => s.progress[k]), ...(reference ?? []).map((s) => s.progress[k]));
        const y = d3.scaleLinear().domain([0, max]).range([top + LANE_H - 4, top + 6]);
        const line = d3
          .line<ProgressSample>()
          .x((s) => x(s.t))
          .y((s) => y(s.progress[k]));
        // Stretches where the lane is down.
        const bands: [number, number][] = [];
        let from = -1;
        samples.forEach((s, j) => {
          const down = DOWN.has(s.state[k]);
          if (down && from < 0) from = s.t;
          if ((!down || j === samples.length - 1) && from >= 0) {
            bands.push([from, s.t]);
            from = -1;
          }
        });
        return (
          <g key={lane.label} className={`iso-lane lane-${k}`}>
            <rect x={LEFT} y={top} width={x(durationMs) - LEFT} height={LANE_H} className="iso-lane-bg" />
            {bands.map(([a, b]) => (
              <rect key={a} x={x(a)} y={top} width={Math.max(2, x(b) - x(a))} height={LANE_H} fill={`url(#${hatch})`} className="iso-down" />
            ))}
            <text x={LEFT - 8} y={top + 22} textAnchor="end" className="iso-lane-label">
              {lane.label}
            </text>
            <text x={LEFT - 8} y={top + 40} textAnchor="end" className="iso-lane-sub">
              {lane.sub}
            </text>
            {reference !== undefined && <path d={line(reference) ?? ''} className="iso-ref" />}
            <path d={line(samples) ?? ''} className="iso-line" />
            <text x={x(durationMs) + 8} y={top + 22} className="iso-lane-end" data-testid={lane.endTestId}>
              {lane.end}
            </text>
            <text x={x(durationMs) + 8} y={top + 40} className="iso-lane-sub">
              {lane.endSub ?? t('isolation.lanes.units', { n: samples[samples.length - 1]?.progress[k].toLocaleString('en-US') })}
            </text>
          </g>
        );
      })}
      {marks.map((m, j) => {
        const k0 = m.lane < 0 ? 0 : m.lane;
        const k1 = m.lane < 0 ? lanes.length - 1 : m.lane;
        const y0 = laneTop(k0);
        const y1 = laneTop(k1) + LANE_H;
        const px = x(Math.min(m.t, durationMs));
        const glyph = m.kind === 'fault' ? '✕' : m.kind === 'detect' ? '◆' : m.kind === 'restart' ? '↻' : m.kind === 'down' ? '■' : '•';
        // Labels of marks close together are staggered.
        const dy = (j % 2) * 14;
        return (
          <g key={j} className={`iso-mark ${m.kind}`} transform={`translate(${px},0)`}>
            <line y1={y0} y2={y1} />
            <text y={y0 + 12 + dy} x={4}>
              {glyph} {m.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
