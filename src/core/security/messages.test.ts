/**
 * The Security lab's decisions and verdicts come from the catalogue (issue 8 item 7): under a pseudo-translation
 * of the `securitycore` domain the access decisions, the login refusal, the lockout-policy message and every line
 * of an escape attempt's evidence are the translated text; English comes back when the language is switched back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setCatalogue } from '../../i18n/t.ts';
import { AccessControl, authorize } from './access.ts';
import { DEMO_USERS } from './demo-users.ts';
import { ESCAPE_IDS, runEscape } from './escape.ts';
import { DEFAULT_POLICY } from './groups.ts';
import { validateLockoutPolicy } from './lockout.ts';
import { seededBytes } from './test-support.ts';
import { marked, pseudo } from '../../test-support/pseudo-catalogue.ts';

afterEach(() => setCatalogue(null, 'en'));

describe('security messages follow the active catalogue', () => {
  it('access decisions, a refused login and the lockout-policy message', async () => {
    setCatalogue(pseudo('securitycore'), 'xx');
    expect(marked(authorize({ session: null, policy: DEFAULT_POLICY }, 'pbx', 'console').reason)).toBe(true);
    expect(marked(authorize({ session: { user: 'x', group: 'hr', since: 0 }, policy: DEFAULT_POLICY }, 'pbx', 'console').reason)).toBe(true);
    const ac = await AccessControl.create({ users: DEMO_USERS, iterations: 1, random: seededBytes(3) });
    const login = await ac.login(DEMO_USERS[0].user, 'not the password');
    expect(login.ok === false && marked(login.message)).toBe(true);
    const policy = validateLockoutPolicy({ threshold: 0, lockoutSeconds: 900 });
    expect(policy.ok === false && marked(policy.message)).toBe(true);
  });

  it.each(ESCAPE_IDS)('every line of the %s attempt’s evidence is translated, and English comes back', (id) => {
    const english = runEscape(id, 'nehalem');
    setCatalogue(pseudo('securitycore'), 'xx');
    const translated = runEscape(id, 'nehalem');
    expect(translated.held).toBe(english.held);
    expect(marked(translated.stoppedBy), translated.stoppedBy).toBe(true);
    for (const line of translated.evidence) expect(marked(line), line).toBe(true);
    setCatalogue(null, 'en');
    expect(runEscape(id, 'nehalem')).toEqual(english);
  });
});
