/**
 * Per-VM access control for the consolidated server (white paper §3.3.4): accounts of the functional groups
 * (passwords kept only as salted PBKDF2 hashes), one login session, a permission check that every VM action
 * goes through, lockout after repeated failures, and the audit log of every decision.
 *
 * The state is plain data (snapshot = structured copy); time is simulated seconds (`advance`), each request
 * taking REQUEST_SECONDS of it so audit entries are ordered and lockouts expire in simulated time.
 */
import { t } from '../../i18n/t.ts';
import '../../i18n/en/securitycore.ts';
import { appendAudit, type AuditEntry } from './audit.ts';
import { ACTION_LABELS, DEFAULT_POLICY, groupInfo, isAction, isVmId, vmInfo, type Action, type GroupId, type Grants, type VmId } from './groups.ts';
import { afterFailure, afterSuccess, DEFAULT_LOCKOUT, isLocked, validateLockoutPolicy, type LockoutPolicy, type LockoutState } from './lockout.ts';
import { hashPassword, verifyPassword, type PasswordHash, type RandomBytes } from './password.ts';

/** Simulated seconds one request (login, action) takes: keeps the log's timestamps distinct. */
export const REQUEST_SECONDS = 1;

export interface Account {
  user: string;
  group: GroupId;
  credential: PasswordHash;
  lockout: LockoutState;
}

export interface Session {
  user: string;
  group: GroupId;
  since: number;
}

export interface SecurityState {
  clock: number;
  accounts: Account[];
  session: Session | null;
  audit: AuditEntry[];
  policy: Record<GroupId, Grants>;
  lockout: LockoutPolicy;
  iterations: number;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

export type LoginResult = { ok: true; user: string; group: GroupId } | { ok: false; locked: boolean; message: string };

/**
 * The permission check. Pure: who is logged in, the group's grants, the VM and the action decide; nothing else.
 * Deny by default (anything not granted is refused).
 */
export function authorize(state: Pick<SecurityState, 'session' | 'policy'>, vm: VmId, action: Action): Decision {
  const what = t('securitycore.access.actionOnVm', { action: ACTION_LABELS[action].toLowerCase(), vm: vmInfo(vm).name });
  const s = state.session;
  if (s === null) return { allowed: false, reason: t('securitycore.access.nobodyIsLoggedInNeeds', { what }) };
  const group = groupInfo(s.group).name;
  const granted = state.policy[s.group][vm] ?? [];
  if (granted.includes(action)) return { allowed: true, reason: t('securitycore.access.groupHasTheRightTo', { group, what }) };
  if (granted.length === 0) return { allowed: false, reason: t('securitycore.access.groupHasNoRightsOn', { group, name: vmInfo(vm).name }) };
  return { allowed: false, reason: t('securitycore.access.groupMayNotItMay', { group, what, allowed: granted.map((a) => ACTION_LABELS[a].toLowerCase()).join(', ') }) };
}

export class AccessControl {
  /** A dummy credential verified for unknown user names, so an unknown name costs the same PBKDF2 time as a known one. */
  private constructor(
    public state: SecurityState,
    private readonly dummy: PasswordHash,
  ) {}

  static async create(opts: {
    users: readonly { user: string; group: GroupId; password: string }[];
    iterations: number;
    random: RandomBytes;
    lockout?: LockoutPolicy;
    policy?: Record<GroupId, Grants>;
  }): Promise<AccessControl> {
    const accounts: Account[] = [];
    for (const u of opts.users) {
      accounts.push({ user: u.user, group: u.group, credential: await hashPassword(u.password, opts.iterations, opts.random), lockout: { failures: 0, lockedUntil: 0 } });
    }
    const dummy = await hashPassword('', opts.iterations, opts.random);
    const policy = opts.policy ?? DEFAULT_POLICY;
    const state: SecurityState = {
      clock: 0,
      accounts,
      session: null,
      audit: [],
      policy: { it: { ...policy.it }, hr: { ...policy.hr }, voice: { ...policy.voice } },
      lockout: { ...(opts.lockout ?? DEFAULT_LOCKOUT) },
      iterations: opts.iterations,
    };
    return new AccessControl(state, dummy);
  }

  /** A copy of the whole state (plain JSON data: strings, numbers, arrays, objects). */
  snapshot(): SecurityState {
    return JSON.parse(JSON.stringify(this.state)) as SecurityState;
  }

  restore(s: SecurityState): void {
    this.state = JSON.parse(JSON.stringify(s)) as SecurityState;
  }

  /** Lets simulated time pass (a lockout expires). */
  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('time only moves forward');
    this.state.clock += seconds;
  }

  setLockoutPolicy(p: LockoutPolicy): { ok: true } | { ok: false; field: keyof LockoutPolicy; message: string } {
    const v = validateLockoutPolicy(p);
    if (!v.ok) return v;
    this.state.lockout = v.policy;
    return { ok: true };
  }

  async login(user: string, password: string): Promise<LoginResult> {
    const st = this.state;
    st.clock += REQUEST_SECONDS;
    const now = st.clock;
    const account = st.accounts.find((a) => a.user === user);
    const log = (outcome: 'allowed' | 'denied', reason: string, group: GroupId | null) =>
      appendAudit(st.audit, { t: now, user, group, action: 'login', vm: null, outcome, reason });
    if (account === undefined) {
      await verifyPassword(password, this.dummy);
      log('denied', t('securitycore.access.unknownUserName'), null);
      return { ok: false, locked: false, message: t('securitycore.access.wrongUserNameOrPassword') };
    }
    if (isLocked(account.lockout, now)) {
      // Refused without looking at the password: guessing while locked teaches the attacker nothing.
      const left = account.lockout.lockedUntil - now;
      log('denied', t('securitycore.access.accountLockedSLeftPassword', { left }), account.group);
      return { ok: false, locked: true, message: t('securitycore.access.accountLockedTryAgainIn', { left }) };
    }
    const good = await verifyPassword(password, account.credential);
    if (!good) {
      account.lockout = afterFailure(account.lockout, st.lockout, now);
      const locked = isLocked(account.lockout, now);
      log('denied', locked ? t('securitycore.access.wrongPasswordConsecutiveFailuresLocked', { threshold: st.lockout.threshold, lockoutSeconds: st.lockout.lockoutSeconds }) : t('securitycore.access.wrongPasswordConsecutiveFailureOf', { failures: account.lockout.failures, threshold: st.lockout.threshold }), account.group);
      return locked ? { ok: false, locked: true, message: t('securitycore.access.tooManyFailuresAccountLocked', { lockoutSeconds: st.lockout.lockoutSeconds }) } : { ok: false, locked: false, message: t('securitycore.access.wrongUserNameOrPassword') };
    }
    account.lockout = afterSuccess();
    st.session = { user: account.user, group: account.group, since: now };
    log('allowed', t('securitycore.access.passwordVerifiedPbkdf2HmacSha', { iterations: account.credential.iterations.toLocaleString('en-US') }), account.group);
    return { ok: true, user: account.user, group: account.group };
  }

  logout(): void {
    const st = this.state;
    st.clock += REQUEST_SECONDS;
    if (st.session === null) return;
    appendAudit(st.audit, { t: st.clock, user: st.session.user, group: st.session.group, action: 'logout', vm: null, outcome: 'allowed', reason: t('securitycore.access.sessionEnded') });
    st.session = null;
  }

  /** The one entry point for every VM action: checked, logged, and only then (if allowed) carried out by the caller. */
  attempt(vm: VmId, action: Action): Decision {
    if (!isVmId(vm) || !isAction(action)) return { allowed: false, reason: t('securitycore.access.unknownVmOrAction') };
    const st = this.state;
    st.clock += REQUEST_SECONDS;
    const d = authorize(st, vm, action);
    appendAudit(st.audit, { t: st.clock, user: st.session?.user ?? '', group: st.session?.group ?? null, action, vm, outcome: d.allowed ? 'allowed' : 'denied', reason: d.reason });
    return d;
  }
}
