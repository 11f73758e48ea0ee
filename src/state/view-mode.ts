/**
 * How this window shows VT Lab, from the page's query (before the #link, so a shared lab link is unchanged):
 *
 *   index.html?view=presenter#/rings?…   the presenter window: notes, next step, elapsed time, controls
 *   index.html?view=audience#/rings?…    the audience window: the big view, large type, follows the presenter
 *   index.html?view=embed#/rings?…       an embed: minimal chrome, for an iframe in a page or slide
 *   index.html?view=embed-readonly#/…    a read-only embed: the scene at the link's moment, nothing to change
 *
 * Anything else is the full app; an unknown value is reported, not guessed.
 */
import { t } from '../i18n/t.ts';

export const VIEW_MODES = ['app', 'presenter', 'audience', 'embed', 'embed-readonly'] as const;
export type ViewMode = (typeof VIEW_MODES)[number];

export function parseViewMode(search: string): { mode: ViewMode; error?: string } {
  const v = new URLSearchParams(search).get('view');
  if (v === null || v === '' || v === 'app') return { mode: 'app' };
  if ((VIEW_MODES as readonly string[]).includes(v)) return { mode: v as ViewMode };
  return { mode: 'app', error: t('links.viewMode.unknown', { view: v }) };
}

export const isEmbed = (m: ViewMode): boolean => m === 'embed' || m === 'embed-readonly';

/** The address of this app in another view, at a link. */
export function viewUrl(mode: ViewMode, hash: string, base: { origin: string; pathname: string }): string {
  const q = mode === 'app' ? '' : `?view=${mode}`;
  return `${base.origin}${base.pathname}${q}${hash}`;
}
