/**
 * Share ▾: everything that takes the scene out of this window — present it, embed it, export it as an image
 * (that re-opens as the scene), a trace or a CSV, and import one back. A disclosure menu of buttons, so the
 * header stays one line at 1280 px.
 */
import { useState } from 'react';
import { useApp } from '../../state/store.ts';
import { viewUrl } from '../../state/view-mode.ts';
import { currentLink } from './link-sync.ts';
import { EmbedDialog } from '../present/EmbedDialog.tsx';
import { ImportDialog } from '../export/ImportDialog.tsx';
import { useDismiss } from './use-dismiss.ts';
import { chooseUserDataFile, exportAllUserData } from '../persist/transfer.ts';
import { t } from '../../i18n/t.ts';

type Item = { id: string; label: string; run(): void | Promise<void>; enabled: boolean };

export function ShareMenu() {
  const [open, setOpen] = useState(false);
  const [dialog, setDialog] = useState<'none' | 'embed' | 'import'>('none');
  const [error, setError] = useState<string | null>(null);
  const lab = useApp((s) => s.lab);
  const loaded = useApp((s) => s.status?.spec != null);
  const { ref, onKeyDown } = useDismiss(open, setOpen);

  const exporting = (what: 'png' | 'svg' | 'trace' | 'csv') => async (): Promise<void> => {
    setError(null);
    try {
      const m = await import('../export/capture.ts');
      await (what === 'png' ? m.exportPng() : what === 'svg' ? m.exportSvg() : what === 'trace' ? m.exportTrace() : m.exportExitCsv());
    } catch (e) {
      setError(t('shell.share.exportFailed', { error: e instanceof Error ? e.message : String(e) }));
    }
  };
  const present = (): void => {
    const s = useApp.getState();
    s.setViewMode('presenter');
    history.replaceState(null, '', viewUrl('presenter', currentLink(), location));
    window.open(viewUrl('audience', currentLink(), location), 'vt-lab-audience', 'popup');
  };
  const simulation = lab === 'rings' && loaded;
  const items: Item[] = [
    { id: 'present', label: t('shell.share.presentPresenterAudienceWindows'), run: present, enabled: true },
    { id: 'embed', label: t('shell.share.embed'), run: () => setDialog('embed'), enabled: true },
    { id: 'png', label: t('shell.share.exportImagePng'), run: exporting('png'), enabled: true },
    { id: 'svg', label: t('shell.share.exportImageSvg'), run: exporting('svg'), enabled: true },
    { id: 'trace', label: t('shell.share.exportTraceJsonLines'), run: exporting('trace'), enabled: simulation },
    { id: 'csv', label: t('shell.share.exportExitLogCsv'), run: exporting('csv'), enabled: simulation },
    { id: 'import', label: t('shell.share.import'), run: () => setDialog('import'), enabled: true },
    // All the user's own data (programs, tours, preferences) out to one file and back (ui/persist/transfer.ts).
    { id: 'userdata-export', label: t('recovery.data.exportItem'), run: () => exportAllUserData().catch((e: unknown) => setError(t('recovery.data.exportFailed', { value: e instanceof Error ? e.message : String(e) }))), enabled: true },
    { id: 'userdata-import', label: t('recovery.data.importItem'), run: chooseUserDataFile, enabled: true },
  ];

  return (
    <div
      className="nav-menu share-menu"
      ref={ref}
      onKeyDown={onKeyDown}
    >
      <button type="button" className="btn" aria-expanded={open} aria-controls="share-menu" onClick={() => setOpen(!open)}>
        {t('shell.share.share')}
      </button>
      {open && (
        <ul id="share-menu" aria-label={t('shell.share.shareExportAndImport')}>
          {items.map((it) => (
            <li key={it.id}>
              <button
                type="button"
                disabled={!it.enabled}
                title={it.enabled ? undefined : t('shell.share.onlyForTheRings')}
                onClick={() => {
                  setOpen(false);
                  void it.run();
                }}
              >
                {it.label}
              </button>
            </li>
          ))}
        </ul>
      )}
      {error !== null && (
        <p role="alert" className="share-error">
          {error}
        </p>
      )}
      <EmbedDialog open={dialog === 'embed'} onClose={() => setDialog('none')} />
      <ImportDialog open={dialog === 'import'} onClose={() => setDialog('none')} />
    </div>
  );
}
