/**
 * The Exits tab on the Software VMM platform: there are no VM exits without VT-x, so it shows what takes their
 * place — traps into the VMM at ring 0, by cause (instruction emulation, reflected interrupts and exceptions,
 * shadow-page fills), the instructions the VMM had to emulate, and the split of cycles between the guest's own
 * code and the VMM (each trap charged costs.ts's round trip: Adams & Agesen 2006, Pentium 4; an assumption here).
 */
import type { MachineView } from '../../worker/protocol.ts';
import { formatCount } from '../viz/format-event.ts';
import './exit-stats.css';

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
        <h3 className="xs-title">Traps to the VMM</h3>
        <p className="xs-note">
          No VT-x, so no VM exits: the guest kernel runs at ring 1 and everything the VMM must see reaches it as a fault or an interrupt through the VMM&apos;s IDT in ring 0.
        </p>
        {causes.length === 0 ? (
          <p className="xs-empty">No traps yet.</p>
        ) : (
          <table className="vm-table" aria-label="Traps by cause">
            <thead>
              <tr>
                <th scope="col">Cause</th>
                <th scope="col" className="num">Traps</th>
                <th scope="col" className="num">VMM cycles</th>
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
          <h3 className="xs-title">Instructions the VMM emulated</h3>
          <table className="vm-table" aria-label="Emulated instructions">
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
        <h3 className="xs-title">Guest vs VMM time</h3>
        <p className="xs-overhead-text">
          VMM overhead {(100 - guestTenths / 10).toFixed(1)} % of cycles
          {st.traps > 0 ? ` (each trap: ${formatCount(trapCycles / st.traps)} cycles, an assumption)` : ''}
          {view.mode === 'bt' ? '; VMM time includes translating and callouts' : view.mode === 'pv' ? '; VMM time includes hypercalls' : ''}.
        </p>
        <div className="xs-stack" aria-hidden="true">
          <span className="xs-seg xs-guest" style={{ width: `${guestTenths / 10}%` }} />
          <span className="xs-seg xs-vmm" style={{ width: `${100 - guestTenths / 10}%` }} />
        </div>
        <ul className="xs-legend">
          <li>
            <span className="xs-key xs-guest" aria-hidden="true" />
            <strong>Guest</strong> (rings 1 and 3): {formatCount(st.guestCycles)} cycles
          </li>
          <li>
            <span className="xs-key xs-vmm" aria-hidden="true" />
            <strong>VMM</strong> (ring 0): {formatCount(st.vmmCycles)} cycles
          </li>
          {st.idleCycles > 0 && <li>Idle (the guest in HLT): {formatCount(st.idleCycles)} cycles</li>}
        </ul>
      </div>
    </div>
  );
}
