/**
 * Tabs per the WAI-ARIA tabs pattern: one tab stop for the tab list, arrows/Home/End move between tabs (and
 * select them), the panel follows. `idPrefix` keeps ids unique when a lab has tabs inside tabs.
 */
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import './tabs.css';
import { t } from '../../i18n/t.ts';

export interface TabSpec<T extends string> {
  id: T;
  label: string;
}

export function Tabs<T extends string>({ tabs, current, onChange, children, label = t('shell.tabs.views'), idPrefix = '' }: { tabs: readonly TabSpec<T>[]; current: T; onChange(t: T): void; children: ReactNode; label?: string; idPrefix?: string }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (e: KeyboardEvent, k: number) => {
    let next = -1;
    if (e.key === 'ArrowRight') next = (k + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (k - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    e.stopPropagation();
    onChange(tabs[next].id);
    refs.current[next]?.focus();
  };
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} className="tablist">
        {tabs.map((t, k) => (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[k] = el;
            }}
            role="tab"
            type="button"
            id={`${idPrefix}tab-${t.id}`}
            aria-selected={t.id === current}
            aria-controls={`${idPrefix}panel-${t.id}`}
            tabIndex={t.id === current ? 0 : -1}
            onClick={() => onChange(t.id)}
            onKeyDown={(e) => onKey(e, k)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${idPrefix}panel-${current}`} aria-labelledby={`${idPrefix}tab-${current}`} className="tabpanel" tabIndex={-1}>
        {children}
      </div>
    </div>
  );
}
