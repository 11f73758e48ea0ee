/**
 * On the paravirtualization platform: which kernel runs — the preset's port to the hypercall interface
 * (guest/paravirt/…, Session.portFile) or the unmodified program — and a button for the other one, so a student
 * sees the white paper's §3.1.1 point run: paravirtualization cannot host an unmodified guest (the VMM crashes
 * it at its first privileged instruction, as Xen crashes a kernel that executes one at ring 1).
 */
import { useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import { PV_PORTS } from '../../core/techniques/paravirt/port-ids.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

export function PvProgramChoice() {
  const spec = useApp((s) => s.spec);
  const pv = useApp((s) => s.view?.pv);
  const [busy, setBusy] = useState(false);
  if (pv === undefined) return null;
  const runUnmodified = async () => {
    setBusy(true);
    try {
      // The preset as written, given as the user's program so the session does not substitute the port.
      const original = await commands.scenarioSource(spec.scenario);
      if (original !== null) await commands.load({ scenario: spec.scenario, cpu: spec.cpu, seed: spec.seed, insnEvents: spec.insnEvents, mode: 'pv', source: original });
    } finally {
      setBusy(false);
    }
  };
  const runPort = () => void commands.load({ scenario: spec.scenario, cpu: spec.cpu, seed: spec.seed, insnEvents: spec.insnEvents, mode: 'pv', ...(spec.params !== undefined ? { params: spec.params } : {}) });
  return (
    <div className="xs-block pv-choice" data-testid="pv-choice">
      <h3 className="xs-title">{t('rings.pvChoice.title')}</h3>
      {pv.ported ? (
        <>
          <p className="xs-note">
            <T k="rings.pvChoice.port" params={{ file: String(pv.portFile) }} parts={{ name: <strong>{t('rings.pvChoice.portName')}</strong> }} />
          </p>
          <button type="button" className="btn" disabled={busy} onClick={() => void runUnmodified()}>
            {t('rings.pvChoice.runUnmodified')}
          </button>
        </>
      ) : (
        <>
          <p className="xs-note">
            <T k="rings.pvChoice.asWritten" parts={{ name: <strong>{t('rings.pvChoice.asWrittenName')}</strong> }} />
          </p>
          {spec.source !== undefined && PV_PORTS[spec.scenario] !== undefined && (
            <button type="button" className="btn" onClick={runPort}>
              {t('rings.pvChoice.runPort')}
            </button>
          )}
        </>
      )}
    </div>
  );
}
