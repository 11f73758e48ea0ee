/**
 * The worker's side of the Security lab: the account store (src/core/security/access.ts) lives here, in the
 * worker, so the page only ever sees the public view (names, groups, salts, hashes, lockout state, the audit
 * log) — never a password after the login request that carried it. Salts come from `crypto.getRandomValues`;
 * the iteration count is OWASP's figure for PBKDF2-HMAC-SHA-256 (password.ts).
 *
 * The attack-surface and escape calls run the VMX core (src/core/security/surface.ts, escape.ts); each is one
 * worker task of a second or two, cached per CPU model.
 */
import { AccessControl, type Decision, type LoginResult } from '../core/security/access.ts';
import type { AuditEntry } from '../core/security/audit.ts';
import { DEMO_USERS } from '../core/security/demo-users.ts';
import { isAction, isVmId, type Action, type GroupId, type Grants, type VmId } from '../core/security/groups.ts';
import type { LockoutPolicy } from '../core/security/lockout.ts';
import { OWASP_PBKDF2_SHA256_ITERATIONS } from '../core/security/password.ts';
import { ESCAPE_IDS, runEscape, type EscapeId, type EscapeOutcome } from '../core/security/escape.ts';
import { softwareSurface, vtxSurface, type SoftwareSurface, type VtxSurface } from '../core/security/surface.ts';
import { getCpuModel } from '../core/cpu-models/index.ts';
import { t } from '../i18n/t.ts';

export interface AccountView {
  user: string;
  group: GroupId;
  algorithm: string;
  iterations: number;
  salt: string;
  hash: string;
  failures: number;
  lockedUntil: number;
  locked: boolean;
}

export interface SecurityView {
  clock: number;
  session: { user: string; group: GroupId; since: number } | null;
  accounts: AccountView[];
  audit: AuditEntry[];
  lockout: LockoutPolicy;
  policy: Record<GroupId, Grants>;
  iterations: number;
}

export type SecurityRequest =
  | { op: 'view' }
  | { op: 'login'; user: string; password: string }
  | { op: 'logout' }
  | { op: 'attempt'; vm: VmId; action: Action }
  | { op: 'advance'; seconds: number }
  | { op: 'lockout'; policy: LockoutPolicy }
  | { op: 'reset' };

export type SecurityResponse =
  | { ok: true; view: SecurityView; login?: LoginResult; decision?: Decision }
  | { ok: false; field?: string; message: string; view: SecurityView | null };

export type SurfaceResponse = { ok: true; cpu: string; vtx: VtxSurface; software: SoftwareSurface } | { ok: false; message: string };
export type EscapeResponse = { ok: true; outcome: EscapeOutcome } | { ok: false; message: string };

function randomBytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  globalThis.crypto.getRandomValues(b);
  return b;
}

export function createSecurityService(iterations = OWASP_PBKDF2_SHA256_ITERATIONS) {
  let ac: Promise<AccessControl> | null = null;
  const store = (): Promise<AccessControl> => (ac ??= AccessControl.create({ users: DEMO_USERS, iterations, random: randomBytes }));
  const surfaces = new Map<string, SurfaceResponse>();

  function view(a: AccessControl): SecurityView {
    const s = a.snapshot();
    return {
      clock: s.clock,
      session: s.session,
      accounts: s.accounts.map((x) => ({
        user: x.user,
        group: x.group,
        algorithm: x.credential.algorithm,
        iterations: x.credential.iterations,
        salt: x.credential.salt,
        hash: x.credential.hash,
        failures: x.lockout.failures,
        lockedUntil: x.lockout.lockedUntil,
        locked: s.clock < x.lockout.lockedUntil,
      })),
      audit: s.audit,
      lockout: s.lockout,
      policy: s.policy,
      iterations: s.iterations,
    };
  }

  async function security(req: SecurityRequest): Promise<SecurityResponse> {
    if (req.op === 'reset') ac = null;
    const a = await store();
    switch (req.op) {
      case 'view':
      case 'reset':
        return { ok: true, view: view(a) };
      case 'login': {
        if (typeof req.user !== 'string' || req.user.trim() === '') return { ok: false, field: 'user', message: t('worker.security.enterUser'), view: view(a) };
        if (typeof req.password !== 'string' || req.password === '') return { ok: false, field: 'password', message: t('worker.security.enterPassword'), view: view(a) };
        const login = await a.login(req.user.trim(), req.password);
        return { ok: true, view: view(a), login };
      }
      case 'logout':
        a.logout();
        return { ok: true, view: view(a) };
      case 'attempt': {
        if (!isVmId(req.vm) || !isAction(req.action)) return { ok: false, message: t('worker.security.unknownAction'), view: view(a) };
        const decision = a.attempt(req.vm, req.action);
        return { ok: true, view: view(a), decision };
      }
      case 'advance':
        if (!Number.isFinite(req.seconds) || req.seconds < 0 || req.seconds > 86400) return { ok: false, field: 'seconds', message: t('worker.security.seconds'), view: view(a) };
        a.advance(req.seconds);
        return { ok: true, view: view(a) };
      case 'lockout': {
        const r = a.setLockoutPolicy(req.policy);
        if (!r.ok) return { ok: false, field: r.field, message: r.message, view: view(a) };
        return { ok: true, view: view(a) };
      }
    }
  }

  function attackSurface(cpu: string): SurfaceResponse {
    if (getCpuModel(cpu) === undefined) return { ok: false, message: t('worker.unknownCpu', { cpu }) };
    const known = surfaces.get(cpu);
    if (known !== undefined) return known;
    const r: SurfaceResponse = { ok: true, cpu, vtx: vtxSurface(cpu), software: softwareSurface() };
    surfaces.set(cpu, r);
    return r;
  }

  function escapeAttempt(id: EscapeId, cpu: string): EscapeResponse {
    if (!ESCAPE_IDS.includes(id)) return { ok: false, message: t('worker.security.unknownEscape', { id: String(id) }) };
    if (getCpuModel(cpu) === undefined) return { ok: false, message: t('worker.unknownCpu', { cpu }) };
    return { ok: true, outcome: runEscape(id, cpu) };
  }

  return { security, attackSurface, escapeAttempt };
}
