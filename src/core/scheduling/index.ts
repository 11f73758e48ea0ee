/** Resource isolation on the VMX core: CPU shares (weights), caps, memory limits, a noisy neighbour, PBX latency. */
export * from './types.ts';
export { CreditScheduler, XEN_DEFAULT_TSLICE_MS, XEN_DEFAULT_WEIGHT, XEN_MAX_WEIGHT, XEN_MIN_WEIGHT, type VmShare } from './credit.ts';
export { entitledShares, type Claim } from './entitlement.ts';
export { admitMemory, accessWithinLimit, type MemoryAdmission } from './memory.ts';
export { G114_ACCEPTABLE_MS, G114_TERMINALS_MS, G114_UNACCEPTABLE_MS, RESOURCES_DEFAULTS, RFC3551_PACKET_MS, VMM_RESERVED_MIB, checkResourcesParams, judge, runResources } from './run.ts';
