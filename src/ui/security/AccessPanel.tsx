/**
 * Per-VM access control (issue 7 item 3, white paper §3.3.4): log in as a member of a functional group, try
 * each action on each VM of the consolidated server, see it allowed or refused with the reason, read the audit
 * log, and lock an account out by guessing. The account store lives in the worker (src/worker/security.ts);
 * this panel only ever holds the public view — the password field's text is sent once and cleared.
 */
import { useCallback, useEffect, useId, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import type { SecurityRequest, SecurityResponse, SecurityView } from '../../worker/protocol.ts';
import type { Decision, LoginResult } from '../../core/security/access.ts';
import { formatSimTime } from '../../core/security/audit.ts';
import { DEMO_USERS } from '../../core/security/demo-users.ts';
import { ACTION_LABELS, ACTIONS, groupInfo, GROUPS, VMS, vmInfo, type Action, type VmId } from '../../core/security/groups.ts';
import { OWASP_PBKDF2_SHA256_ITERATIONS } from '../../core/security/password.ts';
import { actionLabel, auditRows, checkLockField, policyRows, shortHex, type LockField } from './view.ts';
import './security.css';
import { TextField, withoutKey } from '../shell/TextField.tsx';

type LastTry = { vm: VmId; action: Action; decision: Decision } | null;

export function AccessPanel() {
  const health = useApp((s) => s.health);
  const [view, setView] = useState<SecurityView | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErr, setFieldErr] = useState<Partial<Record<'user' | 'password' | LockField, string>>>({});
  const [login, setLogin] = useState<LoginResult | null>(null);
  const [last, setLast] = useState<LastTry>(null);
  const [texts, setTexts] = useState<Record<LockField, string>>({ threshold: '', lockoutSeconds: '', advance: '60' });
  const [announce, setAnnounce] = useState('');
  const id = useId();

  const send = useCallback(async (req: SecurityRequest, what: string): Promise<SecurityResponse | null> => {
    setBusy(what);
    setError(null);
    try {
      const r = await commands.security(req);
      if (r.view !== null) setView(r.view);
      return r;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return null;
    } finally {
      setBusy(null);
    }
  }, []);

  useEffect(() => {
    if (health === 'ready' && view === null) void send({ op: 'view' }, `Creating the demo accounts: hashing ${DEMO_USERS.length} passwords with PBKDF2 (${OWASP_PBKDF2_SHA256_ITERATIONS.toLocaleString('en-US')} iterations each)…`);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [health]);

  useEffect(() => {
    if (view !== null) setTexts((t) => ({ ...t, threshold: t.threshold === '' ? String(view.lockout.threshold) : t.threshold, lockoutSeconds: t.lockoutSeconds === '' ? String(view.lockout.lockoutSeconds) : t.lockoutSeconds }));
  }, [view]);

  const onLogin = async (): Promise<void> => {
    const errs: typeof fieldErr = {};
    if (user.trim() === '') errs.user = 'Enter a user name.';
    if (password === '') errs.password = 'Enter the password.';
    setFieldErr(errs);
    if (Object.keys(errs).length > 0) return;
    const pw = password;
    setPassword('');
    const r = await send({ op: 'login', user, password: pw }, 'Checking the password (PBKDF2)…');
    if (r === null) return;
    if (!r.ok) {
      if (r.field === 'user' || r.field === 'password') setFieldErr({ [r.field]: r.message });
      else setError(r.message);
      return;
    }
    if (r.login !== undefined) {
      setLogin(r.login);
      setLast(null);
      setAnnounce(r.login.ok ? `Logged in as ${r.login.user}, group ${groupInfo(r.login.group).name}.` : r.login.message);
    }
  };

  const onTry = async (vm: VmId, action: Action): Promise<void> => {
    const r = await send({ op: 'attempt', vm, action }, 'Checking the permission…');
    if (r !== null && r.ok && r.decision !== undefined) {
      setLast({ vm, action, decision: r.decision });
      setAnnounce(`${r.decision.allowed ? 'Allowed' : 'Denied'}: ${ACTION_LABELS[action]} on ${vmInfo(vm).name}. ${r.decision.reason}.`);
    }
  };

  const onPolicy = async (): Promise<void> => {
    const errs: typeof fieldErr = {};
    const th = checkLockField('threshold', texts.threshold);
    const ls = checkLockField('lockoutSeconds', texts.lockoutSeconds);
    if (!th.ok) errs.threshold = th.message;
    if (!ls.ok) errs.lockoutSeconds = ls.message;
    setFieldErr(errs);
    if (!th.ok || !ls.ok) return;
    const r = await send({ op: 'lockout', policy: { threshold: th.value, lockoutSeconds: ls.value } }, 'Applying the lockout policy…');
    if (r !== null && !r.ok) setFieldErr({ [r.field === 'lockoutSeconds' ? 'lockoutSeconds' : 'threshold']: r.message });
    else if (r !== null) setAnnounce(`Lockout policy: ${th.value} failures lock an account for ${ls.value} s.`);
  };

  const onAdvance = async (): Promise<void> => {
    const a = checkLockField('advance', texts.advance);
    if (!a.ok) {
      setFieldErr({ advance: a.message });
      return;
    }
    setFieldErr({});
    await send({ op: 'advance', seconds: a.value }, 'Advancing the simulated clock…');
    setAnnounce(`${a.value} simulated seconds passed.`);
  };

  const numField = (f: LockField, label: string, unit: string, hint: string) => {
    const fid = `${id}-${f}`;
    const err = fieldErr[f];
    return (
      <TextField
        id={fid}
        label={label}
        unit={unit}
        hint={hint}
        value={texts[f]}
        error={err}
        inputMode="numeric"
        onChange={(v) => {
          setTexts((t) => ({ ...t, [f]: v }));
          setFieldErr((x) => withoutKey(x, f));
        }}
      />
    );
  };

  const session = view?.session ?? null;
  const ready = health === 'ready' && view !== null;

  return (
    <div className="sec-access" data-testid="access-panel">
      <p className="sec-sim-note" role="note">
        <strong>Note: a simulation in your browser.</strong> The accounts live in this page’s worker and are recreated when you reload. It still behaves like the real thing:
        passwords are kept only as salted PBKDF2-HMAC-SHA-256 hashes ({OWASP_PBKDF2_SHA256_ITERATIONS.toLocaleString('en-US')} iterations, the OWASP Password Storage Cheat
        Sheet figure), compared in constant time, and an account locks after repeated failures. The white paper (§3.3.4): “each guest OS can be password protected
        separately … since the consolidated server is shared between different functional groups.”
      </p>
      <div className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </div>
      {error !== null && (
        <p className="pl-error" role="alert">
          The account store failed: {error}
        </p>
      )}
      <div className="pl-grid">
        <div className="sec-side">
          <form
            className="panel pl-form"
            aria-label="Log in"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void onLogin();
            }}
          >
            <h2>Log in to the management console</h2>
            {session !== null ? (
              <>
                <p className="sec-session" data-testid="sec-session">
                  Logged in as <strong>{session.user}</strong> ({groupInfo(session.group).name}) since {formatSimTime(session.since)}
                </p>
                <button type="button" className="btn" disabled={busy !== null} onClick={() => void send({ op: 'logout' }, 'Logging out…').then(() => setLogin(null))}>
                  Log out
                </button>
              </>
            ) : (
              <>
                <div className="pl-field">
                  <label className="pl-label" htmlFor={`${id}-user`}>
                    User name
                  </label>
                  <input
                    id={`${id}-user`}
                    className="sec-text"
                    autoComplete="username"
                    value={user}
                    aria-invalid={fieldErr.user !== undefined}
                    aria-describedby={fieldErr.user !== undefined ? `${id}-user-err` : undefined}
                    onChange={(e) => {
                      setUser(e.target.value);
                      setFieldErr(({ user: _u, ...rest }) => rest);
                    }}
                  />
                  {fieldErr.user !== undefined && (
                    <span className="field-error" id={`${id}-user-err`} role="alert">
                      {fieldErr.user}
                    </span>
                  )}
                </div>
                <div className="pl-field">
                  <label className="pl-label" htmlFor={`${id}-pw`}>
                    Password
                  </label>
                  <input
                    id={`${id}-pw`}
                    className="sec-text"
                    type="password"
                    autoComplete="current-password"
                    value={password}
                    aria-invalid={fieldErr.password !== undefined}
                    aria-describedby={fieldErr.password !== undefined ? `${id}-pw-err` : undefined}
                    onChange={(e) => {
                      setPassword(e.target.value);
                      setFieldErr(({ password: _p, ...rest }) => rest);
                    }}
                  />
                  {fieldErr.password !== undefined && (
                    <span className="field-error" id={`${id}-pw-err`} role="alert">
                      {fieldErr.password}
                    </span>
                  )}
                </div>
                <button type="submit" className="btn primary" disabled={!ready || busy !== null}>
                  Log in
                </button>
              </>
            )}
            {login !== null && !login.ok && (
              <p className={`sec-login-msg${login.locked ? ' locked' : ''}`} data-testid="sec-login-msg">
                <span aria-hidden="true">{login.locked ? '■ ' : '✕ '}</span>
                {login.message}
              </p>
            )}
            {busy !== null && (
              <p className="pl-hint" aria-live="polite">
                {busy}
              </p>
            )}
          </form>

          <section className="panel" aria-labelledby={`${id}-demo-h`}>
            <h2 id={`${id}-demo-h`}>Demo users (passwords shown: it is a teaching simulation)</h2>
            <table className="sec-table sec-demo">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Group</th>
                  <th scope="col">Password</th>
                  <th scope="col">
                    <span className="visually-hidden">Fill in</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {DEMO_USERS.map((u) => (
                  <tr key={u.user}>
                    <td>{u.user}</td>
                    <td>{groupInfo(u.group).name}</td>
                    <td className="mono">{u.password}</td>
                    <td>
                      <button
                        type="button"
                        className="btn sec-small"
                        disabled={session !== null}
                        aria-label={`Fill in ${u.user} (${groupInfo(u.group).name})`}
                        onClick={() => {
                          setUser(u.user);
                          setPassword(u.password);
                          setFieldErr({});
                        }}
                      >
                        Fill in
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <form className="panel pl-form" aria-label="Lockout policy" noValidate onSubmit={(e) => e.preventDefault()}>
            <h2>
              Lockout policy <span className="sec-assume">assumption</span>
            </h2>
            <p className="pl-hint">NIST SP 800-63B §5.2.2 caps consecutive failures at 100; the numbers below are this lab’s choice — change them.</p>
            {numField('threshold', 'Lock after', 'failures', 'consecutive wrong passwords (default 5)')}
            {numField('lockoutSeconds', 'Locked for', 's', 'simulated seconds (default 900)')}
            <button type="button" className="btn" disabled={!ready || busy !== null} onClick={() => void onPolicy()}>
              Apply policy
            </button>
            <p className="sec-clock" data-testid="sec-clock">
              Simulated clock: <strong>{view !== null ? formatSimTime(view.clock) : '—'}</strong> (each request takes 1 s)
            </p>
            {numField('advance', 'Let time pass', 's', 'a locked account unlocks when its time is up')}
            <button type="button" className="btn" disabled={!ready || busy !== null} onClick={() => void onAdvance()}>
              Advance the clock
            </button>
          </form>
        </div>

        <div className="pl-main">
          <section className="panel" aria-labelledby={`${id}-try-h`}>
            <h2 id={`${id}-try-h`}>Try an action on each VM{session !== null ? ` as ${session.user} (${groupInfo(session.group).name})` : ' (nobody logged in)'}</h2>
            <p className="pl-note">Every button goes through the same permission check; allowed or refused, the decision is written to the audit log.</p>
            <div className="sec-table-wrap">
              <table className="sec-table sec-actions">
                <thead>
                  <tr>
                    <th scope="col">VM on the consolidated server</th>
                    {ACTIONS.map((a) => (
                      <th scope="col" key={a}>
                        {ACTION_LABELS[a]}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {VMS.map((v) => (
                    <tr key={v.id}>
                      <th scope="row">
                        {v.name}
                        <span className="sec-sub">{v.guest}</span>
                      </th>
                      {ACTIONS.map((a) => {
                        const mine = last !== null && last.vm === v.id && last.action === a;
                        return (
                          <td key={a}>
                            <button
                              type="button"
                              className={`btn sec-try${mine ? (last.decision.allowed ? ' allowed' : ' denied') : ''}`}
                              disabled={!ready || busy !== null}
                              aria-label={`${ACTION_LABELS[a]} — ${v.name}`}
                              onClick={() => void onTry(v.id, a)}
                            >
                              {mine ? (last.decision.allowed ? '✓ allowed' : '✕ denied') : ACTION_LABELS[a]}
                            </button>
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {last !== null && (
              <p className={`pl-verdict ${last.decision.allowed ? 'tone-ok' : 'tone-bad'}`} data-testid="sec-decision">
                <strong>{last.decision.allowed ? '✓ Allowed' : '✕ Denied'}:</strong> {ACTION_LABELS[last.action]} on {vmInfo(last.vm).name} — {last.decision.reason}.
              </p>
            )}
          </section>

          <section className="panel" aria-labelledby={`${id}-audit-h`}>
            <h2 id={`${id}-audit-h`}>Audit log ({view?.audit.length ?? 0} entries, newest first)</h2>
            <div className="sec-table-wrap sec-audit-wrap">
              <table className="sec-table sec-audit" data-testid="sec-audit">
                <caption className="visually-hidden">Audit log</caption>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Time</th>
                    <th scope="col">User</th>
                    <th scope="col">Group</th>
                    <th scope="col">Action</th>
                    <th scope="col">VM</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Why</th>
                  </tr>
                </thead>
                <tbody>
                  {view === null || view.audit.length === 0 ? (
                    <tr>
                      <td colSpan={8} className="sec-empty">
                        Nothing yet: log in and try an action.
                      </td>
                    </tr>
                  ) : (
                    auditRows(view.audit).map((e) => (
                      <tr key={e.seq} data-outcome={e.outcome}>
                        <td className="num">{e.seq}</td>
                        <td className="num">{formatSimTime(e.t)}</td>
                        <td>{e.user === '' ? '—' : e.user}</td>
                        <td>{e.group === null ? '—' : groupInfo(e.group).name}</td>
                        <td>{actionLabel(e.action)}</td>
                        <td>{e.vm === null ? '—' : vmInfo(e.vm).name}</td>
                        <td className={`sec-outcome ${e.outcome}`}>{e.outcome === 'allowed' ? '✓ allowed' : '✕ denied'}</td>
                        <td>{e.reason}</td>
                      </tr>
                    ))
                  )}
                </tbody>
              </table>
            </div>
          </section>

          <section className="panel" aria-labelledby={`${id}-acc-h`}>
            <h2 id={`${id}-acc-h`}>What the account store keeps (no password column: there is none)</h2>
            <div className="sec-table-wrap">
              <table className="sec-table" data-testid="sec-accounts">
                <thead>
                  <tr>
                    <th scope="col">User</th>
                    <th scope="col">Group</th>
                    <th scope="col">Salt (16 bytes)</th>
                    <th scope="col">PBKDF2 hash (32 bytes)</th>
                    <th scope="col">Iterations</th>
                    <th scope="col">Failures</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {view?.accounts.map((a) => (
                    <tr key={a.user}>
                      <td>{a.user}</td>
                      <td>{groupInfo(a.group).name}</td>
                      <td className="mono" title={a.salt}>
                        {shortHex(a.salt)}
                      </td>
                      <td className="mono" title={a.hash}>
                        {shortHex(a.hash)}
                      </td>
                      <td className="num">{a.iterations.toLocaleString('en-US')}</td>
                      <td className="num">{a.failures}</td>
                      <td>{a.locked ? `■ locked until ${formatSimTime(a.lockedUntil)}` : 'open'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="pl-note">victor and vera share the password “sip-trunk-5060”, yet their hashes differ: each password has its own random salt.</p>
          </section>

          <section className="panel" aria-labelledby={`${id}-pol-h`}>
            <h2 id={`${id}-pol-h`}>
              Who may do what <span className="sec-assume">assumption</span>
            </h2>
            <p className="pl-note">
              The paper names the groups but not their rights; this least-privilege table is the lab’s model of one organisation: IT runs every VM, the voice team runs
              the PBX and the media server but does not migrate, HR only opens its HRM server’s console.
            </p>
            <div className="sec-table-wrap">
              <table className="sec-table">
                <thead>
                  <tr>
                    <th scope="col">Group</th>
                    {VMS.map((v) => (
                      <th scope="col" key={v.id}>
                        {v.name}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {view !== null &&
                    policyRows(view.policy).map((r, k) => (
                      <tr key={r.group}>
                        <th scope="row" title={GROUPS[k].role}>
                          {r.group}
                        </th>
                        {r.cells.map((c) => (
                          <td key={c.vm}>{c.actions.length === 0 ? '— none' : c.actions.map((a) => ACTION_LABELS[a]).join(', ')}</td>
                        ))}
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          </section>
        </div>
      </div>
    </div>
  );
}
