/**
 * The VMCS inspector: every field of the current VMCS in the six areas of SDM Vol. 3C §24.3, its value
 * decoded in the SDM's words, and what the last VM exit or entry changed (a background and a "changed —
 * was …" badge, never color alone).
 *
 * Presentational only: the VMCS comes in through props (no store, no engine calls); the model is
 * `inspectVmcs` in src/core/vmx/inspect.ts. Classroom shows the key fields and whatever the last
 * transition changed ("Show all fields" for the rest); Engineer shows everything. The search box filters
 * every field live. The field list is one tab stop: ↑ ↓ Home End move between fields, and a focused (or
 * hovered) field shows its SDM meaning; Escape hides it.
 */
import { memo, useCallback, useDeferredValue, useId, useMemo, useRef, useState } from 'react';
import type { FocusEvent as ReactFocusEvent, KeyboardEvent as ReactKeyboardEvent } from 'react';
import { inspectVmcs, searchVmcs, type InspectedField, type InspectedGroup, type VmcsDetail } from '../../core/vmx/inspect.ts';
import type { FieldGroup, FieldWidth } from '../../core/vmx/spec/fields.ts';
import type { VmcsView } from '../../worker/protocol.ts';
import './vmcs-inspector.css';
import { t } from '../../i18n/t.ts';
import { EventKind } from '../../core/trace/events.ts';
import { T } from '../../i18n/react.tsx';

export interface VmcsInspectorProps {
  view: VmcsView | null;
  detail: 'classroom' | 'engineer';
  /** A read of the VMCS is under way. */
  loading?: boolean;
  /** A line to show above the fields (e.g. why the values may be stale). */
  note?: string;
}

const widthLabel = (w: `${FieldWidth}`): string => (w === 'natural' ? t('rings.vmcs.widthNatural') : t('rings.vmcs.widthBits', { n: w }));

const fieldCount = (n: number): string => t('rings.vmcs.fields', { count: n, n: n.toLocaleString('en-US') });

function bitsLabel(bits: string): string {
  return /[:,]/.test(bits) ? t('rings.vmcs.bits', { bits }) : t('rings.vmcs.bit', { bits });
}

/** A 64-bit value with a small gap between its halves (the text stays one unbroken number when copied). */
function Value({ hex }: { hex: string }) {
  if (hex.length !== 18) return <>{hex}</>;
  return (
    <>
      {hex.slice(0, 10)}
      <span className="vmcsi-lo">{hex.slice(10)}</span>
    </>
  );
}

interface RowProps {
  field: InspectedField;
  detail: VmcsDetail;
  idBase: string;
  tabbable: boolean;
  tipOff: boolean;
  onLeave: (encoding: number) => void;
}

/**
 * The SDM meaning opens under its row, or above it when the rest of the scroller that holds the list (the tab
 * panel) is too short to show it: the scroller clips what sticks out, and near its bottom only the tip's first line
 * showed.
 */
function placeTip(row: HTMLElement): void {
  const tip = row.querySelector<HTMLElement>('.vmcsi-tip');
  let list = row.parentElement;
  while (list !== null && getComputedStyle(list).overflowY === 'visible') list = list.parentElement;
  if (tip === null || list === null) return;
  const r = row.getBoundingClientRect();
  const box = list.getBoundingClientRect();
  const below = box.bottom - r.bottom;
  const above = r.top - box.top;
  row.classList.toggle('tip-above', tip.offsetHeight > below && above > below);
}

const FieldRow = memo(function FieldRow({ field: f, detail, idBase, tabbable, tipOff, onLeave }: RowProps) {
  const id = `${idBase}-${f.encoding}`;
  const tipId = `${id}-tip`;
  const d = f.decoded;
  const hasDecoded = d !== undefined && (d.summary !== '' || d.parts.length > 0);
  // Focused, the row is announced as its name, value, change and decoding; the SDM meaning is its description.
  const labelledBy = [`${id}-name`, `${id}-value`, f.changed ? `${id}-changed` : '', hasDecoded ? `${id}-decoded` : ''].filter((x) => x !== '').join(' ');
  return (
    <li
      className={`vmcsi-row${f.changed ? ' is-changed' : ''}`}
      tabIndex={tabbable ? 0 : -1}
      data-vmcs-row={f.encoding}
      data-tip-off={tipOff ? '' : undefined}
      aria-labelledby={labelledBy}
      aria-describedby={tipId}
      onMouseEnter={(e) => placeTip(e.currentTarget)}
      onFocus={(e) => placeTip(e.currentTarget)}
      onMouseLeave={() => onLeave(f.encoding)}
    >
      <span className="vmcsi-enc">
        <span className="visually-hidden">{t('rings.vmcs.encoding')}</span>
        {f.encodingHex}
      </span>
      <span className="vmcsi-name" id={`${id}-name`}>
        <span className="vmcsi-title">{f.title}</span> <code className="vmcsi-const">{f.name}</code>
      </span>
      <span className="vmcsi-width">
        {widthLabel(`${f.width}`)}
        <span className="visually-hidden">{t('rings.vmcs.field')}</span>
      </span>
      <span className="vmcsi-value" id={`${id}-value`}>
        <span className="visually-hidden">{t('rings.vmcs.value')}</span>
        <Value hex={f.valueHex} />
      </span>
      {f.changed && (
        <span className="vmcsi-changed" id={`${id}-changed`}>
          <span className="vmcsi-badge">{t('rings.vmcs.changed')}</span>{' '}
          <span className="vmcsi-was">
            <T k="rings.vmcs.was" parts={{ value: <Value hex={f.beforeHex ?? ''} /> }} />
          </span>
        </span>
      )}
      {d !== undefined && hasDecoded && (
        <div className="vmcsi-decoded" id={`${id}-decoded`}>
          {/* A list of set bits speaks for itself (with bit numbers); the summary would repeat it. */}
          {d.style === 'flags' && d.parts.length > 0 ? (
            d.remark !== undefined && <span className="vmcsi-summary">{d.remark}</span>
          ) : (
            <span className="vmcsi-summary">{d.summary}</span>
          )}{' '}
          {d.parts.length > 0 && (
            <ul className={`vmcsi-parts ${d.style === 'flags' ? 'is-flags' : 'is-fields'}${detail === 'engineer' ? ' is-engineer' : ''}`}>
              {d.parts.map((p, i) =>
                d.style === 'flags' ? (
                  <li key={i}>
                    <span className="vmcsi-bits">{bitsLabel(p.bits)}</span> {p.name}
                    {detail === 'engineer' && <span className="vmcsi-meaning"> — {p.meaning}</span>}
                  </li>
                ) : (
                  <li key={i}>
                    <span className="vmcsi-bits">{bitsLabel(p.bits)}</span> {p.name}: <strong>{p.meaning}</strong>
                  </li>
                ),
              )}
            </ul>
          )}
        </div>
      )}
      <div className="vmcsi-tip" role="tooltip" id={tipId}>
        {f.description} <cite>{f.sdm}</cite>
      </div>
    </li>
  );
});

function transitionText(changed: number, tr: { label: string; eventNumber: number; kind: number } | null, compared: boolean): string {
  if (tr === null || !compared) return t('rings.vmcs.nothingToCompare');
  const params = { label: tr.label, n: tr.eventNumber.toLocaleString('en-US') };
  if (changed === 0) return t('rings.vmcs.changedNone', params);
  // A VM exit stores every guest-state field (SDM Vol. 3C §27.3); only the ones whose value differs are marked.
  return t(tr.kind === EventKind.VMEXIT ? 'rings.vmcs.highlightedExit' : 'rings.vmcs.highlighted', { ...params, fields: fieldCount(changed) });
}

export function VmcsInspector({ view, detail, loading = false, note }: VmcsInspectorProps) {
  const idBase = useId();
  const [query, setQuery] = useState('');
  const [onlyChanged, setOnlyChanged] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const [collapsed, setCollapsed] = useState<ReadonlySet<FieldGroup>>(new Set());
  const [active, setActive] = useState<number | null>(null);
  const [tipOff, setTipOff] = useState<number | null>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const deferredQuery = useDeferredValue(query);

  const inspected = useMemo(() => (view === null ? null : inspectVmcs(view, { detail })), [view, detail]);
  const searched = useMemo(() => (inspected === null ? null : searchVmcs(inspected, deferredQuery)), [inspected, deferredQuery]);

  const searching = deferredQuery.trim() !== '';
  const changedOnly = onlyChanged && inspected !== null && inspected.compared;
  const classroomDefault = detail === 'classroom' && !showAll && !searching;
  const groups = useMemo((): InspectedGroup[] => {
    if (searched === null) return [];
    return searched.groups
      .map((g) => ({ ...g, fields: g.fields.filter((f) => (!changedOnly || f.changed) && (!classroomDefault || f.key || f.changed)) }))
      .filter((g) => g.fields.length > 0);
  }, [searched, changedOnly, classroomDefault]);
  const shown = groups.reduce((n, g) => n + g.fields.length, 0);

  // The one row in the tab order: the last one focused, or the first row of an open area.
  const openGroups = groups.filter((g) => !collapsed.has(g.id));
  const activeShown = active !== null && openGroups.some((g) => g.fields.some((f) => f.encoding === active));
  const tabbableEncoding = activeShown ? active : (openGroups[0]?.fields[0]?.encoding ?? null);

  const onLeave = useCallback((encoding: number) => setTipOff((t) => (t === encoding ? null : t)), []);

  const onFocus = (e: ReactFocusEvent<HTMLDivElement>) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-vmcs-row]');
    if (row === null) return;
    const encoding = Number(row.dataset.vmcsRow);
    setActive(encoding);
    setTipOff((t) => (t === encoding ? t : null));
  };

  const onKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    if (!target.hasAttribute('data-vmcs-row')) return;
    if (e.key === 'Escape') {
      setTipOff(Number(target.dataset.vmcsRow));
      return;
    }
    const rows = Array.from(listRef.current?.querySelectorAll<HTMLElement>('[data-vmcs-row]') ?? []);
    const i = rows.indexOf(target);
    let j: number;
    switch (e.key) {
      case 'ArrowDown': j = Math.min(rows.length - 1, i + 1); break;
      case 'ArrowUp': j = Math.max(0, i - 1); break;
      case 'Home': j = 0; break;
      case 'End': j = rows.length - 1; break;
      default: return;
    }
    e.preventDefault();
    rows[j]?.focus();
  };

  const toggleGroup = (id: FieldGroup) =>
    setCollapsed((c) => {
      const next = new Set(c);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  if (inspected === null || searched === null) {
    return (
      <section className="vmcsi" aria-label={t('rings.vmcs.label')} aria-busy={loading}>
        <div className="vmcsi-empty" role="status">
          {loading ? (
            <p>{t('rings.vmcs.reading')}</p>
          ) : (
            <>
              <p className="vmcsi-empty-title">{t('rings.vmcs.noVmcs')}</p>
              <p>{t('rings.vmcs.becomesCurrent')}</p>
            </>
          )}
          {note !== undefined && <p className="vmcsi-note">{note}</p>}
        </div>
      </section>
    );
  }

  const searchId = `${idBase}-search`;
  let scope: string;
  if (searching) scope = t('rings.vmcs.scopeMatching', { query: deferredQuery.trim() });
  else if (changedOnly) scope = t('rings.vmcs.scopeChanged');
  else if (classroomDefault) scope = t('rings.vmcs.scopeKey');
  else scope = t('rings.vmcs.scopeAll');

  return (
    <section className="vmcsi" aria-label={t('rings.vmcs.label')} aria-busy={loading}>
      <header className="vmcsi-head">
        <div className="vmcsi-id">
          <h2 className="vmcsi-h">
            <T k="rings.vmcs.heading" parts={{ ptr: <span className="vmcsi-mono">{inspected.ptrHex}</span> }} />
          </h2>
          <span className="vmcsi-pill">
            <T k="rings.vmcs.launchState" parts={{ state: <strong>{inspected.launched ? t('rings.vmcs.launched') : t('rings.vmcs.clear')}</strong> }} />
          </span>
          <span className="vmcsi-pill">
            <T k="rings.vmcs.current" parts={{ value: <strong>{inspected.current ? t('rings.vmcs.yes') : t('rings.vmcs.no')}</strong> }} />
          </span>
          {loading && <span className="vmcsi-updating">{t('rings.vmcs.updating')}</span>}
        </div>
        <p className={`vmcsi-transition${inspected.changedCount > 0 ? ' has-changes' : ''}`}>
          {inspected.changedCount > 0 && <span className="vmcsi-badge">{t('rings.vmcs.changed')}</span>}{' '}
          {transitionText(inspected.changedCount, inspected.transition, inspected.compared)}
        </p>
        {note !== undefined && <p className="vmcsi-note">{note}</p>}
      </header>

      <div className="vmcsi-bar">
        <div className="vmcsi-tools">
          <div className="vmcsi-search">
            <label htmlFor={searchId}>{t('rings.vmcs.filter')}</label>
            <input
              id={searchId}
              type="search"
              value={query}
              placeholder={t('rings.vmcs.filterPlaceholder')}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => setQuery(e.target.value)}
            />
          </div>
          <label className="check">
            <input type="checkbox" checked={onlyChanged} disabled={!inspected.compared} onChange={(e) => setOnlyChanged(e.target.checked)} />
            {t('rings.vmcs.onlyChanged')}
          </label>
          {detail === 'classroom' && (
            <label className="check">
              <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} />
              {t('rings.vmcs.showAll')}
            </label>
          )}
        </div>
        <p className="vmcsi-count" role="status">
          {t('rings.vmcs.showing', { shown: shown.toLocaleString('en-US'), fields: fieldCount(inspected.fieldCount), scope })}
        </p>
      </div>

      <div className="vmcsi-groups" ref={listRef} onKeyDown={onKeyDown} onFocus={onFocus}>
        {shown === 0 && (
          <p className="vmcsi-none">{searching ? t('rings.vmcs.noMatch', { query: deferredQuery.trim() }) : changedOnly ? t('rings.vmcs.noChanged') : t('rings.vmcs.noField')}</p>
        )}
        {groups.map((g) => {
          const open = !collapsed.has(g.id);
          const bodyId = `${idBase}-group-${g.id}`;
          const changedHere = g.fields.reduce((n, f) => n + (f.changed ? 1 : 0), 0);
          return (
            <div className="vmcsi-group" key={g.id}>
              <h3 className="vmcsi-group-h">
                <button type="button" aria-expanded={open} aria-controls={bodyId} onClick={() => toggleGroup(g.id)}>
                  <span className="vmcsi-chevron" aria-hidden="true">
                    ▸
                  </span>
                  <span className="vmcsi-group-title">{g.title}</span>
                  <span className="vmcsi-group-meta">
                    {fieldCount(g.fields.length)}
                    {changedHere > 0 ? t('rings.vmcs.changedHere', { n: changedHere }) : ''} · <cite>{g.sdm}</cite>
                  </span>
                </button>
              </h3>
              <ul className="vmcsi-rows" id={bodyId} hidden={!open} aria-label={g.title}>
                {open &&
                  g.fields.map((f) => (
                    <FieldRow
                      key={f.encoding}
                      field={f}
                      detail={detail}
                      idBase={idBase}
                      tabbable={f.encoding === tabbableEncoding}
                      tipOff={tipOff === f.encoding}
                      onLeave={onLeave}
                    />
                  ))}
              </ul>
            </div>
          );
        })}
        {shown > 0 && <p className="vmcsi-keys">{t('rings.vmcs.keys')}</p>}
      </div>
    </section>
  );
}
