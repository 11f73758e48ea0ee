/**
 * The fail-over's events on a time axis (d3 scale and axis into SVG): one lane per actor, a mark per event
 * (calls that share a moment are one mark with a count), the outage shaded from the failure to the switch-over,
 * and the detection interval drawn as a bracket. Seconds are relative to the failure.
 */
import { useEffect, useMemo, useRef } from 'react';
import * as d3 from 'd3';
import type { FailoverResult } from '../../core/platform/failover/index.ts';
import { LANES, markers, type Marker } from './view.ts';
import '../../i18n/en/failover.ts';
import { t } from '../../i18n/t.ts';

const LEFT = 76;
const TOP = 28;
const ROW = 30;
const RIGHT = 16;

const BAD = new Set(['failure', 'vm-lost', 'call-dropped', 'invite-timeout', 'call-setup-failed', 'no-standby-host']);
const GOOD = new Set(['takeover', 'vip-moved', 'call-survived', 'standby-ready', 'pbx-restarted']);

export function FailoverTimeline({ r, failAtS, width }: { r: FailoverResult; failAtS: number; width: number }) {
  const ref = useRef<SVGGElement>(null);
  const marks = useMemo(() => markers(r).filter((m) => m.kind !== 'advert' || m.t >= failAtS - 3.5), [r, failAtS]);
  const height = TOP + LANES.length * ROW + 8;
  useEffect(() => {
    if (ref.current === null) return;
    const g = d3.select(ref.current);
    g.selectAll('*').remove();
    const rel = (t: number) => t - failAtS;
    const maxT = Math.max(10, ...marks.map((m) => rel(m.t)));
    const x = d3.scaleSymlog().constant(2).domain([-4, maxT * 1.04]).range([LEFT, width - RIGHT]);
    const ticks = [-3, 0, 1, 2, 3, 5, 10, 20, 30, 45, 60, 90, 120].filter((v) => v <= maxT);
    g.append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(0,${TOP - 6})`)
      .attr('aria-hidden', 'true')
      .call(d3.axisTop(x).tickValues(ticks).tickFormat((v) => `${(v as number) > 0 ? '+' : ''}${v} s`));
    LANES.forEach((lane, k) => {
      const y = TOP + k * ROW + ROW / 2;
      g.append('line').attr('class', 'lane').attr('x1', LEFT).attr('x2', width - RIGHT).attr('y1', y).attr('y2', y);
      g.append('text').attr('class', 'lane-label').attr('x', LEFT - 8).attr('y', y).attr('dy', '0.35em').attr('text-anchor', 'end').text(lane);
    });
    if (r.switchoverS !== null) {
      g.append('rect').attr('class', 'outage').attr('x', x(0)).attr('y', TOP).attr('width', Math.max(1, x(r.switchoverS) - x(0))).attr('height', LANES.length * ROW);
    }
    if (r.detectionS !== null) {
      const y = TOP + 1 * ROW + 4;
      g.append('line').attr('class', 'bracket').attr('x1', x(0)).attr('x2', x(r.detectionS)).attr('y1', y).attr('y2', y);
    }
    const laneY = (m: Marker) => TOP + LANES.indexOf(m.lane) * ROW + ROW / 2;
    const nodes = g
      .selectAll<SVGGElement, Marker>('g.mark')
      .data(marks)
      .enter()
      .append('g')
      .attr('class', (m) => `mark ${BAD.has(m.kind) ? 'bad' : GOOD.has(m.kind) ? 'good' : 'info'} k-${m.kind}`)
      .attr('transform', (m) => `translate(${x(rel(m.t))},${laneY(m)})`);
    nodes
      .append('path')
      .attr('d', (m) => d3.symbol(BAD.has(m.kind) ? d3.symbolCross : GOOD.has(m.kind) ? d3.symbolCircle : d3.symbolDiamond, m.kind === 'advert' ? 30 : 80)());
    nodes.append('title').text((m) => `${rel(m.t) >= 0 ? '+' : ''}${rel(m.t).toFixed(3)} s: ${m.text}${m.count > 1 ? t('failover.timeline.andMore', { value: m.count - 1 }) : ''}`);
    nodes
      .filter((m) => m.count > 1)
      .append('text')
      .attr('class', 'count')
      .attr('x', 7)
      .attr('y', -6)
      .text((m) => `×${m.count}`);
  }, [marks, width, failAtS, r]);
  return (
    <svg className="fo-chart" width={width} height={height} role="img" aria-label={t('failover.timeline.timelineOfTheFail')} data-testid="failover-timeline">
      <g ref={ref} />
    </svg>
  );
}
