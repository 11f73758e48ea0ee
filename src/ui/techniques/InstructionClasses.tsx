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

type Cls = InstructionFormClass['cls'];
const CLASS_LOOK: Record<Cls, { word: string; icon: string; tone: string }> = {
  privileged: { word: 'Privileged', icon: '▲', tone: 'ok' },
  'sensitive-unprivileged': { word: 'Sensitive, not privileged', icon: '✗', tone: 'bad' },
  innocuous: { word: 'Innocuous', icon: '·', tone: 'none' },
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
      .then((r) => live && (r === null ? setError(`unknown CPU model '${cpu}'`) : setRows(r)))
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
      <h2 id="tq-ic-h">Every instruction the core implements</h2>
      <div className="tq-pg-body">
      <p className="tq-pg-cite">
        Not a list written by hand: each of the assembler&apos;s encoding forms was run once as the guest kernel&apos;s next instruction under the trap-and-emulate VMM (real
        ring 1, IOPL 0) on this CPU model, and the VMM&apos;s own trap event says whether the processor faulted into it (<strong>privileged</strong>). The binary translator&apos;s
        rule says whether it is <strong>sensitive</strong> (it depends on privilege state the VMM virtualizes). A sensitive form that does not fault is what breaks Popek
        &amp; Goldberg&apos;s condition on IA-32.
      </p>
      {!asked ? (
        <button type="button" className="btn" onClick={() => setAsked(true)}>
          Classify every instruction
        </button>
      ) : error !== null ? (
        <p className="field-error" role="alert">
          The classification failed: {error}
        </p>
      ) : rows === null ? (
        <p role="status">Running every instruction form at ring 1…</p>
      ) : (
        <>
          <p data-testid="ic-summary">
            {rows.length} forms of {new Set(rows.map((r) => r.mnemonic)).size} mnemonics: {counts.privileged.forms} privileged ({counts.privileged.mnemonics.size} mnemonics),{' '}
            {counts['sensitive-unprivileged'].forms} sensitive but not privileged ({counts['sensitive-unprivileged'].mnemonics.size} mnemonics), {counts.innocuous.forms} innocuous.
          </p>
          <label className="check">
            <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> Show the innocuous instructions too
          </label>
          <div className="tq-table-wrap tq-ic-wrap">
            <table className="tq-table tq-ic-table" aria-label="Every instruction form, classified, and what each technique does with it" data-testid="ic-table">
              <thead>
                <tr>
                  <th scope="col">Instruction (forms)</th>
                  <th scope="col">Class</th>
                  <th scope="col">Trap-and-emulate</th>
                  <th scope="col">Binary translation</th>
                  <th scope="col">Paravirtualization</th>
                  <th scope="col">VT-x</th>
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
                        {g.row.privileged === 'rpl0' ? ' (for an RPL-0 selector)' : ''}
                        {g.row.robinIrvine ? <span className="tq-pg-why">Robin &amp; Irvine&apos;s list</span> : null}
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
