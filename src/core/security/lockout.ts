/**
 * Lockout after repeated failures (throttling online guessing).
 *
 * NIST SP 800-63B §5.2.2 "Rate Limiting (Throttling)": the verifier SHALL limit consecutive failed
 * authentication attempts on a single account to no more than 100. Within that limit the numbers are a policy
 * choice: this lab's defaults — lock after 5 consecutive failures, for 15 simulated minutes — are a **model
 * assumption** the UI labels and lets the user change (threshold 1 … 100, the NIST ceiling). A successful
 * login resets the count (§5.2.2: the count is of *consecutive* failures).
 */
import { t } from '../../i18n/t.ts';
import '../../i18n/en/securitycore.ts';

export interface LockoutPolicy {
  /** Consecutive failures that lock the account (1 … 100). */
  threshold: number;
  /** How long the account stays locked, in simulated seconds. */
  lockoutSeconds: number;
}

/** NIST SP 800-63B §5.2.2 ceiling on consecutive failed attempts. */
export const NIST_MAX_CONSECUTIVE_FAILURES = 100;

/** Assumption (see the file comment). */
export const DEFAULT_LOCKOUT: LockoutPolicy = { threshold: 5, lockoutSeconds: 900 };

export interface LockoutState {
  failures: number;
  /** Simulated time until which the account is locked (0 = not locked). */
  lockedUntil: number;
}

export type PolicyCheck = { ok: true; policy: LockoutPolicy } | { ok: false; field: keyof LockoutPolicy; message: string };

export function validateLockoutPolicy(p: LockoutPolicy): PolicyCheck {
  if (!Number.isInteger(p.threshold) || p.threshold < 1 || p.threshold > NIST_MAX_CONSECUTIVE_FAILURES) {
    return { ok: false, field: 'threshold', message: t('securitycore.lockout.aWholeNumberFrom1', { max: NIST_MAX_CONSECUTIVE_FAILURES }) };
  }
  if (!Number.isFinite(p.lockoutSeconds) || p.lockoutSeconds < 0 || p.lockoutSeconds > 86400 * 365) {
    return { ok: false, field: 'lockoutSeconds', message: t('securitycore.lockout.secondsFrom0ToOne') };
  }
  return { ok: true, policy: { threshold: p.threshold, lockoutSeconds: p.lockoutSeconds } };
}

export function isLocked(s: LockoutState, now: number): boolean {
  return now < s.lockedUntil;
}

/** After a failed attempt: one more failure; reaching the threshold locks the account from `now`. */
export function afterFailure(s: LockoutState, p: LockoutPolicy, now: number): LockoutState {
  const failures = s.failures + 1;
  if (failures >= p.threshold) return { failures: 0, lockedUntil: now + p.lockoutSeconds };
  return { failures, lockedUntil: s.lockedUntil };
}

/** After a successful login the consecutive-failure count starts again. */
export function afterSuccess(): LockoutState {
  return { failures: 0, lockedUntil: 0 };
}
