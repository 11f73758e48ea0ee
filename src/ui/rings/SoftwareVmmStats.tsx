/**
 * The Exits tab on the Software VMM platform: there are no VM exits without VT-x, so it shows what takes their
 * place — traps into the VMM at ring 0, by cause (instruction emulation, reflected interrupts and exceptions,
 * shadow-page fills), the instructions the VMM had to emulate, and the split of cycles between the guest's own
 * code and the VMM (each trap charged costs.ts's round trip: Adams & Agesen 2006, Pentium 4; an assumption here).
 */
import type { MachineView } from '../../worker/protocol.ts';
import { formatCount } from '../viz/format-event.ts';
import './exit-stats.css';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

export function SoftwareVmmStats({ view }: { view: MachineView }) {
  const st = view.swvmm;
  if (st === undefined) return null;
  const causes = Object.entries(st.trapsByCause).filter(([, c]) => c.count > 0).sort((a, b) => b[1].count - a[1].count);
  const emulated = Object.entries(st.emulatedByMnemonic).sort((a, b) => b[1] - a[1]);
  const busy = st.guestCycles + st.vmmCycles;
  // Cycles the traps themselves were charged (the binary translator's and the paravirtual VMM's own work is apart).
  const trapCycles = Object.values(st.trapsByCause).reduce((a, c) => a + c.cycles, 0);
  const guestTenths = busy > 0 ? Math.round((1000 * st.guestCycles) / busy) : 1000;
  return (
    <div className="exit-stats" data-testid="swvmm-stats">
      <div className="xs-block">
        <h3 className="xs-title">{t('rings.swStats.title')}</h3>
        <p className="xs-note">
          {t('rings.swStats.note')}
        </p>
        {causes.length === 0 ? (
          <p className="xs-empty">{t('rings.swStats.noTraps')}</p>
        ) : (
          <table className="vm-table" aria-label={t('rings.swStats.byCause')}>
            <thead>
              <tr>
                <th scope="col">{t('rings.swStats.colCause')}</th>
                <th scope="col" className="num">{t('rings.swStats.colTraps')}</th>
                <th scope="col" className="num">{t('rings.swStats.colCycles')}</th>
              </tr>
            </thead>
            <tbody>
              {causes.map(([name, c]) => (
                <tr key={name}>
                  <td>{name}</td>
                  <td className="num mono">{formatCount(c.count)}</td>
                  <td className="num mono">{formatCount(c.cycles)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {emulated.length > 0 && (
        <div className="xs-block">
          <h3 className="xs-title">{t('rings.swStats.emulatedTitle')}</h3>
          <table className="vm-table" aria-label={t('rings.swStats.emulated')}>
            <tbody>
              {emulated.map(([name, n]) => (
                <tr key={name}>
                  <td>{name}</td>
                  <td className="num mono">{formatCount(n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="xs-block">
        <h3 className="xs-title">{t('rings.exitStats.guestVsVmm')}</h3>
        <p className="xs-overhead-text">
          {t('rings.swStats.overhead', {
            pct: (100 - guestTenths / 10).toFixed(1),
            each: st.traps > 0 ? t('rings.swStats.eachTrap', { n: formatCount(trapCycles / st.traps) }) : '',
            includes: view.mode === 'bt' ? t('rings.swStats.includesBt') : view.mode === 'pv' ? t('rings.swStats.includesPv') : '',
          })}
        </p>
        <div className="xs-stack" aria-hidden="true">
          <span className="xs-seg xs-guest" style={{ width: `${guestTenths / 10}%` }} />
          <span className="xs-seg xs-vmm" style={{ width: `${100 - guestTenths / 10}%` }} />
        </div>
        <ul className="xs-legend">
          <li>
            <span className="xs-key xs-guest" aria-hidden="true" />
            <T k="rings.swStats.legendGuest" params={{ n: formatCount(st.guestCycles) }} parts={{ name: <strong>{t('rings.exitStats.guest')}</strong> }} />
          </li>
          <li>
            <span className="xs-key xs-vmm" aria-hidden="true" />
            <T k="rings.swStats.legendVmm" params={{ n: formatCount(st.vmmCycles) }} parts={{ name: <strong>{t('rings.exitStats.vmm')}</strong> }} />
          </li>
          {st.idleCycles > 0 && <li>{t('rings.swStats.idle', { n: formatCount(st.idleCycles) })}</li>}
        </ul>
      </div>
    </div>
  );
}
