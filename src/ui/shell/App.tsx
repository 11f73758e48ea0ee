/** The app shell: header with the labs, banners, the open lab, the transport bar, the help dialog. */
import { Header } from './Header.tsx';
import { Banners } from './Banners.tsx';
import { TransportBar } from './TransportBar.tsx';
import { HelpDialog } from './HelpDialog.tsx';
import { useShortcuts } from './use-shortcuts.ts';
import { useApp } from '../../state/store.ts';
import { labInfo } from '../../state/labs.ts';
import { RingsLab } from '../rings/RingsLab.tsx';
import { PendingLab } from '../labs/PendingLab.tsx';
import { TechniquesLab } from '../techniques/TechniquesLab.tsx';
import { MigrationLab } from '../migration/MigrationLab.tsx';
import { FailoverLab } from '../failover/FailoverLab.tsx';
import { ConsolidationLab } from '../consolidation/ConsolidationLab.tsx';
import { IsolationLab } from '../isolation/IsolationLab.tsx';
import { SecurityLab } from '../security/SecurityLab.tsx';
import { IoLab } from '../io/IoLab.tsx';
import { Announcer } from './Announcer.tsx';

export function App() {
  useShortcuts();
  const lab = useApp((s) => s.lab);
  const info = labInfo(lab);
  return (
    <div className="app">
      <Header />
      <Banners />
      <main className="main" id="main" aria-label={info.title}>
        {lab === 'rings' ? <RingsLab /> : lab === 'techniques' ? <TechniquesLab /> : lab === 'migration' ? <MigrationLab /> : lab === 'failover' ? <FailoverLab /> : lab === 'consolidation' ? <ConsolidationLab /> : lab === 'isolation' ? <IsolationLab /> : lab === 'security' ? <SecurityLab /> : lab === 'io' ? <IoLab /> : <PendingLab lab={info} />}
      </main>
      {lab !== 'techniques' && lab !== 'migration' && lab !== 'failover' && lab !== 'consolidation' && <TransportBar />}
      <HelpDialog />
      <Announcer />
    </div>
  );
}
