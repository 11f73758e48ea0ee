/** Isolation you can attack (issue 7 item 1): VMs on the VMX core against one consolidated kernel, with faults. */
export * from './types.ts';
export * from './faults.ts';
export * from './policy.ts';
export * from './programs.ts';
export { runVirtualized, guestImage, MAX_RESTARTS_PER_RUN, SAMPLES_PER_RUN } from './virtualized.ts';
export { runConsolidated } from './consolidated.ts';
export * from './run.ts';
