/**
 * The guest editor: the program's assembly, checked as you type (errors at their line), run with
 * "Assemble and run" (Ctrl+Enter). Every keystroke is kept in the browser (localStorage, per preset), so
 * a reload or a typo never loses work; a program that does not assemble never replaces the one running.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import type { SpecError } from '../../worker/protocol.ts';
import { loadDraft, saveDraft, clearDraft } from '../../state/drafts.ts';
import type { MessageKey } from '../../i18n/catalogue.ts';
import './program-editor.css';
import { t } from '../../i18n/t.ts';

const LESSONS: { id: string; label: MessageKey }[] = [
  { id: 'cpuid', label: 'rings.editor.lessonCpuid' },
  { id: 'hlt-idle', label: 'rings.editor.lessonHlt' },
  { id: 'uart-hello', label: 'rings.editor.lessonUart' },
  { id: 'timer-interrupt', label: 'rings.editor.lessonTimer' },
  { id: 'syscall-ring3', label: 'rings.editor.lessonSyscall' },
  { id: 'cr3-write', label: 'rings.editor.lessonCr3' },
  { id: 'ept-violation', label: 'rings.editor.lessonEpt' },
  { id: 'triple-fault', label: 'rings.editor.lessonTriple' },
  { id: 'kernel', label: 'rings.editor.lessonKernel' },
];

export function ProgramEditor() {
  const spec = useApp((s) => s.spec);
  const catalog = useApp((s) => s.catalog);
  const specErrors = useApp((s) => s.specErrors);
  const preset = spec.scenario;
  const [text, setText] = useState<string | null>(null);
  const [original, setOriginal] = useState<string>('');
  const [errors, setErrors] = useState<SpecError[]>([]);
  const [status, setStatus] = useState<string>('');
  const areaRef = useRef<HTMLTextAreaElement>(null);
  const gutterRef = useRef<HTMLDivElement>(null);

  // What the editor showed when it last loaded a program (a draft, the preset, or a program from a link or a file).
  const loadedRef = useRef<string | null>(null);
  const textRef = useRef<string | null>(null);
  textRef.current = text;
  // The user's own draft, when a program from a link or a file is shown instead of it.
  const [ownDraft, setOwnDraft] = useState<string | null>(null);

  // Load the preset's text and the user's saved draft of it; a program from a link or an imported file is shown as
  // it came (it is what runs), and the user's own draft stays where it is, one click away.
  useEffect(() => {
    // The program just run from this editor: it already shows it (and maybe newer typing).
    if (spec.source !== undefined && spec.source === textRef.current) return;
    let live = true;
    void commands.scenarioSource(preset).then((src) => {
      if (!live) return;
      const base = src ?? '';
      setOriginal(base);
      const draft = loadDraft(preset);
      const shown = spec.source ?? draft ?? base;
      loadedRef.current = shown;
      setText(shown);
      const differs = spec.source !== undefined && draft !== null && draft !== spec.source;
      setOwnDraft(differs ? draft : null);
      setStatus(differs ? t('rings.editor.sharedShown') : draft !== null && spec.source === undefined ? t('rings.editor.savedDraft') : '');
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [preset, spec.source]);

  // Keep every keystroke (only keystrokes: loading a shared program writes nothing). The first edit of a program
  // that is not the user's own draft keeps that draft aside first (`<preset>~previous`, in "Export all my data").
  const edit = (next: string): void => {
    setText(next);
    const own = loadDraft(preset);
    if (own !== null && own !== loadedRef.current && own !== next) saveDraft(`${preset}~previous`, own);
    loadedRef.current = next;
    setOwnDraft(null);
    if (next !== original) saveDraft(preset, next);
    else clearDraft(preset);
  };

  const openOwnDraft = (): void => {
    if (ownDraft === null) return;
    loadedRef.current = ownDraft;
    setText(ownDraft);
    setOwnDraft(null);
    setStatus(t('rings.editor.savedDraft'));
  };

  // Check as you type (debounced).
  useEffect(() => {
    if (text === null) return;
    const t = window.setTimeout(() => {
      void commands.checkProgram(text).then(setErrors).catch(() => undefined);
    }, 350);
    return () => window.clearTimeout(t);
  }, [text]);

  const lines = useMemo(() => (text ?? '').split('\n').length, [text]);
  const errByLine = useMemo(() => {
    const m = new Map<number, string>();
    for (const e of [...errors, ...specErrors.filter((x) => x.field === 'program')]) if (e.line !== undefined && !m.has(e.line)) m.set(e.line, e.message);
    return m;
  }, [errors, specErrors]);

  const run = async () => {
    if (text === null) return;
    const errs = await commands.checkProgram(text);
    setErrors(errs);
    if (errs.length > 0) {
      setStatus(t('rings.editor.notRun', { count: errs.length }));
      return;
    }
    const ok = await commands.load({ scenario: preset, cpu: spec.cpu, seed: spec.seed, insnEvents: spec.insnEvents, mode: spec.mode, source: text === original ? undefined : text });
    setStatus(ok ? t('rings.editor.loaded') : t('rings.editor.refused'));
  };

  const goToLine = (line: number, column = 1) => {
    const area = areaRef.current;
    if (area === null || text === null) return;
    const parts = text.split('\n');
    let pos = 0;
    for (let k = 0; k < line - 1 && k < parts.length; k++) pos += parts[k].length + 1;
    pos += Math.max(0, column - 1);
    area.focus();
    area.setSelectionRange(pos, pos);
    const lh = area.scrollHeight / Math.max(1, parts.length);
    area.scrollTop = Math.max(0, (line - 4) * lh);
  };

  const revert = () => {
    if (!window.confirm(t('rings.editor.confirmRevert'))) return;
    clearDraft(preset);
    setText(original);
    setStatus(t('rings.editor.reverted'));
  };

  const allErrors = [...errors, ...specErrors.filter((x) => x.field === 'program' && !errors.some((y) => y.line === x.line && y.message === x.message))];
  // A refused run's messages are brought into view: on a 720-px projector the tab scrolls, and they sit under the
  // editor, out of sight of the button that was pressed.
  const errorsRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors.length > 0) errorsRef.current?.scrollIntoView({ block: 'nearest' });
  }, [errors]);

  return (
    <section className="program-editor" aria-labelledby="editor-title">
      <div className="editor-head">
        <h2 id="editor-title">{t('rings.editor.title')}</h2>
        <label className="toolbar-field">
          <span>{t('rings.editor.lesson')}</span>
          <select value={LESSONS.some((l) => l.id === preset) ? preset : ''} onChange={(e) => e.target.value && void commands.load({ scenario: e.target.value, cpu: spec.cpu, seed: spec.seed, insnEvents: spec.insnEvents, mode: spec.mode })}>
            {!LESSONS.some((l) => l.id === preset) && <option value="">{catalog?.scenarios.find((s) => s.id === preset)?.title ?? preset}</option>}
            {LESSONS.map((l) => (
              <option key={l.id} value={l.id}>
                {t(l.label)}
              </option>
            ))}
          </select>
        </label>
        <button className="btn primary" type="button" onClick={() => void run()} aria-keyshortcuts="Control+Enter" title={t('rings.editor.runTitle')}>
          {t('rings.editor.run')}
        </button>
        <button className="btn" type="button" onClick={revert} disabled={text === original}>
          {t('rings.editor.revert')}
        </button>
      </div>
      <div className="editor-body">
        <div className="gutter" ref={gutterRef} aria-hidden="true">
          {Array.from({ length: lines }, (_, k) => (
            <div key={k} className={errByLine.has(k + 1) ? 'err' : undefined} title={errByLine.get(k + 1)}>
              {errByLine.has(k + 1) ? '!' : ''}
              {k + 1}
            </div>
          ))}
        </div>
        <textarea
          ref={areaRef}
          aria-label={t('rings.editor.source')}
          aria-describedby="editor-errors"
          aria-invalid={allErrors.length > 0}
          spellCheck={false}
          value={text ?? ''}
          onChange={(e) => edit(e.target.value)}
          onScroll={(e) => {
            if (gutterRef.current) gutterRef.current.scrollTop = e.currentTarget.scrollTop;
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void run();
            }
          }}
        />
      </div>
      {ownDraft !== null && (
        <p className="editor-own-draft" data-testid="own-draft">
          {t('rings.editor.ownDraftKept')}{' '}
          <button type="button" className="btn" onClick={openOwnDraft}>
            {t('rings.editor.openOwnDraft')}
          </button>
        </p>
      )}
      <div ref={errorsRef} id="editor-errors" className="editor-errors" role="status" aria-live="polite" aria-label={t('rings.editor.errors')} tabIndex={allErrors.length > 0 ? 0 : undefined}>
        {allErrors.length === 0 ? (
          <span className="ok">{status || t('rings.editor.noErrors')}</span>
        ) : (
          <>
            {status && <p>{status}</p>}
            <ul>
              {allErrors.slice(0, 12).map((e, k) => (
                <li key={k}>
                  <button type="button" className="linkish" onClick={() => goToLine(e.line ?? 1, e.column ?? 1)}>
                    {t('rings.editor.line', { line: e.line ?? '?', column: e.column !== undefined ? t('rings.editor.column', { column: e.column }) : '' })}
                  </button>
                  : {e.message}
                </li>
              ))}
              {allErrors.length > 12 && <li>{t('rings.editor.more', { n: allErrors.length - 12 })}</li>}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}
