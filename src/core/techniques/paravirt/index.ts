/**
 * The paravirtual VMM (Xen-style hypercalls on IA-32 without VT-x): see vmm.ts for the design and
 * docs/paravirt-abi.md for the hypercall interface, the model's simplifications and the costs.
 */
export { ParavirtVmm, type ParavirtEndReason, type ParavirtOptions, type ParavirtOutcome, type ParavirtSnapshot, type ParavirtState, type ParavirtStats, type TrapEntry } from './vmm.ts';
export { runOnParavirtVmm, paravirtVmmFor, paravirtEndRecord, type ParavirtRunOptions, type ParavirtRunResult } from './lab.ts';
export { pvSourceDiff, type DiffHunk, type SourceLine } from './diff.ts';
export { hypercallCostFor, paravirtFigures } from './costs.ts';
export * from './abi.ts';
export { PV_PORTS, paravirtPortOf } from './ports.ts';
