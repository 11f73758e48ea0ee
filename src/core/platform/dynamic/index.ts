/** Dynamic consolidation over a PlanetLab day (Beloglazov & Buyya 2012), headless. See docs/planetlab.md. */
export * from './config.ts';
export * from './power.ts';
export * from './policy.ts';
export * from './trace.ts';
export { createSimulation, stepInterval, metrics, runDay, HISTORY_LENGTH, type DynMetrics, type DynState, type SimOptions } from './simulator.ts';
