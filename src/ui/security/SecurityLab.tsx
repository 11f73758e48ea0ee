/**
 * The Security lab (issue 7 items 3 and 4): per-VM access control for functional groups, and the attack surface a guest has.
 * Each tab is its own panel module; this file only lays them out.
 */
import { useState } from 'react';
import { Tabs, type TabSpec } from '../shell/Tabs.tsx';
import { AccessPanel } from './AccessPanel.tsx';
import { SurfacePanel } from './SurfacePanel.tsx';

type SecurityLabTab = 'access' | 'surface';
const TABS: readonly TabSpec<SecurityLabTab>[] = [{ id: 'access', label: 'Access control' }, { id: 'surface', label: 'Attack surface' }];

export function SecurityLab() {
  const [tab, setTab] = useState<SecurityLabTab>('access');
  return (
    <div className="platform-lab security-lab">
      <h1 className="visually-hidden">Security</h1>
      <Tabs<SecurityLabTab> tabs={TABS} current={tab} onChange={setTab} label="Security views" idPrefix="security-">
        {tab === 'access' && <AccessPanel />}
        {tab === 'surface' && <SurfacePanel />}
      </Tabs>
    </div>
  );
}
