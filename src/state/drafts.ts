/**
 * The user's program drafts, one per preset, kept in IndexedDB on every change (persist/user-data.ts; localStorage
 * only where IndexedDB is unavailable) so that a reload, a crash or a typo never loses work. Storage failures
 * (private mode, quota) are reported, not thrown.
 */
import { getDraft, putDraft, removeDraft } from './persist/user-data.ts';

export function loadDraft(preset: string): string | null {
  return getDraft(preset)?.text ?? null;
}

export function saveDraft(preset: string, text: string): boolean {
  putDraft(preset, text, Date.now());
  return true;
}

export function clearDraft(preset: string): void {
  removeDraft(preset);
}
