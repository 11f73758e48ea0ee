/**
 * A figure on the Migration and Fail-over screens that opens to its formula and the reference's source (a
 * disclosure: Enter/Space or a click; keyboard and pointer alike). The number itself stays the summary's only
 * text, so a test or a screen reader reads the figure unchanged.
 */
import type { ReactNode } from 'react';
import './sourced.css';

export interface Source {
  formula: string;
  source: string;
}

export function Sourced({ children, label, src, testId }: { children: ReactNode; label: string; src: Source; testId?: string }) {
  return (
    <details className="src-fig">
      <summary data-testid={testId} title={`${label}: ${src.formula}`}>
        {children}
      </summary>
      <div className="src-fig-pop" role="note" aria-label={`${label}: formula and source`}>
        <p>
          <b>Formula.</b> {src.formula}
        </p>
        <p>
          <b>Source.</b> {src.source}
        </p>
      </div>
    </details>
  );
}

/** The Migration lab's figures (usage-models.md §B; RFC 3261 for the SIP timers). */
export const MIGRATION_SOURCES = {
  rounds: { formula: 'pre-copy rounds including round 1 (the full copy); the stop-and-copy is not counted. n = min(⌈log(V_thd / M) / log λ⌉, n_max) for a uniform dirty rate', source: 'usage-models.md §B4 (Liu et al. HPDC’11; Akoush et al. MASCOTS 2010); stop rules §B1 (Clark/Xen: < 50 pages, 30 rounds, 3 × memory; 256 KB), §B2 (QEMU: pending ≤ bandwidth × downtime-limit)' },
  total: { formula: 'T_mig = Σ T_i + V_stop / R + T_res, with T_i = V_i / R', source: 'usage-models.md §B4 (analytical pre-copy model); §B1 (Clark et al., NSDI 2005: push, stop-and-copy, activation)' },
  downtime: { formula: 'T_down = V_n / R + T_res: the last dirty set sent while the VM is suspended, plus the resume overhead', source: 'usage-models.md §B4; measured 60–210 ms in Clark et al. §B1' },
  bytes: { formula: 'V_mig = Σ V_i + V_stop (each round sends the pages dirtied during the previous one, page by page)', source: 'usage-models.md §B4 (V_mig = M (1 − λ^(n+1)) / (1 − λ) for a uniform rate); §B1 (dirty bitmap per round)' },
  gap: { formula: 'media gap = downtime + delay until the network learns the new location (QEMU: first self-announce after announce-initial 50 ms)', source: 'usage-models.md §B2 (self-announce: 5 rounds, initial 50 ms, step 100 ms); §B1 (unsolicited ARP at activation)' },
  timerB: { formula: 'Timer B = 64 × T1, T1 = 500 ms', source: 'RFC 3261 §17.1.1.2 and Appendix A (usage-models.md §C)' },
  faults: { formula: 'one EPT violation per page per round: the first write to a write-protected page (exit reason 48, qualification bit 1 = write, bit 3 = readable)', source: 'SDM Vol. 3C §28.2.3.2 and Table 27-7; KVM dirty logging by write protection (Linux arch/x86/kvm, KVM_GET_DIRTY_LOG in Documentation/virt/kvm/api.rst)' },
  differing: { formula: 'pages whose destination copy differs from the source’s memory at suspension (compared byte for byte)', source: 'this simulation’s check of the dirty log: any write missed by the log would leave a stale page here' },
} satisfies Record<string, Source>;
