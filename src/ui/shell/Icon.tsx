/** Transport icons as inline SVG (font glyphs like ⏮ are missing from many projector machines' fonts). */
const PATHS: Record<string, string> = {
  reset: 'M4 4h2v16H4zM20 4v16L8 12z',
  back: 'M18 4v16L6 12zM4 4h2v16H4z',
  play: 'M7 4v16l13-8z',
  pause: 'M6 4h4v16H6zM14 4h4v16h-4z',
  step: 'M6 4v16l12-8zM18 4h2v16h-2z',
  // i18n-ignore: SVG path data
  step10: 'M3 4v16l9-8zM12 4v16l9-8zM21 4h1.5v16H21z',
  exit: 'M4 11h11V6l6 6-6 6v-5H4zM2 3h2v18H2z',
  // i18n-ignore: SVG path data
  end: 'M3 4v16l9-8zM11 4v16l9-8zM20 4h2v16h-2z',
  stop: 'M6 6h12v12H6z',
  // i18n-ignore: SVG path data
  wait: 'M6 2h12v2h-1.5v3.2L13 12l3.5 4.8V20H18v2H6v-2h1.5v-3.2L11 12 7.5 7.2V4H6zM9.5 4v2.6L12 10l2.5-3.4V4z',
};

export function Icon({ name }: { name: keyof typeof PATHS | string }) {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" focusable="false">
      <path d={PATHS[name] ?? ''} fill="currentColor" />
    </svg>
  );
}
