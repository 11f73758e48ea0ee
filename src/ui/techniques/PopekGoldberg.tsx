/**
 * Popek & Goldberg (issue 5, item 4): the three requirements, the theorem, and the instructions the core
 * implements classified as privileged and/or sensitive — generated from the trap-and-emulate VMM's tables
 * (src/core/techniques/popek-goldberg.ts). Each sensitive unprivileged row links to the Rings & VMX lab on the
 * software VMM, running `sensitive`, just after that instruction ran (positions found by the worker).
 */
import { useEffect, useMemo, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import { DEFINITIONS, POPEK_GOLDBERG_CITATION, REQUIREMENTS, THEOREM, demoSpec, popekGoldbergRows } from '../../core/techniques/popek-goldberg.ts';
import type { DemoPosition } from '../../worker/protocol.ts';
import { pgDemoHref } from './view.ts';

export function PopekGoldberg({ cpu }: { cpu: string }) {
  const health = useApp((s) => s.health);
  const rows = useMemo(() => popekGoldbergRows(), []);
  const [positions, setPositions] = useState<DemoPosition[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (health !== 'ready') return;
    let live = true;
    setPositions(null);
    setError(null);
    commands
      .sensitiveDemoPositions(cpu)
      .then((r) => {
        if (!live) return;
        if (r.ok) setPositions(r.positions);
        else setError(r.message);
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [health, cpu]);
  const spec = demoSpec(cpu);
  const breaking = rows.filter((r) => r.breaksTheorem).length;

  return (
    <section className="panel tq-pg" aria-labelledby="tq-pg-h">
      <h2 id="tq-pg-h">Popek &amp; Goldberg: when can a VMM be built?</h2>
      <div className="tq-pg-body">
        <p className="tq-pg-cite">
          From <cite>{POPEK_GOLDBERG_CITATION}</cite>. A virtual machine monitor must have three properties:
        </p>
        <dl className="tq-pg-reqs">
          {REQUIREMENTS.map((r) => (
            <div key={r.name}>
              <dt>{r.name}</dt>
              <dd>{r.text}</dd>
            </div>
          ))}
        </dl>
        <p className="tq-pg-theorem" role="note">
          <strong>Theorem (sensitive ⊆ privileged ⇒ virtualizable).</strong> {THEOREM} Then every sensitive instruction traps to the VMM, which emulates it
          (resource control, equivalence), and everything else runs directly (efficiency).
        </p>
        <ul className="tq-pg-defs">
          <li>{DEFINITIONS.privileged}</li>
          <li>{DEFINITIONS.controlSensitive}</li>
          <li>{DEFINITIONS.behaviourSensitive}</li>
        </ul>
        <p className="tq-pg-verdict">
          <strong>IA-32 fails the condition:</strong> {breaking} sensitive instructions are not privileged: run by the guest kernel at ring 1 they take effect without the VMM emulating them, so the trap-and-emulate VMM of this lab gives wrong or revealing results (its verdict).
          Robin &amp; Irvine (USENIX Security 2000) found 17 sensitive, unprivileged instructions on the Pentium; the list commonly reproduced under that heading
          spells 18 mnemonics, and the paper&apos;s own table could not be retrieved to see how it counts to 17. We use the 18 mnemonics.
        </p>
      </div>
      <div className="tq-table-wrap">
        <table className="tq-table tq-pg-table" aria-label="Popek & Goldberg classification of the instructions" data-testid="pg-table">
          <thead>
            <tr>
              <th scope="col">Instruction</th>
              <th scope="col">Privileged? (faults at CPL &gt; 0)</th>
              <th scope="col">Sensitive?</th>
              <th scope="col">Breaks the theorem on IA-32?</th>
              <th scope="col">Demo</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const pos = r.demo === null ? undefined : positions?.find((p) => p.mnemonic === r.demo);
              return (
                <tr key={`${r.source}-${r.id}`} data-pg={r.id} className={r.breaksTheorem ? 'breaks' : ''}>
                  <th scope="row">
                    <code>{r.instruction}</code>
                  </th>
                  <td>
                    <span className="tq-pg-yes">{r.privileged ? 'Yes' : 'No'}</span>
                    <span className="tq-pg-why">{r.privileged ? r.privilegeBasis : `not privileged (SDM ${r.privilegeBasis})`}</span>
                  </td>
                  <td>Yes: {r.sensitivity}</td>
                  <td className={r.breaksTheorem ? 'tone-bad' : ''}>
                    {r.breaksTheorem ? (
                      <>
                        <span aria-hidden="true">✗ </span>Yes: sensitive, not privileged
                      </>
                    ) : (
                      'No: it traps'
                    )}
                  </td>
                  <td>
                    {r.demo === null ? (
                      <span className="tq-pg-why">traps; the VMM emulates it</span>
                    ) : pos !== undefined ? (
                      <a href={pgDemoHref(spec, pos.seq)} aria-label={`Demo: ${r.instruction} under the software VMM`}>
                        Step to it ({r.instruction} at ring 1)
                      </a>
                    ) : error !== null ? (
                      <span className="tq-pg-why">not found: {error}</span>
                    ) : (
                      <span className="tq-pg-why">finding its position…</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
