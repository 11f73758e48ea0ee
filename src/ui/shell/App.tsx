/** The app shell: header with the labs, banners, the open lab, the transport bar, the help dialog. */
import { t } from '../../i18n/t.ts';
import { Suspense, useEffect } from 'react';
import { Header } from './Header.tsx';
import { Banners } from './Banners.tsx';
import { TransportBar } from './TransportBar.tsx';
import { HelpDialog } from './HelpDialog.tsx';
import { useShortcuts } from './use-shortcuts.ts';
import { useApp } from '../../state/store.ts';
import { labInfo } from '../../state/labs.ts';
import { LAB_VIEWS, prefetchLabs } from './lab-views.tsx';
import { Announcer } from './Announcer.tsx';
import { TourPanel } from '../tours/TourPanel.tsx';
import { TourPicker } from '../tours/TourPicker.tsx';
import { PresenterBar } from '../present/PresenterBar.tsx';
import { AudienceFollower } from '../present/AudienceView.tsx';
import { EmbedBar } from '../present/EmbedBar.tsx';
import { isEmbed } from '../../state/view-mode.ts';

export function App() {
  useShortcuts();
  const lab = useApp((s) => s.lab);
  const info = labInfo(lab);
  const View = LAB_VIEWS[lab];
  const touring = useApp((s) => s.tour !== null);
  const viewMode = useApp((s) => s.viewMode);
  const embed = isEmbed(viewMode);
  const side = touring || viewMode === 'presenter';
  useEffect(() => {
    // After the first view has had its second to become interactive, fetch the other labs' code.
    const id = window.setTimeout(prefetchLabs, 2000);
    return () => window.clearTimeout(id);
  }, []);
  return (
    <div className={`app${viewMode === 'audience' ? ' audience' : embed ? ' embed' : ''}`}>
      {/* Skip link (WCAG 2.4.1): the header's dozen controls come first in the tab order. A button, not href="#main",
          because the hash is the app's route. */}
      {!embed && (
        <button type="button" className="skip-link" onClick={() => document.getElementById('main')?.focus()}>
          {t('shell.app.skipToLab')}
        </button>
      )}
      {embed ? <EmbedBar /> : <Header />}
      <Banners />
      <main className={side ? 'main with-tour' : 'main'} id="main" aria-label={info.title} tabIndex={-1}>
        {/* A read-only embed is a figure: the scene at its link's moment, nothing in it can be changed. */}
        <div className="lab-area" inert={viewMode === 'embed-readonly'}>
          <Suspense fallback={<p className="lab-loading" role="status">{t('shell.app.loadingLab', { title: info.title })}</p>}>
            <View />
          </Suspense>
        </div>
        {viewMode === 'presenter' ? (
          <div className="tour-column">
            <PresenterBar />
            <TourPanel />
          </div>
        ) : (
          <TourPanel />
        )}
      </main>
      {viewMode === 'audience' && <AudienceFollower />}
      {/* The transport bar plays the Rings & VMX lab's session; the other labs have their own controls. */}
      {lab === 'rings' && viewMode !== 'embed-readonly' && <TransportBar />}
      <HelpDialog />
      <TourPicker />
      <Announcer />
    </div>
  );
}
