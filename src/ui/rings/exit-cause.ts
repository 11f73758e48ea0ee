/**
 * How a VM exit relates to the guest instruction at the guest RIP it saved, for the code panel's "caused by" note.
 */
import { exitReasonInfo, VmExitReason } from '../../core/vmx/spec/exit-reasons.ts';
import { EventType } from '../../core/x86/arch.ts';

export type ExitCauseInGuest = 'instruction' | 'fetch' | 'between';

/**
 * What the guest instruction at the saved guest RIP had to do with a VM exit: it caused it ('instruction'), its
 * fetch did (an EPT violation whose qualification has bit 2, "instruction fetch": SDM Vol. 3C Table 27-7), or
 * nothing — the exit arrived at the boundary before it (external interrupt, INIT, SIPI, interrupt and NMI
 * windows, the monitor trap flag, the preemption timer, an NMI: SDM Vol. 3C §25.2, §27.1), and the guest
 * resumes there.
 */
export function exitCause(reason: number, qualification: number, interruptionInfo: number): ExitCauseInGuest {
  if (reason === VmExitReason.EPT_VIOLATION && (qualification & 4) !== 0) return 'fetch';
  if (reason === VmExitReason.EXCEPTION_OR_NMI) return ((interruptionInfo >>> 8) & 7) === EventType.NMI ? 'between' : 'instruction';
  if (reason === VmExitReason.TRIPLE_FAULT) return 'instruction';
  return exitReasonInfo(reason)?.cause === 'event' ? 'between' : 'instruction';
}
