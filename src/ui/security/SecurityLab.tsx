/**
 * The Security lab (issue 7 items 3 and 4): per-VM access control for functional groups, and the attack surface a guest has.
 * Each tab is its own panel module; this file only lays them out.
 */
import { useApp } from '../../state/store.ts';
import { LAB_TABS, type LabTab } from '../../state/labs.ts';
import { Tabs, type TabSpec } from '../shell/Tabs.tsx';
import { AccessPanel } from './AccessPanel.tsx';
import { SurfacePanel } from './SurfacePanel.tsx';
import '../../i18n/en/security.ts';
import { t } from '../../i18n/t.ts';

type SecurityLabTab = LabTab<'security'>;
const TABS: readonly TabSpec<SecurityLabTab>[] = LAB_TABS.security;

export function SecurityLab() {
  const tab = useApp((s) => s.labTabs.security);
  const setLabTab = useApp((s) => s.setLabTab);
  return (
    <div className="platform-lab security-lab">
      <h1 className="visually-hidden">{t('security.lab.security')}</h1>
      <Tabs<SecurityLabTab> tabs={TABS} current={tab} onChange={(t) => setLabTab('security', t)} label={t('security.lab.securityViews')} idPrefix="security-">
        {tab === 'access' && <AccessPanel />}
        {tab === 'surface' && <SurfacePanel />}
      </Tabs>
    </div>
  );
}
