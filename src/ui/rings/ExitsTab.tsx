/** The Exits tab: every VM exit so far in lanes by reason, a histogram like kvm_stat, root versus non-root time. */
import { useEffect, useRef, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import type { ExitList } from '../../worker/protocol.ts';
import { ExitStats } from './ExitStats.tsx';
import { SoftwareVmmStats } from './SoftwareVmmStats.tsx';
import { BtStats, PvStats } from './TechniqueStats.tsx';
import { TranslationCache } from './TranslationCache.tsx';
import { PvProgramChoice } from './PvProgramChoice.tsx';

export function ExitsTab() {
  const seq = useApp((s) => s.status?.position.seq ?? 0);
  const generation = useApp((s) => s.status?.generation ?? 0);
  const hz = useApp((s) => s.status?.clockHz ?? 1);
  const horizon = useApp((s) => s.status?.position.horizonCycle ?? 0);
  const cycle = useApp((s) => s.status?.clockCycle ?? 0);
  const view = useApp((s) => s.view);
  const detail = useApp((s) => s.detail);
  const selected = useApp((s) => s.selectedSeq);
  const [exits, setExits] = useState<ExitList | null>(null);
  const last = useRef(0);
  useEffect(() => {
    // At most four reads a second while playing.
    const now = performance.now();
    const wait = Math.max(0, 250 - (now - last.current));
    const t = window.setTimeout(() => {
      last.current = performance.now();
      void commands.exits().then(setExits).catch(() => undefined);
    }, wait);
    return () => window.clearTimeout(t);
  }, [seq, generation]);
  const vm = view?.vms[0];
  if (view?.mode === 'swvmm') return <SoftwareVmmStats view={view} />;
  // Binary translation and paravirtualization: their own counters first (translation cache and callouts;
  // hypercalls), then the traps they still take (interrupts, exceptions, shadow-page fills) as trap-and-emulate.
  if (view?.mode === 'bt') {
    return (
      <div className="exit-stats">
        <BtStats view={view} />
        <TranslationCache />
        <SoftwareVmmStats view={view} />
      </div>
    );
  }
  if (view?.mode === 'pv') {
    return (
      <div className="exit-stats">
        <PvProgramChoice />
        <PvStats view={view} />
        <SoftwareVmmStats view={view} />
      </div>
    );
  }
  return (
    <ExitStats
      exits={exits}
      clockHz={hz}
      maxCycle={Math.max(horizon, cycle, 1)}
      positionCycle={cycle}
      guestCycles={vm?.guestCycles ?? 0}
      vmmCycles={vm?.vmmCycles ?? 0}
      // One VM on one processor: what the guest and the VMM did not use of the run was idle time.
      idleCycles={vm !== undefined && view?.vms.length === 1 ? Math.max(0, cycle - vm.guestCycles - vm.vmmCycles) : 0}
      ownHypervisor={view?.mode === 'bare'}
      detail={detail}
      selectedSeq={selected}
      onJump={(s) => void commands.seek(s)}
    />
  );
}
