import { describe, expect, it } from 'vitest';
import { auditRows, checkLockField, policyRows, shortHex, tally } from './view.ts';
import { DEFAULT_POLICY } from '../../core/security/groups.ts';
import type { SoftwareSurface, VtxSurface } from '../../core/security/surface.ts';

describe('security view model', () => {
  it('checks the lockout fields and keeps NIST’s ceiling', () => {
    expect(checkLockField('threshold', '5')).toEqual({ ok: true, value: 5 });
    expect(checkLockField('threshold', '101')).toMatchObject({ ok: false });
    expect(checkLockField('threshold', '2.5')).toMatchObject({ ok: false, message: /whole number/ });
    expect(checkLockField('lockoutSeconds', '')).toMatchObject({ ok: false, message: /Enter a number/ });
    expect(checkLockField('advance', '0')).toMatchObject({ ok: false });
  });
  it('shortens hex but keeps short strings', () => {
    expect(shortHex('00112233445566778899')).toBe('00112233…8899');
    expect(shortHex('abcd')).toBe('abcd');
  });
  it('lists the audit log newest first without changing it', () => {
    const log = [{ seq: 1 }, { seq: 2 }] as never[];
    expect(auditRows(log).map((e: { seq: number }) => e.seq)).toEqual([2, 1]);
    expect((log as { seq: number }[])[0].seq).toBe(1);
  });
  it('shows HR with the HRM console only', () => {
    const hr = policyRows(DEFAULT_POLICY).find((r) => r.group === 'HR')!;
    expect(hr.cells.filter((c) => c.actions.length > 0)).toEqual([{ vm: 'HRM, email & FTP', actions: ['console'] }]);
  });
  it('counts host-caused exits apart from guest-reachable ones', () => {
    const vtx = { exits: [{ by: 'guest-always' }, { by: 'guest-control' }, { by: 'host' }], hypercalls: [{}, {}] } as unknown as VtxSurface;
    const sw = { callouts: [{ forms: 2 }, { forms: 3 }], trapCauses: ['a'], translatedForms: 10 } as unknown as SoftwareSurface;
    expect(tally(vtx, sw)).toMatchObject({ vtxGuest: 2, vtxHost: 1, vtxTotal: 4, swTotal: 3, swForms: 5 });
  });
});
