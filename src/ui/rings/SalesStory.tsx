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
      ) : (
        <p className="big-line">
          {view.mode === 'bare'
            ? 'Native: one operating system owns the machine. Switch the platform to VT-x to see the same kernel run as a virtual machine.'
            : 'A software VMM: the guest kernel is pushed out of ring 0, and every privileged instruction traps to the VMM.'}
        </p>
      )}
    </div>
  );
}
