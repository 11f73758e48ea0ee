/**
 * The worker's side of the Migration and Fail-over labs: the link's parameters turned into the cores' inputs
 * (src/core/platform/migration, src/core/platform/failover) and run. Both cores are fast (a 4 GiB page-level
 * migration in milliseconds), so each call is one task. Bad parameters come back as errors, not exceptions.
 */
import { clientView, mbitToBytesPerSecond, MIB, simulateMigration, type ClientView, type MigrationParams, type MigrationResult } from '../core/platform/migration/index.ts';
import { COROSYNC_DEFAULTS, defaultScenario, simulateFailover, type FailoverResult, type FailoverScenario, type FailureKind } from '../core/platform/failover/index.ts';
import type { FailoverLink, KillKind, MigrationLink } from '../state/platform-links.ts';
import { migrateVmxGuest, type VmxMigrationResult } from '../core/platform/migration/vmx-live.ts';
import { t } from '../i18n/t.ts';

export type MigrateRequest = Omit<MigrationLink, 'run'>;
export type MigrateResponse = { ok: true; result: MigrationResult; clients: ClientView; params: MigrationParams } | { ok: false; message: string };

/** Largest VM the lab simulates page by page (64 GiB = 16 M pages, 2 MiB of bitmap). */
export const MAX_LAB_MEMORY_MIB = 65536;

export function migrationParams(r: MigrateRequest): { ok: true; params: MigrationParams } | { ok: false; message: string } {
  const fin = (x: number) => Number.isFinite(x);
  if (!fin(r.memoryMib) || !Number.isInteger(r.memoryMib) || r.memoryMib < 1 || r.memoryMib > MAX_LAB_MEMORY_MIB) return { ok: false, message: t('worker.migration.memory', { max: MAX_LAB_MEMORY_MIB }) };
  if (!fin(r.bandwidthMbit) || r.bandwidthMbit <= 0) return { ok: false, message: t('worker.migration.bandwidth') };
  if (!fin(r.dirtyMibPerS) || r.dirtyMibPerS < 0) return { ok: false, message: t('worker.migration.dirtyRate') };
  if (!fin(r.wwsMib) || r.wwsMib < 0 || r.wwsMib > r.memoryMib) return { ok: false, message: t('worker.migration.wws') };
  if (!fin(r.downtimeMs) || r.downtimeMs < 0) return { ok: false, message: t('worker.migration.downtime') };
  if (!Number.isInteger(r.roundCap) || r.roundCap < 0) return { ok: false, message: t('worker.migration.roundCap') };
  if (!Number.isInteger(r.postCopyAfter) || r.postCopyAfter < 0) return { ok: false, message: t('worker.migration.postCopy') };
  const D = r.dirtyMibPerS * MIB;
  const params: MigrationParams = {
    memoryBytes: r.memoryMib * MIB,
    bandwidthBytesPerSecond: mbitToBytesPerSecond(r.bandwidthMbit),
    dirty: r.wwsMib === 0 ? { kind: 'uniform', bytesPerSecond: D } : { kind: 'wws', bytesPerSecond: D, wwsBytes: r.wwsMib * MIB },
    rule: r.rule,
  };
  if (r.rule === 'qemu') params.downtimeLimitSeconds = r.downtimeMs / 1000;
  if (r.roundCap > 0) params.maxRounds = r.roundCap;
  if (r.autoConverge) params.autoConverge = true;
  if (r.postCopyAfter > 0) params.postCopy = { afterRounds: r.postCopyAfter };
  return { ok: true, params };
}

export function runMigration(r: MigrateRequest): MigrateResponse {
  const p = migrationParams(r);
  if (!p.ok) return p;
  const result = simulateMigration(p.params);
  const clients = clientView(result, [
    { kind: 'sip-call', id: t('worker.migration.sipCall') },
    { kind: 'stream', id: t('worker.migration.videoStream'), timeoutMs: r.streamTimeoutMs },
  ]);
  return { ok: true, result, clients, params: p.params };
}

export type FailoverRequest = Omit<FailoverLink, 'kill'> & { kill: KillKind };
export type FailoverResponse = { ok: true; result: FailoverResult; scenario: FailoverScenario } | { ok: false; message: string };

const FAILURE: Record<KillKind, FailureKind> = { vm: 'vm', kernel: 'guest-kernel', host: 'host' };

export function failoverScenario(r: FailoverRequest): { ok: true; scenario: FailoverScenario } | { ok: false; message: string } {
  if (!Number.isFinite(r.advertS) || r.advertS <= 0 || r.advertS > 255) return { ok: false, message: t('worker.failover.advert') };
  if (!Number.isInteger(r.priority) || r.priority < 1 || r.priority > 254) return { ok: false, message: t('worker.failover.priority') };
  if (!Number.isFinite(r.tokenMs) || r.tokenMs <= 0) return { ok: false, message: t('worker.failover.token') };
  const scenario = defaultScenario({
    vm1Host: 'host-1',
    vm2Host: r.sameHost ? 'host-1' : 'host-2',
    failure: FAILURE[r.kill],
    detection: r.detection === 'vrrp' ? { kind: 'vrrp', version: 3, advertIntervalS: r.advertS, backupPriority: r.priority } : { kind: 'corosync', ...COROSYNC_DEFAULTS, tokenMs: r.tokenMs },
    stateReplication: r.replication,
    clientMode: r.clientMode === 'vip' ? 'virtual-ip' : 'dns-srv',
  });
  return { ok: true, scenario };
}

export function runFailover(r: FailoverRequest): FailoverResponse {
  const s = failoverScenario(r);
  if (!s.ok) return s;
  return { ok: true, result: simulateFailover(s.scenario), scenario: s.scenario };
}

// ---------------------------------------------------------------------------------------------------------
// The Migration lab's VMX-core mode: a guest that really runs on the VMX core, its dirty pages from EPT write
// protection (src/core/platform/migration/vmx-live.ts).

export interface VmxMigrateRequest {
  rule: 'qemu' | 'xen' | 'clark';
  bandwidthMbit: number;
  downtimeMs: number;
  /** 0 = 30 rounds (the guest really runs each round, so the lab keeps the count bounded). */
  roundCap: number;
  hotPages: number;
  hotWritesPerTick: number;
  coldWritesPerTick: number;
}

export type VmxMigrateResponse = { ok: true; result: VmxMigrationResult; clients: ClientView } | { ok: false; message: string };

/** Round cap of the VMX-core mode when the user leaves 0 (Xen's 30, usage-models.md §B1). */
export const VMX_DEFAULT_ROUND_CAP = 30;
/** Console lines kept from before the suspension (the rest is the same pattern). */
const CONSOLE_TAIL_LINES = 12;

export function runVmxMigration(r: VmxMigrateRequest): VmxMigrateResponse {
  const fin = (x: number) => Number.isFinite(x);
  if (!fin(r.bandwidthMbit) || r.bandwidthMbit <= 0 || r.bandwidthMbit > 100_000) return { ok: false, message: t('worker.vmxMigration.bandwidth') };
  if (!fin(r.downtimeMs) || r.downtimeMs < 0) return { ok: false, message: t('worker.migration.downtime') };
  if (!Number.isInteger(r.roundCap) || r.roundCap < 0 || r.roundCap > 200) return { ok: false, message: t('worker.vmxMigration.roundCap') };
  const out = migrateVmxGuest({
    rule: r.rule,
    bandwidthBytesPerSecond: mbitToBytesPerSecond(r.bandwidthMbit),
    ...(r.rule === 'qemu' ? { downtimeLimitSeconds: r.downtimeMs / 1000 } : {}),
    maxRounds: r.roundCap > 0 ? r.roundCap : VMX_DEFAULT_ROUND_CAP,
    guest: { hotPages: r.hotPages, hotWritesPerTick: r.hotWritesPerTick, coldWritesPerTick: r.coldWritesPerTick },
  });
  if (!out.ok) return { ok: false, message: out.error };
  const res = out.result;
  const lines = res.consoleAtSuspend.split('\n');
  const tail = lines.slice(Math.max(0, lines.length - 1 - CONSOLE_TAIL_LINES)).join('\n');
  const clients = clientView(res.migration, [{ kind: 'sip-call', id: t('worker.migration.sipCall') }]);
  return { ok: true, result: { ...res, consoleAtSuspend: tail }, clients };
}
