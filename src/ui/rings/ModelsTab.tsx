/**
 * The same program on every CPU model: total cycles, VM exits, the VMM's share, and what changed between
 * the generations (EPT, VPID, unrestricted guest, cheaper transitions). Runs headless in the worker.
 */
import { useEffect, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import type { ModelRun } from '../../worker/protocol.ts';
import { formatCount, formatSimTime } from '../viz/format-event.ts';
import type { MessageKey } from '../../i18n/catalogue.ts';
import { t } from '../../i18n/t.ts';

type Row = ModelRun | { cpu: string; error: string };

const CHANGES: Record<string, MessageKey> = {
  'xeon-lv': 'rings.models.changeXeonLv',
  'xeon-5100': 'rings.models.changeXeon5100',
  nehalem: 'rings.models.changeNehalem',
  modern: 'rings.models.changeModern',
};

export function ModelsTab() {
  const spec = useApp((s) => s.spec);
  const catalog = useApp((s) => s.catalog);
  const current = useApp((s) => s.view?.cpuModel);
  const detail = useApp((s) => s.detail);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [busy, setBusy] = useState(false);
  const key = JSON.stringify({ ...spec, cpu: undefined, insnEvents: undefined });
  useEffect(() => {
    setRows(null);
  }, [key]);
  const run = async () => {
    setBusy(true);
    try {
      setRows(await commands.compareModels());
    } finally {
      setBusy(false);
    }
  };
  const ok = (rows ?? []).filter((r): r is ModelRun => !('error' in r));
  // Compared on busy cycles (the guest's and the VMM's work): a run's total also holds the time the guest sat idle
  // waiting for its timer, which is the same in seconds on every model and so grows with the clock rate.
  const busyOf = (r: ModelRun): number => r.guestCycles + r.vmmCycles;
  const baseRun = ok.find((r) => r.cpu === 'xeon-lv') ?? ok[0];
  const base = baseRun !== undefined && busyOf(baseRun) > 0 ? busyOf(baseRun) : 1;
  return (
    <div className="models-tab">
      <p>
        {t('rings.models.intro')}
      </p>
      <button className="btn primary" type="button" onClick={() => void run()} disabled={busy}>
        {busy ? t('rings.models.running') : rows === null ? t('rings.models.run') : t('rings.models.runAgain')}
      </button>
      {rows !== null && (
        <table className="vm-table models-table">
          <caption className="visually-hidden">{t('rings.models.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('rings.models.colModel')}</th>
              <th scope="col" className="num">{t('rings.models.colTime')}</th>
              <th scope="col" className="num">{t('rings.models.colCycles')}</th>
              <th scope="col" className="num">{t('rings.models.colExits')}</th>
              <th scope="col" className="num">{t('rings.models.colShare')}</th>
              <th scope="col" className="num">{t('rings.models.colVs2006')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const m = catalog?.cpus.find((c) => c.id === r.cpu);
              if ('error' in r) {
                return (
                  <tr key={r.cpu}>
                    <th scope="row">{m?.name ?? r.cpu}</th>
                    <td colSpan={5}>{r.error}</td>
                  </tr>
                );
              }
              const total = busyOf(r);
              return (
                <tr key={r.cpu} className={r.cpu === current ? 'current' : undefined}>
                  <th scope="row">
                    {m?.name ?? r.cpu} ({m?.year}){r.cpu === current ? t('rings.models.loaded') : ''}
                  </th>
                  <td className="num">{m ? formatSimTime(r.cycles, m.clockHz) : ''}</td>
                  <td className="num">{formatCount(total)}</td>
                  <td className="num">{formatCount(r.exits)}</td>
                  <td className="num">{total > 0 ? `${((100 * r.vmmCycles) / total).toFixed(1)} %` : '—'}</td>
                  <td className="num">{((100 * total) / base).toFixed(0)} %</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {rows !== null && detail !== 'sales' && (
        <>
          <h3>{t('rings.models.byReason')}</h3>
          <table className="vm-table">
            <thead>
              <tr>
                <th scope="col">{t('rings.models.colReason')}</th>
                {ok.map((r) => (
                  <th key={r.cpu} scope="col" className="num">
                    {r.cpu}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {[...new Set(ok.flatMap((r) => r.exitsByReason.map((e) => e.reason)))].sort((a, b) => a - b).map((reason) => (
                <tr key={reason}>
                  <th scope="row">
                    {reason} {ok.flatMap((r) => r.exitsByReason).find((e) => e.reason === reason)?.name}
                  </th>
                  {ok.map((r) => (
                    <td key={r.cpu} className="num">
                      {formatCount(r.exitsByReason.find((e) => e.reason === reason)?.count ?? 0)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3>{t('rings.models.changes')}</h3>
      <dl className="kv models-changes">
        {catalog?.cpus.map((c) => (
          <div key={c.id} style={{ display: 'contents' }}>
            <dt>
              {c.name} ({c.year})
            </dt>
            <dd>
              {t('rings.models.change', {
                change: CHANGES[c.id] !== undefined ? t(CHANGES[c.id]) : '',
                exit: formatCount(c.costs.vmExit.value),
                entry: formatCount(c.costs.vmEntry.value),
                kind: c.costs.roundTrip.kind,
              })}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
