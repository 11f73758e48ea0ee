/**
 * The software-only VMM (ring deprivileging with trap-and-emulate): see vmm.ts for the design and
 * docs/software-vmm.md for what traps, what silently misbehaves, and the costs.
 */
export {
  TrapAndEmulateVmm,
  type TrapAndEmulateOptions,
  type TrapAndEmulateOutcome,
  type TrapAndEmulateSnapshot,
  type TrapAndEmulateStats,
  type TrapAndEmulateStatus,
} from './vmm.ts';
export { EMULATED_INSN_NAMES, EmulatedInsn, TRAP_CAUSE_NAMES, TrapCause } from './emulated.ts';
export { SENSITIVE_UNPRIVILEGED, TRAPPED, type SensitiveInstruction, type TrappedInstruction } from './instructions.ts';
export { softwareVmmFigures, trapRoundTripFor } from './costs.ts';
export { runOnSoftwareVmm, type SoftwareVmmRunOptions, type SoftwareVmmRunResult } from './lab.ts';
export { VMM_HOLE } from './layout.ts';
