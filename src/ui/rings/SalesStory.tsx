/**
 * Sales detail: the story in plain words beside the diagram — what the processor is doing, how much of
 * the time the VMM costs, and the top reasons the guest hands control to the VMM. No registers.
 */
import { useApp } from '../../state/store.ts';
import { formatCount } from '../viz/format-event.ts';

/** What the most frequent exit says about what the guest is doing, in a customer's words. */
const STORY: Record<number, string> = {
  30: 'Most exits are port I/O: each character the guest prints or each device register it touches goes through a device the VMM emulates. Emulated I/O is the expensive part of virtualization — direct device assignment (VT-d) removes it.',
  48: 'Most exits are EPT violations: the guest touches a memory page for the first time and the VMM maps it. They stop once its memory is in use.',
  12: 'Most exits are HLT: the guest is idle and gives the processor back to the VMM, which can run another virtual machine meanwhile.',
  28: 'Most exits are control-register accesses: the guest sets up paging; once its memory map is built they stop.',
  0: 'Most exits are page faults the VMM handles for the guest: without EPT the VMM keeps shadow page tables — the cost VT-x with EPT removed in 2008.',
  10: 'Most exits are CPUID: the guest asks what processor it runs on, and the VMM decides what it may see.',
  1: 'Most exits are external interrupts: the timer hands the processor back to the VMM so it can share it fairly.',
  52: 'Most exits are the VMX-preemption timer: the VMM takes the processor back at the end of each time slice.',
};

/**
 * The software VMM in a customer's words: ring deprivileging and trap-and-emulate (white paper §3.1, Figure 2),
 * the trap's cost (costs.ts: Adams & Agesen 2006's Pentium 4 round trip, an assumption for these CPUs) and the
 * instructions that never trap (Robin & Irvine 2000; instructions.ts).
 */
function SoftwareVmmStory({ view }: { view: NonNullable<ReturnType<typeof useApp.getState>['view']> }) {
  const st = view.swvmm;
  const vm = view.vms[0];
  const total = vm ? vm.guestCycles + vm.vmmCycles : 0;
  const share = vm && total > 0 ? (100 * vm.vmmCycles) / total : 0;
  const top = st ? Object.entries(st.emulatedByMnemonic).sort((a, b) => b[1] - a[1]).slice(0, 5) : [];
  const perTrap = st && st.traps > 0 ? st.vmmCycles / st.traps : 0;
  return (
    <>
      <p className="big-line">
        Before VT-x, a VMM had to take <strong>ring 0</strong> for itself and push the guest kernel out to <strong>ring 1</strong>. Every privileged
        instruction the kernel runs then <strong>traps</strong> to the VMM, which emulates it and returns.
      </p>
      <div className="share" aria-label="Time spent in the VMM">
        <div className="share-bar">
          <span className="guest" style={{ width: `${100 - share}%` }} />
          <span className="vmm" style={{ width: `${share}%` }} />
        </div>
        <p>
          <strong>{(100 - share).toFixed(1)} %</strong> of the time the guest runs its own code; <strong>{share.toFixed(1)} %</strong> is the VMM's work ({formatCount(st?.traps ?? 0)} traps so far
          {perTrap > 0 ? `, ${formatCount(perTrap)} cycles each — an assumed figure, measured on a Pentium 4 by Adams & Agesen in 2006` : ''}).
        </p>
      </div>
      <p className="story-why">
        Worse, some instructions do not trap at ring 1: they quietly give the guest the wrong answer, and the VMM never finds out. VT-x fixes both: the guest kernel is back in ring 0,
        and the processor itself hands control to the VMM.
      </p>
      {top.length > 0 && (
        <>
          <h3>What the VMM had to emulate</h3>
          <ol className="top-reasons">
            {top.map(([name, count]) => (
              <li key={name}>
                <strong>{name}</strong> — {formatCount(count)} times
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}

/**
 * Binary translation and paravirtualization in a customer's words: the same ring-1 guest kernel, but its
 * sensitive instructions are found before they run (translation, Adams & Agesen 2006) or removed from the
 * source (hypercalls, Barham et al. 2003). The figures are the run's own counters.
 */
function TechniqueStory({ view }: { view: NonNullable<ReturnType<typeof useApp.getState>['view']> }) {
  const vm = view.vms[0];
  const total = vm ? vm.guestCycles + vm.vmmCycles : 0;
  const share = vm && total > 0 ? (100 * vm.vmmCycles) / total : 0;
  const bt = view.bt;
  const pv = view.pv;
  return (
    <>
      {bt !== undefined ? (
        <p className="big-line">
          Binary translation keeps the guest kernel in <strong>ring 1</strong> but never runs its code as written: the VMM <strong>translates</strong> each piece the
          first time it runs and swaps every sensitive instruction for a <strong>call into the VMM</strong> — so even the instructions that would not trap are caught.
        </p>
      ) : (
        <p className="big-line">
          Paravirtualization changes the guest kernel itself: where it used to run a privileged instruction, the ported kernel <strong>asks the VMM</strong> with a
          <strong> hypercall</strong>. It needs the kernel&apos;s source — an unmodified kernel crashes at its first privileged instruction.
        </p>
      )}
      <div className="share" aria-label="Time spent in the VMM">
        <div className="share-bar">
          <span className="guest" style={{ width: `${100 - share}%` }} />
          <span className="vmm" style={{ width: `${share}%` }} />
        </div>
        <p>
          <strong>{(100 - share).toFixed(1)} %</strong> of the time the guest runs its own code; <strong>{share.toFixed(1)} %</strong> is the VMM&apos;s work
          {bt !== undefined
            ? ` (${formatCount(bt.misses)} translations, ${formatCount(bt.hits + bt.chained)} reuses of a translation, ${formatCount(bt.callouts)} callouts so far).`
            : pv !== undefined
              ? ` (${formatCount(pv.hypercalls)} hypercalls so far${pv.ported ? '' : '; this kernel is not ported'}).`
              : '.'}
        </p>
      </div>
      {vm !== undefined && vm.state === 'crashed' && <p className="story-why">The VMM stopped the guest: {vm.message}</p>}
    </>
  );
}

export function SalesStory() {
  const view = useApp((s) => s.view);
  if (view === null) return null;
  const vm = view.vms[0];
  const total = vm ? vm.guestCycles + vm.vmmCycles : 0;
  const share = vm && total > 0 ? (100 * vm.vmmCycles) / total : 0;
  const top = vm ? [...vm.exitsByReason].sort((a, b) => b.count - a.count).slice(0, 5) : [];
  return (
    <div className="sales-story">
      {view.mode === 'guest' ? (
        <>
          <p className="big-line">
            The guest runs its own code at full speed in <strong>VMX non-root</strong> operation. Only some instructions hand control to the VMM
            (a <strong>VM exit</strong>); the VMM handles them and returns (<strong>VM entry</strong>).
          </p>
          <div className="share" aria-label="Time spent in the VMM">
            <div className="share-bar">
              <span className="guest" style={{ width: `${100 - share}%` }} />
              <span className="vmm" style={{ width: `${share}%` }} />
            </div>
            <p>
              <strong>{(100 - share).toFixed(1)} %</strong> of the time the guest runs its own code; <strong>{share.toFixed(1)} %</strong> is the VMM's work ({formatCount(vm?.exits ?? 0)} VM exits so far).
            </p>
          </div>
          {top.length > 0 && STORY[top[0].reason] !== undefined && <p className="story-why">{STORY[top[0].reason]}</p>}
          {top.length > 0 && (
            <>
              <h3>Why the guest called the VMM</h3>
              <ol className="top-reasons">
                {top.map((r) => (
                  <li key={r.reason}>
                    <strong>{r.name}</strong> — {formatCount(r.count)} times
                  </li>
                ))}
              </ol>
            </>
          )}
        </>
      ) : view.mode === 'swvmm' ? (
        <SoftwareVmmStory view={view} />
      ) : view.mode === 'bt' || view.mode === 'pv' ? (
        <TechniqueStory view={view} />
      ) : (
        <p className="big-line">
          Native: one operating system owns the machine. Switch the platform to VT-x to see the same kernel run as a virtual machine, or to Software VMM to see how it was done before VT-x.
        </p>
      )}
    </div>
  );
}
