/**
 * What runs: the scenario, the CPU model, instruction-level events, the seed and the scenario's
 * parameters. Lists apply at once; typed numbers apply on Enter or when the field is left. A value the
 * engine refuses is shown beside its field with the reason, and what the user typed stays there.
 */
import { useEffect, useRef, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import type { SessionSpec } from '../../worker/protocol.ts';
import { t } from '../../i18n/t.ts';

function NumberField({ label, name, value, min, max, hint, onCommit, error }: {
  label: string; name: string; value: number; min: number; max: number; hint?: string; error?: string;
  onCommit(v: number): void;
}) {
  const [text, setText] = useState(String(value));
  const [local, setLocal] = useState<string | null>(null);
  useEffect(() => setText(String(value)), [value]);
  const commit = () => {
    const s = text.trim();
    if (!/^-?\d+$/.test(s)) {
      setLocal(t('rings.session.wholeNumber', { label }));
      return;
    }
    const v = Number(s);
    if (v < min || v > max) {
      setLocal(t('rings.session.range', { label, min: min.toLocaleString('en-US'), max: max.toLocaleString('en-US') }));
      return;
    }
    setLocal(null);
    if (v !== value) onCommit(v);
  };
  const err = local ?? error;
  const id = `field-${name}`;
  return (
    <label className="field" htmlFor={id} title={hint}>
      <span>{label}</span>
      <input
        id={id}
        inputMode="numeric"
        value={text}
        aria-invalid={err !== undefined}
        aria-describedby={err !== undefined ? `${id}-err` : undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') {
            setText(String(value));
            setLocal(null);
          }
        }}
      />
      {err !== undefined && (
        <span id={`${id}-err`} className="field-error" role="alert">
          {err}
        </span>
      )}
    </label>
  );
}

export function SessionControls() {
  const catalog = useApp((s) => s.catalog);
  const spec = useApp((s) => s.spec);
  const specErrors = useApp((s) => s.specErrors);
  const [pending, setPending] = useState<SessionSpec | null>(null);
  const detailsRef = useRef<HTMLDetailsElement>(null);
  // A refused value must be seen: open the panel when the engine reports errors.
  useEffect(() => {
    if (specErrors.length > 0 && detailsRef.current !== null) detailsRef.current.open = true;
  }, [specErrors]);
  if (catalog === null) return null;
  const shown = pending ?? spec;
  const scenario = catalog.scenarios.find((s) => s.id === shown.scenario) ?? catalog.scenarios[0];
  const errorFor = (field: string): string | undefined => specErrors.find((e) => e.field === field)?.message;

  const apply = async (next: SessionSpec) => {
    setPending(next);
    const ok = await commands.load(next);
    if (ok) setPending(null);
  };

  const kinds: { kind: string; label: string }[] = [
    { kind: 'kernel', label: t('rings.session.kernels') },
    { kind: 'workload', label: t('rings.session.workloads') },
    { kind: 'lesson', label: t('rings.session.lessons') },
  ];

  return (
    <details className="panel session" ref={detailsRef}>
      <summary>
        <span className="summary-label">{t('rings.session.scenario')}</span>
        <span className="summary-value">{scenario.title}</span>
        <span className="summary-sub">
          {scenario.mode === 'guest' ? t('rings.session.underVmm') : t('rings.session.bareMetal')} · {catalog.cpus.find((c) => c.id === (shown.cpu ?? catalog.defaultCpu))?.name ?? shown.cpu}
          {shown.insnEvents ? t('rings.session.everyInsn') : ''}
        </span>
      </summary>
      <div className="panel-body" style={{ display: 'grid', gap: '0.55rem' }}>
        <label className="field">
          <span>{t('rings.session.program')}</span>
          <select
            value={shown.scenario}
            onChange={(e) => void apply({ scenario: e.target.value, cpu: shown.cpu, seed: shown.seed, insnEvents: shown.insnEvents })}
            aria-describedby="scenario-desc"
          >
            {kinds.map((k) => (
              <optgroup key={k.kind} label={k.label}>
                {catalog.scenarios.filter((s) => s.kind === k.kind).map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.title} ({s.mode === 'guest' ? t('rings.session.guest') : t('rings.session.bareMetal')})
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <p id="scenario-desc" style={{ margin: 0, fontSize: '0.82rem', color: 'var(--fg-2)' }}>
          {scenario.description}
        </p>
        <label className="field">
          <span>{t('rings.session.cpuModel')}</span>
          <select value={shown.cpu ?? catalog.defaultCpu} onChange={(e) => void apply({ ...shown, cpu: e.target.value })}>
            {catalog.cpus.map((c) => (
              <option key={c.id} value={c.id}>
                {/* i18n-ignore: EPT is the SDM feature name */}
                {c.name}, {c.year} — {c.ept ? 'EPT' : t('rings.session.noEpt')}
              </option>
            ))}
          </select>
          {errorFor('cpu') !== undefined && <span className="field-error">{errorFor('cpu')}</span>}
        </label>
        <label className="check">
          <input type="checkbox" checked={shown.insnEvents} onChange={(e) => void apply({ ...shown, insnEvents: e.target.checked })} />
          {t('rings.session.insnEvents')}
        </label>
        <NumberField label={t('rings.session.seed')} name="seed" value={shown.seed} min={0} max={0xffffffff} hint={t('rings.session.seedHint')} error={errorFor('seed')} onCommit={(v) => void apply({ ...shown, seed: v })} />
        {scenario.params.map((p) => (
          <NumberField
            key={`${scenario.id}-${p.name}`}
            label={p.name}
            name={p.name}
            value={shown.params?.[p.name] ?? p.value}
            min={p.min}
            max={p.max}
            hint={p.description}
            error={errorFor(`params.${p.name}`)}
            onCommit={(v) => void apply({ ...shown, params: { ...(shown.params ?? {}), [p.name]: v } })}
          />
        ))}
        {specErrors.filter((e) => e.field === 'program' || e.field === 'scenario').map((e) => (
          <p key={e.message} className="field-error" role="alert">
            {e.message}
          </p>
        ))}
      </div>
    </details>
  );
}
