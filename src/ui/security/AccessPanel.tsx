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
import '../../i18n/en/security.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

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
    // The live region says what is being checked first, so a repeated outcome (a second "Denied") is announced again.
    if (req.op !== 'view') setAnnounce(what);
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
    if (health === 'ready' && view === null) void send({ op: 'view' }, t('security.access.creatingTheDemoAccounts', { users: DEMO_USERS.length, iterations: OWASP_PBKDF2_SHA256_ITERATIONS.toLocaleString('en-US') }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [health]);

  useEffect(() => {
    if (view !== null) setTexts((t) => ({ ...t, threshold: t.threshold === '' ? String(view.lockout.threshold) : t.threshold, lockoutSeconds: t.lockoutSeconds === '' ? String(view.lockout.lockoutSeconds) : t.lockoutSeconds }));
  }, [view]);

  const onLogin = async (): Promise<void> => {
    const errs: typeof fieldErr = {};
    if (user.trim() === '') errs.user = t('security.access.enterAUserName');
    if (password === '') errs.password = t('security.access.enterThePassword');
    setFieldErr(errs);
    if (Object.keys(errs).length > 0) return;
    const pw = password;
    setPassword('');
    const r = await send({ op: 'login', user, password: pw }, t('security.access.checkingThePasswordPbkdf2'));
    if (r === null) return;
    if (!r.ok) {
      if (r.field === 'user' || r.field === 'password') setFieldErr({ [r.field]: r.message });
      else setError(r.message);
      return;
    }
    if (r.login !== undefined) {
      setLogin(r.login);
      setLast(null);
      setAnnounce(r.login.ok ? t('security.access.loggedInAsGroup', { user: r.login.user, name: groupInfo(r.login.group).name }) : t('security.access.sayLoginRefused', { user: user.trim(), why: r.login.message }));
    }
  };

  const onTry = async (vm: VmId, action: Action): Promise<void> => {
    const r = await send({ op: 'attempt', vm, action }, t('security.access.checkingThePermission'));
    if (r !== null && r.ok && r.decision !== undefined) {
      setLast({ vm, action, decision: r.decision });
      setAnnounce(t('security.access.sayDecision', { outcome: r.decision.allowed ? t('security.access.sayAllowed') : t('security.access.sayDenied'), action: ACTION_LABELS[action], vm: vmInfo(vm).name, reason: r.decision.reason }));
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
    const r = await send({ op: 'lockout', policy: { threshold: th.value, lockoutSeconds: ls.value } }, t('security.access.applyingTheLockoutPolicy'));
    if (r !== null && !r.ok) setFieldErr({ [r.field === 'lockoutSeconds' ? 'lockoutSeconds' : 'threshold']: r.message });
    else if (r !== null) setAnnounce(t('security.access.lockoutPolicyFailuresLock', { failures: th.value, seconds: ls.value }));
  };

  const onAdvance = async (): Promise<void> => {
    const a = checkLockField('advance', texts.advance);
    if (!a.ok) {
      setFieldErr({ advance: a.message });
      return;
    }
    setFieldErr({});
    await send({ op: 'advance', seconds: a.value }, t('security.access.advancingTheSimulatedClock'));
    setAnnounce(t('security.access.simulatedSecondsPassed', { seconds: a.value }));
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
        <T k='security.access.theAccountsLiveIn' parts={{ note: <strong>{t('security.access.noteASimulationIn')}</strong>, iterations: OWASP_PBKDF2_SHA256_ITERATIONS.toLocaleString('en-US') }} /></p>
      <div className="visually-hidden" role="status" aria-live="polite" data-testid="access-announce">
        {announce}
      </div>
      {error !== null && (
        <p className="pl-error" role="alert"><T k='security.access.theAccountStoreFailed' parts={{ error: error }} />
        </p>
      )}
      <div className="pl-grid">
        <div className="sec-side">
          <form
            className="panel pl-form"
            aria-label={t('security.access.logIn')}
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void onLogin();
            }}
          >
            <h2>{t('security.access.logInToThe')}</h2>
            {session !== null ? (
              <>
                <p className="sec-session" data-testid="sec-session"><T k='security.access.loggedInAsSince' parts={{ user: <strong>{session.user}</strong>, name: groupInfo(session.group).name, since: formatSimTime(session.since) }} />
                </p>
                <button type="button" className="btn" disabled={busy !== null} onClick={() => void send({ op: 'logout' }, t('security.access.loggingOut')).then(() => (setLogin(null), setAnnounce(t('security.access.sayLoggedOut'))))}>{t('security.access.logOut')}</button>
              </>
            ) : (
              <>
                <div className="pl-field">
                  <label className="pl-label" htmlFor={`${id}-user`}>{t('security.access.userName')}</label>
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
                  <label className="pl-label" htmlFor={`${id}-pw`}>{t('security.access.password')}</label>
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
                <button type="submit" className="btn primary" disabled={!ready || busy !== null}>{t('security.access.logIn')}</button>
              </>
            )}
            {login !== null && !login.ok && (
              <p className={`sec-login-msg${login.locked ? ' locked' : ''}`} data-testid="sec-login-msg">
                <span aria-hidden="true">{login.locked ? '■ ' : '✕ '}</span>
                {login.message}
              </p>
            )}
            {busy !== null && (
              <p className="pl-hint">
                {busy}
              </p>
            )}
          </form>

          <section className="panel" aria-labelledby={`${id}-demo-h`}>
            <h2 id={`${id}-demo-h`}>{t('security.access.demoUsersPasswordsShown')}</h2>
            <table className="sec-table sec-demo">
              <thead>
                <tr>
                  <th scope="col">{t('security.access.user')}</th>
                  <th scope="col">{t('security.access.group')}</th>
                  <th scope="col">{t('security.access.password')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('security.access.fillIn')}</span>
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
                        aria-label={t('security.access.fillInUser', { user: u.user, name: groupInfo(u.group).name })}
                        onClick={() => {
                          setUser(u.user);
                          setPassword(u.password);
                          setFieldErr({});
                        }}
                      >{t('security.access.fillIn')}</button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <form className="panel pl-form" aria-label={t('security.access.lockoutPolicy')} noValidate onSubmit={(e) => e.preventDefault()}>
            <h2><T k='security.access.lockoutPolicyTitle' parts={{ span: <span className="sec-assume">{t('security.access.assumption')}</span> }} />
            </h2>
            <p className="pl-hint">{t('security.access.nistSp80063b')}</p>
            {numField('threshold', t('security.access.lockAfter'), t('security.access.unitFailures'), t('security.access.consecutiveWrongPasswordsDefault'))}
            {numField('lockoutSeconds', t('security.access.lockedFor'), 's', t('security.access.simulatedSecondsDefault900'))}
            <button type="button" className="btn" disabled={!ready || busy !== null} onClick={() => void onPolicy()}>{t('security.access.applyPolicy')}</button>
            <p className="sec-clock" data-testid="sec-clock"><T k='security.access.simulatedClockEachRequest' parts={{ view: <strong>{view !== null ? formatSimTime(view.clock) : '—'}</strong> }} /></p>
            {numField('advance', t('security.access.letTimePass'), 's', t('security.access.aLockedAccountUnlocks'))}
            <button type="button" className="btn" disabled={!ready || busy !== null} onClick={() => void onAdvance()}>{t('security.access.advanceTheClock')}</button>
          </form>
        </div>

        <div className="pl-main">
          <section className="panel" aria-labelledby={`${id}-try-h`}>
            <h2 id={`${id}-try-h`}><T k='security.access.tryAnActionOn' parts={{ session: ' ' + (session !== null ? t('security.access.asUser', { user: session.user, group: groupInfo(session.group).name }) : t('security.access.nobodyLoggedIn')) }} /></h2>
            <p className="pl-note">{t('security.access.everyButtonGoesThrough')}</p>
            <div className="sec-table-wrap">
              <table className="sec-table sec-actions">
                <thead>
                  <tr>
                    <th scope="col">{t('security.access.vmOnTheConsolidated')}</th>
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
                              {mine ? (last.decision.allowed ? t('security.access.allowed') : t('security.access.denied')) : ACTION_LABELS[a]}
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
                <T k='security.access.decisionLine' parts={{ outcome: <strong>{last.decision.allowed ? t('security.access.allowedVerdict') : t('security.access.deniedVerdict')}:</strong>, action: ACTION_LABELS[last.action], vm: vmInfo(last.vm).name, reason: last.decision.reason }} /></p>
            )}
          </section>

          <section className="panel" aria-labelledby={`${id}-audit-h`}>
            <h2 id={`${id}-audit-h`}>{t('security.access.auditLogEntriesNewest', { count: view?.audit.length ?? 0 })}</h2>
            <div className="sec-table-wrap sec-audit-wrap">
              <table className="sec-table sec-audit" data-testid="sec-audit">
                <caption className="visually-hidden">{t('security.access.auditLog')}</caption>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">{t('security.access.time')}</th>
                    <th scope="col">{t('security.access.user')}</th>
                    <th scope="col">{t('security.access.group')}</th>
                    <th scope="col">{t('security.access.action')}</th>
                    <th scope="col">{t('security.access.vm')}</th>
                    <th scope="col">{t('security.access.outcome')}</th>
                    <th scope="col">{t('security.access.why')}</th>
                  </tr>
                </thead>
                <tbody>
                  {view === null || view.audit.length === 0 ? (
                    <tr>
                      <td colSpan={8} className="sec-empty">{t('security.access.nothingYetLogIn')}</td>
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
                        <td className={`sec-outcome ${e.outcome}`}>{e.outcome === 'allowed' ? t('security.access.allowed') : t('security.access.denied')}</td>
                        <td>{e.reason}</td>
                      </tr>
                    ))
                  )}
                </tbody>
              </table>
            </div>
          </section>

          <section className="panel" aria-labelledby={`${id}-acc-h`}>
            <h2 id={`${id}-acc-h`}>{t('security.access.whatTheAccountStore')}</h2>
            <div className="sec-table-wrap">
              <table className="sec-table" data-testid="sec-accounts">
                <thead>
                  <tr>
                    <th scope="col">{t('security.access.user')}</th>
                    <th scope="col">{t('security.access.group')}</th>
                    <th scope="col">{t('security.access.salt16Bytes')}</th>
                    <th scope="col">{t('security.access.pbkdf2Hash32Bytes')}</th>
                    <th scope="col">{t('security.access.iterations')}</th>
                    <th scope="col">{t('security.access.failures')}</th>
                    <th scope="col">{t('security.access.status')}</th>
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
                      <td>{a.locked ? t('security.access.lockedUntil', { lockedUntil: formatSimTime(a.lockedUntil) }) : t('security.access.open')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="pl-note">{t('security.access.victorAndVeraShare')}</p>
          </section>

          <section className="panel" aria-labelledby={`${id}-pol-h`}>
            <h2 id={`${id}-pol-h`}><T k='security.access.whoMayDoWhat' parts={{ span: <span className="sec-assume">{t('security.access.assumption')}</span> }} />
            </h2>
            <p className="pl-note">{t('security.access.thePaperNamesThe')}</p>
            <div className="sec-table-wrap">
              <table className="sec-table">
                <thead>
                  <tr>
                    <th scope="col">{t('security.access.group')}</th>
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
                          <td key={c.vm}>{c.actions.length === 0 ? t('security.access.none') : c.actions.map((a) => ACTION_LABELS[a]).join(', ')}</td>
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
