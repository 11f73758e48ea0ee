/**
 * The Isolation lab (issue 7 items 1 and 2): faults injected into one VM stay in that VM; CPU shares, caps and a noisy neighbour.
 * Each tab is its own panel module; this file only lays them out.
 */
import { useState } from 'react';
import { Tabs, type TabSpec } from '../shell/Tabs.tsx';
import { FaultsPanel } from './FaultsPanel.tsx';
import { ResourcesPanel } from './ResourcesPanel.tsx';

type IsolationLabTab = 'faults' | 'resources';
const TABS: readonly TabSpec<IsolationLabTab>[] = [{ id: 'faults', label: 'Faults' }, { id: 'resources', label: 'Resources' }];

export function IsolationLab() {
  const [tab, setTab] = useState<IsolationLabTab>('faults');
  return (
    <div className="platform-lab isolation-lab">
      <h1 className="visually-hidden">Isolation</h1>
      <Tabs<IsolationLabTab> tabs={TABS} current={tab} onChange={setTab} label="Isolation views" idPrefix="isolation-">
        {tab === 'faults' && <FaultsPanel />}
        {tab === 'resources' && <ResourcesPanel />}
      </Tabs>
    </div>
  );
}
