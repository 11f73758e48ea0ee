/**
 * The Isolation lab (issue 7 items 1 and 2): faults injected into one VM stay in that VM; CPU shares, caps and a noisy neighbour.
 * Each tab is its own panel module; this file only lays them out.
 */
import { useApp } from '../../state/store.ts';
import { LAB_TABS, type LabTab } from '../../state/labs.ts';
import { Tabs, type TabSpec } from '../shell/Tabs.tsx';
import { FaultsPanel } from './FaultsPanel.tsx';
import { ResourcesPanel } from './ResourcesPanel.tsx';
import '../../i18n/en/isolation.ts';
import { t } from '../../i18n/t.ts';

type IsolationLabTab = LabTab<'isolation'>;
const TABS: readonly TabSpec<IsolationLabTab>[] = LAB_TABS.isolation;

export function IsolationLab() {
  const tab = useApp((s) => s.labTabs.isolation);
  const setLabTab = useApp((s) => s.setLabTab);
  return (
    <div className="platform-lab isolation-lab">
      <h1 className="visually-hidden">{t('isolation.lab.isolation')}</h1>
      <Tabs<IsolationLabTab> tabs={TABS} current={tab} onChange={(t) => setLabTab('isolation', t)} label={t('isolation.lab.isolationViews')} idPrefix="isolation-">
        {tab === 'faults' && <FaultsPanel />}
        {tab === 'resources' && <ResourcesPanel />}
      </Tabs>
    </div>
  );
}
