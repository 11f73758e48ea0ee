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

const pct = (a: number, b: number): string => (b > 0 ? `${((100 * a) / b).toFixed(1)} %` : '—');

export function BtStats({ view }: { view: MachineView }) {
  const bt = view.bt;
  if (bt === undefined) return null;
  const lookups = bt.hits + bt.misses;
  const callouts = Object.entries(bt.calloutsByMnemonic).sort((a, b) => b[1] - a[1]);
  const perCallout = bt.callouts > 0 ? bt.calloutCycles / bt.callouts : 0;
  return (
    <div className="xs-block" data-testid="bt-stats">
      <h3 className="xs-title">Translation cache</h3>
      <p className="xs-note">
        The guest kernel never runs as written: each unit of its code is translated once, on its first run (a miss), and run from the translation cache
        after that (a hit, or a chained jump that needs no lookup at all). Guest applications in ring 3 run directly.
      </p>
      <table className="vm-table" aria-label="Translation cache counters">
        <tbody>
          <tr><th scope="row">Translations (cache misses)</th><td className="num mono" data-testid="bt-misses">{formatCount(bt.misses)}</td></tr>
          <tr><th scope="row">Cache hits (looked up, found)</th><td className="num mono" data-testid="bt-hits">{formatCount(bt.hits)}</td></tr>
          <tr><th scope="row">Chained transfers (no lookup)</th><td className="num mono">{formatCount(bt.chained)}</td></tr>
          <tr><th scope="row">Hit rate of lookups</th><td className="num mono">{pct(bt.hits, lookups)}</td></tr>
          <tr><th scope="row">Guest instructions translated</th><td className="num mono">{formatCount(bt.translatedInstructions)}</td></tr>
          <tr><th scope="row">Translation cost</th><td className="num mono">{formatCount(bt.translateCycles)} cycles</td></tr>
          {bt.invalidated > 0 && <tr><th scope="row">Dropped by guest writes to code</th><td className="num mono">{formatCount(bt.invalidated)}</td></tr>}
        </tbody>
      </table>
      <h3 className="xs-title">Callouts into the VMM</h3>
      {callouts.length === 0 ? (
        <p className="xs-empty">No callouts yet.</p>
      ) : (
        <>
          <p className="xs-note">
            Each sensitive instruction in the kernel&apos;s code became a call into the VMM: {formatCount(bt.callouts)} so far, {formatCount(bt.calloutCycles)} cycles
            ({formatCount(perCallout)} each, an assumption). Indirect branches looked up in the cache: {formatCount(bt.executedByKind.INDIRECT ?? 0)} ({formatCount(bt.indirectCycles)} cycles).
          </p>
          <table className="vm-table" aria-label="Callouts by instruction">
            <thead>
              <tr>
                <th scope="col">Instruction replaced</th>
                <th scope="col" className="num">Callouts</th>
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
      <h3 className="xs-title">Hypercalls</h3>
      <p className="xs-note">
        {pv.ported
          ? `The kernel runs as ported to the hypercall interface (${pv.portFile}): where the original executes a privileged instruction, the port calls the VMM.`
          : 'This program runs as written, not ported: its first privileged instruction faults at ring 1 and the paravirtual VMM, which emulates nothing, crashes the domain.'}
      </p>
      {calls.length === 0 ? (
        <p className="xs-empty">No hypercalls{pv.ported ? ' yet' : ''}.</p>
      ) : (
        <table className="vm-table" aria-label="Hypercalls by name">
          <thead>
            <tr>
              <th scope="col">Hypercall</th>
              <th scope="col" className="num">Calls</th>
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
        {formatCount(pv.hypercalls)} hypercalls, {formatCount(pv.hypercallCycles)} cycles (each charged the hypercall figure, an assumption).
        Page-table updates validated: {formatCount(pv.pageTableUpdates)}{pv.pageTableUpdatesRejected > 0 ? `, refused: ${formatCount(pv.pageTableUpdatesRejected)}` : ''}.
        {pv.int80Direct ? ' System calls (INT 0x80) go straight from ring 3 to the guest kernel without entering the VMM.' : ''}
      </p>
    </div>
  );
}
