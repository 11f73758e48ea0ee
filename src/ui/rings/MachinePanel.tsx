/** The machine at the current position: where the CPU is (VMX mode, ring), the registers, the VMs. */
import { useApp } from '../../state/store.ts';
import { formatCount } from '../viz/format-event.ts';
import { commands } from '../engine/client.ts';
import type { Intervention } from '../../worker/protocol.ts';

/** A user action on the running machine: it forks the timeline (what came after this moment is discarded). */
async function intervene(action: Intervention): Promise<void> {
  const err = await commands.intervene(action);
  const s = useApp.getState();
  if (err !== null) s.setNotice({ kind: 'error', text: `Not done: ${err}.` });
  else s.setNotice({ kind: 'info', text: 'Done. The timeline forked here: what had been simulated after this moment was discarded, and the link now records the action.' });
}

const REG_ORDER = ['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp', 'esp', 'eip', 'eflags', 'cr0', 'cr3', 'cr4', 'cs', 'ss', 'ds'];

export function MachinePanel() {
  const view = useApp((s) => s.view);
  if (view === null) return null;
  const vmxLabel = view.vmx === 'non-root' ? 'VMX non-root' : view.vmx === 'root' ? 'VMX root' : 'No VMX';
  const sw = view.mode === 'swvmm' || view.mode === 'bt' || view.mode === 'pv';
  const who = view.mode === 'guest' ? (view.vmx === 'non-root' ? 'the guest runs' : 'the VMM runs') : view.mode === 'bt' ? 'binary translation' : view.mode === 'pv' ? 'paravirtual VMM' : sw ? 'software VMM' : 'bare metal';
  return (
    <section className="panel grow" aria-labelledby="machine-title">
      <header>
        <h2 id="machine-title">Machine</h2>
        <span style={{ marginLeft: 'auto', textTransform: 'none', letterSpacing: 0 }}>{view.cpuModel}</span>
      </header>
      <div className="panel-body" style={{ display: 'grid', gap: '0.6rem' }}>
        <div className="mode-strip">
          <div className={`mode-chip ${view.vmx}`} data-testid="vmx-mode">
            <span>Mode</span>
            <strong>{vmxLabel}</strong>
            <span>{who}</span>
          </div>
          <div className="mode-chip">
            <span>Privilege</span>
            <strong>Ring {view.cpl}</strong>
            <span>{sw ? `the guest's view; really ring ${view.hostCpl}` : view.cpl === 0 ? 'kernel' : view.cpl === 3 ? 'user' : 'deprivileged'}</span>
          </div>
        </div>
        <dl className="regs" aria-label={view.mode === 'guest' ? "The guest's registers" : 'Registers'}>
          {REG_ORDER.filter((r) => view.registers[r] !== undefined).map((r) => (
            <div key={r} style={{ display: 'contents' }}>
              <dt>{r}</dt>
              <dd>
                {view.registers[r]}
                {r === 'eflags' && (
                  // EFLAGS.IF is bit 9 (SDM Vol. 1 §3.4.3); on the software VMM this is the guest's virtual IF.
                  <span className="reg-note" data-testid="eflags-if">
                    {' '}IF = {(Number(view.registers[r]) >>> 9) & 1}
                  </span>
                )}
              </dd>
            </div>
          ))}
        </dl>
        {view.mode === 'bare' && (
          <button className="btn" type="button" disabled={view.ended !== null} onClick={() => void intervene({ kind: 'nmi' })} title="Raise a non-maskable interrupt now (forks the timeline)">
            Raise NMI
          </button>
        )}
        <dl className="kv">
          <dt>Cycles</dt>
          <dd>{formatCount(view.cycle)}</dd>
          <dt>Instructions</dt>
          <dd>{formatCount(view.instret)}</dd>
        </dl>
        {view.vms.length > 0 && (
          <table className="vm-table">
            <caption className="visually-hidden">Virtual machines</caption>
            <thead>
              <tr>
                <th scope="col">VM</th>
                <th scope="col">State</th>
                <th scope="col" className="num">{sw ? 'Traps' : 'Exits'}</th>
                <th scope="col" className="num">VMM share</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {view.vms.map((vm) => {
                const total = vm.guestCycles + vm.vmmCycles;
                return (
                  <tr key={vm.id}>
                    <td>{vm.name}</td>
                    <td title={vm.message}>{vm.state}</td>
                    <td className="num">{formatCount(sw ? (view.swvmm?.traps ?? 0) : vm.exits)}</td>
                    <td className="num">{total > 0 ? `${((100 * vm.vmmCycles) / total).toFixed(1)} %` : '—'}</td>
                    <td>
                      <button
                        className="btn"
                        type="button"
                        disabled={vm.state === 'crashed' || vm.state === 'stopped' || view.ended !== null}
                        onClick={() => void intervene({ kind: 'kill-vm', vm: vm.id })}
                        aria-label={`Kill VM ${vm.name}`}
                        title="Stop this VM now, as a crash would (forks the timeline)"
                      >
                        Kill
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {view.vms[0] !== undefined && view.vms[0].exitsByReason.length > 0 && (
          <table className="vm-table" aria-label="VM exits by reason">
            <thead>
              <tr>
                <th scope="col">Exit reason</th>
                <th scope="col" className="num">Count</th>
              </tr>
            </thead>
            <tbody>
              {[...view.vms[0].exitsByReason].sort((a, b) => b.count - a.count).map((r) => (
                <tr key={r.reason}>
                  <td>
                    {r.reason} {r.name}
                  </td>
                  <td className="num">{formatCount(r.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
