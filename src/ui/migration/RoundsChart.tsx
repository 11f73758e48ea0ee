/**
 * Bytes per pre-copy round, then the stop-and-copy (or the post-copy remainder), as a d3 bar chart in SVG. Rounds
 * not reached yet at the animation's moment are drawn faint; the round in progress fills as it is sent.
 */
import { useEffect, useMemo, useRef } from 'react';
import * as d3 from 'd3';
import type { MigrationResult } from '../../core/platform/migration/index.ts';
import { bytesText, type Frame } from './view.ts';
import '../../i18n/en/migration.ts';
import { t } from '../../i18n/t.ts';

const LEFT = 84; // room for "953.7 MiB" in the axis font
const TOP = 12;
const BOTTOM = 34;
const HEIGHT = 220;

interface Bar {
  label: string;
  bytes: number;
  start: number;
  end: number;
  kind: 'round' | 'final';
}

/** A bar's axis label: the round number, or the final phase named in the catalogue. */
const tickName = (label: string): string => (label === 'stop' ? t('migration.rounds.stop') : label === 'post' ? t('migration.rounds.post') : label);

export function barsOf(r: MigrationResult): Bar[] {
  const bars: Bar[] = r.roundList.map((x) => ({ label: String(x.index), bytes: x.bytesSent, start: x.startSeconds, end: x.startSeconds + x.durationSeconds, kind: 'round' }));
  const preEnd = bars.length > 0 ? bars[bars.length - 1].end : 0;
  if (r.postCopy !== null) bars.push({ label: 'post', bytes: r.postCopy.pagesAtSwitch * 4096, start: r.activationSeconds, end: r.totalSeconds, kind: 'final' });
  else bars.push({ label: 'stop', bytes: r.stopAndCopyBytes, start: preEnd, end: r.events.find((e) => e.kind === 'stop-and-copy-end')?.t ?? preEnd, kind: 'final' });
  return bars;
}

export function RoundsChart({ r, frame, width }: { r: MigrationResult; frame: Frame; width: number }) {
  const ref = useRef<SVGGElement>(null);
  const bars = useMemo(() => barsOf(r), [r]);
  useEffect(() => {
    if (ref.current === null) return;
    const g = d3.select(ref.current);
    g.selectAll('*').remove();
    const x = d3
      .scaleBand<number>()
      .domain(bars.map((_b, k) => k))
      .range([LEFT, width - 8])
      .paddingInner(bars.length > 60 ? 0 : 0.15);
    const y = d3
      .scaleLinear()
      .domain([0, Math.max(1, d3.max(bars, (b) => b.bytes) ?? 1)])
      .nice()
      .range([HEIGHT - BOTTOM, TOP]);
    g.append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(${LEFT},0)`)
      .attr('aria-hidden', 'true')
      .call(d3.axisLeft(y).ticks(5).tickFormat((v) => bytesText(v as number)));
    const every = Math.max(1, Math.ceil(bars.length / Math.max(1, Math.floor((width - LEFT) / 34))));
    g.append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(0,${HEIGHT - BOTTOM})`)
      .attr('aria-hidden', 'true')
      .call(
        d3
          .axisBottom(x)
          .tickValues(bars.map((_b, k) => k).filter((k) => k % every === 0 || k === bars.length - 1))
          .tickFormat((k) => tickName(bars[k as number].label)),
      );
    g.append('text').attr('class', 'axis-title').attr('x', LEFT).attr('y', HEIGHT - 4).text(t('migration.rounds.preCopyRoundStop'));
    const at = frame.t;
    bars.forEach((b, k) => {
      const x0 = x(k)!;
      const w = Math.max(1, x.bandwidth());
      const y0 = y(b.bytes);
      const h = Math.max(b.bytes > 0 ? 1 : 0, HEIGHT - BOTTOM - y0);
      g.append('rect').attr('class', `bar ghost ${b.kind}`).attr('x', x0).attr('y', y0).attr('width', w).attr('height', h);
      const f = b.end <= b.start ? (at >= b.end ? 1 : 0) : Math.min(1, Math.max(0, (at - b.start) / (b.end - b.start)));
      if (f > 0) {
        const hf = h * f;
        g.append('rect').attr('class', `bar ${b.kind}`).attr('x', x0).attr('y', HEIGHT - BOTTOM - hf).attr('width', w).attr('height', hf);
      }
    });
  }, [bars, frame.t, width]);
  const summary = bars.map((b) => t('migration.rounds.summaryItem', { bar: b.label === 'stop' ? t('migration.rounds.stopAndCopy') : b.label === 'post' ? t('migration.rounds.postCopy') : t('migration.rounds.round', { n: b.label }), bytes: bytesText(b.bytes) })).slice(0, 40).join('; ');
  return (
    <svg className="mg-chart" width={width} height={HEIGHT} role="img" aria-label={t('migration.rounds.bytesSentPerRound', { summary, value: bars.length > 40 ? '; …' : '' })} data-testid="rounds-chart">
      <g ref={ref} />
    </svg>
  );
}
