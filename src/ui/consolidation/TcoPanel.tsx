/** The TCO assumptions, editable (bad input: a message beside the field, the text kept), and the breakdown. */
import { useState } from 'react';
import { useApp } from '../../state/store.ts';
import { DEFAULT_TCO_INPUTS, type TcoBreakdown } from '../../core/platform/placement/index.ts';
import { TCO_KEYS, type TcoKey } from '../../state/consolidation-link.ts';
import { parseTcoField, provenanceText, tcoInputs, usd } from './view.ts';
import { Fig } from './Fig.tsx';
import '../../i18n/en/consolidation.ts';
import { t } from '../../i18n/t.ts';

export function TcoPanel({ before, after }: { before: TcoBreakdown; after: TcoBreakdown }) {
  const c = useApp((s) => s.consolidation);
  const setConsolidation = useApp((s) => s.setConsolidation);
  const inputs = tcoInputs(c.tco);
  const [drafts, setDrafts] = useState<Partial<Record<TcoKey, string>>>({});
  const [errors, setErrors] = useState<Partial<Record<TcoKey, string>>>({});
  const edit = (k: TcoKey, text: string): void => {
    setDrafts((d) => ({ ...d, [k]: text }));
    const r = parseTcoField(k, text);
    if (!r.ok) {
      setErrors((e) => ({ ...e, [k]: r.message }));
      return;
    }
    setErrors((e) => ({ ...e, [k]: undefined }));
    const next = { ...c.tco };
    if (r.value === DEFAULT_TCO_INPUTS[k].value) delete next[k];
    else next[k] = r.value;
    setConsolidation({ tco: next });
  };
  const rows: [string, (t: TcoBreakdown) => string][] = [
    [t('consolidation.tco.servers'), (t) => `${t.servers} × ${usd(inputs.serverPriceUsd.value)} = ${usd(t.serversUsd)}`],
    [t('consolidation.tco.energyWithPue'), (t) => `${Math.round(t.energyKWh).toLocaleString('en-US')} kWh = ${usd(t.energyUsd)}`],
    [t('consolidation.tco.rackSpace'), (t) => `${t.rackUnits} U = ${usd(t.rackUsd)}`],
  ];
  return (
    <section className="panel cn-tco" aria-labelledby="cn-tco-h">
      <h2 id="cn-tco-h">{t('consolidation.tco.costOfOwnershipOver', { value: inputs.years.value })}</h2>
      <div className="cn-tco-body">
        <div className="cn-assume-grid">
          {TCO_KEYS.map((k) => {
            const p = inputs[k];
            const err = errors[k];
            const id = `cn-tco-${k}`;
            return (
              <div key={k} className="cn-assume">
                <label htmlFor={id}>
                  {p.label} <span className="cn-kind">{t('consolidation.tco.assumption', { unit: p.unit })}</span>
                </label>
                <div className="cn-input-row">
                  <input
                    id={id}
                    inputMode="decimal"
                    value={drafts[k] ?? String(p.value)}
                    aria-invalid={err !== undefined}
                    aria-describedby={err !== undefined ? `${id}-err` : `${id}-src`}
                    onChange={(e) => edit(k, e.target.value)}
                  />
                  {err !== undefined && (
                    <span id={`${id}-err`} className="cn-field-error" role="alert">
                      {err}
                    </span>
                  )}
                </div>
                <span id={`${id}-src`} className="cn-src">
                  {provenanceText(p.provenance)}
                </span>
              </div>
            );
          })}
        </div>
        <table className="cn-table cn-tco-table" data-testid="cn-tco">
          <thead>
            <tr>
              <th scope="col" />
              <th scope="col">{t('consolidation.tco.before')}</th>
              <th scope="col">{t('consolidation.tco.after')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([label, f]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td className="num">{f(before)}</td>
                <td className="num">{f(after)}</td>
              </tr>
            ))}
            <tr className="cn-total">
              <th scope="row">{t('consolidation.tco.total')}</th>
              <td className="num">
                <Fig f={{ text: usd(before.totalUsd), formula: before.formula, source: t('consolidation.tco.srcCorePlatformPlacement') }} label={t('consolidation.tco.tcoBefore')} />
              </td>
              <td className="num" data-testid="cn-tco-after">
                <Fig f={{ text: usd(after.totalUsd), formula: after.formula, source: t('consolidation.tco.srcCorePlatformPlacement') }} label={t('consolidation.tco.tcoAfter')} />
              </td>
            </tr>
          </tbody>
        </table>
      </div>
    </section>
  );
}
