/**
 * The ring diagram (the white paper's Figures 2 and 3): privilege rings as rows, and on VT-x the two VMX
 * modes as columns side by side, so VMX root / non-root read as a second axis, not a fifth ring. The
 * processor is a token that moves along the path of every transition (system call, interrupt, IRET, VM
 * exit, the VMM handler, VM entry, a software VMM's trap), with its cause and its cost written on the path.
 * d3 computes the geometry and runs the tween; with reduced motion the token jumps and the path is
 * highlighted instead.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { easeCubicInOut } from 'd3';
import { useApp } from '../../state/store.ts';
import { EventKind } from '../../core/trace/events.ts';
import { eventLog } from '../../state/event-log.ts';
import { PLATFORMS, TRANSITION_KINDS, isSoftwarePlatform, locationOf, transitionOf, type Cell, type PlatformId, type Ring, type Transition, type TransitionKind } from './platform.ts';
import { reducedMotion } from '../shell/prefs-effects.ts';
import { wrapLines } from './wrap-lines.ts';
import './ring-diagram.css';
import { t } from '../../i18n/t.ts';

const W = 640;
const H = 400;
const LEFT = 70;
const TOP = 64;
const BOTTOM = 6;
const RIGHT = 6;
const COL_GAP = 44;

interface Geometry {
  cellOf(c: Cell): { x: number; y: number; w: number; h: number };
  tokenAt(c: Cell): { x: number; y: number };
  columns: { id: string; x: number; w: number; label: string; sub: string }[];
  rowY(ring: number): number;
  rowH: number;
  rowHeight(ring: number): number;
}

function geometry(platform: PlatformId): Geometry {
  const layout = PLATFORMS[platform];
  const n = layout.columns.length;
  const colW = (W - LEFT - RIGHT - COL_GAP * (n - 1)) / n;
  // Rings nobody uses on this platform are drawn thinner, so the ones that matter get the room.
  const used = new Set(layout.occupants.map((o) => o.ring));
  const weight = (r: number): number => (used.has(r as Ring) ? 1 : 0.45);
  const total = [0, 1, 2, 3].reduce((a, r) => a + weight(r), 0);
  const unit = (H - TOP - BOTTOM) / total;
  const heights = [0, 1, 2, 3].map((r) => weight(r) * unit);
  const rowY = (ring: number): number => {
    let y = TOP;
    for (let r = 3; r > ring; r--) y += heights[r];
    return y;
  };
  const colX = (k: number): number => LEFT + k * (colW + COL_GAP);
  const colIndex = (c: Cell): number => Math.max(0, layout.columns.findIndex((col) => col.id === c.col));
  return {
    cellOf: (c) => ({ x: colX(colIndex(c)) + 4, y: rowY(c.ring) + 4, w: colW - 8, h: heights[c.ring] - 8 }),
    tokenAt: (c) => ({ x: colX(colIndex(c)) + colW - 32, y: rowY(c.ring) + heights[c.ring] / 2 }),
    columns: layout.columns.map((col, k) => ({ id: col.id, x: colX(k), w: colW, label: col.label, sub: col.sub })),
    rowY,
    rowH: unit,
    rowHeight: (r: number) => heights[r],
  };
}

/** A curved path between two token positions (a small loop when they coincide). */
function pathBetween(a: { x: number; y: number }, b: { x: number; y: number }): string {
  if (Math.abs(a.x - b.x) < 1 && Math.abs(a.y - b.y) < 1) {
    return `M ${a.x} ${a.y} c 34 -46, 74 -10, 0 0`;
  }
  const mx = (a.x + b.x) / 2;
  const my = (a.y + b.y) / 2;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  // Bend to the side so up and down paths between the same cells do not overlap.
  const bend = 0.22;
  return `M ${a.x} ${a.y} Q ${mx - dy * bend} ${my + dx * bend} ${b.x} ${b.y}`;
}

const FAMILY: Record<TransitionKind, string> = {
  syscall: 'ring', interrupt: 'ring', exception: 'ring', iret: 'ring', far: 'ring',
  vmexit: 'vmx', vmentry: 'vmx', vmfail: 'fail', handler: 'vmm', swtrap: 'vmm', swresume: 'vmm', halt: 'io', shutdown: 'fail',
  translate: 'vmm', callout: 'vmm', hypercall: 'vmm', domaincrash: 'fail',
};

export function RingDiagram({ platform, onReplay }: { platform: PlatformId; onReplay?: () => void }) {
  const version = useApp((s) => s.logVersion);
  const seq = useApp((s) => s.status?.position.seq ?? 0);
  const generation = useApp((s) => s.status?.generation ?? 0);
  const view = useApp((s) => s.view);
  const catalog = useApp((s) => s.catalog);
  const cpuId = useApp((s) => s.view?.cpuModel ?? s.spec.cpu);
  const animationMs = useApp((s) => s.animationMs);
  const playing = useApp((s) => s.status?.state === 'playing');
  const motion = useApp((s) => s.motion);
  // Sales: the caption in plain words (no addresses or field values; the Classroom and Engineer levels keep them).
  const sales = useApp((s) => s.detail === 'sales');
  const cpu = catalog?.cpus.find((c) => c.id === cpuId);
  const g = useMemo(() => geometry(platform), [platform]);
  const layout = PLATFORMS[platform];
  const tokenRef = useRef<SVGGElement>(null);
  const pathRef = useRef<SVGPathElement>(null);
  const [shown, setShown] = useState<Transition | null>(null);
  const [slow, setSlow] = useState(0);
  const lastSeen = useRef({ seq: -1, generation: -1 });

  // The latest transition at or before the position, and whether it just arrived (then it is animated).
  const latest = useMemo((): { t: Transition | null; fresh: boolean } => {
    const prev = lastSeen.current;
    let found: Transition | null = null;
    for (let s = Math.min(seq, eventLog.endSeq) - 1; s >= eventLog.startSeq && s >= seq - 400; s--) {
      if (!TRANSITION_KINDS.includes(eventLog.kindAt(s)) && eventLog.kindAt(s) !== EventKind.HALT && eventLog.kindAt(s) !== EventKind.SHUTDOWN) continue;
      const e = eventLog.get(s);
      if (e === undefined) break;
      // The built-in VMM's handler names only where it handles the exits: a bare program is its own hypervisor.
      const t = transitionOf(e, platform, cpu, view?.mode === 'bare' ? undefined : catalog?.handlers);
      if (t !== null) {
        found = t;
        break;
      }
    }
    const fresh = found !== null && generation === prev.generation && found.seq >= prev.seq && seq > prev.seq;
    return { t: found, fresh };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [seq, version, generation, platform, cpu, catalog, view?.mode]);

  useEffect(() => {
    lastSeen.current = { seq, generation };
  }, [seq, generation]);

  // Where the token rests: the end of the transition just shown, else where the machine view says.
  const rest: Cell = useMemo(() => {
    if (latest.t !== null && latest.t.seq === seq - 1) return latest.t.to;
    // Software VMM: between a trap and the resume the VMM (ring 0) runs, whatever the processor's state at the
    // end of the group says (the emulation's port I/O and CR writes are events inside the trap).
    if (latest.t !== null && (latest.t.kind === 'swtrap' || latest.t.kind === 'hypercall' || latest.t.kind === 'domaincrash')) return latest.t.to;
    return view !== null ? locationOf(view, platform) : { col: platform === 'vtx' ? 'nonroot' : 'host', ring: 0 };
  }, [latest, seq, view, platform]);

  useEffect(() => setShown(latest.t), [latest]);

  // Animate the token along the path of a fresh transition (or on "replay slowly"): d3 gives the easing,
  // the path gives the points; one animation frame at a time, cancelled when the next transition comes.
  const frame = useRef(0);
  useLayoutEffect(() => {
    const token = tokenRef.current;
    const path = pathRef.current;
    if (token === null) return;
    cancelAnimationFrame(frame.current);
    const end = g.tokenAt(rest);
    const place = (x: number, y: number): void => token.setAttribute('transform', `translate(${x},${y})`);
    const animate = (latest.fresh || slow > 0) && shown !== null && path !== null && !reducedMotion();
    const ms = slow > 0 ? Math.max(2000, animationMs * 4) : Math.min(animationMs, playing ? animationMs : 900);
    if (!animate || ms <= 0) {
      place(end.x, end.y);
      return;
    }
    const len = path.getTotalLength();
    const start = performance.now();
    const step = (now: number): void => {
      const u = Math.min(1, (now - start) / ms);
      const pt = path.getPointAtLength(easeCubicInOut(u) * len);
      place(pt.x, pt.y);
      if (u < 1) frame.current = requestAnimationFrame(step);
      else {
        place(end.x, end.y);
        if (slow > 0) setSlow(0);
      }
    };
    frame.current = requestAnimationFrame(step);
    return () => cancelAnimationFrame(frame.current);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shown, rest, slow, g, motion]);

  const from = shown !== null ? g.tokenAt(shown.from) : null;
  const to = shown !== null ? g.tokenAt(shown.to) : null;
  // The cause and cost, written above the path (clamped inside the figure).
  // Wide enough for 27 characters of the 19px title and 33 of the 16px monospace cost line (0.6 em each).
  const LABEL_W = 340;
  // Long names ("VMM runs handle_external_interrupt") wrap onto a second line rather than losing their end.
  const titleLines = shown !== null ? wrapLines(shown.label[0], 27, 2) : [];
  const costLines = shown !== null && shown.label[1] ? wrapLines(shown.label[1], 33, 2) : [];
  const labelH = 12 + 24 * titleLines.length + 21 * costLines.length;
  const labelPos =
    from !== null && to !== null
      ? { x: Math.min(W - LABEL_W - 4, Math.max(LEFT, (from.x + to.x) / 2 - LABEL_W / 2)), y: Math.max(TOP - 6, Math.min(from.y, to.y) - 40 - labelH) }
      : null;

  return (
    <figure className="ring-diagram" aria-labelledby="ring-caption">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('rings.diagram.label', { title: layout.title, vmx: platform === 'vtx' ? t('rings.diagram.inVmx') : '', occupants: occupantsText(platform), where: whereText(rest.col), ring: rest.ring })}>
        <defs>
          {['vmx', 'ring', 'vmm', 'fail', 'io'].map((f) => (
            <marker key={f} id={`arrow-${f}`} viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" className={`arrowhead fam-${f}`} />
            </marker>
          ))}
        </defs>
        {/* Axes: rings down the side, VMX modes across the top. */}
        <text className="axis-title" x={8} y={TOP - 8}>
          {t('rings.diagram.ring')}
        </text>
        {[3, 2, 1, 0].map((r) => (
          <g key={r}>
            <text className="ring-label" x={LEFT - 12} y={g.rowY(r) + g.rowHeight(r) / 2} textAnchor="end" dominantBaseline="middle">
              {r}
            </text>
            {(r === 0 || r === 3) && (
              <text className="ring-sub" x={LEFT - 12} y={g.rowY(r) + g.rowHeight(r) / 2 + 18} textAnchor="end" dominantBaseline="middle">
                {r === 0 ? t('rings.diagram.mostPriv') : t('rings.diagram.leastPriv')}
              </text>
            )}
          </g>
        ))}
        {g.columns.map((c) => (
          <g key={c.id}>
            <text className="col-label" x={c.x + c.w / 2} y={22} textAnchor="middle">
              {c.label}
            </text>
            <text className="col-sub" x={c.x + c.w / 2} y={40} textAnchor="middle">
              {c.sub}
            </text>
          </g>
        ))}
        {platform === 'vtx' && (
          <g className="vmx-axis" aria-hidden="true">
            <line x1={g.columns[0].x + 10} x2={g.columns[1].x + g.columns[1].w - 10} y1={48} y2={48} markerEnd="url(#arrow-vmx)" markerStart="url(#arrow-vmx)" />
          </g>
        )}
        {/* Cells. */}
        {g.columns.map((c) =>
          [3, 2, 1, 0].map((r) => {
            const cell = g.cellOf({ col: c.id as Cell['col'], ring: r as Cell['ring'] });
            const occ = layout.occupants.find((o) => o.col === c.id && o.ring === r);
            const here = rest.col === c.id && rest.ring === r;
            return (
              <g key={`${c.id}-${r}`} className={`cell${occ ? ` occ role-${occ.role}` : ' empty'}${here ? ' here' : ''}`}>
                <rect x={cell.x} y={cell.y} width={cell.w} height={cell.h} rx={8} />
                {occ && (
                  <>
                    <text className="occ-label" x={cell.x + 14} y={cell.y + cell.h / 2 - 6} dominantBaseline="middle">
                      {occ.label}
                    </text>
                    <text className="occ-sub" x={cell.x + 14} y={cell.y + cell.h / 2 + 14} dominantBaseline="middle">
                      {occ.sub}
                    </text>
                  </>
                )}
              </g>
            );
          }),
        )}
        {/* The transition just shown: its path, its cause and cost. */}
        {shown !== null && from !== null && to !== null && (
          <g className={`transition fam-${FAMILY[shown.kind]}`}>
            <path ref={pathRef} d={pathBetween(from, to)} markerEnd={`url(#arrow-${FAMILY[shown.kind]})`} />
          </g>
        )}
        {/* The processor. */}
        <g ref={tokenRef} className="token" transform={`translate(${g.tokenAt(rest).x},${g.tokenAt(rest).y})`}>
          <circle r={19} />
          <text textAnchor="middle" dominantBaseline="central">
            {t('rings.diagram.cpu')}
          </text>
        </g>
        {shown !== null && labelPos !== null && (
          <g className={`transition-label fam-${FAMILY[shown.kind]}`} transform={`translate(${labelPos.x},${labelPos.y})`}>
            <rect width={LABEL_W} height={labelH} rx={6} />
            {titleLines.map((line, k) => (
              <text key={`t${k}`} x={10} y={23 + 24 * k} className="tl-title">
                {line}
              </text>
            ))}
            {costLines.map((line, k) => (
              <text key={`c${k}`} x={10} y={23 + 24 * titleLines.length - 2 + 21 * k} className="tl-cost">
                {line}
              </text>
            ))}
          </g>
        )}
      </svg>
      <figcaption id="ring-caption" className="ring-caption">
        <div className="ring-now" data-testid="ring-now">
          {shown === null ? (
            <span>{layout.caption}</span>
          ) : (
            <>
              <strong>{sales && shown.plain ? shown.plain.title : shown.title}.</strong> {sales && shown.plain ? shown.plain.detail : shown.detail}
              {shown.cost && (
                <span className="cost" title={shown.kind === 'swtrap' ? cpu?.costs.swTrap?.basis : undefined}>
                  {t('rings.diagram.cost', { cost: shown.cost })}
                </span>
              )}
            </>
          )}
        </div>
        <div className="ring-where" data-testid="token-location">
          {t('rings.diagram.where', {
            where: whereText(rest.col),
            ring: rest.ring,
            who: isSoftwarePlatform(platform)
              ? rest.ring === 0
                ? t('rings.diagram.vmmRuns')
                : rest.ring === 1
                  ? platform === 'bt'
                    ? t('rings.diagram.kernelRunsTc')
                    : t('rings.diagram.kernelRuns')
                  : rest.ring === 3
                    ? t('rings.diagram.appsRun')
                    : ''
              : view !== null && view.mode !== 'bare' && rest.col === 'root'
                ? t('rings.diagram.vmmRuns')
                : rest.col === 'nonroot'
                  ? t('rings.diagram.guestRuns')
                  : '',
          })}
        </div>
        {/* With reduced motion the transition is never animated, so there is nothing to replay slowly. */}
        {shown !== null && onReplay !== undefined && !reducedMotion() && (
          <button className="btn" type="button" onClick={() => { setSlow((x) => x + 1); onReplay(); }} title={t('rings.diagram.replayTitle')}>
            {t('rings.diagram.replay')}
          </button>
        )}
      </figcaption>
    </figure>
  );
}

/** Who lives in which ring, for the figure's accessible name: "VMM in ring 0; Guest kernel in ring 1 (…)". */
function occupantsText(platform: PlatformId): string {
  const l = PLATFORMS[platform];
  const col = (c: string): string => (l.columns.length > 1 ? `${l.columns.find((x) => x.id === c)?.label ?? c}, ` : '');
  return l.occupants.map((o) => t('rings.diagram.occupant', { label: o.label, col: col(o.col), ring: o.ring, sub: o.sub === t('rings.diagram.ringN', { ring: o.ring }) ? '' : ` (${o.sub})` })).join('; ') + '.';
}

/** "VMX root, " / "VMX non-root, " before the ring, for the two VT-x columns. */
function whereText(col: string): string {
  return col === 'root' ? t('rings.diagram.whereRoot') : col === 'nonroot' ? t('rings.diagram.whereNonRoot') : '';
}

