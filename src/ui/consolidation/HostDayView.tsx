/**
 * The PlanetLab day host by host (issue 6 item 3's "animated hour-by-hour view of hosts switching off and VMs
 * moving"): the 800 hosts as a grid of cells on a canvas, each shaded by how many VMs it runs (the count is also
 * written in the cell), hosts that are off drawn as empty dashed outlines, hosts switched off in this interval
 * crossed out, switched on marked "+", and the interval's migrations as arrows from source to destination that
 * travel while the view plays. Play/Pause and a scrubber over the 288 five-minute intervals; with reduced motion
 * the view never plays by itself and the arrows are drawn whole.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { reducedMotion } from '../shell/prefs-effects.ts';
import { dayFrame, rowClock, rowCount, type DaySnapshots } from './day-view.ts';
import '../../i18n/en/consolidation.ts';
import { t } from '../../i18n/t.ts';

const COLS = 40;
const CELL_H = 18;
/** Wall-clock time per interval while playing (the day in about 50 s). */
const MS_PER_INTERVAL = 170;

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

export function HostDayView({ d, intervalSeconds, startRow = 0, powerW }: { d: DaySnapshots; intervalSeconds: number; startRow?: number; powerW?: readonly number[] }) {
  const rows = rowCount(d);
  const [row, setRow] = useState(() => Math.min(rows - 1, startRow));
  const [playing, setPlaying] = useState(false);
  const [phase, setPhase] = useState(1); // 0 … 1: progress of the arrows within the interval
  // The hour chosen beside it moves this view to that hour's first interval (snapshot `startRow` ends it), so both
  // panels speak of the same hour; within it the view's own scrubber and Play take over.
  useEffect(() => {
    setRow(Math.min(rows - 1, startRow));
    setPhase(1);
  }, [startRow, rows]);
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(960);
  useEffect(() => {
    const el = wrap.current;
    if (el === null) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(480, Math.floor(el.clientWidth))));
    ro.observe(el);
    setWidth(Math.max(480, Math.floor(el.clientWidth)));
    return () => ro.disconnect();
  }, []);
  const frame = useMemo(() => dayFrame(d, row), [d, row]);

  // Playing: advance the interval and sweep the arrows along; reduced motion never animates.
  const rowRef = useRef(row);
  rowRef.current = row;
  useEffect(() => {
    if (!playing) return;
    if (reducedMotion()) {
      setPlaying(false);
      return;
    }
    let raf = 0;
    let start = performance.now();
    const tick = (now: number): void => {
      const p = (now - start) / MS_PER_INTERVAL;
      if (p >= 1) {
        if (rowRef.current >= rows - 1) {
          setPhase(1);
          setPlaying(false);
          return;
        }
        setRow((r) => Math.min(rows - 1, r + 1));
        start = now;
        setPhase(0);
      } else setPhase(p);
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [playing, rows]);

  const gridRows = Math.ceil(d.hostCount / COLS);
  const cellW = Math.floor(width / COLS);
  const height = gridRows * CELL_H + 2;
  useEffect(() => {
    const c = canvas.current;
    if (c === null) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(COLS * cellW * dpr);
    c.height = Math.round(height * dpr);
    const g = c.getContext('2d');
    if (g === null) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const bg = cssVar('--bg', '#fff');
    const fg = cssVar('--fg', '#111');
    const line = cssVar('--line', '#999');
    const accent = cssVar('--accent', '#2563eb');
    const bad = cssVar('--err-fg', '#b91c1c');
    const ok = cssVar('--nonroot', '#15803d');
    g.fillStyle = bg;
    g.fillRect(0, 0, COLS * cellW, height);
    const maxV = Math.max(1, frame.maxVms);
    const off = new Set(frame.switchedOff);
    const on = new Set(frame.switchedOn);
    g.font = t('consolidation.hostDay.n11pxSystemUiSans');
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    for (let h = 0; h < d.hostCount; h++) {
      const x = (h % COLS) * cellW + 1;
      const y = Math.floor(h / COLS) * CELL_H + 1;
      const w = cellW - 2;
      const hh = CELL_H - 2;
      const n = frame.vmsOnHost[h];
      if (n > 0) {
        g.globalAlpha = 0.25 + 0.75 * (n / maxV);
        g.fillStyle = accent;
        g.fillRect(x, y, w, hh);
        g.globalAlpha = 1;
        g.fillStyle = n / maxV > 0.55 ? bg : fg;
        if (w >= 14) g.fillText(String(n), x + w / 2, y + hh / 2 + 0.5);
      } else {
        g.setLineDash([2, 2]);
        g.strokeStyle = line;
        g.strokeRect(x + 0.5, y + 0.5, w - 1, hh - 1);
        g.setLineDash([]);
      }
      if (off.has(h)) {
        g.strokeStyle = bad;
        g.lineWidth = 1.5;
        g.beginPath();
        g.moveTo(x + 2, y + 2);
        g.lineTo(x + w - 2, y + hh - 2);
        g.moveTo(x + w - 2, y + 2);
        g.lineTo(x + 2, y + hh - 2);
        g.stroke();
        g.lineWidth = 1;
      } else if (on.has(h)) {
        g.strokeStyle = ok;
        g.lineWidth = 2;
        g.strokeRect(x + 1, y + 1, w - 2, hh - 2);
        g.lineWidth = 1;
      }
    }
    // migrations: arrows source → destination, drawn up to the current phase
    const centre = (h: number): [number, number] => [(h % COLS) * cellW + cellW / 2, Math.floor(h / COLS) * CELL_H + CELL_H / 2];
    const p = playing ? phase : 1;
    g.strokeStyle = fg;
    g.fillStyle = fg;
    g.globalAlpha = 0.35;
    for (const m of frame.moves) {
      const [x0, y0] = centre(m.from);
      const [x1, y1] = centre(m.to);
      const xe = x0 + (x1 - x0) * p;
      const ye = y0 + (y1 - y0) * p;
      g.beginPath();
      g.moveTo(x0, y0);
      g.lineTo(xe, ye);
      g.stroke();
      g.beginPath();
      g.arc(xe, ye, 2.2, 0, Math.PI * 2);
      g.fill();
    }
    g.globalAlpha = 1;
  }, [frame, phase, playing, cellW, height, d.hostCount]);

  const clock = rowClock(frame.row, intervalSeconds);
  const summary =
    frame.row === 0
      ? t('consolidation.hostDay.n0000InitialPlacement', { hostsOn: frame.hostsOn, hostCount: d.hostCount })
      : t('consolidation.hostDay.ofHostsRunVMs', { rowClock: rowClock(frame.row - 1, intervalSeconds), clock, hostsOn: frame.hostsOn, hostCount: d.hostCount, length: frame.moves.length, length2: frame.switchedOff.length, length3: frame.switchedOn.length, power: powerW !== undefined && powerW[frame.row - 1] !== undefined ? t('consolidation.hostDay.meanPower', { kw: (powerW[frame.row - 1] / 1000).toFixed(1) }) : '' });
  return (
    <div className="cn-hostday" data-testid="cn-hostday">
      <h3>{t('consolidation.hostDay.hostByHostOver')}</h3>
      <div ref={wrap} className="cn-hostday-canvas">
        <canvas ref={canvas} style={{ width: COLS * cellW, height }} role="img" aria-label={t('consolidation.hostDay.eachOfTheHosts', { hostCount: d.hostCount, summary })} />
      </div>
      <div className="pl-transport cn-hostday-transport">
        <button type="button" className="btn" onClick={() => (playing ? setPlaying(false) : (setRow((r) => (r >= rows - 1 ? 0 : r)), setPlaying(true)))} disabled={reducedMotion() && !playing} title={reducedMotion() ? t('consolidation.hostDay.reducedMotionIsOn') : undefined}>
          {playing ? t('consolidation.hostDay.pauseTheDay') : t('consolidation.hostDay.playTheDay')}
        </button>
        <input
          type="range"
          min={0}
          max={rows - 1}
          step={1}
          value={frame.row}
          aria-label={t('consolidation.hostDay.intervalOfTheDay')}
          aria-valuetext={clock}
          onChange={(e) => {
            setPlaying(false);
            setPhase(1);
            setRow(Number(e.target.value));
          }}
        />
        <span className="cn-hostday-clock">{clock}</span>
      </div>
      <p className="cn-hour-read" data-testid="cn-hostday-read">
        {summary}
      </p>
      <p className="cn-src">
        {t('consolidation.hostDay.cellShadeAndNumber')}
      </p>
    </div>
  );
}
