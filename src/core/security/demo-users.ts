/**
 * The seeded demo users, one or two per functional group. This is a teaching simulation: their passwords are
 * shown on screen so anyone can log in as each group. They are used once, to create the accounts (which keep
 * only salted hashes, password.ts); nothing else reads this list's passwords.
 */
import type { GroupId } from './groups.ts';

export interface DemoUser {
  user: string;
  group: GroupId;
  password: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { user: 'alice', group: 'it', password: 'it-admin-2007' },
  { user: 'hana', group: 'hr', password: 'hr-payroll-42' },
  { user: 'victor', group: 'voice', password: 'sip-trunk-5060' },
  { user: 'vera', group: 'voice', password: 'sip-trunk-5060' },
];
