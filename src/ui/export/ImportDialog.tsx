/**
 * Import: an image VT Lab exported (opens its scene), a JSON trace (summarised: its exits, its console), or a
 * lab file (loaded as the program). Chosen with the file picker or dropped on the dialog. A malformed file is
 * explained here and nothing else changes: the running scene and the user's drafts stay as they were.
 */
import { useId, useState } from 'react';
import { useModal } from '../shell/use-modal.ts';
import { useApp } from '../../state/store.ts';
import { classifyImport, type TraceSummary } from './import-file.ts';
import { openLink } from '../shell/link-sync.ts';
import { commands } from '../engine/client.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

type Outcome = { kind: 'idle' } | { kind: 'busy' } | { kind: 'error'; message: string } | { kind: 'trace'; name: string; summary: TraceSummary };

export function ImportDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const id = useId();
  const ref = useModal(open, () => setOutcome({ kind: 'idle' }));

  const take = async (file: File): Promise<void> => {
    setOutcome({ kind: 'busy' });
    const bytes = new Uint8Array(await file.arrayBuffer());
    const r = classifyImport(file.name, bytes);
    if (r.kind === 'error') return setOutcome({ kind: 'error', message: r.message });
    if (r.kind === 'trace') return setOutcome({ kind: 'trace', name: file.name, summary: r.summary });
    if (r.kind === 'link') {
      await openLink(r.link);
      useApp.getState().setNotice({ kind: 'info', text: t('export.importDialog.openedTheSceneSaved', { name: file.name }) });
      onClose();
      return;
    }
    const s = useApp.getState();
    useApp.getState().setLab('rings');
    const ok = await commands.load({ scenario: s.spec.scenario, cpu: s.spec.cpu, seed: s.spec.seed, insnEvents: s.spec.insnEvents, source: r.text });
    if (!ok) {
      const errs = useApp.getState().specErrors;
      useApp.getState().setEngine({ specErrors: [] });
      return setOutcome({ kind: 'error', message: t('export.importDialog.wasNotLoaded', { name: file.name, errors: errs.slice(0, 3).map((e) => (e.line === undefined ? e.message : e.column !== undefined ? t('export.importDialog.errorAtLineColumn', { line: e.line, column: e.column, message: e.message }) : t('export.importDialog.errorAtLine', { line: e.line, message: e.message }))).join('; '), more: errs.length > 3 ? t('export.importDialog.andMore', { n: errs.length - 3 }) : '' }) });
    }
    useApp.getState().setRingsTab('program');
    useApp.getState().setNotice({ kind: 'info', text: t('export.importDialog.loadedAsTheProgram', { name: file.name }) });
    onClose();
  };

  return (
    <dialog ref={ref} className="help" aria-labelledby={`${id}-t`} onClose={onClose} onCancel={onClose}>
      <header>
        <h2 id={`${id}-t`}>{t('export.importDialog.import')}</h2>
        <button className="btn" type="button" onClick={onClose} autoFocus>
          {t('export.importDialog.close')}
        </button>
      </header>
      <div
        className="help-body import-body"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          const f = e.dataTransfer.files[0];
          if (f !== undefined) void take(f);
        }}
      >
        <p>{t('export.importDialog.anImageExportedFrom')}</p>
        <label htmlFor={`${id}-f`}>{t('export.importDialog.fileToImport')}</label>
        <input
          id={`${id}-f`}
          type="file"
          accept=".png,.svg,.jsonl,.json,.s,.asm,.txt,image/png,image/svg+xml"
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            if (f !== undefined) void take(f);
            e.currentTarget.value = '';
          }}
        />
        <div aria-live="polite">
          {outcome.kind === 'busy' && <p>{t('export.importDialog.reading')}</p>}
          {outcome.kind === 'error' && (
            <p role="alert" className="import-error">
              <strong>{t('export.importDialog.notImported')}</strong> {outcome.message}
            </p>
          )}
          {outcome.kind === 'trace' && <TraceView name={outcome.name} s={outcome.summary} />}
        </div>
      </div>
    </dialog>
  );
}

function TraceView({ name, s }: { name: string; s: TraceSummary }) {
  return (
    <section aria-label={t('export.importDialog.trace', { name })}>
      <p>
        <T k="export.importDialog.traceSummary" params={{ records: s.records, exits: s.exits.reduce((n, e) => n + e.count, 0), ended: s.end !== null ? t('export.importDialog.ended', { end: s.end }) : '' }} parts={{ name: <strong>{name}</strong> }} />
      </p>
      {s.exits.length > 0 && (
        <table>
          <caption>{t('export.importDialog.vmExitsByReason')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('export.importDialog.reason')}</th>
              <th scope="col">{t('export.importDialog.name')}</th>
              <th scope="col">{t('export.importDialog.count')}</th>
            </tr>
          </thead>
          <tbody>
            {s.exits.map((e) => (
              <tr key={e.name}>
                <td>{e.reason}</td>
                <td>{e.name}</td>
                <td>{e.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {s.console !== '' && (
        <>
          <h3>{t('export.importDialog.console')}</h3>
          <pre className="import-console">{s.console.slice(0, 4000)}</pre>
        </>
      )}
    </section>
  );
}
