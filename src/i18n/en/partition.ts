/**
 * What the isolation and resource-scheduling models (src/core/isolation, src/core/scheduling) tell the user:
 * faults, restart policies, validation messages and verdicts (English source; keys are stable, text is what a
 * translator changes). SDM names (mnemonics, register and field names, exit reasons), units, citations (authors,
 * titles, URLs, section and page numbers) and numbers inside the sentences stay as they are; only the words around
 * them are translated.
 */
import { registerEnglish } from '../t.ts';

export const partition = {
  // src/core/isolation/programs.ts
  'services.firewall.label': 'Firewall',
  'services.pbx.label': 'SIP PBX',
  'services.streaming.label': 'Streaming server',
  // src/core/isolation/consolidated.ts
  'consolidated.kernelModeCodeInThe': '{label} (kernel-mode code in the one shared kernel) {does}',
  'consolidated.noServiceHasMade': 'No service has made progress since this moment: the one CPU is held by the faulty code and no timer or VMM can take it back',
  'consolidated.theKernelHaltedWith': 'the kernel halted with interrupts off (a panic): the one processor never runs again',
  'consolidated.tripleFaultTheProcessor': 'triple fault: the processor shut down (SDM Vol. 3A §6.15); a PC resets — every service is gone, with its state',
  'consolidated.theProcessorStopped': 'the processor stopped ({reason})',
  'consolidated.serverDownEveryService': 'Server down: {why}. Every service stops with it.',
  // src/core/isolation/faults.ts
  'faults.kernelPanic': 'Kernel panic',
  'faults.printsKernelPanicNot': 'prints “Kernel panic - not syncing”, then CLI; HLT — the kernel stops itself for good',
  'faults.tripleFault': 'Triple fault',
  'faults.loadsAnEmptyIdt': 'loads an empty IDT and executes UD2: #UD cannot be delivered (#GP), nor can #GP (#DF), nor #DF — a triple fault, which shuts a bare processor down (SDM Vol. 3A §6.15, interrupt 8)',
  'faults.runawayLoop': 'Runaway loop',
  'faults.executesCliJmpInterrupts': 'executes CLI; JMP $ — interrupts off and a loop with no instruction that exits: it never gives the CPU back by itself',
  'faults.memoryHog': 'Memory hog',
  'faults.keepsWorkingButTouches': 'keeps working but touches four more pages every step and never frees them, until it runs past the memory it was given',
  'faults.wildWrite': 'Wild write',
  'faults.writes0xdeadbeefThroughA': 'writes 0xDEADBEEF through a stray pointer: the address where the next service keeps its state on the consolidated server',
  'faults.interruptStorm': 'Interrupt storm',
  'faults.programsItsTimerTo': 'programs its timer to interrupt every ≈1.7 µs with a handler that takes longer than that: the service loop starves (interrupt livelock)',
  // src/core/isolation/policy.ts
  'policy.restartPolicyNeverThe': 'restart policy “never”: the VM stays off',
  'policy.restartPolicyOnFailureWith': 'restart policy “on-failure” with a limit of {maxRestarts}: {why}; the VM stays off',
  'policy.onFailureLimit': 'on-failure (limit {maxRestarts})',
  // src/core/isolation/run.ts
  'isoRun.parametersMustBeAn': 'parameters must be an object',
  'isoRun.unknownCpuModel': 'unknown CPU model \'{string}\'',
  'isoRun.unknownFault': 'unknown fault \'{string}\'',
  'isoRun.unknownTargetVm': 'unknown target VM \'{string}\'',
  'isoRun.runLengthMustBe': 'run length must be {dLo} … {dHi} ms',
  'isoRun.theFaultMustCome': 'the fault must come after 0 and before the end ({durationMs} ms)',
  'isoRun.timeSliceMustBe': 'time slice must be {sLo} … {sHi} ms',
  'isoRun.watchdogTimeoutMustBe': 'watchdog timeout must be at least 3 time slices ({threeSlices} ms: a healthy VM waits 2 slices for its turn) and at most the run length',
  'isoRun.restartDelayMustBe': 'restart delay must be {rLo} … {rHi} ms',
  'isoRun.stormThresholdMustBe': 'storm threshold must be 100 … 10 000 000 interrupts/s',
  'isoRun.restartPolicyMissing': 'restart policy missing',
  'isoRun.restartLimitMustBe': 'restart limit must be a whole number 0 … {maxRestartsPerRun}',
  'isoRun.unknownRestartPolicy': 'unknown restart policy \'{string}\'',
  'isoRun.recurringMustBeTrue': 'recurring must be true or false',
  // src/core/isolation/virtualized.ts
  'virtualized.vmExit': '{name}: VM exit {reason} ({name2}) — {why}',
  'virtualized.stormMonitor': 'storm monitor',
  'virtualized.watchdog': 'watchdog',
  'virtualized.vmmMarkedFailedAnd': 'VMM marked {name} failed and stopped it: its vCPU is no longer scheduled; the other VMs keep their time slices and their memory',
  'virtualized.restartPolicyRestartOf': 'restart policy {describePolicy}: restart {attempt} of {name} in {restartDelayMs} ms (restart delay, assumption)',
  'virtualized.noRoomOnThe': 'no room on the lab host for another VM (at most {maxRestartsPerRun} restarts per run)',
  'virtualized.vmRestartedRestart': '--- VM restarted (restart {restarts}) ---\n',
  'virtualized.vmRestartedAFresh': 'VM{vm} ({label}) restarted: a fresh VM, its guest boots again and its work counter starts from 0{recurring}',
  'virtualized.theGuestExecutedHlt': 'the guest executed HLT with interrupts disabled (RFLAGS.IF = 0): nothing can wake its vCPU — its kernel has stopped (a panic)',
  'virtualized.interruptStormVirtualInterrupts': 'interrupt storm: {irqs} virtual interrupts injected in {cpuMs} ms of its CPU time over the last {windowMs} ms ({rate}/s, above the {threshold}/s threshold, assumption)',
  'virtualized.noHeartbeatForMs': 'no heartbeat for {sinceMs} ms (timeout {watchdogMs} ms, assumption): the guest is alive to the CPU but its service makes no progress',
  // src/core/scheduling/memory.ts
  'memory.theLimitMustBe': 'the limit must be a multiple of {guestRamUnitMib} MiB (the VMM\'s guest RAM unit)',
  'memory.onlyMibOfHost': 'only {free} MiB of host memory left: not started (no overcommit)',
  'memory.mibReservedMibLeft': '{limitMiB} MiB reserved; {free} MiB left',
  // src/core/scheduling/run.ts
  'schedRun.mustBeBetweenAnd': '{what} must be between {lo} and {hi}',
  'schedRun.unknownCpuModel': 'unknown CPU model \'{cpu}\'',
  'schedRun.theTimesliceMs': 'The timeslice (ms)',
  'schedRun.theRunLengthMs': 'The run length (ms)',
  'schedRun.theTimeCompression': 'The time compression',
  'schedRun.thePacketizationIntervalMs': 'The packetization interval (ms)',
  'schedRun.thePbxWorkPer': 'The PBX work per packet (ms)',
  'schedRun.theNetworkDelayMs': 'The network delay (ms)',
  'schedRun.theTerminalDelayMs': 'The terminal delay (ms)',
  'schedRun.hostMemoryMib': 'Host memory (MiB)',
  'schedRun.weightMustBeA': 'Weight must be a whole number from {xenMinWeight} to {xenMaxWeight} (Xen\'s range)',
  'schedRun.capMustBeNone': 'Cap must be 0 (none) to 100 % of one CPU',
  'schedRun.memoryLimitMustBe': 'Memory limit must be 4 to 64 MiB in steps of 4 (the VMM’s guest RAM unit)',
  'schedRun.thePbxVmWas': 'The PBX VM was not started (its memory limit did not fit): no calls at all.',
  'schedRun.callsSufferPacketsWait': 'Calls suffer: packets wait up to {f} ms for the CPU (99 % within {f2} ms){missed}; mouth-to-ear ≈ {f22} ms against G.114\'s {g114AcceptableMs} ms.',
  'schedRun.callsWorkButSome': 'Calls work, but some packets waited {f} ms — a whole {packetMs}-ms packet interval — so the far end hears jitter unless its buffer absorbs it. Mouth-to-ear ≈ {f2} ms.',
  'schedRun.callsAreFineEvery': 'Calls are fine: every packet got the CPU within {f} ms of its due time (less than the {packetMs}-ms interval); mouth-to-ear ≈ {f2} ms, under G.114\'s {g114AcceptableMs} ms.',
  // src/core/scheduling/types.ts
  'types.noisy': 'Noisy neighbour (batch job)',
  // src/core/isolation/policy.ts
  'policy.noRestartAllowed': 'no restart allowed',
  'policy.theLimitIsReached': { one: 'the limit is reached after {count} restart', other: 'the limit is reached after {count} restarts' },
  // src/core/isolation/virtualized.ts
  'virtualized.theBugWillHit': '; the bug will hit again {faultAtMs} ms later',
  // src/core/scheduling/run.ts
  'schedRun.andOfPacketsWere': ' and {missed} of {packetsDue} packets were missed',
} as const;

// Loaded with the labs and the worker that use it, not with the first view (catalogue.ts, `English`).
registerEnglish('partition', partition);
