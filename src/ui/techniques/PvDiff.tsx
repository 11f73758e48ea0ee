/**
 * The paravirtual port's source difference (pvSourceDiff): each hunk side by side — the original kernel's lines
 * on the left, the port's on the right — with why the port had to change them (white paper §3.1.1: "para-
 * virtualization requires changes to the guest operating system").
 */
import type { TechniqueComparison, TechniqueResult } from '../../worker/protocol.ts';
import '../../i18n/en/techniques.ts';
import { t } from '../../i18n/t.ts';

export function PvDiff({ diff, pv }: { diff: TechniqueComparison['paravirtDiff']; pv: TechniqueResult }) {
  const removed = diff.hunks.reduce((a, h) => a + h.removed.length, 0);
  const added = diff.hunks.reduce((a, h) => a + h.added.length, 0);
  return (
    <section className="panel tq-pv" aria-labelledby="tq-pv-h" data-testid="pv-diff">
      <h2 id="tq-pv-h">{t('techniques.pvDiff.paravirtualizationWhatThePort')}</h2>
      <p className="tq-footnote">
        {t('techniques.pvDiff.changesToLinesRemoved', { intro: diff.forThisWorkload
          ? t('techniques.pvDiff.thisWorkloadHasA', { port: diff.port })
          : t('techniques.pvDiff.thisWorkloadHasNo', { crashed: pv.verdict.status === 'failed' ? t('techniques.pvDiff.andCrashedIt') : '' }), changes: diff.hunks.length, original: diff.original, removed, added })}
      </p>
      <div className="tq-pv-scroll" tabIndex={0} role="region" aria-label={t('techniques.pvDiff.sourceDifference', { original: diff.original, port: diff.port })}>
        <table className="tq-pv-table">
          <thead>
            <tr>
              <th scope="col">{t('techniques.pvDiff.original', { original: diff.original })}</th>
              <th scope="col">{t('techniques.pvDiff.paravirtual', { port: diff.port })}</th>
            </tr>
          </thead>
          <tbody>
            {diff.hunks.map((h, k) => (
              <FragmentRows key={k} h={h} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function FragmentRows({ h }: { h: TechniqueComparison['paravirtDiff']['hunks'][number] }) {
  return (
    <>
      <tr className="tq-pv-why">
        <td colSpan={2}>{t('techniques.pvDiff.why', { why: h.why })}</td>
      </tr>
      <tr>
        <td className="tq-pv-old">
          {h.removed.length === 0 ? <span className="tq-kind">{t('techniques.pvDiff.nothing')}</span> : h.removed.map((l) => <Line key={l.line} n={l.line} text={l.text} mark="−" />)}
        </td>
        <td className="tq-pv-new">
          {h.added.length === 0 ? <span className="tq-kind">{t('techniques.pvDiff.removed')}</span> : h.added.map((l) => <Line key={l.line} n={l.line} text={l.text} mark="+" />)}
        </td>
      </tr>
    </>
  );
}

function Line({ n, text, mark }: { n: number; text: string; mark: string }) {
  return (
    <div className="tq-pv-line">
      <span className="tq-pv-n" aria-label={t('techniques.pvDiff.line', { n })}>
        {mark} {n}
      </span>
      <code>{text}</code>
    </div>
  );
}
