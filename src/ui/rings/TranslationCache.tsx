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
import './translation-cache.css';

const KIND_TEXT: Record<string, string> = { IDENT: 'copied', CALLOUT: 'callout', BRANCH: 'branch', INDIRECT: 'indirect' };

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
  if (tc.length === 0) return <p className="xs-empty">The translation cache is empty: nothing of the guest kernel has run yet.</p>;
  const holding = tc.find((t) => t.rows.some((r) => r.address === pc >>> 0));
  const shown = tc.find((t) => t.id === picked) ?? holding ?? tc[tc.length - 1];
  return (
    <div className="xs-block tc-panel" data-testid="tc-panel">
      <h3 className="xs-title">Translated code</h3>
      <label className="field tc-pick">
        <span>Translation</span>
        <select value={shown.id} onChange={(e) => setPicked(Number(e.target.value))}>
          {tc.map((t) => (
            <option key={t.id} value={t.id}>
              #{t.id} at {hex(t.guestLinear)} — {t.rows.length} instructions, {formatCount(t.hits)} hits{t === holding ? ' (runs now)' : ''}
            </option>
          ))}
        </select>
      </label>
      <p className="xs-note">
        Translation #{shown.id}: guest {hex(shown.guestLinear)} (guest-physical {hex(shown.guestPhysical)}), {formatCount(shown.hits)} cache hits
        {shown.chainedTo.length > 0 ? `, chained to ${shown.chainedTo.map((a) => hex(a)).join(', ')}` : ''}. {tc.length} translations in the cache.
      </p>
      <div className="tc-scroll">
        <table className="tc-table" aria-label={`Translation ${shown.id}: original and translated code`}>
          <thead>
            <tr>
              <th scope="col">Guest address</th>
              <th scope="col">Original bytes</th>
              <th scope="col">Original instruction</th>
              <th scope="col">Kind</th>
              <th scope="col">Runs as</th>
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
                  {KIND_TEXT[r.kind] ?? r.kind}
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
