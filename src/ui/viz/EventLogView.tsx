/**
 * The event log: every event up to the current position, newest at the bottom, as a keyboard-navigable
 * list (↑ ↓ Home End select; Enter goes to the moment of the selected event). Only the visible rows are
 * rendered, so the log keeps up at a million events a second. The log follows the newest event unless
 * the user has scrolled up.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { eventLog } from '../../state/event-log.ts';
import { commands } from '../engine/client.ts';
import { describeEvent, formatCount, kindFamily, kindLabel } from './format-event.ts';
import { t } from '../../i18n/t.ts';

const ICONS: Record<string, string> = { vmx: '⇅', ring: '↕', io: '⇄', vmm: '⚙', text: '✎', insn: '·', other: '•' };

export function EventLogView() {
  const version = useApp((s) => s.logVersion);
  const seq = useApp((s) => s.status?.position.seq ?? 0);
  const selected = useApp((s) => s.selectedSeq);
  const select = useApp((s) => s.select);
  const fontScale = useApp((s) => s.fontScale);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 400 });
  const follow = useRef(true);
  const rowH = Math.round(30 * fontScale);
  const start = eventLog.startSeq;
  const end = Math.min(eventLog.endSeq, seq);
  const count = Math.max(0, end - start);

  useEffect(() => {
    const el = scrollRef.current;
    if (el === null) return;
    const ro = new ResizeObserver(() => setViewport({ top: el.scrollTop, height: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Follow the newest event.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el === null || !follow.current) return;
    el.scrollTop = el.scrollHeight;
    setViewport({ top: el.scrollTop, height: el.clientHeight });
  }, [version, count, rowH]);

  const onScroll = () => {
    const el = scrollRef.current!;
    follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - rowH;
    setViewport({ top: el.scrollTop, height: el.clientHeight });
  };

  const first = Math.max(0, Math.floor(viewport.top / rowH) - 5);
  const last = Math.min(count, Math.ceil((viewport.top + viewport.height) / rowH) + 5);
  const rows = [];
  for (let i = first; i < last; i++) {
    const e = eventLog.get(start + i);
    if (e === undefined) continue;
    const fam = kindFamily(e.kind);
    rows.push(
      <div
        key={e.seq}
        id={`ev-${e.seq}`}
        role="option"
        aria-selected={selected === e.seq}
        className={`log-row${e.seq === end - 1 ? ' newest' : ''}`}
        style={{ top: i * rowH, height: rowH }}
        onClick={() => select(selected === e.seq ? null : e.seq)}
      >
        <span className="seq">{formatCount(e.seq + 1)}</span>
        <span className="cyc">{formatCount(e.cycle)}</span>
        <span className={`badge fam-${fam}`}>
          <span aria-hidden="true">{ICONS[fam]}</span>
          {kindLabel(e.kind)}
        </span>
        <span className="desc" title={describeEvent(e)}>
          {describeEvent(e)}
        </span>
      </div>,
    );
  }

  const move = (to: number) => {
    const s = Math.max(start, Math.min(end - 1, to));
    if (end <= start) return;
    select(s);
    follow.current = false;
    const el = scrollRef.current!;
    const y = (s - start) * rowH;
    if (y < el.scrollTop) el.scrollTop = y;
    else if (y + rowH > el.scrollTop + el.clientHeight) el.scrollTop = y + rowH - el.clientHeight;
  };

  const onKey = (e: React.KeyboardEvent) => {
    const cur = selected ?? end - 1;
    const page = Math.max(1, Math.floor(viewport.height / rowH) - 1);
    let handled = true;
    if (e.key === 'ArrowDown') move(cur + 1);
    else if (e.key === 'ArrowUp') move(cur - 1);
    else if (e.key === 'PageDown') move(cur + page);
    else if (e.key === 'PageUp') move(cur - page);
    else if (e.key === 'Home') move(start);
    else if (e.key === 'End') {
      follow.current = true;
      select(null);
    } else if (e.key === 'Enter' && selected !== null) void commands.seek(selected + 1);
    else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  return (
    <section className="panel grow" aria-labelledby="log-title" style={{ minHeight: 0 }}>
      <header>
        <h2 id="log-title">{t('viz.log.title')}</h2>
        <span style={{ marginLeft: 'auto', textTransform: 'none', letterSpacing: 0 }}>{t('viz.log.soFar', { n: formatCount(seq) })}</span>
      </header>
      <div className="log-head" aria-hidden="true">
        <span>#</span>
        <span>{t('viz.log.cycle')}</span>
        <span>{t('viz.log.kind')}</span>
        <span>{t('viz.log.what')}</span>
      </div>
      <div
        ref={scrollRef}
        className="log"
        // An empty listbox breaks ARIA's required-children rule (axe): until there are events it is a
        // labelled group holding the hint.
        role={count === 0 ? 'group' : 'listbox'}
        tabIndex={0}
        aria-label={t('viz.log.label')}
        aria-activedescendant={selected !== null && eventLog.has(selected) ? `ev-${selected}` : undefined}
        onScroll={onScroll}
        onKeyDown={onKey}
        data-testid="event-log"
      >
        {count === 0 ? (
          <div className="log-empty">{t('viz.log.empty')}</div>
        ) : (
          <div className="log-inner" style={{ height: count * rowH }}>
            {rows}
          </div>
        )}
      </div>
      {(start > 0 || eventLog.skipped > 0) && (
        <div className="log-note">
          {start > 0 && <span>{t('viz.log.showingLast', { n: formatCount(count) })}</span>}
        </div>
      )}
    </section>
  );
}
