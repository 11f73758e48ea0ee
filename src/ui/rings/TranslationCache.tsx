/**
 * The binary translator's translation cache at the position: each translation (a unit of guest kernel code),
 * the guest's original bytes and instruction next to what runs instead — copied as is (IDENT), a chained or
 * looked-up branch, or a callout into the VMM where the guest had a sensitive instruction
 * (src/core/techniques/binary-translation/tc.ts `listTranslations`). The translation that runs now (the one
 * holding the guest's next instruction) is selected by default.
 */
import { useEffect, useRef, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import type { TcListingEntry } from '../../worker/protocol.ts';
import { formatCount, hex } from '../viz/format-event.ts';
import type { MessageKey } from '../../i18n/catalogue.ts';
import './translation-cache.css';
import { t } from '../../i18n/t.ts';

const KIND_TEXT: Record<string, MessageKey> = { IDENT: 'rings.tc.kindIdent', CALLOUT: 'rings.tc.kindCallout', BRANCH: 'rings.tc.kindBranch', INDIRECT: 'rings.tc.kindIndirect' };

export function TranslationCache() {
  const seq = useApp((s) => s.status?.position.seq ?? 0);
  const generation = useApp((s) => s.status?.generation ?? 0);
  const pc = useApp((s) => s.view?.pc ?? 0);
  const [tc, setTc] = useState<TcListingEntry[] | null>(null);
  const [picked, setPicked] = useState<number | null>(null);
  const last = useRef(0);
  useEffect(() => {
    // At most four reads a second while playing.
    const wait = Math.max(0, 250 - (performance.now() - last.current));
    const t = window.setTimeout(() => {
      last.current = performance.now();
      void commands.translationCache().then(setTc).catch(() => undefined);
    }, wait);
    return () => window.clearTimeout(t);
  }, [seq, generation]);
  if (tc === null) return null;
  if (tc.length === 0) return <p className="xs-empty">{t('rings.tc.empty')}</p>;
  const holding = tc.find((x) => x.rows.some((r) => r.address === pc >>> 0));
  const shown = tc.find((x) => x.id === picked) ?? holding ?? tc[tc.length - 1];
  return (
    <div className="xs-block tc-panel" data-testid="tc-panel">
      <h3 className="xs-title">{t('rings.tc.title')}</h3>
      <label className="field tc-pick">
        <span>{t('rings.tc.translation')}</span>
        <select value={shown.id} onChange={(e) => setPicked(Number(e.target.value))}>
          {tc.map((x) => (
            <option key={x.id} value={x.id}>
              {t('rings.tc.option', { id: x.id, address: hex(x.guestLinear), n: x.rows.length, hits: formatCount(x.hits), now: x === holding ? t('rings.tc.runsNow') : '' })}
            </option>
          ))}
        </select>
      </label>
      <p className="xs-note">
        {t('rings.tc.note', {
          id: shown.id,
          linear: hex(shown.guestLinear),
          physical: hex(shown.guestPhysical),
          hits: formatCount(shown.hits),
          chained: shown.chainedTo.length > 0 ? t('rings.tc.chainedTo', { to: shown.chainedTo.map((a) => hex(a)).join(', ') }) : '',
          n: tc.length,
        })}
      </p>
      <div className="tc-scroll">
        <table className="tc-table" aria-label={t('rings.tc.table', { id: shown.id })}>
          <thead>
            <tr>
              <th scope="col">{t('rings.tc.colAddress')}</th>
              <th scope="col">{t('rings.tc.colBytes')}</th>
              <th scope="col">{t('rings.tc.colInstruction')}</th>
              <th scope="col">{t('rings.tc.colKind')}</th>
              <th scope="col">{t('rings.tc.colRunsAs')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.rows.map((r) => (
              <tr key={r.address} className={`tc-${r.kind.toLowerCase()}${r.address === pc >>> 0 ? ' tc-current' : ''}`}>
                <td className="mono">{hex(r.address)}</td>
                <td className="mono">{r.bytes}</td>
                <td className="mono">{r.original}</td>
                <td>
                  {r.kind === 'CALLOUT' && <span aria-hidden="true">⇥ </span>}
                  {KIND_TEXT[r.kind] !== undefined ? t(KIND_TEXT[r.kind]) : r.kind}
                </td>
                <td className={r.kind === 'CALLOUT' ? '' : 'mono'}>{r.translated}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
