import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { constantTimeEqual, fromHex, hashPassword, pbkdf2, toHex, utf8, verifyPassword, OWASP_PBKDF2_SHA256_ITERATIONS, SALT_BYTES } from './password.ts';
import { seededBytes } from './test-support.ts';

describe('PBKDF2-HMAC-SHA-256 through WebCrypto', () => {
  it('matches the RFC 7914 §11 test vector (P = "passwd", S = "salt", c = 1; first 32 bytes of the 64-byte key)', async () => {
    const dk = await pbkdf2('passwd', utf8('salt'), 1);
    expect(toHex(dk)).toBe('55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc');
  });
  it('uses the OWASP iteration count by default and a 128-bit salt', () => {
    expect(OWASP_PBKDF2_SHA256_ITERATIONS).toBe(600_000);
    expect(SALT_BYTES * 8).toBeGreaterThanOrEqual(128);
  });
  it('salts: the same password hashed twice gives different salts and different hashes', async () => {
    const rnd = seededBytes(7);
    const a = await hashPassword('sip-trunk-5060', 1000, rnd);
    const b = await hashPassword('sip-trunk-5060', 1000, rnd);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
    expect(await verifyPassword('sip-trunk-5060', a)).toBe(true);
    expect(await verifyPassword('sip-trunk-5060', b)).toBe(true);
  });
  it('verifies the right password and refuses a wrong one (one character off, or a prefix)', async () => {
    const h = await hashPassword('hr-payroll-42', 1000, seededBytes(1));
    expect(await verifyPassword('hr-payroll-42', h)).toBe(true);
    expect(await verifyPassword('hr-payroll-43', h)).toBe(false);
    expect(await verifyPassword('hr-payroll-4', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
  });
  it('keeps no plaintext in the stored credential', async () => {
    const pw = 'it-admin-2007';
    const h = await hashPassword(pw, 1000, seededBytes(3));
    const text = JSON.stringify(h);
    expect(text).not.toContain(pw);
    expect(text).not.toContain(toHex(utf8(pw)));
  });
  it('utf8 agrees with the platform encoder for any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => toHex(utf8(s)) === Buffer.from(s, 'utf8').toString('hex')));
  });
});

describe('constant-time comparison', () => {
  it('is equality of byte strings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(toHex(a) === toHex(b));
        expect(constantTimeEqual(a, Uint8Array.from(a))).toBe(true);
      }),
    );
  });
  it('reads every byte whether the strings differ at the first byte, the last byte or not at all', () => {
    const reads = (x: Uint8Array, y: Uint8Array): number => {
      let n = 0;
      const spy = (u: Uint8Array) =>
        new Proxy(u, {
          get(t, k) {
            if (typeof k === 'string' && /^\d+$/.test(k)) n++;
            const v = Reflect.get(t, k, t);
            return typeof v === 'function' ? v.bind(t) : v;
          },
        });
      constantTimeEqual(spy(x), spy(y));
      return n;
    };
    const a = fromHex('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff');
    const first = Uint8Array.from(a);
    first[0] ^= 1;
    const last = Uint8Array.from(a);
    last[31] ^= 1;
    const same = reads(a, Uint8Array.from(a));
    expect(same).toBe(64);
    expect(reads(a, first)).toBe(same);
    expect(reads(a, last)).toBe(same);
  });
});
