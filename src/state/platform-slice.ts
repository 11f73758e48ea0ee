/**
 * The Migration and Fail-over labs' state: their parameters (in the link, platform-links.ts) and the last run's
 * result from the worker (not in the link: a shared link runs again on opening, and both cores are deterministic).
 */
import type { StateCreator } from 'zustand';
import type { AppState } from './store.ts';
import { DEFAULT_FAILOVER_LINK, DEFAULT_MIGRATION_LINK, type FailoverLink, type MigrationLink } from './platform-links.ts';
import type { FailoverResponse, MigrateResponse } from '../worker/protocol.ts';

export interface PlatformSlice {
  migration: MigrationLink;
  migrationResult: Extract<MigrateResponse, { ok: true }> | null;
  failover: FailoverLink;
  failoverResult: Extract<FailoverResponse, { ok: true }> | null;
  setMigration(p: Partial<MigrationLink>): void;
  setFailover(p: Partial<FailoverLink>): void;
  setPlatformResults(p: Partial<Pick<PlatformSlice, 'migrationResult' | 'failoverResult'>>): void;
}

export const createPlatformSlice: StateCreator<AppState, [], [], PlatformSlice> = (set) => ({
  migration: DEFAULT_MIGRATION_LINK,
  migrationResult: null,
  failover: DEFAULT_FAILOVER_LINK,
  failoverResult: null,
  setMigration: (p) => set((s) => ({ migration: { ...s.migration, ...p } })),
  setFailover: (p) => set((s) => ({ failover: { ...s.failover, ...p } })),
  setPlatformResults: (p) => set(p),
});
