import type { Figure } from './view.ts';
import '../../i18n/en/consolidation.ts';
import { t } from '../../i18n/t.ts';
import { useAnchoredPopover } from '../viz/use-anchored-popover.ts';

/** A number that opens to its formula and source (a disclosure: keyboard and pointer alike). */
export function Fig({ f, label, testId }: { f: Figure; label: string; testId?: string }) {
  const { detailsRef, popRef, onToggle } = useAnchoredPopover();
  return (
    <details className="cn-fig" data-testid={testId} ref={detailsRef} onToggle={onToggle}>
      <summary title={`${label}: ${f.formula}`} aria-label={t('consolidation.fig.showFormulaAndSource', { label, text: f.text })}>
        {f.text}
      </summary>
      <div className="cn-fig-pop" role="note" ref={popRef}>
        <p>
          <b>{t('consolidation.fig.formula')}</b> {f.formula}
        </p>
        <p>
          <b>{t('consolidation.fig.source')}</b> {f.source}
        </p>
      </div>
    </details>
  );
}
