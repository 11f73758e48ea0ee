/** Product name, the labs, and the view tools (copy link, theme, text size, help). */
import { useState } from 'react';
import { useApp } from '../../state/store.ts';
import { LABS, type LabId } from '../../state/labs.ts';
import { FONT_SCALES } from '../../state/prefs-slice.ts';
import { actionById, keyLabel } from './actions.ts';
import { currentLink } from './link-sync.ts';
import { ShareMenu } from './ShareMenu.tsx';
import { useDismiss } from './use-dismiss.ts';
import { t } from '../../i18n/t.ts';

export function Header() {
  const lab = useApp((s) => s.lab);
  const setLab = useApp((s) => s.setLab);
  const theme = useApp((s) => s.theme);
  const fontScale = useApp((s) => s.fontScale);
  const [copied, setCopied] = useState<'idle' | 'ok' | 'fail'>('idle');

  const copyLink = async (): Promise<void> => {
    const url = `${location.origin}${location.pathname}${currentLink()}`;
    try {
      await navigator.clipboard.writeText(url);
      setCopied('ok');
    } catch {
      // No clipboard permission (e.g. an insecure origin): the address bar holds the same link.
      setCopied('fail');
    }
    window.setTimeout(() => setCopied('idle'), 2500);
  };

  const go = (id: LabId) => (e: React.MouseEvent) => {
    e.preventDefault();
    setLab(id);
  };

  return (
    <header className="header">
      <a className="brand" href="#/rings" onClick={go('rings')} aria-label={t('shell.header.vtLabHome')}>
        <img src="./favicon.svg" alt="" />
        {t('shell.header.vtLab')}{' '}<small>{t('shell.header.intelVtXExplained')}</small>
      </a>
      <nav className="nav" aria-label={t('shell.header.labs')}>
        {LABS.filter((l) => l.group === 'VT-x').map((l) => (
          <a key={l.id} href={`#/${l.id}`} aria-current={lab === l.id ? 'page' : undefined} onClick={go(l.id)} title={l.summary}>
            {l.title}
          </a>
        ))}
        <PlatformMenu current={lab} onPick={(id) => setLab(id)} />
      </nav>
      <div className="header-tools">
        <button className="btn" type="button" onClick={() => void actionById('tours').perform()} title={t('shell.header.guidedToursOfThe')}>
          {t('shell.header.tours')}
        </button>
        <button className="btn" type="button" onClick={() => void copyLink()} title={t('shell.header.copyALinkThat')}>
          {copied === 'ok' ? t('shell.header.linkCopied') : copied === 'fail' ? t('shell.header.copyFromTheAddress') : t('shell.header.copyLink')}
        </button>
        <ShareMenu />
        <button className="btn" type="button" onClick={() => void actionById('font-down').perform()} disabled={fontScale <= FONT_SCALES[0]} aria-label={t('shell.header.smallerText')} title={t('shell.header.smallerText2', { keyLabel: keyLabel('-') })}>
          A−
        </button>
        <button className="btn" type="button" onClick={() => void actionById('font-up').perform()} disabled={fontScale >= FONT_SCALES[FONT_SCALES.length - 1]} aria-label={t('shell.header.largerText')} title={t('shell.header.largerText2', { keyLabel: keyLabel('+') })}>
          A+
        </button>
        <button className="btn" type="button" onClick={() => void actionById('theme').perform()} aria-label={theme === 'light' ? t('shell.header.switchToTheDark') : t('shell.header.switchToTheLight')} title={t('shell.header.themeT')}>
          {theme === 'light' ? t('shell.header.dark') : t('shell.header.light')}
        </button>
        <button className="btn" type="button" onClick={() => void actionById('help').perform()} aria-label={t('shell.header.keyboardShortcuts')} title={t('shell.header.keyboardShortcuts2')}>
          ?
        </button>
      </div>
    </header>
  );
}

/** The six platform labs of the white paper's usage models, in a disclosure menu (keeps the header to one line at 1280 px). */
function PlatformMenu({ current, onPick }: { current: LabId; onPick(id: LabId): void }) {
  const [open, setOpen] = useState(false);
  const labs = LABS.filter((l) => l.group === 'Platform');
  const active = labs.find((l) => l.id === current);
  const { ref, onKeyDown } = useDismiss(open, setOpen);
  return (
    <div
      className="nav-menu"
      ref={ref}
      onKeyDown={onKeyDown}
    >
      <button type="button" className={active ? 'current' : undefined} aria-expanded={open} aria-controls="platform-menu" onClick={() => setOpen(!open)}>{active ? t('shell.header.platformActive', { title: active.title }) : t('shell.header.platform')}</button>
      {open && (
        <ul id="platform-menu" aria-label={t('shell.header.platformLabs')}>
          {labs.map((l) => (
            <li key={l.id}>
              <a
                href={`#/${l.id}`}
                aria-current={current === l.id ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  onPick(l.id);
                  setOpen(false);
                }}
              >
                <span>
                  {l.title}
                  {!l.ready && t('shell.header.coming')}
                </span>
                <small>{l.summary}</small>
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
