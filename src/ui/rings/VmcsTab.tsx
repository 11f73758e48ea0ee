/** The VMCS tab: fetches the VMCS at the position (and as it was before the last exit or entry) and shows it. */
import { useEffect, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import type { VmcsView } from '../../worker/protocol.ts';
import { VmcsInspector } from './VmcsInspector.tsx';
import { t } from '../../i18n/t.ts';

export function VmcsTab() {
  const seq = useApp((s) => s.status?.position.seq ?? 0);
  const generation = useApp((s) => s.status?.generation ?? 0);
  const state = useApp((s) => s.status?.state ?? 'paused');
  const detail = useApp((s) => s.detail);
  const mode = useApp((s) => s.view?.mode);
  const [view, setView] = useState<VmcsView | null>(null);
  const [loading, setLoading] = useState(true);
  const moving = state === 'playing' || state === 'running';
  useEffect(() => {
    // While playing the VMCS changes every few events: read it when the position settles.
    if (moving) return;
    let live = true;
    setLoading(true);
    void commands
      .vmcs()
      .then((v) => {
        if (!live) return;
        setView(v);
        setLoading(false);
      })
      .catch(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [seq, generation, moving]);
  if (mode === 'swvmm' || mode === 'bt' || mode === 'pv') {
    // No VMX on this platform: the software VMM keeps the guest's state in its own structures (deprivileged/state.ts).
    return (
      <div className="vmcsi-empty" style={{ padding: '0.8rem 1rem' }}>
        <p className="vmcsi-empty-title">{t('rings.vmcsTab.noVmcs', { platform: mode === 'bt' ? t('rings.lab.bt') : mode === 'pv' ? t('rings.lab.pv') : t('rings.lab.swvmm') })}</p>
        <p>
          {t('rings.vmcsTab.withoutVtx')}
        </p>
      </div>
    );
  }
  return <VmcsInspector view={view} detail={detail === 'engineer' ? 'engineer' : 'classroom'} loading={loading} note={moving ? t('rings.vmcsTab.paused') : undefined} />;
}
