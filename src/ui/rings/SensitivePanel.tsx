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
import type { MessageKey } from '../../i18n/catalogue.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

const COLUMNS: { mode: SessionMode; label: MessageKey; ring: MessageKey }[] = [
  { mode: 'bare', label: 'rings.lab.native', ring: 'rings.sensitive.ringNative' },
  { mode: 'swvmm', label: 'rings.lab.swvmm', ring: 'rings.sensitive.ringSwvmm' },
  { mode: 'guest', label: 'rings.lab.vtx', ring: 'rings.sensitive.ringVtx' },
  // Binary translation: the kernel still at ring 1, but each of these instructions became a callout (issue 5).
  { mode: 'bt', label: 'rings.lab.bt', ring: 'rings.sensitive.ringBt' },
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
  const currentColumn = COLUMNS.find((c) => c.mode === mode);

  return (
    <section className="sensitive-panel" aria-labelledby="sensitive-title">
      <h2 id="sensitive-title">{t('rings.sensitive.title')}</h2>
      <p className="sensitive-summary" data-testid="sensitive-summary">
        {runs === null
          ? error !== null
            ? t('rings.sensitive.failed', { error })
            : t('rings.sensitive.running')
          : t('rings.sensitive.differ', { n: differing, total: rows.length })}{' '}
        {t('rings.sensitive.noneFaults')}
      </p>
      <details className="sensitive-about">
        <summary>{t('rings.sensitive.aboutSummary')}</summary>
        <p>
          {t('rings.sensitive.about')}
        </p>
        <p>
          {t('rings.sensitive.columns', { column: currentColumn !== undefined ? t(currentColumn.label) : t('rings.sensitive.current') })}
        </p>
      </details>
      <div className="sensitive-scroll">
        <table className="vm-table sensitive-table" aria-label={t('rings.sensitive.table')}>
          <thead>
            <tr>
              <th scope="col">{t('rings.sensitive.colInstruction')}</th>
              {COLUMNS.map((c) => (
                <th key={c.mode} scope="col" className={c.mode === mode ? 'current' : ''}>
                  {t(c.label)}
                  <span className="col-ring">
                    {t(c.ring)}
                    {c.mode === mode ? t('rings.sensitive.thisRun') : ''}
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
                    <summary>{differs ? t('rings.sensitive.whyDiffers') : t('rings.sensitive.why')}</summary>
                    <span className="why">
                      <T k="rings.sensitive.atRing1" params={{ what: ins.atRing1 }} parts={{ sdm: <cite>{t('rings.sensitive.sdm', { sdm: ins.sdm })}</cite> }} />
                    </span>
                  </details>
                </th>
                {values.map((v, k) => (
                  <td key={COLUMNS[k].mode} className={COLUMNS[k].mode === mode ? 'current' : ''}>
                    {v === undefined ? '…' : v === null ? <span className="not-yet">{COLUMNS[k].mode === mode ? t('rings.sensitive.notPrinted') : '—'}</span> : v}
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
