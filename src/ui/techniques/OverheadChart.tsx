/**
 * Overhead against native, one horizontal bar per technique (d3 scales and axis into an SVG: six bars need no
 * canvas). Every bar carries its value as text; a run that did not finish or could not run says so in words
 * instead of a bar. Bars grow in only when motion is allowed (prefers-reduced-motion, or the app's setting), by CSS.
 */
import { useEffect, useRef } from 'react';
import * as d3 from 'd3';
import type { TechniqueResult } from '../../worker/protocol.ts';
import { overheadText, verdictLook } from './view.ts';
import { reducedMotion } from '../shell/prefs-effects.ts';
import '../../i18n/en/techniques.ts';
import { t } from '../../i18n/t.ts';

const ROW = 30;
const LEFT = 178;
const RIGHT = 280;
const TOP = 26;

export function OverheadChart({ results, width }: { results: TechniqueResult[]; width: number }) {
  const ref = useRef<SVGGElement>(null);
  const height = TOP + results.length * ROW + 8;
  useEffect(() => {
    const svg = d3.select(ref.current);
    if (ref.current === null) return;
    svg.selectAll('*').remove();
    const values = results.map((r) => r.overheadPercent ?? 0);
    const lo = Math.min(0, ...values);
    const hi = Math.max(1, ...values);
    const x = d3.scaleLinear().domain([lo, hi]).nice().range([LEFT, Math.max(LEFT + 40, width - RIGHT)]);
    const y = (k: number): number => TOP + k * ROW;
    svg
      .append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(0,${TOP - 4})`)
      .attr('aria-hidden', 'true')
      .call(d3.axisTop(x).ticks(Math.max(2, Math.floor((width - LEFT - RIGHT) / 90))).tickFormat((v) => `${d3.format(',')(v as number)} %`));
    const rows = svg.selectAll<SVGGElement, TechniqueResult>('g.row').data(results).enter().append('g').attr('class', 'row');
    rows
      .append('text')
      .attr('class', 'label')
      .attr('x', LEFT - 8)
      .attr('y', (_r, k) => y(k) + ROW / 2)
      .attr('dy', '0.35em')
      .attr('text-anchor', 'end')
      .text((r) => r.title);
    const finished = rows.filter((r) => r.overheadPercent !== null);
    const bars = finished
      .append('rect')
      // i18n-ignore: a CSS class name
      .attr('class', (r) => `bar tone-${verdictLook(r.verdict).tone}`)
      .attr('y', (r) => y(results.indexOf(r)) + 5)
      .attr('height', ROW - 10)
      ;
    const xAt = (r: TechniqueResult): number => Math.min(x(0), x(r.overheadPercent!));
    const wAt = (r: TechniqueResult): number => Math.max(r.technique === 'native' ? 0 : 2, Math.abs(x(r.overheadPercent!) - x(0)));
    // Bars grow in by a CSS animation (techniques.css), switched off for reduced motion.
    bars.attr('x', xAt).attr('width', wAt).classed('grow', !reducedMotion());
    rows
      .append('text')
      .attr('class', 'value')
      .attr('x', (r) => (r.overheadPercent === null ? x(0) + 4 : Math.max(x(0), x(r.overheadPercent)) + 6))
      .attr('y', (_r, k) => y(k) + ROW / 2)
      .attr('dy', '0.35em')
      // The native row is the baseline itself: its verdict word would only repeat it ("baseline — Baseline").
      .text((r) => `${verdictLook(r.verdict).icon} ${overheadText(r)}${r.overheadPercent === null || r.technique === 'native' ? '' : ` — ${verdictLook(r.verdict).word}`}`);
    svg.append('line').attr('class', 'zero').attr('x1', x(0)).attr('x2', x(0)).attr('y1', TOP - 4).attr('y2', height - 4).attr('aria-hidden', 'true');
  }, [results, width, height]);
  const summary = results.map((r) => `${r.title}: ${overheadText(r)}`).join('; ');
  return (
    <svg className="overhead-chart" width={width} height={height} role="img" aria-label={t('techniques.overhead.overheadAgainstNativeBusy', { summary })} data-testid="overhead-chart">
      <title>{t('techniques.overhead.overheadAgainstNative', { summary })}</title>
      <g ref={ref} />
    </svg>
  );
}
