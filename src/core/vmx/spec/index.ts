/** The VMX data and pure decoding layer: field table, controls, exit reasons, errors, formats. */
export * from './features.ts';
export * from './fields.ts';
export * from './controls.ts';
export * from './exit-reasons.ts';
export * from './instruction-errors.ts';
export * from './formats.ts';
export * from './u64.ts';
