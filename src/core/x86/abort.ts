/**
 * Aborting the current instruction.
 *
 * A fault (an exception) or a VM exit raised deep inside an instruction (a page walk, an operand fetch,
 * an EPT violation) must abandon the instruction with no further effect. The interpreter does this by
 * throwing one preallocated sentinel object, never an `Error`: it carries no stack trace, costs little,
 * and the run loop tells it apart from real bugs (which are `Error`s and are reported as such).
 */
export const enum AbortKind {
  /** An exception is pending in `cpu.pendingVector`/`pendingErrorCode`: deliver it. */
  EXCEPTION = 1,
  /** A VM exit (or VM-entry failure) already happened: the CPU now holds host state. */
  VMEXIT = 2,
  /** The CPU entered the shutdown state (triple fault outside VMX non-root operation). */
  SHUTDOWN = 3,
}

export class CpuAbort {
  private constructor() {}
  static readonly INSTANCE = new CpuAbort();
}
export const ABORT = CpuAbort.INSTANCE;
