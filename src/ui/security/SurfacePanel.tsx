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
import '../../i18n/en/security.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

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
    setBusy(t('security.surface.computingTheAttackSurface'));
    setError(null);
    commands
      .attackSurface(cpu)
      .then((r) => {
        if (!live) return;
        if (r.ok) {
          setSurface(r);
          const n = tally(r.vtx, r.software);
          setAnnounce(t('security.surface.saySurface', { cpu: cpus.find((c) => c.id === cpu)?.name ?? cpu, vtx: n.vtxTotal, sw: n.swTotal }));
        } else setError(r.message);
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)))
      .finally(() => live && setBusy(null));
    return () => {
      live = false;
    };
  }, [health, cpu]);

  const run = async (e: EscapeId): Promise<void> => {
    setBusy(t('security.surface.runningOnTheCore', { title: ESCAPE_INFO[e].title }));
    setAnnounce(t('security.surface.runningOnTheCore', { title: ESCAPE_INFO[e].title }));
    setError(null);
    try {
      const r = await commands.escapeAttempt(e, cpu);
      if (!r.ok) setError(r.message);
      else {
        setOutcomes((o) => ({ ...o, [e]: r.outcome }));
        setAnnounce(t('security.surface.sayEscape', { title: r.outcome.title, outcome: r.outcome.held ? t('security.surface.stoppedWord') : t('security.surface.notStopped'), by: r.outcome.stoppedBy }));
      }
    } catch (x) {
      setError(x instanceof Error ? x.message : String(x));
    } finally {
      setBusy(null);
    }
  };

  const cpuName = cpus.find((c) => c.id === cpu)?.name ?? cpu;
  const tl = surface !== null ? tally(surface.vtx, surface.software) : null;
  const max = tl !== null ? Math.max(tl.vtxTotal, tl.swTotal, 1) : 1;

  return (
    <div className="sec-surface" data-testid="surface-panel">
      <p className="sec-sim-note" role="note">
        <T k='security.surface.theVtXList' parts={{ strong: <strong>{t('security.surface.computedFromTheCode')}</strong> }} /></p>
      <div className="visually-hidden" role="status" aria-live="polite" data-testid="surface-announce">
        {announce}
      </div>
      <div className="sec-controls-row">
        <label className="pl-field">
          <span className="pl-label">{t('security.surface.processor')}</span>
          <select value={cpu} onChange={(e) => setCpu(e.target.value)} disabled={busy !== null}>
            {(cpus.length > 0 ? cpus : [{ id: 'xeon-5100', name: 'Xeon 5100 (Woodcrest)', ept: false }]).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
                {c.ept ? ' ' + t('security.surface.ept') : ' ' + t('security.surface.noEptShadowPaging')}
              </option>
            ))}
          </select>
        </label>
        {busy !== null && (
          <p className="pl-hint">
            {busy}
          </p>
        )}
      </div>
      {error !== null && (
        <p className="pl-error" role="alert"><T k='security.surface.couldNotRun' parts={{ error: error }} />
        </p>
      )}

      {surface !== null && tl !== null && (
        <section className="panel" aria-labelledby={`${id}-cmp-h`}>
          <h2 id={`${id}-cmp-h`}><T k='security.surface.vmmEntryPointsA' parts={{ cpuName: cpuName }} /></h2>
          <div className="sec-bar" data-testid="sec-count-vtx">
            <span className="sec-tag"><T k='security.surface.vtXVmm' parts={{ vtxTotal: tl.vtxTotal }} /></span>
            <div className="sec-bar-track" aria-hidden="true">
              <div className="sec-bar-fill" style={{ width: `${(100 * tl.vtxTotal) / max}%` }} />
            </div>
            <span>
              <T k='security.surface.exitReasonsHypercalls' parts={{ vtxGuest: tl.vtxGuest, hypercalls: tl.hypercalls }} /></span>
          </div>
          <div className="sec-bar" data-testid="sec-count-sw">
            <span className="sec-tag"><T k='security.surface.softwareVmm' parts={{ swTotal: tl.swTotal }} /></span>
            <div className="sec-bar-track" aria-hidden="true">
              <div className="sec-bar-fill sw" style={{ width: `${(100 * tl.swTotal) / max}%` }} />
            </div>
            <span>
              <T k='security.surface.calloutsTrapCauses' parts={{ swCallouts: tl.swCallouts, swTraps: tl.swTraps }} /></span>
          </div>
          <p className="pl-note"><T k='security.surface.andBeneathTheCount' parts={{ translates: <strong>{t('security.surface.decodesAndTranslatesEvery')}</strong>, forms: tl.translatedForms.toLocaleString('en-US'), swForms: tl.swForms, vtxHost: tl.vtxHost }} /></p>
          <p className="pl-note">{t('security.surface.whitePaper33')}</p>
        </section>
      )}

      {surface !== null && (
        <div className="sec-compare">
          <section className="panel" aria-labelledby={`${id}-vtx-h`}>
            <h2 id={`${id}-vtx-h`}><T k='security.surface.vtXVmmExit' parts={{ mmu: surface.vtx.mmu === 'ept' ? 'EPT' : t('security.surface.shadowPaging') }} /></h2>
            <p className="pl-note"><T k='security.surface.controlsInEffectPin' parts={{ pin: surface.vtx.controls.pin, primary: surface.vtx.controls.primary, secondary: surface.vtx.controls.secondary, exceptionBitmap: surface.vtx.controls.exceptionBitmap }} /></p>
            <div className="sec-table-wrap">
              <table className="sec-table" data-testid="sec-vtx-exits">
                <thead>
                  <tr>
                    <th scope="col">{t('security.surface.exit')}</th>
                    <th scope="col">{t('security.surface.causedBy')}</th>
                    <th scope="col">{t('security.surface.handler')}</th>
                    <th scope="col">{t('security.surface.probe')}</th>
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
            <h3 className="pl-note"><T k='security.surface.hypercallsVmcallEaxFunction' parts={{ answered: surface.vtx.hypercalls.length, hypercallsProbed: surface.vtx.hypercallsProbed }} /></h3>
            <p className="pl-note mono" data-testid="sec-hypercalls">
              {surface.vtx.hypercalls.map((h) => `${h.fn} ${h.name}`).join(' · ')}
            </p>
          </section>
          <section className="panel" aria-labelledby={`${id}-sw-h`}>
            <h2 id={`${id}-sw-h`}>{t('security.surface.softwareVmmBinaryTranslation')}</h2>
            <p className="pl-note">{t('security.surface.eachSensitiveInstructionIn')}</p>
            <div className="sec-table-wrap">
              <table className="sec-table" data-testid="sec-sw-callouts">
                <thead>
                  <tr>
                    <th scope="col">{t('security.surface.callout')}</th>
                    <th scope="col">{t('security.surface.opcodeFormsReachingIt')}</th>
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
              <T k='security.surface.everyOneEntersThe' parts={{ traps: <strong>{t('security.surface.traps')}</strong>, causes: surface.software.trapCauses.join(' · '), reflectedVectors: surface.software.reflectedVectors }} /></p>
          </section>
        </div>
      )}

      <section className="panel" aria-labelledby={`${id}-esc-h`}>
        <h2 id={`${id}-esc-h`}><T k='security.surface.guestEscapeAttemptsRun' parts={{ cpuName: cpuName }} /></h2>
        <p className="pl-note"><T k='security.surface.twoVmsShareOne' parts={{ surface: surface !== null && surface.vtx.mmu === 'shadow'
            ? t('security.surface.thisProcessorHasNo')
            : t('security.surface.withEptTheProcessor') }} />
        </p>
        <ul className="sec-escapes">
          {ESCAPE_IDS.map((e) => {
            const o = outcomes[e];
            const fresh = o !== undefined && o.cpu === cpu;
            return (
              <li key={e} className={`sec-escape${fresh ? (o.held ? ' held' : ' broke') : ''}`} data-testid={`sec-escape-${e}`}>
                <h3>{ESCAPE_INFO[e].title}</h3>
                <p><T k='security.surface.theAttacker' parts={{ tries: ESCAPE_INFO[e].tries }} /></p>
                <button type="button" className="btn" disabled={health !== 'ready' || busy !== null} aria-label={t('security.surface.runAria', { title: ESCAPE_INFO[e].title })} onClick={() => void run(e)}>{t('security.surface.runButton')}</button>
                {fresh && (
                  <>
                    <p className="sec-verdict">
                      {o.held ? t('security.surface.stopped') : t('security.surface.notStoppedVerdict')} — {o.stoppedBy}.
                    </p>
                    <ul>
                      {o.evidence.map((line, k) => (
                        <li key={k}>{line}</li>
                      ))}
                      <li><T k='security.surface.attackerSVmExits' parts={{ exits: o.attacker.exits.length === 0 ? t('security.surface.none') : o.attacker.exits.map((x) => `${x.reason} ${x.name} × ${x.count}`).join(', ') }} />
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
