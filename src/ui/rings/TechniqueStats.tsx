/**
 * The binary translator's and the paravirtual VMM's own counters, above the trap statistics they share with
 * trap-and-emulate (SoftwareVmmStats):
 *  - binary translation: translations made (each a translation-cache miss), hits and chained transfers (no VMM
 *    involvement), the cycles translating cost, and the callouts by the sensitive instruction they replace
 *    (Adams & Agesen, ASPLOS 2006, §3 — the figures charged are costs.ts's, assumptions for these CPU models);
 *  - paravirtualization: hypercalls by name and their cycles, page-table updates the VMM validated, whether
 *    system calls go straight to the guest kernel (Barham et al., SOSP 2003, §2.3), and which program runs —
 *    the port, or the unmodified kernel the VMM crashes.
 */
import type { MachineView } from '../../worker/protocol.ts';
import { formatCount } from '../viz/format-event.ts';
import './exit-stats.css';
import { t } from '../../i18n/t.ts';

const pct = (a: number, b: number): string => (b > 0 ? `${((100 * a) / b).toFixed(1)} %` : '—');

export function BtStats({ view }: { view: MachineView }) {
  const bt = view.bt;
  if (bt === undefined) return null;
  const lookups = bt.hits + bt.misses;
  const callouts = Object.entries(bt.calloutsByMnemonic).sort((a, b) => b[1] - a[1]);
  const perCallout = bt.callouts > 0 ? bt.calloutCycles / bt.callouts : 0;
  return (
    <div className="xs-block" data-testid="bt-stats">
      <h3 className="xs-title">{t('rings.techStats.tcTitle')}</h3>
      <p className="xs-note">
        {t('rings.techStats.tcNote')}
      </p>
      <table className="vm-table" aria-label={t('rings.techStats.tcCounters')}>
        <tbody>
          <tr><th scope="row">{t('rings.techStats.misses')}</th><td className="num mono" data-testid="bt-misses">{formatCount(bt.misses)}</td></tr>
          <tr><th scope="row">{t('rings.techStats.hits')}</th><td className="num mono" data-testid="bt-hits">{formatCount(bt.hits)}</td></tr>
          <tr><th scope="row">{t('rings.techStats.chained')}</th><td className="num mono">{formatCount(bt.chained)}</td></tr>
          <tr><th scope="row">{t('rings.techStats.hitRate')}</th><td className="num mono">{pct(bt.hits, lookups)}</td></tr>
          <tr><th scope="row">{t('rings.techStats.translatedInsns')}</th><td className="num mono">{formatCount(bt.translatedInstructions)}</td></tr>
          <tr><th scope="row">{t('rings.techStats.translateCost')}</th><td className="num mono">{t('rings.techStats.cycles', { n: formatCount(bt.translateCycles) })}</td></tr>
          {bt.invalidated > 0 && <tr><th scope="row">{t('rings.techStats.invalidated')}</th><td className="num mono">{formatCount(bt.invalidated)}</td></tr>}
        </tbody>
      </table>
      <h3 className="xs-title">{t('rings.techStats.calloutsTitle')}</h3>
      {callouts.length === 0 ? (
        <p className="xs-empty">{t('rings.techStats.noCallouts')}</p>
      ) : (
        <>
          <p className="xs-note">
            {t('rings.techStats.calloutsNote', {
              n: formatCount(bt.callouts),
              cycles: formatCount(bt.calloutCycles),
              each: formatCount(perCallout),
              indirect: formatCount(bt.executedByKind.INDIRECT ?? 0),
              indirectCycles: formatCount(bt.indirectCycles),
            })}
          </p>
          <table className="vm-table" aria-label={t('rings.techStats.calloutsBy')}>
            <thead>
              <tr>
                <th scope="col">{t('rings.techStats.colReplaced')}</th>
                <th scope="col" className="num">{t('rings.techStats.colCallouts')}</th>
              </tr>
            </thead>
            <tbody>
              {callouts.map(([name, n]) => (
                <tr key={name}>
                  <td>{name}</td>
                  <td className="num mono">{formatCount(n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

export function PvStats({ view }: { view: MachineView }) {
  const pv = view.pv;
  if (pv === undefined) return null;
  const calls = Object.entries(pv.hypercallsByName).sort((a, b) => b[1] - a[1]);
  return (
    <div className="xs-block" data-testid="pv-stats">
      <h3 className="xs-title">{t('rings.techStats.hypercallsTitle')}</h3>
      <p className="xs-note">
        {pv.ported
          ? t('rings.techStats.ported', { file: String(pv.portFile) })
          : t('rings.techStats.notPorted')}
      </p>
      {calls.length === 0 ? (
        <p className="xs-empty">{pv.ported ? t('rings.techStats.noHypercallsYet') : t('rings.techStats.noHypercalls')}</p>
      ) : (
        <table className="vm-table" aria-label={t('rings.techStats.hypercallsBy')}>
          <thead>
            <tr>
              <th scope="col">{t('rings.techStats.colHypercall')}</th>
              <th scope="col" className="num">{t('rings.techStats.colCalls')}</th>
            </tr>
          </thead>
          <tbody>
            {calls.map(([name, n]) => (
              <tr key={name}>
                <td className="mono">{name}</td>
                <td className="num mono">{formatCount(n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="xs-note">
        {t('rings.techStats.pvNote', {
          n: formatCount(pv.hypercalls),
          cycles: formatCount(pv.hypercallCycles),
          updates: formatCount(pv.pageTableUpdates),
          refused: pv.pageTableUpdatesRejected > 0 ? t('rings.techStats.refused', { n: formatCount(pv.pageTableUpdatesRejected) }) : '',
          int80: pv.int80Direct ? t('rings.techStats.int80') : '',
        })}
      </p>
    </div>
  );
}
