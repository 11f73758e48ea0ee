/**
 * Counts a user often sees at 1 (the first VM exit, a 1-byte instruction, the first audit entry) read in the
 * singular: these messages have plural forms and their callers pass `count`.
 */
import { describe, expect, it } from 'vitest';
import './all.ts';
import { t } from './t.ts';
import type { MessageKey } from './catalogue.ts';

const cases: [MessageKey, Record<string, string | number>, string, string][] = [
  ['rings.sales.vtxRest', { n: '1' }, ' (1 VM exit handled so far).', ' (2 VM exits handled so far).'],
  ['rings.sales.swRest', { n: '1', each: '' }, ' (1 trap so far).', ' (2 traps so far).'],
  ['rings.sales.pvRest', { n: '1', ported: '' }, ' (1 hypercall so far).', ' (2 hypercalls so far).'],
  ['shell.transportBar.events', { n: '1' }, '1 event', '2 events'],
  ['viz.event.retired', { address: '0x00010000', n: 1, ring: 0, to: '', mode: '' }, 'Retired the instruction at 0x00010000 (1 byte) in ring 0', 'Retired the instruction at 0x00010000 (1 bytes) in ring 0'],
  ['rings.exitStats.meta', { n: '1', reasons: '1 reason' }, '1 exit · 1 reason', '2 exits · 1 reason'],
  ['security.access.auditLogEntriesNewest', {}, 'Audit log (1 entry, newest first)', 'Audit log (2 entries, newest first)'],
  ['io.sriov.oneCardVirtualFunctions', {}, 'One card, 1 virtual function, in its own domain', 'One card, 2 virtual functions, each in its own domain'],
];

describe('plural forms', () => {
  it.each(cases)('%s: one and other', (key, params, one, other) => {
    expect(t(key, { ...params, count: 1 })).toBe(one);
    // For `other`, placeholders other than count keep the values above (the form is what is checked).
    const two = t(key, { ...params, count: 2, ...(typeof params.n === 'string' ? { n: '2' } : {}) });
    expect(two).toBe(other);
  });
});
