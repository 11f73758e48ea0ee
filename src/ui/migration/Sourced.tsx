/**
 * A figure on the Migration and Fail-over screens that opens to its formula and the reference's source (a
 * disclosure: Enter/Space or a click; keyboard and pointer alike). The number itself stays the summary's only
 * text, so a test or a screen reader reads the figure unchanged.
 */
import type { ReactNode } from 'react';
import './sourced.css';
import '../../i18n/en/migration.ts';
import { t } from '../../i18n/t.ts';
import { useAnchoredPopover } from '../viz/use-anchored-popover.ts';

export interface Source {
  formula: string;
  source: string;
}

export function Sourced({ children, label, src, testId }: { children: ReactNode; label: string; src: Source; testId?: string }) {
  const { detailsRef, popRef, onToggle } = useAnchoredPopover();
  return (
    <details className="src-fig" ref={detailsRef} onToggle={onToggle}>
      <summary data-testid={testId} title={`${label}: ${src.formula}`}>
        {children}
      </summary>
      <div className="src-fig-pop" role="note" ref={popRef} aria-label={t('migration.sourced.formulaAndSource', { label })}>
        <p>
          <b>{t('migration.sourced.formula')}</b> {src.formula}
        </p>
        <p>
          <b>{t('migration.sourced.source')}</b> {src.source}
        </p>
      </div>
    </details>
  );
}

/** The Migration lab's figures (usage-models.md §B; RFC 3261 for the SIP timers). */
export const MIGRATION_SOURCES = {
  rounds: { get formula() { return t('migration.sourced.preCopyRoundsIncluding'); }, get source() { return t('migration.sourced.usageModelsMdB4'); } },
  total: { get formula() { return t('migration.sourced.tMigTI'); }, get source() { return t('migration.sourced.usageModelsMdB42'); } },
  downtime: { get formula() { return t('migration.sourced.tDownVN'); }, get source() { return t('migration.sourced.usageModelsMdB43'); } },
  bytes: { get formula() { return t('migration.sourced.vMigVI'); }, get source() { return t('migration.sourced.usageModelsMdB44'); } },
  gap: { get formula() { return t('migration.sourced.mediaGapDowntimeDelay'); }, get source() { return t('migration.sourced.usageModelsMdB2'); } },
  timerB: { get formula() { return t('migration.sourced.timerBFormula'); }, get source() { return t('migration.sourced.rfc3261171'); } },
  faults: { get formula() { return t('migration.sourced.oneEptViolationPer'); }, get source() { return t('migration.sourced.sdmVol3c28'); } },
  differing: { get formula() { return t('migration.sourced.pagesWhoseDestinationCopy'); }, get source() { return t('migration.sourced.thisSimulationSCheck'); } },
} satisfies Record<string, Source>;
