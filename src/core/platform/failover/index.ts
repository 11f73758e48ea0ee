export * from './timing.ts';
export * from './simulate.ts';
