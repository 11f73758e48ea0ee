/**
 * What a run session (src/core/session) and the scenarios' parameters (src/core/scenarios/parameters.ts) tell
 * the user: why a run spec is refused (each message names the field at fault), why an action does not apply,
 * and what each scenario parameter means (English source; keys are stable, text is what a translator changes).
 *
 * Scenario ids, parameter names (TIMER_HZ), platform ids and CPU model ids are names: keep them as they are.
 */
export const session = {
  // session.ts resolveSpec: a run spec from a link, a form or the CLI
  'spec.unknownScenario': "unknown scenario '{scenario}'",
  'spec.sourceTooLong': 'the program must be text of at most {max} characters',
  'spec.paramsPresetOnly': 'parameters apply to the preset programs only; edit the equ lines of your program instead',
  /** `{list}` is the scenario's parameter names, comma-separated. */
  'spec.noSuchParameter': "scenario '{scenario}' has no parameter {name} (it has {list})",
  'spec.noSuchParameterNone': "scenario '{scenario}' has no parameter {name} (it has none)",
  'spec.parameterNotWhole': '{name} must be a whole number, not {value}',
  /** `{description}` is one of the param.* texts below. */
  'spec.parameterOutOfRange': '{name} must be from {min} to {max} ({description}), not {value}',
  'spec.seedInvalid': 'the seed must be a whole number from 0 to 4294967295, not {value}',
  'spec.unknownPlatform': "unknown platform '{mode}'",
  'spec.vmmSetting': 'VMM setting {field}: {message}',
  'spec.unknownCpu': "unknown CPU model '{cpu}'",

  // session.ts intervene: the user's actions during a run
  'action.runOver': 'the run is over',
  'action.noSuchVm': 'there is no VM {vm}',
  'action.vmNotRunning': 'VM {vm} is not running',
  'action.killedByUser': 'killed by the user',
  'action.noVmOnBare': 'there is no VM to kill on the bare machine',
  'action.nmiBareOnlySoftwareVmm': 'an NMI can be raised on the bare machine only (the software VMM does not model physical NMIs)',
  'action.nmiBareOnly': 'an NMI can be raised on the bare machine only',
  'action.unknown': 'unknown action',

  // ../lab/header.ts: the lab file's `; @key value` header lines (shown with the assembler's diagnostics; the
  // main thread parses the header too, so these live here, not in the worker-side asm domain)
  'header.unknownKey': 'unknown header {key} (known: {known})',
  'header.badMode': "@mode must be 'guest' or 'bare', not {value}",
  'header.unknownCpu': 'unknown CPU model {value} (known: {known})',

  // check.ts: the guest editor's live check of a program
  'check.notText': 'the program must be text',
  'check.tooLong': 'the program is longer than {max} characters',
  'check.empty': 'the program is empty: there is no instruction to run',

  // translation.ts: why there is no two-dimensional (guest paging + EPT) walk to show
  'translation.native': 'Native: no EPT. The program runs on the bare processor, and its linear addresses go through its own page tables only (SDM Vol. 3A §4.3).',
  'translation.noVmcs': 'No VMCS yet: the VMM has not set up the guest, so there is nothing to walk.',
  'translation.noVtx': 'No VT-x here: this platform runs without a VMCS, so there is no EPT (a software VMM keeps shadow page tables).',
  'translation.noEpt': 'No EPT: the {model} has no EPT, so this CPU model uses shadow paging — the VMM keeps page tables of its own that map guest-linear addresses straight to host-physical ones.',
  'translation.eptOff': 'EPT is off: the VMCS does not enable EPT (secondary processor-based control bit 1, SDM Vol. 3C §24.6.2), so the VMM translates guest memory with shadow paging.',
  'translation.badLinear': 'a guest-linear address is 32 bits: 0 to 0x{max}',
  'translation.badPhysical': 'a guest-physical address is at most 48 bits: 0 to 0x{max}',
  'translation.unknownAccess': "unknown access '{access}'",
  'translation.notEptExit': 'The last VM exit was not an EPT violation (48) or misconfiguration (49): the VMCS holds exit reason {reason}.',
  'translation.notEptExitNamed': 'The last VM exit was not an EPT violation (48) or misconfiguration (49): the VMCS holds exit reason {reason} ({name}).',

  // parameters.ts: what each scenario parameter (a `NAME equ value` line) changes
  'param.ticksToRun': 'timer ticks before the kernel prints its summary and stops',
  'param.timerHz': 'PIT interrupt rate (Hz)',
  'param.userSleeps': 'how many times the ring-3 task sleeps for one tick',
  'param.userFaultDemo': '1: the ring-3 task tries HLT (privileged) and takes #GP',
  'param.iterations': 'xorshift32 rounds',
  'param.seed': "the generator's seed (xorshift32 needs a non-zero one)",
  'param.switches': 'CR3 switches in the main loop',
  'param.pagesApart': 'pages to touch, 68 KiB apart',
  'param.touchBeyondRam': '1: touch guest-physical 0x900000, outside guest RAM',
  'param.ticksToSleep': 'timer interrupts to sleep through',
  'param.ioRounds': 'rounds of port I/O',
  'param.demandPages': 'pages in the demand-paged region (4 MiB at most)',
  'param.evictRounds': 'evict / re-touch / CR3-reload rounds',
  'param.syscalls': 'system calls the ring-3 loop makes',
  'param.gateDpl': 'DPL of the INT 0x80 gate (below 3, ring 3 takes #GP)',
  'param.interruptsToWait': 'interrupts to wait for',
} as const;
