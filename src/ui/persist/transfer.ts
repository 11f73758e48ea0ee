/**
 * Share ▸ "Export all my data" and "Import my data…": one JSON file with everything the user made in this
 * browser (program drafts, tour progress, the open tour, view preferences), and the way back in.
 *
 * An import is read with zod (persist/format.ts) before anything changes: a malformed file gets a message that
 * names what is wrong and where, and nothing is touched. A good file is merged (nothing newer is lost, see
 * mergeUserData), written to IndexedDB, and the page reloads so every view (the editor, the tours, the theme)
 * shows the imported data; the summary is shown after the reload.
 */
import { download } from '../export/download.ts';
import { useApp } from '../../state/store.ts';
import { FONT_SCALES } from '../../state/prefs-slice.ts';
import { MAX_FILE_BYTES, mergeUserData, parseUserDataFile, serialiseUserData, type MergeReport, type PrefsRecord } from '../../state/persist/format.ts';
import { flushUserData, replaceUserData, userDataReady, userDataSnapshot } from '../../state/persist/user-data.ts';
import { t } from '../../i18n/t.ts';

const fmt = (n: number): string => n.toLocaleString('en-US');

/** The summary of an import, from what mergeUserData did. */
export function importSummary(r: MergeReport, prefs: boolean): string {
  const parts: string[] = [];
  const programs = (ids: string[]): string => t('recovery.data.programs', { count: ids.length });
  if (r.draftsAdded.length > 0) parts.push(t('recovery.data.partAdded', { programs: programs(r.draftsAdded), ids: r.draftsAdded.join(', ') }));
  if (r.draftsReplaced.length > 0) parts.push(t('recovery.data.partReplaced', { programs: programs(r.draftsReplaced), ids: r.draftsReplaced.join(', ') }));
  if (r.draftsKeptNewer.length > 0) parts.push(t('recovery.data.partKeptNewer', { programs: programs(r.draftsKeptNewer), ids: r.draftsKeptNewer.join(', ') }));
  if (r.toursUpdated.length > 0) parts.push(t('recovery.data.partTours', { tours: t('recovery.data.tours', { count: r.toursUpdated.length }) }));
  if (prefs) parts.push(t('recovery.data.partPrefs'));
  return parts.length === 0 ? t('recovery.data.importedNothing') : t('recovery.data.imported', { parts: parts.join('; ') });
}

const refused = (errors: string[]): string => t('recovery.data.importRefused', { errors: errors.join('; ') });
const tooBig = (): string => t('recovery.data.tooBig', { mb: fmt(MAX_FILE_BYTES / 1_000_000) });

/** sessionStorage key carrying the import summary across the reload. */
const REPORT_KEY = 'vt-lab.import-report';

function prefsNow(): PrefsRecord {
  const s = useApp.getState();
  return { theme: s.theme, fontScale: s.fontScale, motion: s.motion };
}

/** The export file's text (everything written so far is flushed first). */
export async function userDataFileText(now: Date): Promise<string> {
  await userDataReady();
  await flushUserData();
  return serialiseUserData(userDataSnapshot(), prefsNow(), now);
}

export async function exportAllUserData(): Promise<void> {
  const now = new Date();
  const text = await userDataFileText(now);
  // i18n-ignore: a file name
  const name = `vt-lab-data-${now.toISOString().slice(0, 10)}.json`;
  download(name, new Blob([text], { type: 'application/json' }));
  const d = userDataSnapshot();
  const drafts = t('recovery.data.drafts', { count: Object.keys(d.drafts).length });
  useApp.getState().setNotice({ kind: 'info', text: t('recovery.data.exported', { name, drafts, tours: t('recovery.data.tours', { count: Object.keys(d.tours).length }) }) });
}

/** Reads, checks and applies one file; returns the message to show (and whether it worked). */
export async function importUserDataText(text: string): Promise<{ ok: boolean; message: string; report?: MergeReport }> {
  const parsed = parseUserDataFile(text);
  if (!parsed.ok) return { ok: false, message: refused(parsed.errors) };
  await userDataReady();
  await flushUserData();
  const { merged, report } = mergeUserData(userDataSnapshot(), { drafts: parsed.file.drafts, tours: parsed.file.tours, openTour: parsed.file.openTour });
  replaceUserData(merged);
  await flushUserData();
  const p = parsed.file.prefs;
  if (p !== undefined) {
    const s = useApp.getState();
    s.setTheme(p.theme);
    // The nearest scale the app offers (the file may come from a version with other steps).
    s.setFontScale(FONT_SCALES.reduce((best, f) => (Math.abs(f - p.fontScale) < Math.abs(best - p.fontScale) ? f : best), FONT_SCALES[0]));
    s.setMotion(p.motion);
  }
  return { ok: true, message: importSummary(report, p !== undefined), report };
}

/** Opens the file chooser; the result is shown in the banner (after a reload when it worked). */
export function chooseUserDataFile(): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = '.json,application/json';
  input.setAttribute('aria-label', t('recovery.data.chooseFile'));
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file === undefined) return;
    void (async () => {
      const s = useApp.getState();
      if (file.size > MAX_FILE_BYTES) {
        s.setNotice({ kind: 'error', text: refused([tooBig()]) });
        return;
      }
      let text: string;
      try {
        text = await file.text();
      } catch (e) {
        s.setNotice({ kind: 'error', text: refused([t('recovery.data.unreadable', { value: e instanceof Error ? e.message : String(e) })]) });
        return;
      }
      const r = await importUserDataText(text);
      if (!r.ok) {
        s.setNotice({ kind: 'error', text: r.message });
        return;
      }
      try {
        sessionStorage.setItem(REPORT_KEY, r.message);
        location.reload();
      } catch {
        s.setNotice({ kind: 'info', text: r.message });
      }
    })();
  });
  input.click();
}

/** After the reload an import asked for: its summary, once. */
export function showPendingImportReport(): void {
  try {
    const m = sessionStorage.getItem(REPORT_KEY);
    if (m === null) return;
    sessionStorage.removeItem(REPORT_KEY);
    useApp.getState().setNotice({ kind: 'info', text: m });
  } catch {
    // no sessionStorage: nothing pending
  }
}
