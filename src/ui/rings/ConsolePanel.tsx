/** What the program printed on its serial console (COM1), at the current position. */
import { useEffect, useRef } from 'react';
import { useApp } from '../../state/store.ts';
import { t } from '../../i18n/t.ts';

export function ConsolePanel() {
  const text = useApp((s) => s.view?.console ?? '');
  const ref = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const el = ref.current?.parentElement;
    if (el) el.scrollTop = el.scrollHeight;
  }, [text]);
  return (
    <section className="panel grow" aria-labelledby="console-title">
      <header>
        <h2 id="console-title">{t('rings.console.title')}</h2>
      </header>
      <div className="panel-body grow">
        <pre ref={ref} className="console" data-testid="console">
          {text === '' ? <span style={{ color: 'var(--fg-2)' }}>{t('rings.console.empty')}</span> : text}
        </pre>
      </div>
    </section>
  );
}
