/**
 * The EPT walk at a position of the timeline. For the last VM exit, the walk is shown against the EPT as it
 * was when the exit happened: the built-in VMM handles an EPT violation in the same stop as the exit (one event
 * group: exit, handler, entry), so at the position the page is already mapped. The EPT paging structures are
 * copied at the position just before the exit's group — only guest instructions ran between there and the
 * exit, and they cannot reach the VMM's EPT — and the walk is made with them, the guest's registers, its page
 * tables and the exit's addresses taken at the end of the exit's group (before the guest runs again).
 */
import { EventKind } from '../trace/events.ts';
import { captureEptTables } from '../vmx/ept-walk.ts';
import type { TranslationRequest, TranslationView } from '../session/translation.ts';
import type { Timeline } from './timeline.ts';
import { t as msg } from '../../i18n/t.ts';

export function translationAt(t: Timeline, req: TranslationRequest): TranslationView {
  const s = t.session;
  const now = s.translation(req);
  if (req.of !== 'exit') return now;
  const pos = t.position().seq;
  const ring = t.ring;
  let e = pos - 1;
  while (e >= ring.oldestSeq && ring.kindAt(e) !== EventKind.VMEXIT) e--;
  if (e < ring.oldestSeq) {
    if (ring.oldestSeq === 0 && now.kind === 'unavailable' && now.reason === 'no-exit') {
      return { ...now, message: msg('machine.timeline.noVmExitYet') };
    }
    return now;
  }
  if (now.kind !== 'walk' || now.exit === null || (ring.param(e, 1) & 0xffff) !== now.exit.reason) return now;
  const before = t.positionBeforeGroupOf(e);
  if (before >= pos) return now;
  t.seek(before);
  const tables = captureEptTables(s.memory, now.eptp.value, now.caps);
  // The guest's registers and page tables as the exit left them: position e + 1 shows the end of the exit's group
  // (the VMM's handler has run, the guest has not run again); later positions may show a guest that has moved on.
  t.seek(e + 1);
  const v = s.translation(req, tables);
  t.seek(pos);
  return v;
}
