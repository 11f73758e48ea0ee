/**
 * When the VMM's VMLAUNCH/VMRESUME failed (the VM stopped with "VM entry failed: …", hypervisor.ts), the lab says
 * so above every tab: the VM-instruction error, which control and which capability-MSR bit, where the SDM has it,
 * and a way to the Controls and VMCS tabs. Error 7 is "VM entry with invalid control field(s)" (SDM Vol. 3C §30.4):
 * VM entry checks every control against the capability MSRs before it loads anything (§26.2.1.1), so the guest never
 * ran and no VM exit happened.
 */
import { useApp } from '../../state/store.ts';
import { instructionErrorText } from './vmx-errors.ts';
import './controls-tab.css';
import { t } from '../../i18n/t.ts';

export function EntryFailureBanner() {
  const vm = useApp((s) => s.view?.vms[0]);
  const mode = useApp((s) => s.view?.mode);
  const setTab = useApp((s) => s.setRingsTab);
  const detail = useApp((s) => s.detail);
  if (mode !== 'guest' || vm === undefined || vm.state !== 'crashed' || !vm.message.startsWith('VM entry failed')) return null;
  const m = /VMfailValid, error (\d+)/.exec(vm.message);
  const error = m === null ? null : Number(m[1]);
  // The message is "VM entry failed: VMLAUNCH → VMfailValid, error 7 (…): why; why".
  const colon = vm.message.indexOf('): ');
  const why = colon >= 0 ? vm.message.slice(colon + 3).split('; ') : [];
  const head = colon >= 0 ? vm.message.slice(0, colon + 1) : vm.message;
  return (
    <div className="entry-failure" role="alert" data-testid="entry-failure">
      <div className="ef-top">
        <p className="ef-title">
          <span aria-hidden="true">✗ </span>
          {error !== null ? t('rings.entryFailure.title', { error, text: instructionErrorText(error) }) : head}
        </p>
        {detail !== 'sales' && (
          <span className="ef-actions">
            <button type="button" className="btn ct-small" onClick={() => setTab('controls')}>
              {t('rings.entryFailure.changeControls')}
            </button>
            <button type="button" className="btn ct-small" onClick={() => setTab('vmcs')}>
              {t('rings.entryFailure.seeError')}
            </button>
          </span>
        )}
      </div>
      {why.length > 0 && (
        <ul className="ef-why">
          {why.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {error === 7 && (
        <details className="ef-explain">
          <summary>{t('rings.entryFailure.whySummary')}</summary>
          {t('rings.entryFailure.why', { head: head.replace(/^VM entry failed: /, '') })}
        </details>
      )}
    </div>
  );
}
