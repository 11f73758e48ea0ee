/**
 * The I/O lab (issue 7 items 5 to 8): one packet and one disk request through an emulated device, a paravirtual ring and a VT-d assigned device; DMA remapping and its faults; a shared SR-IOV device; the VMM overhead.
 * Each tab is its own panel module; this file only lays them out.
 */
import { useApp } from '../../state/store.ts';
import { LAB_TABS, type LabTab } from '../../state/labs.ts';
import { Tabs, type TabSpec } from '../shell/Tabs.tsx';
import { PathPanel } from './PathPanel.tsx';
import { DmaPanel } from './DmaPanel.tsx';
import { SriovPanel } from './SriovPanel.tsx';
import { OverheadPanel } from './OverheadPanel.tsx';
import '../../i18n/en/io.ts';
import { t } from '../../i18n/t.ts';

type IoLabTab = LabTab<'io'>;
const TABS: readonly TabSpec<IoLabTab>[] = LAB_TABS.io;

export function IoLab() {
  const tab = useApp((s) => s.labTabs.io);
  const setLabTab = useApp((s) => s.setLabTab);
  return (
    <div className="platform-lab io-lab">
      <h1 className="visually-hidden">I/O</h1>
      <Tabs<IoLabTab> tabs={TABS} current={tab} onChange={(t) => setLabTab('io', t)} label={t('io.lab.iOViews')} idPrefix="io-">
        {tab === 'path' && <PathPanel />}
        {tab === 'dma' && <DmaPanel />}
        {tab === 'sriov' && <SriovPanel />}
        {tab === 'overhead' && <OverheadPanel />}
      </Tabs>
    </div>
  );
}
