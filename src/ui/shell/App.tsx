/** The app shell: header with the labs, banners, the open lab, the transport bar, the help dialog. */
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

export function App() {
  useShortcuts();
  const lab = useApp((s) => s.lab);
  const info = labInfo(lab);
  const View = LAB_VIEWS[lab];
  const touring = useApp((s) => s.tour !== null);
  useEffect(() => {
    // After the first view has had its second to become interactive, fetch the other labs' code.
    const id = window.setTimeout(prefetchLabs, 2000);
    return () => window.clearTimeout(id);
  }, []);
  return (
    <div className="app">
      <Header />
      <Banners />
      <main className={touring ? 'main with-tour' : 'main'} id="main" aria-label={info.title}>
        <div className="lab-area">
          <Suspense fallback={<p className="lab-loading" role="status">Loading the {info.title} lab…</p>}>
            <View />
          </Suspense>
        </div>
        <TourPanel />
      </main>
      {/* The transport bar plays the Rings & VMX lab's session; the other labs have their own controls. */}
      {lab === 'rings' && <TransportBar />}
      <HelpDialog />
      <TourPicker />
      <Announcer />
    </div>
  );
}
