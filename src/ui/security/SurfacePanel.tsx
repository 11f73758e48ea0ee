/**
 * The attack surface (issue 7 item 4, white paper §3.3.4: "Less complex VMMs also provide fewer opportunities for
 * software based attacks"): what a guest can make each VMM do, computed in the worker from the code
 * (src/core/security/surface.ts) — the VT-x VMM's exit reasons under the controls in effect on the chosen CPU
 * model, confirmed by probe guests, and its hypercalls; the binary-translating VMM's callouts and traps — and
 * four guest-escape attempts, each run on the VMX core with a button.
 */
import { useEffect, useId, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import type { EscapeId, SurfaceResponse } from '../../worker/protocol.ts';
import type { EscapeOutcome } from '../../core/security/escape.ts';
import { ESCAPE_IDS, ESCAPE_INFO } from '../../core/security/escape-info.ts';
import { byLabel, observedLabel, tally } from './view.ts';
import './security.css';

type Ok = Extract<SurfaceResponse, { ok: true }>;

export function SurfacePanel() {
  const health = useApp((s) => s.health);
  const cpus = useApp((s) => s.catalog?.cpus ?? []);
  const [cpu, setCpu] = useState('xeon-5100');
  const [surface, setSurface] = useState<Ok | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [outcomes, setOutcomes] = useState<Partial<Record<EscapeId, EscapeOutcome>>>({});
  const [announce, setAnnounce] = useState('');
  const id = useId();

  useEffect(() => {
    if (health !== 'ready') return;
    let live = true;
    setBusy('Computing the attack surface: running the probe guests on the core…');
    setError(null);
    commands
      .attackSurface(cpu)
      .then((r) => {
        if (!live) return;
        if (r.ok) setSurface(r);
        else setError(r.message);
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)))
      .finally(() => live && setBusy(null));
    return () => {
      live = false;
    };
  }, [health, cpu]);

  const run = async (e: EscapeId): Promise<void> => {
    setBusy(`Running “${ESCAPE_INFO[e].title}” on the core…`);
    setError(null);
    try {
      const r = await commands.escapeAttempt(e, cpu);
      if (!r.ok) setError(r.message);
      else {
        setOutcomes((o) => ({ ...o, [e]: r.outcome }));
        setAnnounce(`${r.outcome.title}: ${r.outcome.held ? 'stopped' : 'NOT stopped'} — ${r.outcome.stoppedBy}`);
      }
    } catch (x) {
      setError(x instanceof Error ? x.message : String(x));
    } finally {
      setBusy(null);
    }
  };

  const cpuName = cpus.find((c) => c.id === cpu)?.name ?? cpu;
  const t = surface !== null ? tally(surface.vtx, surface.software) : null;
  const max = t !== null ? Math.max(t.vtxTotal, t.swTotal, 1) : 1;

  return (
    <div className="sec-surface" data-testid="surface-panel">
      <p className="sec-sim-note" role="note">
        <strong>Computed from the code, run in your browser.</strong> The VT-x list comes from the controls the built-in VMM programs on the chosen processor, each exit
        confirmed by a probe guest on the VMX core; hypercalls by calling VMCALL with every function number 0…15. The software-VMM list comes from sweeping the opcode map
        through the binary translator’s own classifier.
      </p>
      <div className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </div>
      <div className="sec-controls-row">
        <label className="pl-field">
          <span className="pl-label">Processor</span>
          <select value={cpu} onChange={(e) => setCpu(e.target.value)} disabled={busy !== null}>
            {(cpus.length > 0 ? cpus : [{ id: 'xeon-5100', name: 'Xeon 5100 (Woodcrest)', ept: false }]).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
                {c.ept ? ' — EPT' : ' — no EPT (shadow paging)'}
              </option>
            ))}
          </select>
        </label>
        {busy !== null && (
          <p className="pl-hint" aria-live="polite">
            {busy}
          </p>
        )}
      </div>
      {error !== null && (
        <p className="pl-error" role="alert">
          Could not run: {error}
        </p>
      )}

      {surface !== null && t !== null && (
        <section className="panel" aria-labelledby={`${id}-cmp-h`}>
          <h2 id={`${id}-cmp-h`}>VMM entry points a guest can reach, on {cpuName}</h2>
          <div className="sec-bar" data-testid="sec-count-vtx">
            <span className="sec-tag">VT-x VMM: {t.vtxTotal}</span>
            <div className="sec-bar-track" aria-hidden="true">
              <div className="sec-bar-fill" style={{ width: `${(100 * t.vtxTotal) / max}%` }} />
            </div>
            <span>
              {t.vtxGuest} exit reasons + {t.hypercalls} hypercalls
            </span>
          </div>
          <div className="sec-bar" data-testid="sec-count-sw">
            <span className="sec-tag">Software VMM: {t.swTotal}</span>
            <div className="sec-bar-track" aria-hidden="true">
              <div className="sec-bar-fill sw" style={{ width: `${(100 * t.swTotal) / max}%` }} />
            </div>
            <span>
              {t.swCallouts} callouts + {t.swTraps} trap causes
            </span>
          </div>
          <p className="pl-note">
            And beneath the count: the software VMM also <strong>decodes and translates every guest-kernel instruction</strong> ({t.translatedForms.toLocaleString('en-US')}{' '}
            opcode forms in the sweep, {t.swForms} of them sensitive), so its translator is attack surface too; under VT-x the processor runs guest code and the VMM sees
            only the exits. {t.vtxHost} more exits are caused by the host (its timer, interrupts), not at the guest’s choice.
          </p>
          <p className="pl-note">
            White paper §3.3.4: “Intel Virtualization Technology manages VMX transitions in hardware rather than software … Less complex VMMs also provide fewer
            opportunities for software based attacks.” These counts are entry points a guest can drive, not lines of code or known bugs.
          </p>
        </section>
      )}

      {surface !== null && (
        <div className="sec-compare">
          <section className="panel" aria-labelledby={`${id}-vtx-h`}>
            <h2 id={`${id}-vtx-h`}>VT-x VMM: exit reasons ({surface.vtx.mmu === 'ept' ? 'EPT' : 'shadow paging'})</h2>
            <p className="pl-note">
              Controls in effect: pin {surface.vtx.controls.pin}, primary {surface.vtx.controls.primary}, secondary {surface.vtx.controls.secondary}, exception bitmap{' '}
              {surface.vtx.controls.exceptionBitmap}.
            </p>
            <div className="sec-table-wrap">
              <table className="sec-table" data-testid="sec-vtx-exits">
                <thead>
                  <tr>
                    <th scope="col">Exit</th>
                    <th scope="col">Caused by</th>
                    <th scope="col">Handler</th>
                    <th scope="col">Probe</th>
                  </tr>
                </thead>
                <tbody>
                  {surface.vtx.exits.map((e) => (
                    <tr key={e.reason}>
                      <td>
                        <strong>{e.reason}</strong> {e.name}
                      </td>
                      <td>
                        <span className={`sec-tag${e.by === 'host' ? ' host' : ''}`}>{byLabel(e.by)}</span>
                        <span className="sec-sub">{e.why}</span>
                      </td>
                      <td className="mono">{e.handler}</td>
                      <td>{observedLabel(e.observed)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <h3 className="pl-note">Hypercalls (VMCALL, EAX = function): {surface.vtx.hypercalls.length} of {surface.vtx.hypercallsProbed} numbers answer</h3>
            <p className="pl-note mono" data-testid="sec-hypercalls">
              {surface.vtx.hypercalls.map((h) => `${h.fn} ${h.name}`).join(' · ')}
            </p>
          </section>
          <section className="panel" aria-labelledby={`${id}-sw-h`}>
            <h2 id={`${id}-sw-h`}>Software VMM (binary translation): callouts and traps</h2>
            <p className="pl-note">Each sensitive instruction in guest-kernel code is replaced by a callout: VMM code that emulates it against the virtual CPU.</p>
            <div className="sec-table-wrap">
              <table className="sec-table" data-testid="sec-sw-callouts">
                <thead>
                  <tr>
                    <th scope="col">Callout</th>
                    <th scope="col">Opcode forms reaching it</th>
                  </tr>
                </thead>
                <tbody>
                  {surface.software.callouts.map((c) => (
                    <tr key={c.id}>
                      <td>{c.name}</td>
                      <td className="num">{c.forms}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="pl-note">
              <strong>Traps</strong> (every one enters the VMM): {surface.software.trapCauses.join(' · ')} — {surface.software.reflectedVectors} vectors (32 exceptions, 16
              device IRQs) reflected by VMM software.
            </p>
          </section>
        </div>
      )}

      <section className="panel" aria-labelledby={`${id}-esc-h`}>
        <h2 id={`${id}-esc-h`}>Guest-escape attempts, run on the VMX core ({cpuName})</h2>
        <p className="pl-note">
          Two VMs share one processor: the victim (the SIP PBX) prints five progress marks and holds a secret at guest-physical 0x200000; the attacker runs at CPL 0 in its
          own VM. Press Run to try each escape.{' '}
          {surface !== null && surface.vtx.mmu === 'shadow'
            ? 'This processor has no EPT (like the white paper’s Xeon LV and 5100): the VMM’s shadow page tables stop the memory attacks in software. Choose Nehalem or the current Xeon to see EPT stop them in hardware.'
            : 'With EPT the processor itself stops the memory attacks: every guest-physical address goes through tables the guest cannot see.'}
        </p>
        <ul className="sec-escapes">
          {ESCAPE_IDS.map((e) => {
            const o = outcomes[e];
            const fresh = o !== undefined && o.cpu === cpu;
            return (
              <li key={e} className={`sec-escape${fresh ? (o.held ? ' held' : ' broke') : ''}`} data-testid={`sec-escape-${e}`}>
                <h3>{ESCAPE_INFO[e].title}</h3>
                <p>The attacker {ESCAPE_INFO[e].tries}.</p>
                <button type="button" className="btn" disabled={health !== 'ready' || busy !== null} aria-label={`Run: ${ESCAPE_INFO[e].title}`} onClick={() => void run(e)}>
                  ▶ Run
                </button>
                {fresh && (
                  <>
                    <p className="sec-verdict">
                      {o.held ? '✓ Stopped' : '✕ Not stopped'} — {o.stoppedBy}.
                    </p>
                    <ul>
                      {o.evidence.map((line, k) => (
                        <li key={k}>{line}</li>
                      ))}
                      <li>
                        attacker’s VM exits: {o.attacker.exits.length === 0 ? 'none' : o.attacker.exits.map((x) => `${x.reason} ${x.name} × ${x.count}`).join(', ')}
                      </li>
                    </ul>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      </section>
    </div>
  );
}
