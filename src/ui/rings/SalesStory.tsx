/**
 * Sales detail: the story in plain words beside the diagram — what the processor is doing, how much of
 * the time the VMM costs, and the top reasons the guest hands control to the VMM. No registers.
 */
import { useApp } from '../../state/store.ts';
import { formatCount } from '../viz/format-event.ts';

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
            The guest runs at full speed in <strong>VMX non-root</strong> operation. Only a few of its instructions hand control to the VMM
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
