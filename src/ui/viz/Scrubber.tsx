/**
 * The timeline: simulated time from 0 to the furthest point reached, the played part shaded, VM exits
 * and interrupts as ticks (from the events the UI holds), the playhead. Click or drag to go to a
 * moment (the engine restores the nearest snapshot and re-simulates); focused, the arrow keys move one
 * event. Drawn on a canvas; d3 computes the scale and the ticks.
 */
import { useEffect, useRef } from 'react';
import { scaleLinear } from 'd3';
import { useApp } from '../../state/store.ts';
import { eventLog } from '../../state/event-log.ts';
import { commands } from '../engine/client.ts';
import { EventKind } from '../../core/trace/events.ts';
import { formatCount, formatSimTime } from './format-event.ts';
import { t } from '../../i18n/t.ts';

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

export function Scrubber() {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const seq = useApp((s) => s.status?.position.seq ?? 0);
  const horizonSeq = useApp((s) => s.status?.position.horizonSeq ?? 0);
  const cycle = useApp((s) => s.status?.clockCycle ?? 0);
  const horizonCycle = useApp((s) => s.status?.position.horizonCycle ?? 0);
  const hz = useApp((s) => s.status?.clockHz ?? 1);
  const logVersion = useApp((s) => s.logVersion);
  const theme = useApp((s) => s.theme);
  const fontScale = useApp((s) => s.fontScale);
  const loaded = useApp((s) => s.status?.spec != null);
  const maxCycle = Math.max(horizonCycle, cycle, 1);
  const seeking = useRef(false);
  const pendingCycle = useRef<number | null>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    const wrap = wrapRef.current;
    if (canvas === null || wrap === null) return;
    const dpr = window.devicePixelRatio || 1;
    const w = wrap.clientWidth;
    const h = wrap.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext('2d');
    if (ctx === null) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const x = scaleLinear().domain([0, maxCycle]).range([6, w - 6]);
    const fontPx = Math.max(10, Math.round((h - h * 0.55) * 0.62));
    // Played part.
    ctx.fillStyle = cssVar('--sel');
    ctx.fillRect(x(0), 0, x(cycle) - x(0), h);
    // Two bands: events on top (VM exits in the upper half, interrupts in the lower), the time axis below.
    const band = Math.round(h * 0.55);
    const vmx = cssVar('--vmx');
    const ring = cssVar('--ring');
    for (let s = eventLog.startSeq; s < eventLog.endSeq; s++) {
      const kind = eventLog.kindAt(s);
      if (kind === EventKind.VMEXIT) {
        ctx.fillStyle = vmx;
        ctx.fillRect(Math.round(x(eventLog.cycleAt(s))), 3, 1, band / 2 - 4);
      } else if (kind === EventKind.EVENT_DELIVERY) {
        ctx.fillStyle = ring;
        ctx.fillRect(Math.round(x(eventLog.cycleAt(s))), band / 2 + 1, 1, band / 2 - 3);
      }
    }
    ctx.fillStyle = cssVar('--line-soft');
    ctx.fillRect(0, band, w, 1);
    // Axis ticks in simulated time.
    ctx.fillStyle = cssVar('--fg-2');
    ctx.font = `${fontPx}px ${cssVar('--font')}`;
    ctx.textBaseline = 'middle';
    // Simulated time is whole cycles: a tick between two cycles (a run that has not started spans one cycle, which
    // d3 would label in hundredths of a nanosecond) marks no instant of the run.
    // Before the run has started the axis spans a single cycle: only its start is labelled, not "0.441 ns".
    const ticks = maxCycle > 1 ? x.ticks(Math.max(2, Math.floor(w / 140))).filter(Number.isInteger) : [0];
    for (const t of ticks) {
      const px = x(t);
      ctx.fillRect(Math.round(px), band, 1, 4);
      const label = formatSimTime(t, hz);
      // A label that would run off the right edge is drawn to the left of its tick instead of being cut.
      const lw = ctx.measureText(label).width;
      ctx.fillText(label, px + 3 + lw > w ? px - 3 - lw : px + 3, band + (h - band) / 2 + 1);
    }
    // Playhead.
    ctx.fillStyle = cssVar('--focus');
    const px = Math.round(x(cycle));
    ctx.fillRect(px - 1, 0, 3, h);
  }, [cycle, maxCycle, logVersion, theme, fontScale, hz]);

  // Redraw on resize.
  useEffect(() => {
    const wrap = wrapRef.current;
    if (wrap === null) return;
    const ro = new ResizeObserver(() => useApp.getState().bumpLog());
    ro.observe(wrap);
    return () => ro.disconnect();
  }, []);

  const seekTo = async (c: number): Promise<void> => {
    // One seek in flight; the latest position wins.
    pendingCycle.current = c;
    if (seeking.current) return;
    seeking.current = true;
    while (pendingCycle.current !== null) {
      const next = pendingCycle.current;
      pendingCycle.current = null;
      await commands.seekCycle(next);
    }
    seeking.current = false;
  };

  const cycleAt = (clientX: number): number => {
    const r = wrapRef.current!.getBoundingClientRect();
    const f = Math.max(0, Math.min(1, (clientX - r.left - 6) / Math.max(1, r.width - 12)));
    return Math.round(f * maxCycle);
  };

  const onPointerDown = (e: React.PointerEvent) => {
    if (!loaded) return;
    (e.target as HTMLElement).setPointerCapture(e.pointerId);
    void seekTo(cycleAt(e.clientX));
  };
  const onPointerMove = (e: React.PointerEvent) => {
    if (e.buttons !== 1 || !loaded) return;
    void seekTo(cycleAt(e.clientX));
  };
  const onKey = (e: React.KeyboardEvent) => {
    if (!loaded) return;
    const big = Math.max(1, Math.round(maxCycle / 10));
    let handled = true;
    if (e.key === 'ArrowRight' || e.key === 'ArrowUp') void commands.step(1);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') void commands.stepBack(1);
    else if (e.key === 'PageUp') void seekTo(Math.min(maxCycle, cycle + big));
    else if (e.key === 'PageDown') void seekTo(Math.max(0, cycle - big));
    else if (e.key === 'Home') void commands.seek(0);
    else if (e.key === 'End') void commands.seek(horizonSeq);
    else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  return (
    <div
      ref={wrapRef}
      className="scrubber"
      role="slider"
      tabIndex={0}
      aria-label={t('viz.scrubber.label')}
      aria-valuemin={0}
      aria-valuemax={Math.max(horizonSeq, seq)}
      aria-valuenow={seq}
      aria-valuetext={t('viz.scrubber.valueText', { n: formatCount(seq), total: formatCount(Math.max(horizonSeq, seq)), time: formatSimTime(cycle, hz) })}
      aria-disabled={!loaded}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onKeyDown={onKey}
    >
      <canvas ref={canvasRef} aria-hidden="true" />
    </div>
  );
}
