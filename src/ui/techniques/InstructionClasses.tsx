/**
 * Every instruction form the core implements, classified (src/core/techniques/instruction-classes.ts): the
 * worker runs each form once as the deprivileged guest kernel's next instruction and reads from the
 * trap-and-emulate VMM's own events whether it faulted (privileged); the binary translator's rule says whether
 * it is sensitive. Grouped by mnemonic and behaviour; innocuous forms hidden unless asked for.
 */
import { useEffect, useMemo, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import type { InstructionFormClass } from '../../worker/protocol.ts';
import '../../i18n/en/techniques.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

type Cls = InstructionFormClass['cls'];
const CLASS_LOOK: Record<Cls, { word: string; icon: string; tone: string }> = {
  privileged: { get word() { return t('techniques.classes.privilegedWord'); }, icon: '▲', tone: 'ok' },
  'sensitive-unprivileged': { get word() { return t('techniques.classes.sensitiveNotPrivileged'); }, icon: '✗', tone: 'bad' },
  innocuous: { get word() { return t('techniques.classes.innocuousWord'); }, icon: '·', tone: 'none' },
};

interface Group {
  key: string;
  mnemonic: string;
  forms: string[];
  row: InstructionFormClass;
}

export function InstructionClasses({ cpu }: { cpu: string }) {
  const health = useApp((s) => s.health);
  const [rows, setRows] = useState<InstructionFormClass[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [all, setAll] = useState(false);
  // A few seconds of runs in the worker: on request, not on every visit (then cached there per CPU model).
  const [asked, setAsked] = useState(false);
  useEffect(() => {
    if (health !== 'ready' || !asked) return;
    let live = true;
    setRows(null);
    setError(null);
    commands
      .instructionClasses(cpu)
      .then((r) => live && (r === null ? setError(t('techniques.classes.unknownCpuModel', { cpu })) : setRows(r)))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [health, cpu, asked]);
  const groups = useMemo(() => {
    const m = new Map<string, Group>();
    for (const r of rows ?? []) {
      const key = `${r.mnemonic}|${r.cls}|${r.privileged}|${r.trapAndEmulate}|${r.binaryTranslation}`;
      const g = m.get(key);
      if (g === undefined) m.set(key, { key, mnemonic: r.mnemonic, forms: [r.form], row: r });
      else g.forms.push(r.form);
    }
    return [...m.values()];
  }, [rows]);
  const counts = useMemo(() => {
    const c: Record<Cls, { forms: number; mnemonics: Set<string> }> = {
      privileged: { forms: 0, mnemonics: new Set() },
      'sensitive-unprivileged': { forms: 0, mnemonics: new Set() },
      innocuous: { forms: 0, mnemonics: new Set() },
    };
    for (const r of rows ?? []) {
      c[r.cls].forms++;
      c[r.cls].mnemonics.add(r.mnemonic);
    }
    return c;
  }, [rows]);
  const shown = groups.filter((g) => all || g.row.cls !== 'innocuous');

  return (
    <section className="panel tq-ic" aria-labelledby="tq-ic-h">
      <h2 id="tq-ic-h">{t('techniques.classes.everyInstructionTheCore')}</h2>
      <div className="tq-pg-body">
      <p className="tq-pg-cite"><T k="techniques.classes.notAListWritten" parts={{ strong: <strong>{t('techniques.classes.privileged2')}</strong>, strong2: <strong>{t('techniques.classes.sensitive')}</strong> }} /></p>
      {!asked ? (
        <button type="button" className="btn" onClick={() => setAsked(true)}>
          {t('techniques.classes.classifyEveryInstruction')}
        </button>
      ) : error !== null ? (
        <p className="field-error" role="alert">{t('techniques.classes.theClassificationFailed', { error })}
        </p>
      ) : rows === null ? (
        <p role="status">{t('techniques.classes.runningEveryInstructionForm')}</p>
      ) : (
        <>
          <p data-testid="ic-summary">
            {t('techniques.classes.summary', {
              forms: rows.length,
              mnemonics: new Set(rows.map((r) => r.mnemonic)).size,
              privileged: counts.privileged.forms,
              privilegedMnemonics: counts.privileged.mnemonics.size,
              sensitive: counts['sensitive-unprivileged'].forms,
              sensitiveMnemonics: counts['sensitive-unprivileged'].mnemonics.size,
              innocuous: counts.innocuous.forms,
            })}
          </p>
          <label className="check">
            <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />{' '}{t('techniques.classes.showTheInnocuousInstructions')}
          </label>
          <div className="tq-table-wrap tq-ic-wrap">
            <table className="tq-table tq-ic-table" aria-label={t('techniques.classes.everyInstructionFormClassified')} data-testid="ic-table">
              <thead>
                <tr>
                  <th scope="col">{t('techniques.classes.instructionForms')}</th>
                  <th scope="col">{t('techniques.classes.class')}</th>
                  <th scope="col">{t('techniques.classes.trapAndEmulate')}</th>
                  <th scope="col">{t('techniques.classes.binaryTranslation')}</th>
                  <th scope="col">{t('techniques.classes.paravirtualization')}</th>
                  <th scope="col">{t('techniques.classes.vtX')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((g) => {
                  const look = CLASS_LOOK[g.row.cls];
                  return (
                    <tr key={g.key} data-ic={g.mnemonic} data-class={g.row.cls}>
                      <th scope="row">
                        <code>{g.mnemonic}</code>
                        <span className="tq-pg-why">{g.forms.join('; ')}</span>
                      </th>
                      <td className={`tone-${look.tone}`}>
                        <span aria-hidden="true">{look.icon} </span>
                        {look.word}
                        {g.row.privileged === 'rpl0' ? t('techniques.classes.forAnRpl0') : ''}
                        {g.row.robinIrvine ? <span className="tq-pg-why">{t('techniques.classes.robinIrvineSList')}</span> : null}
                      </td>
                      <td>{g.row.trapAndEmulate}</td>
                      <td>{g.row.binaryTranslation}</td>
                      <td>{g.row.paravirt}</td>
                      <td>{g.row.vtx}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      </div>
    </section>
  );
}
