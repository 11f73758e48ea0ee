export * from './types.ts';
export * from './metrics.ts';
export * from './algorithms.ts';
export * from './kube.ts';
export * from './validate.ts';
export * from './tco.ts';
export * from './evacuate.ts';
