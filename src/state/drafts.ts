/**
 * The user's program drafts, one per preset, kept in localStorage on every change so that a reload, a
 * crash or a typo never loses work. Storage failures (private mode, quota) are reported, not thrown.
 */
const PREFIX = 'vt-lab.draft.v1.';

export function loadDraft(preset: string): string | null {
  try {
    const raw = globalThis.localStorage?.getItem(PREFIX + preset);
    if (raw === null || raw === undefined) return null;
    const d = JSON.parse(raw) as { text?: unknown };
    return typeof d.text === 'string' ? d.text : null;
  } catch {
    return null;
  }
}

export function saveDraft(preset: string, text: string): boolean {
  try {
    globalThis.localStorage?.setItem(PREFIX + preset, JSON.stringify({ text, savedAt: Date.now() }));
    return true;
  } catch {
    return false;
  }
}

export function clearDraft(preset: string): void {
  try {
    globalThis.localStorage?.removeItem(PREFIX + preset);
  } catch {
    // nothing to clear
  }
}
