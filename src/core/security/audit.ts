/**
 * The audit log: one entry per decision the access control makes — who, what, which VM, when (simulated
 * seconds), allowed or denied, and why. Never a password: entries are built only from the fields below.
 */
import type { Action, GroupId, VmId } from './groups.ts';

export type AuditAction = Action | 'login' | 'logout';
export type Outcome = 'allowed' | 'denied';

export interface AuditEntry {
  seq: number;
  /** Simulated seconds since the lab started. */
  t: number;
  /** The user name given (for a login) or the logged-in user; '' when nobody was logged in. */
  user: string;
  group: GroupId | null;
  action: AuditAction;
  vm: VmId | null;
  outcome: Outcome;
  reason: string;
}

/** Longest user name the log keeps (a name field is free text). */
export const MAX_LOGGED_NAME = 32;

export function appendAudit(log: AuditEntry[], e: Omit<AuditEntry, 'seq'>): AuditEntry {
  const entry: AuditEntry = { ...e, user: e.user.slice(0, MAX_LOGGED_NAME), seq: log.length + 1 };
  log.push(entry);
  return entry;
}

/** "0:15:02" for simulated seconds. */
export function formatSimTime(t: number): string {
  const s = Math.floor(t);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
