/**
 * The faults the lab injects into one service, and what each looks like from the VMM's side. The exit reasons
 * are not written down here as facts the run assumes: the run reads them from the VM exits the core records
 * (trace VMEXIT events); `EXPECTED_DETECTION` is what the tests check the runs against.
 */

import { t } from '../../i18n/t.ts';
import '../../i18n/en/partition.ts';
export type FaultKind = 'kernel-panic' | 'triple-fault' | 'runaway-loop' | 'memory-hog' | 'wild-write' | 'interrupt-storm';
export const FAULT_KINDS: readonly FaultKind[] = ['kernel-panic', 'triple-fault', 'runaway-loop', 'memory-hog', 'wild-write', 'interrupt-storm'];

export interface FaultInfo {
  kind: FaultKind;
  label: string;
  /** What the guest's code does (the machine code is in programs.ts `fault_dispatch`). */
  does: string;
}

export const FAULTS: Readonly<Record<FaultKind, FaultInfo>> = {
  'kernel-panic': { kind: 'kernel-panic', label: t('partition.faults.kernelPanic'), does: t('partition.faults.printsKernelPanicNot') },
  'triple-fault': { kind: 'triple-fault', label: t('partition.faults.tripleFault'), does: t('partition.faults.loadsAnEmptyIdt') },
  'runaway-loop': { kind: 'runaway-loop', label: t('partition.faults.runawayLoop'), does: t('partition.faults.executesCliJmpInterrupts') },
  'memory-hog': { kind: 'memory-hog', label: t('partition.faults.memoryHog'), does: t('partition.faults.keepsWorkingButTouches') },
  'wild-write': { kind: 'wild-write', label: t('partition.faults.wildWrite'), does: t('partition.faults.writes0xdeadbeefThroughA') },
  'interrupt-storm': { kind: 'interrupt-storm', label: t('partition.faults.interruptStorm'), does: t('partition.faults.programsItsTimerTo') },
};

/**
 * How the VMM learns of each fault on this VMM (the runs are checked against this in the tests):
 * `exit` — the VM exit that reports it; `watchdog` — no exit reports it, the heartbeat stops; `storm` — the VMM's
 * count of the virtual interrupts it injects.
 */
export const EXPECTED_DETECTION: Readonly<Record<FaultKind, { by: 'exit' | 'watchdog' | 'storm'; reasons: readonly number[] }>> = {
  // HLT exiting is on (vm.ts default controls): the panicked kernel's HLT exits (12) with RFLAGS.IF = 0.
  'kernel-panic': { by: 'exit', reasons: [12] },
  // SDM Vol. 3C §25.2 (2016: "Triple fault ... causes a VM exit"), basic exit reason 2 (App. C).
  'triple-fault': { by: 'exit', reasons: [2] },
  // The loop never exits by itself; the VMM regains control with the VMX-preemption timer (52) where the CPU has
  // one, else with the host timer's external interrupt (1) (SDM Vol. 3C §25.5.1, §24.6.1) — then the watchdog.
  'runaway-loop': { by: 'watchdog', reasons: [52, 1] },
  // EPT: an access to a guest-physical address with no EPT mapping is an EPT violation (48, SDM Vol. 3C §28.2.3);
  // shadow paging (no EPT): the guest's page fault exits (0, exception #PF) and the VMM finds no guest memory there.
  'memory-hog': { by: 'exit', reasons: [48, 0] },
  'wild-write': { by: 'exit', reasons: [48, 0] },
  // The storm's virtual interrupts are injected at VM entries (after timer exits 52 or 1 and interrupt-window
  // exits 7), and every handler's EOI to the virtual PIC is an I/O exit (30); the VMM keeps its time slices, and
  // its storm monitor (or, first, the watchdog) stops the VM.
  'interrupt-storm': { by: 'storm', reasons: [52, 1, 7, 30] },
};
