import { describe, expect, it } from 'vitest';
import { createSecurityService } from './security.ts';
import { DEMO_USERS } from '../core/security/demo-users.ts';

describe('the worker’s account store', () => {
  it('never sends a password back to the page, whatever was tried', async () => {
    const s = createSecurityService(1000);
    const seen: string[] = [];
    for (const u of DEMO_USERS) {
      seen.push(JSON.stringify(await s.security({ op: 'login', user: u.user, password: 'wrong-' + u.password })));
      seen.push(JSON.stringify(await s.security({ op: 'login', user: u.user, password: u.password })));
      seen.push(JSON.stringify(await s.security({ op: 'attempt', vm: 'pbx', action: 'console' })));
      seen.push(JSON.stringify(await s.security({ op: 'logout' })));
    }
    const all = seen.join('\n');
    for (const u of DEMO_USERS) expect(all).not.toContain(u.password);
  });
  it('answers bad requests with a field message and keeps the store', async () => {
    const s = createSecurityService(1000);
    expect(await s.security({ op: 'login', user: ' ', password: 'x' })).toMatchObject({ ok: false, field: 'user' });
    expect(await s.security({ op: 'lockout', policy: { threshold: 500, lockoutSeconds: 10 } })).toMatchObject({ ok: false, field: 'threshold' });
    expect(await s.security({ op: 'advance', seconds: -5 })).toMatchObject({ ok: false, field: 'seconds' });
    const r = await s.security({ op: 'attempt', vm: 'nope' as never, action: 'console' });
    expect(r.ok).toBe(false);
    expect(s.escapeAttempt('nope' as never, 'nehalem')).toMatchObject({ ok: false });
    expect(s.attackSurface('pentium-4')).toMatchObject({ ok: false });
  });
  it('reset recreates the accounts: the audit log starts empty and the salts are new', async () => {
    const s = createSecurityService(1000);
    const a = await s.security({ op: 'login', user: 'alice', password: 'x' });
    const b = await s.security({ op: 'reset' });
    expect(a.view!.audit.length).toBe(1);
    expect(b.view!.audit.length).toBe(0);
    expect(b.view!.accounts[0].salt).not.toBe(a.view!.accounts[0].salt);
  });
});
