/**
 * The EPT walk at a position of the timeline. For the last VM exit, the walk is shown against the EPT as it
 * was when the exit happened. The timeline stops right after every VMEXIT event, before the VMM's handler runs
 * (vmm/hypervisor.ts `exitPending`), so the position just after the exit holds the machine exactly as the exit
 * left it. At a later position the handler may already have changed the EPT (an EPT violation is usually
 * handled by mapping the page): the EPT paging structures are then copied at the exit's position and the walk
 * is made with them, with the guest's registers, its page tables and the exit's addresses taken where the
 * handling ends (at the VM entry that follows, before the guest runs again); the same walk against the EPT the
 * handler left is `afterHandler`.
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
  // Right at the exit: the machine is as the exit left it, and the handler has not run.
  if (pos === e + 1) return { ...now, asOf: 'exit', afterHandler: null };
  // Where the handling ends: just after the VM entry that follows the exit, or the position if that comes first.
  let end = pos;
  for (let k = e + 1; k < pos; k++) {
    if (ring.kindAt(k) === EventKind.VMENTRY) {
      end = k + 1;
      break;
    }
  }
  t.seek(e + 1);
  const tables = captureEptTables(s.memory, now.eptp.value, now.caps);
  t.seek(end);
  const v = s.translation(req, tables);
  t.seek(pos);
  return v;
}
