import type { Figure } from './view.ts';

/** A number that opens to its formula and source (a disclosure: keyboard and pointer alike). */
export function Fig({ f, label, testId }: { f: Figure; label: string; testId?: string }) {
  return (
    <details className="cn-fig" data-testid={testId}>
      <summary title={`${label}: ${f.formula}`} aria-label={`${label}: ${f.text} (show formula and source)`}>
        {f.text}
      </summary>
      <div className="cn-fig-pop" role="note">
        <p>
          <b>Formula.</b> {f.formula}
        </p>
        <p>
          <b>Source.</b> {f.source}
        </p>
      </div>
    </details>
  );
}
