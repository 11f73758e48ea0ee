/**
 * One sentence per event for the screen-reader live region and the diagram's caption, e.g.
 * "VM exit: I/O instruction, OUT, 1 byte, port 0x3F8, at 0x00010192 — handle_io forwards the port access
 * to the VM's emulated PIC, PIT or UART (3,038 cycles)."; under the software VMM, "Trap: CLI at 0x00010000 faults
 * at ring 1 (#GP); the VMM emulates it: clears the virtual IF; 2,030 cycles."
 */
import { EventKind, exitInsnLength } from '../../core/trace/events.ts';
import { exitReasonInfo } from '../../core/vmx/spec/exit-reasons.ts';
import { decodeExitQualification } from '../../core/vmx/spec/formats.ts';
import type { LoggedEvent } from '../../state/event-log.ts';
import { describeEvent, describeInjection, hex } from '../viz/format-event.ts';
import type { Handlers } from './platform.ts';
import { describeResume, describeTrap } from '../viz/swvmm-text.ts';
import { t } from '../../i18n/t.ts';

const num = (n: number): string => Math.round(n).toLocaleString('en-US');

/** `next` is the event after `e` if the UI has it (the handler that ran for an exit). */
export function narrate(e: LoggedEvent, next: LoggedEvent | undefined, handlers: Handlers | undefined): string {
  const p = e.p;
  switch (e.kind) {
    case EventKind.VMEXIT: {
      const reason = p[1] & 0xffff;
      const info = exitReasonInfo(reason);
      let q = '';
      try {
        q = decodeExitQualification(reason, (p[2] >>> 0) + 0, p[7] >>> 0).summary;
      } catch {
        q = '';
      }
      const h = handlers?.[reason];
      const ran = next !== undefined && next.kind === EventKind.VMM_HANDLER && next.p[2] === reason ? t('rings.narrate.ran', { cycles: num(next.p[4]) }) : '';
      const fail = (p[1] >>> 31) !== 0 ? t('rings.narrate.entryFailure') : '';
      return t('rings.narrate.exit', {
        name: info?.shortName ?? t('rings.narrate.reasonN', { n: reason }),
        reason,
        q: q ? `, ${q}` : '',
        address: hex(p[5]),
        len: exitInsnLength(p[4]) > 0 ? t('rings.narrate.insnLength', { n: exitInsnLength(p[4]) }) : '',
        fail,
        handled: h ? t('rings.narrate.handledBy', { name: h.name, does: h.does, ran }) : '',
      });
    }
    case EventKind.VMM_HANDLER: {
      const h = handlers?.[p[2]];
      return t('rings.narrate.handler', {
        name: h?.name ?? t('rings.narrate.handlerWord'),
        what: exitReasonInfo(p[2])?.shortName ?? t('rings.narrate.reasonN', { n: p[2] }),
        cycles: num(p[4]),
        does: h ? `: ${h.does}` : '',
      });
    }
    case EventKind.VMENTRY:
      return t('rings.narrate.entry', { insn: p[1] === 0 ? 'VMLAUNCH' : 'VMRESUME', address: hex(p[2]), ring: p[5], inj: p[4] !== 0 ? t('rings.narrate.injecting', { what: describeInjection(p[4]) }) : '' });
    // The software VMM (ring deprivileging, white paper §3.1): "Trap: CLI at 0x00010000 faults at ring 1 (#GP);
    // the VMM emulates it: clears the virtual IF; 2,030 cycles."
    case EventKind.SW_TRAP:
      return t('rings.narrate.sentence', { text: describeTrap(p) });
    case EventKind.SW_RESUME:
      return t('rings.narrate.sentence', { text: describeResume(p) });
    default:
      return describeEvent(e);
  }
}
