export * from './provenance.ts';
export * from './prng.ts';
export * from './hash.ts';
export * from './power.ts';
export * from './hosts.ts';
export * from './workloads.ts';
