/** Mirrors the view preferences onto <html> (theme, font scale, motion) and persists them. */
import { useApp } from '../../state/store.ts';
import { savePrefs } from '../../state/prefs-slice.ts';

export function applyPrefsToDocument(): void {
  const apply = (): void => {
    const s = useApp.getState();
    const root = document.documentElement;
    root.dataset.theme = s.theme;
    root.dataset.motion = s.motion;
    // Above 1920 px (a 4K screen at 100 %), everything grows with the width, so the layout reads the same as on a 1080p projector.
    const wide = Math.max(1, (window.innerWidth || 1920) / 1920);
    // The audience window is read from the back of a room: all of it one step larger (the rem-sized code listing,
    // captions and tabs too, not only the diagram).
    const audience = s.viewMode === 'audience' ? 1.25 : 1;
    root.style.fontSize = `${(16 * s.fontScale * wide * audience).toFixed(2)}px`;
    savePrefs(s);
  };
  apply();
  window.addEventListener('resize', apply);
  useApp.subscribe((s, prev) => {
    if (s.theme !== prev.theme || s.fontScale !== prev.fontScale || s.motion !== prev.motion || s.viewMode !== prev.viewMode) apply();
  });
}

/** Whether animations should be replaced by instant changes (the user's choice, else the system's). */
export function reducedMotion(): boolean {
  const m = useApp.getState().motion;
  if (m !== 'system') return m === 'reduce';
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}
