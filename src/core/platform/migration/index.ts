export * from './units.ts';
export * from './bitmap.ts';
export * from './dirty.ts';
export * from './params.ts';
export * from './engine.ts';
export * from './analytical.ts';
export * from './client-view.ts';
export * from './reference-points.ts';
export { parseMigrateArgs, runMigrateCommand, summarize, MIGRATE_USAGE, type MigrateArgs, type MigrateSummary } from './cli.ts';
