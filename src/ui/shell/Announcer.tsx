/**
 * A polite live region: when the position changes while paused (a step, a seek), screen readers hear
 * what the newest event was, e.g. "Event 12: VM exit: reason 10 CPUID at guest 0x00010005".
 */
import { useEffect, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { eventLog } from '../../state/event-log.ts';
import { narrate } from '../rings/narrate.ts';
import { t } from '../../i18n/t.ts';

export function Announcer() {
  const seq = useApp((s) => s.status?.position.seq ?? 0);
  const state = useApp((s) => s.status?.state);
  const version = useApp((s) => s.logVersion);
  // The built-in VMM's handler names only where it handles the exits (a bare program is its own hypervisor).
  const handlers = useApp((s) => (s.view?.mode === 'bare' ? undefined : s.catalog?.handlers));
  const [text, setText] = useState('');
  useEffect(() => {
    if (state !== 'paused' || seq === 0) return;
    const e = eventLog.get(seq - 1);
    if (e !== undefined) setText(t('shell.announcer.event', { seq, text: narrate(e, eventLog.get(seq), handlers) }));
  }, [seq, state, version, handlers]);
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="narration">
      {text}
    </div>
  );
}
