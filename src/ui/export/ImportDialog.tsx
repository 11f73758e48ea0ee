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
      useApp.getState().setNotice({ kind: 'info', text: `Opened the scene saved in ${file.name}.` });
      onClose();
      return;
    }
    const s = useApp.getState();
    useApp.getState().setLab('rings');
    const ok = await commands.load({ scenario: s.spec.scenario, cpu: s.spec.cpu, seed: s.spec.seed, insnEvents: s.spec.insnEvents, source: r.text });
    if (!ok) {
      const errs = useApp.getState().specErrors;
      useApp.getState().setEngine({ specErrors: [] });
      return setOutcome({ kind: 'error', message: `${file.name} was not loaded: ${errs.slice(0, 3).map((e) => (e.line !== undefined ? `line ${e.line}${e.column !== undefined ? `, column ${e.column}` : ''}: ${e.message}` : e.message)).join('; ')}${errs.length > 3 ? ` (and ${errs.length - 3} more)` : ''}` });
    }
    useApp.getState().setRingsTab('program');
    useApp.getState().setNotice({ kind: 'info', text: `Loaded ${file.name} as the program.` });
    onClose();
  };

  return (
    <dialog ref={ref} className="help" aria-labelledby={`${id}-t`} onClose={onClose} onCancel={onClose}>
      <header>
        <h2 id={`${id}-t`}>Import</h2>
        <button className="btn" type="button" onClick={onClose} autoFocus>
          Close
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
        <p>An image exported from VT Lab (PNG or SVG) re-opens its scene; a JSON trace (.jsonl) is summarised; a lab file (.s) becomes the program. Or drop the file here.</p>
        <label htmlFor={`${id}-f`}>File to import</label>
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
          {outcome.kind === 'busy' && <p>Reading…</p>}
          {outcome.kind === 'error' && (
            <p role="alert" className="import-error">
              <strong>Not imported.</strong> {outcome.message}
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
    <section aria-label={`Trace ${name}`}>
      <p>
        <strong>{name}</strong>: {s.records} records, {s.exits.reduce((n, e) => n + e.count, 0)} VM exits{s.end !== null ? `, ended ${s.end}` : ''}.
      </p>
      {s.exits.length > 0 && (
        <table>
          <caption>VM exits by reason</caption>
          <thead>
            <tr>
              <th scope="col">Reason</th>
              <th scope="col">Name</th>
              <th scope="col">Count</th>
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
          <h3>Console</h3>
          <pre className="import-console">{s.console.slice(0, 4000)}</pre>
        </>
      )}
    </section>
  );
}
