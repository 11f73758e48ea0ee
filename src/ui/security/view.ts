/**
 * The Security lab's view model: form fields checked one by one (the message shown beside the field), the
 * audit log in display order, short forms of salts and hashes, and the attack-surface tallies.
 */
import type { AuditEntry } from '../../core/security/audit.ts';
import { ACTION_LABELS, ACTIONS, GROUPS, VMS, type Action, type GroupId, type Grants } from '../../core/security/groups.ts';
import { NIST_MAX_CONSECUTIVE_FAILURES } from '../../core/security/lockout.ts';
import type { SoftwareSurface, VtxSurface } from '../../core/security/surface.ts';
import '../../i18n/en/security.ts';
import { t } from '../../i18n/t.ts';

export type LockField = 'threshold' | 'lockoutSeconds' | 'advance';

export function checkLockField(f: LockField, text: string): { ok: true; value: number } | { ok: false; message: string } {
  const s = text.trim();
  if (s === '') return { ok: false, message: t('security.view.enterANumber') };
  if (!/^\d+$/.test(s)) return { ok: false, message: t('security.view.enterAWholeNumber') };
  const v = Number(s);
  if (f === 'threshold') {
    return v >= 1 && v <= NIST_MAX_CONSECUTIVE_FAILURES
      ? { ok: true, value: v }
      : { ok: false, message: t('security.view.thresholdRange', { max: NIST_MAX_CONSECUTIVE_FAILURES }) };
  }
  if (f === 'lockoutSeconds') return v <= 86400 ? { ok: true, value: v } : { ok: false, message: t('security.view.n086400SOne') };
  return v >= 1 && v <= 86400 ? { ok: true, value: v } : { ok: false, message: '1 … 86400 s.' };
}

/** "a1b2c3d4…e9f0" — enough to see that two hashes differ. */
export function shortHex(hex: string, keep = 8): string {
  return hex.length <= 2 * keep + 1 ? hex : `${hex.slice(0, keep)}…${hex.slice(-4)}`;
}

/** Newest first. */
export function auditRows(log: readonly AuditEntry[]): AuditEntry[] {
  return [...log].reverse();
}

export function actionLabel(a: AuditEntry['action']): string {
  return a === 'login' ? t('security.view.logIn') : a === 'logout' ? t('security.view.logOut') : ACTION_LABELS[a];
}

/** The policy as rows: group × VM → the allowed actions ('—' none). */
export function policyRows(policy: Record<GroupId, Grants>): { group: string; cells: { vm: string; actions: Action[] }[] }[] {
  return GROUPS.map((g) => ({ group: g.name, cells: VMS.map((v) => ({ vm: v.name, actions: ACTIONS.filter((a) => (policy[g.id][v.id] ?? []).includes(a)) })) }));
}

export interface SurfaceTally {
  vtxGuest: number;
  vtxHost: number;
  hypercalls: number;
  vtxTotal: number;
  swCallouts: number;
  swTraps: number;
  swTotal: number;
  swForms: number;
  translatedForms: number;
}

/**
 * The counts side by side. VT-x: exit reasons a guest can cause (always or by a control in effect) plus the
 * hypercalls; exits the host causes (its timer, interrupts) are listed but not counted as guest-reachable.
 * Software VMM: the callouts plus the trap causes (every exception and interrupt passes through the VMM).
 */
export function tally(vtx: VtxSurface, sw: SoftwareSurface): SurfaceTally {
  const vtxGuest = vtx.exits.filter((e) => e.by !== 'host').length;
  const swForms = sw.callouts.reduce((a, c) => a + c.forms, 0);
  return {
    vtxGuest,
    vtxHost: vtx.exits.length - vtxGuest,
    hypercalls: vtx.hypercalls.length,
    vtxTotal: vtxGuest + vtx.hypercalls.length,
    swCallouts: sw.callouts.length,
    swTraps: sw.trapCauses.length,
    swTotal: sw.callouts.length + sw.trapCauses.length,
    swForms,
    translatedForms: sw.translatedForms,
  };
}

export function byLabel(by: VtxSurface['exits'][number]['by']): string {
  return by === 'guest-always' ? t('security.view.guestAlwaysExits') : by === 'guest-control' ? t('security.view.guestAControlIn') : t('security.view.hostNotTheGuest');
}

export function observedLabel(o: boolean | null): string {
  return o === true ? t('security.view.seenInAProbe') : o === false ? t('security.view.notSeen') : t('security.view.noProbe');
}
