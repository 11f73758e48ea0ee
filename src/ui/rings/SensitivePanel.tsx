/**
 * The sensitive-instruction lesson (the `sensitive` scenario): what each of Robin & Irvine's sensitive,
 * unprivileged instructions returned to the kernel on each platform, side by side. At ring 0 (native, and
 * VT-x, where the guest kernel is back in ring 0 in VMX non-root operation) the kernel sees its own state;
 * deprivileged to ring 1 under the software VMM it sees the VMM's, because none of these instructions faults
 * at ring 1 and the VMM never gets the chance to emulate them (white paper §3.1; the rows and why each one
 * misbehaves are src/core/techniques/deprivileged/instructions.ts, with the SDM rule for each).
 *
 * The current platform's column is live (what the console printed up to the position); the other two are
 * the same program run to its end on those platforms (the worker's comparePlatforms).
 */
import { useEffect, useMemo, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import { SENSITIVE_UNPRIVILEGED } from '../../core/techniques/deprivileged/instructions.ts';
import type { PlatformRun, SessionMode } from '../../worker/protocol.ts';
import { sensitiveValue } from '../viz/swvmm-text.ts';

const COLUMNS: { mode: SessionMode; label: string; ring: string }[] = [
  { mode: 'bare', label: 'Native', ring: 'ring 0' },
  { mode: 'swvmm', label: 'Software VMM', ring: 'ring 1' },
  { mode: 'guest', label: 'VT-x', ring: 'ring 0, non-root' },
  // Binary translation: the kernel still at ring 1, but each of these instructions became a callout (issue 5).
  { mode: 'bt', label: 'Binary translation', ring: 'ring 1, translated' },
];

export function SensitivePanel() {
  const spec = useApp((s) => s.spec);
  const view = useApp((s) => s.view);
  const mode: SessionMode = view?.mode ?? spec.mode ?? 'guest';
  const [runs, setRuns] = useState<PlatformRun[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The whole runs depend on the program, not on the platform chosen or the position.
  const key = `${spec.scenario}|${spec.source ?? ''}|${JSON.stringify(spec.params ?? {})}|${spec.cpu ?? ''}|${spec.seed}`;
  useEffect(() => {
    let live = true;
    setRuns(null);
    setError(null);
    commands
      .comparePlatforms()
      .then((r) => live && setRuns(r))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [key]);

  const liveConsole = view?.console ?? '';
  const rows = useMemo(
    () =>
      SENSITIVE_UNPRIVILEGED.map((ins) => {
        const values = COLUMNS.map((c) => {
          if (c.mode === mode) return sensitiveValue(liveConsole, ins.line);
          const r = runs?.find((x) => x.mode === c.mode);
          return r === undefined ? undefined : sensitiveValue(r.console, ins.line);
        });
        const whole = (m: SessionMode): string | null | undefined => {
          const r = runs?.find((x) => x.mode === m);
          return r === undefined ? undefined : sensitiveValue(r.console, ins.line);
        };
        const sw = whole('swvmm');
        const vtx = whole('guest');
        return { ins, values, differs: sw != null && vtx != null && sw !== vtx };
      }),
    [runs, liveConsole, mode],
  );
  const differing = rows.filter((r) => r.differs).length;

  return (
    <section className="sensitive-panel" aria-labelledby="sensitive-title">
      <h2 id="sensitive-title">The sensitive unprivileged instructions</h2>
      <p className="sensitive-summary" data-testid="sensitive-summary">
        {runs === null
          ? error !== null
            ? `The comparison runs failed: ${error}`
            : 'Running the program on the other platforms…'
          : `${differing} of ${rows.length} lines differ between the Software VMM and VT-x.`}{' '}
        None of these instructions faults at ring 1 or 3, so a trap-and-emulate VMM never sees them.
      </p>
      <details className="sensitive-about">
        <summary>Robin &amp; Irvine (2000) counted 17; this list spells 18 mnemonics. Why, and what the columns are</summary>
        <p>
          Robin &amp; Irvine (USENIX Security 2000) found 17 sensitive, unprivileged instructions on the Pentium. The list commonly reproduced under that heading
          spells 18 mnemonics, and the paper&apos;s own table could not be retrieved to see how it counts to 17; this program&apos;s kernel runs all 18 once and prints
          what it sees. At ring 0 (Native, VT-x) each line shows the kernel&apos;s own state; pushed out to ring 1 under the software VMM, it shows the VMM&apos;s.
        </p>
        <p>
          The {COLUMNS.find((c) => c.mode === mode)?.label ?? 'current'} column is this run, up to the current position; the others are the same program run to its
          end on those platforms. Open an instruction to see why it behaves so at ring 1, and the SDM rule.
        </p>
      </details>
      <div className="sensitive-scroll">
        <table className="vm-table sensitive-table" aria-label="What each sensitive instruction returned, per platform">
          <thead>
            <tr>
              <th scope="col">Instruction</th>
              {COLUMNS.map((c) => (
                <th key={c.mode} scope="col" className={c.mode === mode ? 'current' : ''}>
                  {c.label}
                  <span className="col-ring">
                    {c.ring}
                    {c.mode === mode ? ' · this run' : ''}
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map(({ ins, values, differs }) => (
              <tr key={ins.line} className={differs ? 'differs' : ''} data-testid={`sensitive-${ins.mnemonic}`}>
                <th scope="row">
                  <span className="ins-name">{ins.line.replace(/:$/, '')}</span>
                  <details>
                    <summary>{differs ? '≠ at ring 1: why?' : 'why?'}</summary>
                    <span className="why">
                      At ring 1: {ins.atRing1}. <cite>SDM {ins.sdm}</cite>.
                    </span>
                  </details>
                </th>
                {values.map((v, k) => (
                  <td key={COLUMNS[k].mode} className={COLUMNS[k].mode === mode ? 'current' : ''}>
                    {v === undefined ? '…' : v === null ? <span className="not-yet">{COLUMNS[k].mode === mode ? 'not printed yet' : '—'}</span> : v}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
