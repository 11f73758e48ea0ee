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
import '../../i18n/en/techniques.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

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
      <h2 id="tq-pg-h">{t('techniques.popek.popekGoldbergWhenCan')}</h2>
      <div className="tq-pg-body">
        <p className="tq-pg-cite"><T k="techniques.popek.fromAVirtualMachine" parts={{ cite: <cite>{POPEK_GOLDBERG_CITATION}</cite> }} /></p>
        <dl className="tq-pg-reqs">
          {REQUIREMENTS.map((r) => (
            <div key={r.name}>
              <dt>{r.name}</dt>
              <dd>{r.text}</dd>
            </div>
          ))}
        </dl>
        <p className="tq-pg-theorem" role="note">
          <T k="techniques.popek.thenEverySensitiveInstruction" parts={{ strong: <strong>{t('techniques.popek.theoremSensitivePrivilegedVirtua')}</strong>, tHEOREM: THEOREM }} /></p>
        <ul className="tq-pg-defs">
          <li>{DEFINITIONS.privileged}</li>
          <li>{DEFINITIONS.controlSensitive}</li>
          <li>{DEFINITIONS.behaviourSensitive}</li>
        </ul>
        <p className="tq-pg-verdict">
          <T k="techniques.popek.sensitiveInstructionsAreNot" parts={{ strong: <strong>{t('techniques.popek.ia32FailsThe')}</strong>, breaking }} /></p>
      </div>
      <div className="tq-table-wrap">
        <table className="tq-table tq-pg-table" aria-label={t('techniques.popek.popekGoldbergClassificationOf')} data-testid="pg-table">
          <thead>
            <tr>
              <th scope="col">{t('techniques.popek.instruction')}</th>
              <th scope="col">{t('techniques.popek.privilegedFaultsAtCpl')}</th>
              <th scope="col">{t('techniques.popek.sensitive')}</th>
              <th scope="col">{t('techniques.popek.breaksTheTheoremOn')}</th>
              <th scope="col">{t('techniques.popek.demo')}</th>
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
                    <span className="tq-pg-yes">{r.privileged ? t('techniques.popek.yes') : t('techniques.popek.no')}</span>
                    <span className="tq-pg-why">{r.privileged ? r.privilegeBasis : t('techniques.popek.notPrivilegedSdm', { privilegeBasis: r.privilegeBasis })}</span>
                  </td>
                  <td>{t('techniques.popek.yes2', { sensitivity: r.sensitivity })}</td>
                  <td className={r.breaksTheorem ? 'tone-bad' : ''}>
                    {r.breaksTheorem ? (
                      <>
                        <T k="techniques.popek.yesSensitiveNotPrivileged" parts={{ span: <span aria-hidden="true">✗ </span> }} /></>
                    ) : (
                      t('techniques.popek.noItTraps')
                    )}
                  </td>
                  <td>
                    {r.demo === null ? (
                      <span className="tq-pg-why">{t('techniques.popek.trapsTheVmmEmulates')}</span>
                    ) : pos !== undefined ? (
                      <a href={pgDemoHref(spec, pos.seq)} aria-label={t('techniques.popek.demoUnderTheSoftware', { instruction: r.instruction })}>{t('techniques.popek.stepToItAt', { instruction: r.instruction })}</a>
                    ) : error !== null ? (
                      <span className="tq-pg-why">{t('techniques.popek.notFound', { error })}</span>
                    ) : (
                      <span className="tq-pg-why">{t('techniques.popek.findingItsPosition')}</span>
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
