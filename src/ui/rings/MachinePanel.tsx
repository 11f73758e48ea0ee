/** The machine at the current position: where the CPU is (VMX mode, ring), the registers, the VMs. */
import { useApp } from '../../state/store.ts';
import { formatCount } from '../viz/format-event.ts';
import { commands } from '../engine/client.ts';
import type { Intervention } from '../../worker/protocol.ts';
import { t } from '../../i18n/t.ts';

/** A user action on the running machine: it forks the timeline (what came after this moment is discarded). */
async function intervene(action: Intervention): Promise<void> {
  const err = await commands.intervene(action);
  const s = useApp.getState();
  if (err !== null) s.setNotice({ kind: 'error', text: t('rings.machine.notDone', { err }) });
  else s.setNotice({ kind: 'info', text: t('rings.machine.done') });
}

const REG_ORDER = ['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp', 'esp', 'eip', 'eflags', 'cr0', 'cr3', 'cr4', 'cs', 'ss', 'ds'];

export function MachinePanel() {
  const view = useApp((s) => s.view);
  // The CPU model by its name ("Nehalem (Xeon 5500)"), as the CPU menu says it, not its link id.
  const cpuName = useApp((s) => s.catalog?.cpus.find((c) => c.id === s.view?.cpuModel)?.name);
  if (view === null) return null;
  const vmxLabel = view.vmx === 'non-root' ? t('rings.machine.nonRoot') : view.vmx === 'root' ? t('rings.machine.root') : t('rings.machine.noVmx');
  const sw = view.mode === 'swvmm' || view.mode === 'bt' || view.mode === 'pv';
  const who =
    view.mode === 'guest'
      ? view.vmx === 'non-root'
        ? t('rings.machine.guestRuns')
        : t('rings.machine.vmmRuns')
      : view.mode === 'bt'
        ? t('rings.machine.bt')
        : view.mode === 'pv'
          ? t('rings.machine.pv')
          : sw
            ? t('rings.machine.sw')
            : t('rings.machine.bare');
  return (
    <section className="panel grow" aria-labelledby="machine-title">
      <header>
        <h2 id="machine-title">{t('rings.machine.title')}</h2>
        <span style={{ marginLeft: 'auto', textTransform: 'none', letterSpacing: 0 }}>{cpuName ?? view.cpuModel}</span>
      </header>
      <div className="panel-body" style={{ display: 'grid', gap: '0.6rem' }}>
        <div className="mode-strip">
          <div className={`mode-chip ${view.vmx}`} data-testid="vmx-mode">
            <span>{t('rings.machine.mode')}</span>
            <strong>{vmxLabel}</strong>
            <span>{who}</span>
          </div>
          <div className="mode-chip">
            <span>{t('rings.machine.privilege')}</span>
            <strong>{t('rings.machine.ring', { ring: view.cpl })}</strong>
            <span>{sw ? t('rings.machine.guestView', { ring: String(view.hostCpl) }) : view.cpl === 0 ? t('rings.machine.kernel') : view.cpl === 3 ? t('rings.machine.user') : t('rings.machine.deprivileged')}</span>
          </div>
        </div>
        <dl className="regs" aria-label={view.mode === 'guest' ? t('rings.machine.guestRegisters') : t('rings.machine.registers')}>
          {REG_ORDER.filter((r) => view.registers[r] !== undefined).map((r) => (
            <div key={r} style={{ display: 'contents' }}>
              <dt>{r}</dt>
              <dd>
                {view.registers[r]}
                {r === 'eflags' && (
                  // EFLAGS.IF is bit 9 (SDM Vol. 1 §3.4.3); on the software VMM this is the guest's virtual IF.
                  <span className="reg-note" data-testid="eflags-if">
                    {/* i18n-ignore: IF is the EFLAGS flag name */}
                    {' '}IF = {(Number(view.registers[r]) >>> 9) & 1}
                  </span>
                )}
              </dd>
            </div>
          ))}
        </dl>
        {view.mode === 'bare' && (
          <button className="btn" type="button" disabled={view.ended !== null} onClick={() => void intervene({ kind: 'nmi' })} title={t('rings.machine.nmiTitle')}>
            {t('rings.machine.nmi')}
          </button>
        )}
        <dl className="kv">
          <dt>{t('rings.machine.cycles')}</dt>
          <dd>{formatCount(view.cycle)}</dd>
          <dt>{t('rings.machine.instructions')}</dt>
          <dd>{formatCount(view.instret)}</dd>
        </dl>
        {view.vms.length > 0 && (
          <table className="vm-table">
            <caption className="visually-hidden">{t('rings.machine.vms')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('rings.machine.colVm')}</th>
                <th scope="col">{t('rings.machine.colState')}</th>
                <th scope="col" className="num">{sw ? t('rings.machine.colTraps') : t('rings.machine.colExits')}</th>
                <th scope="col" className="num">{t('rings.machine.colShare')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('rings.machine.colActions')}</span>
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
                        aria-label={t('rings.machine.killVm', { name: vm.name })}
                        title={t('rings.machine.killTitle')}
                      >
                        {t('rings.machine.kill')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {view.vms[0] !== undefined && view.vms[0].exitsByReason.length > 0 && (
          <table className="vm-table" aria-label={t('rings.machine.exitsByReason')}>
            <thead>
              <tr>
                <th scope="col">{t('rings.machine.colReason')}</th>
                <th scope="col" className="num">{t('rings.machine.colCount')}</th>
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
