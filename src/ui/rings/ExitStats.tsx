/**
 * VM exits over simulated time, by reason: lanes on a shared time axis (one per reason, a tick per
 * exit, binned per pixel column so a million exits draw in a frame), a histogram like kvm_stat, and
 * the split of cycles between the guest (VMX non-root) and the VMM (VMX root).
 *
 * Presentational only: everything comes in through props; a click or Enter on an exit calls
 * `onJump(seq + 1)`, the moment just after that exit. The lanes are one focusable group: ← → move a
 * cursor between exits (↑ ↓ choose a lane and keep to its reason; above the top lane means all
 * reasons), Home/End go to the first/last, Enter jumps; a polite live line says which exit is selected.
 * Geometry and counting live in ../viz/exit-lanes.ts.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent as ReactKeyboardEvent, PointerEvent as ReactPointerEvent } from 'react';
import { scaleLinear, schemeTableau10 } from 'd3';
import type { ExitList } from '../../core/timeline/exit-index.ts';
import { formatCount, formatSimTime } from '../viz/format-event.ts';
import {
  binLanes,
  columnOf,
  countAtOrBefore,
  describeExit,
  ensureContrast,
  formatRate,
  formatTenths,
  groupByReason,
  histogramRows,
  indexOfSeq,
  laneOrder,
  nearestInGroup,
  overheadSplit,
  overheadText,
  reasonLabel,
  slotOfReason,
  stepExit,
  tickStrength,
} from '../viz/exit-lanes.ts';
import type { ExitGroups, HistogramRow, LaneBins, LaneOrder } from '../viz/exit-lanes.ts';
import './exit-stats.css';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

export type ExitStatsDetail = 'sales' | 'classroom' | 'engineer';

export interface ExitStatsProps {
  /** Every VM exit up to the position (null until read). */
  exits: ExitList | null;
  clockHz: number;
  /** The end of the time axis (the furthest point reached). */
  maxCycle: number;
  /** The playhead. */
  positionCycle: number;
  /** Cycles spent in VMX non-root operation (the guest) and in root operation (the VMM). */
  guestCycles: number;
  vmmCycles: number;
  /** Cycles nobody worked: the guest halted, waiting for an interrupt (shown apart from the split). */
  idleCycles?: number;
  /** A bare program that is its own hypervisor: its exits are counted, but only the built-in VMM's time is split. */
  ownHypervisor?: boolean;
  detail: ExitStatsDetail;
  /** Go to event `seq` (called with an exit's seq + 1: just after the exit). */
  onJump(seq: number): void;
  /** The app's selected event; when it is a VM exit, the lanes' cursor moves to it. */
  selectedSeq?: number | null;
}

/** Lane and axis heights in rem (the canvas reads the root font size, so both follow the font scale). */
const LANE_REM = 1.9;
const AXIS_REM = 1.7;
/** Horizontal padding of the plot inside the canvas, CSS px. */
const PAD = 8;
/** A click within this many CSS px of an exit hits it. */
const HIT_PX = 5;
/** Sales detail shows this many reasons. */
const SALES_TOP = 5;

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}
function rootPx(): number {
  return parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
}

/** Changes whenever the theme or the font scale on <html> changes (so canvas colors and sizes follow). */
function useDocumentLook(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const mo = new MutationObserver(() => setVersion((v) => v + 1));
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'style', 'class'] });
    return () => mo.disconnect();
  }, []);
  return version;
}

/** One categorical color per reason slot (d3's Tableau 10), adjusted to 3:1 contrast on the theme's background. */
function useLaneColors(groups: ExitGroups | null, look: number): string[] {
  const n = groups?.groups.length ?? 0;
  return useMemo(() => {
    void look;
    if (n === 0) return [];
    const bg = cssVar('--bg');
    return Array.from({ length: n }, (_, k) => ensureContrast(schemeTableau10[k % schemeTableau10.length], bg, 3));
  }, [n, look]);
}

export function ExitStats(props: ExitStatsProps) {
  const { exits, clockHz, maxCycle, positionCycle, guestCycles, vmmCycles, detail } = props;
  const look = useDocumentLook();
  const groups = useMemo(() => (exits === null ? null : groupByReason(exits)), [exits]);
  const colors = useLaneColors(groups, look);
  const hz = clockHz > 0 ? clockHz : 1;

  // The rate window: from the first exit still held (or 0) to the position or the last exit.
  const count = exits?.count ?? 0;
  const lastCycle = exits !== null && count > 0 ? exits.cycle[count - 1] : 0;
  const windowStart = exits !== null && exits.dropped > 0 && count > 0 ? exits.cycle[0] : 0;
  const spanCycles = Math.max(positionCycle, lastCycle) - windowStart;
  const rows = useMemo(
    () => (groups === null ? [] : histogramRows(groups, detail === 'engineer' ? { clockHz: hz, spanCycles } : null)),
    [groups, detail, hz, spanCycles],
  );
  const colorOfReason = (reason: number): string => {
    const s = groups === null ? -1 : slotOfReason(groups, reason);
    return s >= 0 ? (colors[s] ?? 'var(--accent)') : 'var(--accent)';
  };

  return (
    <section className={`exit-stats xs-${detail}`} aria-label={t('rings.exitStats.label')}>
      {detail !== 'sales' && (
        <ExitLanes
          exits={exits}
          groups={groups}
          colors={colors}
          look={look}
          hz={hz}
          domainEnd={Math.max(maxCycle, lastCycle, 1)}
          positionCycle={positionCycle}
          detail={detail}
          onJump={props.onJump}
          selectedSeq={props.selectedSeq ?? null}
        />
      )}
      <ExitHistogram exits={exits} rows={rows} detail={detail} colorOf={colorOfReason} hz={hz} spanCycles={spanCycles} />
      {props.ownHypervisor === true ? (
        <div className="xs-block">
          <h3 className="xs-title">{t('rings.exitStats.guestVsVmm')}</h3>
          <p className="xs-overhead-text">{t('rings.exitStats.ownHypervisor')}</p>
        </div>
      ) : (
        <OverheadBar guestCycles={guestCycles} vmmCycles={vmmCycles} idleCycles={props.idleCycles ?? 0} hz={hz} detail={detail} />
      )}
    </section>
  );
}

// ------------------------------------------------------------------ lanes

interface LanesProps {
  exits: ExitList | null;
  groups: ExitGroups | null;
  colors: string[];
  look: number;
  hz: number;
  domainEnd: number;
  positionCycle: number;
  detail: ExitStatsDetail;
  onJump(seq: number): void;
  selectedSeq: number | null;
}

function ExitLanes({ exits, groups, colors, look, hz, domainEnd, positionCycle, detail, onJump, selectedSeq }: LanesProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const plotRef = useRef<HTMLDivElement>(null);
  const binBuffer = useRef<Uint32Array | undefined>(undefined);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [order, setOrder] = useState<LaneOrder>('count');
  /** The cursor, as the exit's event number (survives a new exit list), and the lane the arrows keep to. */
  const [cursorSeq, setCursorSeq] = useState<number | null>(null);
  const [laneReason, setLaneReason] = useState<number | null>(null);
  const [edge, setEdge] = useState<string>('');
  const hintId = useId();
  const titleId = useId();

  const lanes = groups?.groups.length ?? 0;
  const slots = useMemo(() => (groups === null ? new Uint16Array(0) : laneOrder(groups, order)), [groups, order]);
  const rowOfSlot = useMemo(() => {
    const r = new Int32Array(lanes).fill(-1);
    slots.forEach((s, row) => (r[s] = row));
    return r;
  }, [slots, lanes]);
  const columns = Math.max(1, Math.floor(size.w - 2 * PAD));
  const bins: LaneBins | null = useMemo(() => {
    if (exits === null || groups === null || lanes === 0 || size.w === 0) return null;
    const b = binLanes(exits, groups, domainEnd, columns, binBuffer.current);
    if (b.counts.buffer !== binBuffer.current?.buffer) binBuffer.current = new Uint32Array(b.counts.buffer);
    return b;
  }, [exits, groups, lanes, domainEnd, columns, size.w]);

  const cursor = exits !== null && cursorSeq !== null ? indexOfSeq(exits, cursorSeq) : -1;
  const laneSlot = groups !== null && laneReason !== null ? slotOfReason(groups, laneReason) : -1;
  const laneGroup = groups !== null && laneSlot >= 0 ? groups.groups[laneSlot] : null;

  // Follow the app's selection when it names a VM exit (once per new selection).
  const synced = useRef<number | null>(null);
  useEffect(() => {
    if (selectedSeq === null || exits === null || synced.current === selectedSeq) return;
    if (indexOfSeq(exits, selectedSeq) >= 0) {
      synced.current = selectedSeq;
      setCursorSeq(selectedSeq);
      setEdge('');
    }
  }, [selectedSeq, exits]);

  // Size: the plot box is sized in rem by CSS; watch it.
  useEffect(() => {
    const el = plotRef.current;
    if (el === null) return;
    const ro = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    setSize({ w: el.clientWidth, h: el.clientHeight });
    return () => ro.disconnect();
  }, [lanes > 0]);

  // Draw.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (canvas === null || bins === null || exits === null || groups === null || size.w === 0) return;
    const dpr = window.devicePixelRatio || 1;
    const { w, h } = size;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext('2d');
    if (ctx === null) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const px = rootPx();
    const laneH = LANE_REM * px;
    const lanesH = laneH * bins.lanes;
    const cols = bins.columns;
    const x = scaleLinear().domain([0, domainEnd]).range([PAD, PAD + cols]);
    const bg2 = cssVar('--bg-2');
    const sel = cssVar('--sel');
    const soft = cssVar('--line-soft');
    // Lane backgrounds (the lane the arrows keep to is highlighted) and their separators.
    for (let row = 0; row < bins.lanes; row++) {
      const y0 = row * laneH;
      if (slots[row] === laneSlot) {
        ctx.fillStyle = sel;
        ctx.fillRect(0, y0, w, laneH);
      } else if (row % 2 === 1) {
        ctx.fillStyle = bg2;
        ctx.fillRect(0, y0, w, laneH);
      }
      ctx.fillStyle = soft;
      ctx.fillRect(0, Math.round(y0 + laneH) - 1, w, 1);
    }
    // Ticks: one per non-empty pixel column; height and opacity grow (log) with the count in it.
    const tickW = Math.max(1, Math.min(2, 2 / dpr + 0.5));
    for (let row = 0; row < bins.lanes; row++) {
      const slot = slots[row];
      const y0 = row * laneH;
      const base = slot * cols;
      const full = laneH - 6;
      ctx.fillStyle = colors[slot] ?? '#888';
      for (let c = 0; c < cols; c++) {
        const n = bins.counts[base + c];
        if (n === 0) continue;
        const s = tickStrength(n, bins.max);
        const th = full * (0.45 + 0.55 * s);
        ctx.globalAlpha = 0.6 + 0.4 * s;
        ctx.fillRect(PAD + c, y0 + (laneH - th) / 2, tickW, th);
      }
    }
    ctx.globalAlpha = 1;
    // Time axis.
    const axisY = Math.round(lanesH);
    ctx.fillStyle = cssVar('--line');
    ctx.fillRect(PAD, axisY, cols, 1);
    ctx.fillStyle = cssVar('--fg-2');
    ctx.font = `${Math.round(0.78 * px)}px ${cssVar('--font')}`;
    ctx.textBaseline = 'middle';
    for (const t of x.ticks(Math.max(2, Math.floor(cols / (7 * px))))) {
      const tx = x(t);
      ctx.fillRect(Math.round(tx), axisY, 1, 5);
      const label = formatSimTime(t, hz);
      const tw = ctx.measureText(label).width;
      ctx.fillText(label, Math.max(0, Math.min(w - tw, tx - tw / 2)), axisY + (h - axisY) / 2 + 2);
    }
    // Playhead: a line with a cap, over every lane.
    const ph = Math.round(x(Math.max(0, Math.min(domainEnd, positionCycle))));
    ctx.fillStyle = cssVar('--accent');
    ctx.fillRect(ph - 1, 0, 2, lanesH + 5);
    ctx.beginPath();
    ctx.moveTo(ph - 5, 0);
    ctx.lineTo(ph + 5, 0);
    ctx.lineTo(ph, 6);
    ctx.closePath();
    ctx.fill();
    // The keyboard cursor: a focus-colored box around its tick plus a guide line across the lanes.
    if (cursor >= 0) {
      const slot = slotOfReason(groups, exits.reason[cursor]);
      const row = slot >= 0 ? rowOfSlot[slot] : -1;
      if (row >= 0) {
        const cx = PAD + columnOf(exits.cycle[cursor], domainEnd, cols) + tickW / 2;
        const focus = cssVar('--focus');
        ctx.strokeStyle = focus;
        ctx.globalAlpha = 0.7;
        ctx.lineWidth = 1;
        ctx.setLineDash([3, 3]);
        ctx.beginPath();
        ctx.moveTo(Math.round(cx) + 0.5, 0);
        ctx.lineTo(Math.round(cx) + 0.5, lanesH);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.globalAlpha = 1;
        ctx.lineWidth = 3;
        ctx.strokeStyle = cssVar('--bg');
        ctx.strokeRect(cx - 7, row * laneH + 2, 14, laneH - 4);
        ctx.lineWidth = 2.5;
        ctx.strokeStyle = focus;
        ctx.strokeRect(cx - 7, row * laneH + 2, 14, laneH - 4);
      }
    }
  }, [bins, exits, groups, slots, rowOfSlot, colors, size, look, domainEnd, positionCycle, cursor, laneSlot, hz]);

  // ---------------------------------------------------------------- pointer
  const hitAt = (clientX: number, clientY: number): number => {
    const el = plotRef.current;
    if (el === null || exits === null || groups === null || bins === null) return -1;
    const r = el.getBoundingClientRect();
    const laneH = LANE_REM * rootPx();
    const row = Math.floor((clientY - r.top) / laneH);
    if (row < 0 || row >= bins.lanes) return -1;
    const cycle = ((clientX - r.left - PAD) / bins.columns) * domainEnd;
    const tolerance = (HIT_PX / bins.columns) * domainEnd;
    return nearestInGroup(exits, groups.groups[slots[row]], cycle, tolerance);
  };
  const onPointerDown = (e: ReactPointerEvent) => {
    if (e.button !== 0 || exits === null) return;
    const i = hitAt(e.clientX, e.clientY);
    if (i < 0) return;
    setCursorSeq(exits.seq[i]);
    setEdge('');
    // With the arrows kept to a lane, a click in another lane moves that restriction there.
    if (laneReason !== null) setLaneReason(exits.reason[i]);
    onJump(exits.seq[i] + 1);
  };
  const onPointerMove = (e: ReactPointerEvent) => {
    const el = plotRef.current;
    if (el === null || exits === null) return;
    const i = hitAt(e.clientX, e.clientY);
    el.style.cursor = i >= 0 ? 'pointer' : 'default';
    el.title = i >= 0 ? t('rings.exitStats.tickTitle', { exit: describeExit(exits, i, hz) }) : '';
  };

  // ---------------------------------------------------------------- keyboard
  const onKeyDown = (e: ReactKeyboardEvent) => {
    if (exits === null || groups === null || exits.count === 0 || e.altKey || e.ctrlKey || e.metaKey) return;
    const n = exits.count;
    const moveTo = (i: number, edgeText: string): void => {
      if (i >= 0) {
        setCursorSeq(exits.seq[i]);
        setEdge('');
      } else setEdge(edgeText);
    };
    let handled = true;
    switch (e.key) {
      case 'ArrowRight':
      case 'ArrowLeft': {
        const dir = e.key === 'ArrowRight' ? 1 : -1;
        let from = cursor;
        if (from < 0) {
          // No cursor yet: start from the playhead.
          const k = countAtOrBefore(exits, positionCycle);
          from = dir === 1 ? k - 1 : k;
        }
        moveTo(stepExit(exits, from, dir, laneGroup), dir === 1 ? t('rings.exitStats.noLater') : t('rings.exitStats.noEarlier'));
        break;
      }
      case 'ArrowDown':
      case 'ArrowUp': {
        const row = laneSlot >= 0 ? rowOfSlot[laneSlot] : -1;
        const next = Math.max(-1, Math.min(lanes - 1, row + (e.key === 'ArrowDown' ? 1 : -1)));
        if (next < 0) {
          setLaneReason(null);
          setEdge('');
          break;
        }
        const g = groups.groups[slots[next]];
        setLaneReason(g.reason);
        const from = cursor >= 0 ? exits.cycle[cursor] : positionCycle;
        moveTo(nearestInGroup(exits, g, from), '');
        break;
      }
      case 'Home':
        moveTo(stepExit(exits, -1, 1, laneGroup), '');
        break;
      case 'End':
        moveTo(stepExit(exits, n, -1, laneGroup), '');
        break;
      case 'Enter':
        if (cursor >= 0) onJump(exits.seq[cursor] + 1);
        break;
      default:
        handled = false;
    }
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  // ---------------------------------------------------------------- text
  let live = t('rings.exitStats.noneSelected');
  if (exits !== null && cursor >= 0) {
    live = describeExit(exits, cursor, hz);
    if (laneGroup !== null && exits.reason[cursor] === laneGroup.reason) {
      live += t('rings.exitStats.rankInLane', { rank: formatCount(rankIn(laneGroup.indices, cursor)), n: formatCount(laneGroup.count) });
    }
    if (edge !== '') live += `; ${edge}`;
  } else if (laneGroup !== null) {
    live = t('rings.exitStats.laneLive', { label: reasonLabel(laneGroup.reason), count: laneGroup.count, n: formatCount(laneGroup.count) });
  }

  if (exits === null || groups === null) {
    return (
      <div className="xs-block">
        <h3 className="xs-title">{t('rings.exitStats.overTime')}</h3>
        <p className="xs-empty">{t('rings.exitStats.reading')}</p>
      </div>
    );
  }
  if (exits.count === 0) {
    return (
      <div className="xs-block">
        <h3 className="xs-title">{t('rings.exitStats.overTime')}</h3>
        <p className="xs-empty">{t('rings.exitStats.noExitsLanes')}</p>
      </div>
    );
  }

  return (
    <div className="xs-block">
      <div className="xs-toolbar">
        <h3 className="xs-title" id={titleId}>
          {t('rings.exitStats.overTime')}
        </h3>
        <span className="xs-meta">
          {t('rings.exitStats.meta', { count: exits.count, n: formatCount(exits.count), reasons: t('rings.exitStats.reasons', { count: lanes }) })}
          {detail === 'engineer' && exits.dropped > 0 && t('rings.exitStats.notHeld', { n: formatCount(exits.dropped) })}
        </span>
        <div className="xs-order" role="group" aria-label={t('rings.exitStats.order')}>
          <button type="button" className="btn" aria-pressed={order === 'count'} onClick={() => setOrder('count')}>
            {t('rings.exitStats.orderCount')}
          </button>
          <button type="button" className="btn" aria-pressed={order === 'reason'} onClick={() => setOrder('reason')}>
            {t('rings.exitStats.orderReason')}
          </button>
        </div>
      </div>
      <div
        className="xs-lanes"
        role="group"
        aria-labelledby={titleId}
        aria-describedby={hintId}
        aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown Home End Enter"
        tabIndex={0}
        onKeyDown={onKeyDown}
        style={{ ['--xs-lane-h' as string]: `${LANE_REM}rem`, ['--xs-axis-h' as string]: `${AXIS_REM}rem`, ['--xs-lanes' as string]: lanes }}
      >
        <ol className="xs-lane-labels" aria-hidden="true">
          {Array.from(slots, (slot) => {
            const g = groups.groups[slot];
            const label = reasonLabel(g.reason);
            return (
              <li key={g.reason} className={slot === laneSlot ? 'current' : undefined} title={label}>
                <span className="xs-swatch" style={{ background: colors[slot] }} />
                <span className="xs-lane-name">{label}</span>
                <span className="xs-lane-count">{formatCount(g.count)}</span>
              </li>
            );
          })}
        </ol>
        <div ref={plotRef} className="xs-plot" onPointerDown={onPointerDown} onPointerMove={onPointerMove}>
          <canvas ref={canvasRef} aria-hidden="true" />
        </div>
      </div>
      <p className="xs-live" aria-live="polite" aria-atomic="true">
        {live}
      </p>
      <p className="xs-hint" id={hintId}>
        <T
          k="rings.exitStats.hint"
          parts={{
            left: <kbd>←</kbd>,
            right: <kbd>→</kbd>,
            up: <kbd>↑</kbd>,
            down: <kbd>↓</kbd>,
            home: <kbd>{t('rings.exitStats.keyHome')}</kbd>,
            end: <kbd>{t('rings.exitStats.keyEnd')}</kbd>,
            enter: <kbd>{t('rings.exitStats.keyEnter')}</kbd>,
          }}
        />
      </p>
    </div>
  );
}

/** 1-based rank of exit index `i` among a group's ascending indices. */
function rankIn(indices: Uint32Array, i: number): number {
  let lo = 0;
  let hi = indices.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (indices[mid] < i) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

// ------------------------------------------------------------------ histogram

/** "12.3 %"; "< 0.1 %" for a share that rounds to zero but is not. */
function shareText(count: number, tenths: number): string {
  return count > 0 && tenths === 0 ? '< 0.1 %' : formatTenths(tenths);
}

interface HistogramProps {
  exits: ExitList | null;
  rows: HistogramRow[];
  detail: ExitStatsDetail;
  colorOf(reason: number): string;
  hz: number;
  spanCycles: number;
}

function ExitHistogram({ exits, rows, detail, colorOf, hz, spanCycles }: HistogramProps) {
  const total = rows.reduce((a, r) => a + r.count, 0);
  const shown = detail === 'sales' ? rows.slice(0, SALES_TOP) : rows;
  const rest = rows.slice(shown.length);
  const restCount = rest.reduce((a, r) => a + r.count, 0);
  const restTenths = rest.reduce((a, r) => a + r.shareTenths, 0);
  const maxCount = rows.length > 0 ? rows[0].count : 1;
  const width = scaleLinear().domain([0, Math.max(1, maxCount)]).range([0, 100]).clamp(true);
  const engineer = detail === 'engineer';
  const seconds = spanCycles > 0 ? spanCycles / hz : 0;

  return (
    <div className="xs-block">
      <h3 className="xs-title">{detail === 'sales' ? t('rings.exitStats.whyLeaves') : t('rings.exitStats.byReason')}</h3>
      {exits === null ? (
        <p className="xs-empty">{t('rings.exitStats.reading')}</p>
      ) : rows.length === 0 ? (
        <p className="xs-empty">{t('rings.exitStats.noExits')}</p>
      ) : (
        <table className="xs-hist">
          <caption className="visually-hidden">
            {t('rings.exitStats.caption', { top: detail === 'sales' && rows.length > SALES_TOP ? t('rings.exitStats.captionTop', { top: SALES_TOP, n: rows.length }) : '' })}
          </caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                {t('rings.exitStats.colReason')}
              </th>
              <th scope="col">{t('rings.exitStats.colName')}</th>
              <th scope="col" className="num">
                {t('rings.exitStats.colCount')}
              </th>
              <th scope="col" className="num">
                {t('rings.exitStats.colShare')}
              </th>
              {engineer && (
                <th scope="col" className="num">
                  {t('rings.exitStats.colRate')}
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.reason}>
                <td className="num mono">{r.basic}</td>
                <th scope="row" className="xs-name">
                  <span className="xs-swatch" style={{ background: colorOf(r.reason) }} aria-hidden="true" />
                  {r.sdmName}
                </th>
                <td className="num mono">{formatCount(r.count)}</td>
                <td className="xs-share">
                  <div>
                    <span className="xs-bar-track" aria-hidden="true">
                      <span className="xs-bar" style={{ width: `${width(r.count)}%`, background: colorOf(r.reason) }} />
                    </span>
                    <span className="num mono">{shareText(r.count, r.shareTenths)}</span>
                  </div>
                </td>
                {engineer && <td className="num mono">{r.ratePerSecond === null ? '—' : formatRate(r.ratePerSecond)}</td>}
              </tr>
            ))}
            {rest.length > 0 && (
              <tr className="xs-rest">
                <td className="num mono" />
                <th scope="row" className="xs-name">
                  {t('rings.exitStats.otherReasons', { count: rest.length })}
                </th>
                <td className="num mono">{formatCount(restCount)}</td>
                <td className="xs-share">
                  <div>
                    <span className="xs-bar-track" aria-hidden="true">
                      <span className="xs-bar xs-bar-rest" style={{ width: `${width(restCount)}%` }} />
                    </span>
                    <span className="num mono">{shareText(restCount, restTenths)}</span>
                  </div>
                </td>
              </tr>
            )}
          </tbody>
          <tfoot>
            <tr>
              <td />
              <th scope="row">{t('rings.exitStats.total')}</th>
              <td className="num mono">{formatCount(total)}</td>
              <td className="num mono xs-share-total">100.0 %</td>
              {engineer && <td className="num mono">{seconds > 0 ? formatRate(total / seconds) : '—'}</td>}
            </tr>
          </tfoot>
        </table>
      )}
      {engineer && exits !== null && rows.length > 0 && (
        <p className="xs-note">
          {t('rings.exitStats.countedOver', { time: formatSimTime(spanCycles, hz), dropped: exits.dropped > 0 ? t('rings.exitStats.dropped', { n: formatCount(exits.dropped) }) : '' })}
        </p>
      )}
    </div>
  );
}

// ------------------------------------------------------------------ root vs non-root

function OverheadBar({ guestCycles, vmmCycles, idleCycles, hz, detail }: { guestCycles: number; vmmCycles: number; idleCycles: number; hz: number; detail: ExitStatsDetail }) {
  const s = overheadSplit(guestCycles, vmmCycles);
  const pct = (t: number): string => `${t / 10}%`;
  const cyclesText = (c: number): string =>
    detail === 'engineer' ? t('rings.exitStats.cyclesTime', { n: formatCount(c), time: formatSimTime(c, hz) }) : formatSimTime(c, hz);
  return (
    <div className="xs-block">
      <h3 className="xs-title">{t('rings.exitStats.guestVsVmm')}</h3>
      <p className="xs-overhead-text">{overheadText(guestCycles, vmmCycles)}</p>
      {s.vmmPercent !== null && (
        <>
          <div className="xs-stack" aria-hidden="true">
            <span className="xs-seg xs-guest" style={{ width: pct(s.guestTenths) }} />
            <span className={`xs-seg xs-vmm${s.vmmTenths === 0 && s.vmmCycles > 0 ? ' xs-min' : ''}`} style={{ width: pct(s.vmmTenths) }} />
          </div>
          <ul className="xs-legend">
            <li>
              <span className="xs-key xs-guest" aria-hidden="true" />
              <T k="rings.exitStats.legendGuest" params={{ pct: formatTenths(s.guestTenths) }} parts={{ name: <strong>{t('rings.exitStats.guest')}</strong> }} />
              {detail !== 'sales' && <span className="xs-sub"> · {cyclesText(s.guestCycles)}</span>}
            </li>
            <li>
              <span className="xs-key xs-vmm" aria-hidden="true" />
              <T k="rings.exitStats.legendVmm" params={{ pct: formatTenths(s.vmmTenths) }} parts={{ name: <strong>{t('rings.exitStats.vmm')}</strong> }} />
              {detail !== 'sales' && <span className="xs-sub"> · {cyclesText(s.vmmCycles)}</span>}
            </li>
            {idleCycles > 0 && <li className="xs-idle">{t('rings.exitStats.idle', { time: formatSimTime(idleCycles, hz) })}</li>}
          </ul>
        </>
      )}
    </div>
  );
}
