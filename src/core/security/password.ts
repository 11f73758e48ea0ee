/**
 * Password storage: only a salted, stretched hash is kept (PBKDF2-HMAC-SHA-256 through WebCrypto,
 * `globalThis.crypto.subtle`, present in browsers, workers and Node ≥ 20), and a candidate is checked by
 * hashing it the same way and comparing in constant time. The plaintext lives only in the argument of these
 * functions: nothing here stores, logs or returns it.
 *
 * Figures and their sources:
 *  - 600,000 iterations for PBKDF2-HMAC-SHA-256: OWASP Password Storage Cheat Sheet ("If FIPS-140 compliance
 *    is required, use PBKDF2 with a work factor of 600,000 or more and set with an internal hash function of
 *    HMAC-SHA-256"; https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html, 2023
 *    revision — earlier revisions said 310,000). Configurable, so tests can use fewer.
 *  - 16-byte (128-bit) random salt per password: NIST SP 800-132 §5.1 ("the length of the randomly-generated
 *    portion of the salt shall be at least 128 bits"); NIST SP 800-63B §5.1.1.2 asks for at least 32 bits.
 *  - 32-byte derived key: the HMAC-SHA-256 output length (RFC 8018 §5.2: dkLen ≤ (2^32 − 1)·hLen; one block).
 */

export const OWASP_PBKDF2_SHA256_ITERATIONS = 600_000;
export const SALT_BYTES = 16;
export const HASH_BYTES = 32;

/** Random bytes for salts: the worker passes `crypto.getRandomValues`, tests a seeded generator (the core stays deterministic). */
export type RandomBytes = (n: number) => Uint8Array;

/** A stored credential: everything needed to verify a password, nothing that reveals it. */
export interface PasswordHash {
  algorithm: 'PBKDF2-HMAC-SHA-256';
  iterations: number;
  /** Hex. */
  salt: string;
  /** Hex. */
  hash: string;
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (let k = 0; k < b.length; k++) s += b[k].toString(16).padStart(2, '0');
  return s;
}

export function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >>> 1);
  for (let k = 0; k < out.length; k++) out[k] = parseInt(s.slice(2 * k, 2 * k + 2), 16);
  return out;
}

/** The slice of WebCrypto's SubtleCrypto used here (the core is compiled without DOM types). */
interface Subtle {
  importKey(format: 'raw', key: Uint8Array, algorithm: 'PBKDF2', extractable: false, usages: ['deriveBits']): Promise<unknown>;
  deriveBits(algorithm: { name: 'PBKDF2'; hash: 'SHA-256'; salt: Uint8Array; iterations: number }, key: unknown, length: number): Promise<ArrayBuffer>;
}

function subtle(): Subtle {
  const s = (globalThis as unknown as { crypto?: { subtle?: Subtle } }).crypto?.subtle;
  if (s === undefined) throw new Error('WebCrypto (crypto.subtle) is not available: passwords cannot be hashed');
  return s;
}

/** UTF-8 bytes of a string (RFC 3629), as TextEncoder would give. */
export function utf8(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** PBKDF2-HMAC-SHA-256(password, salt, iterations) → 32 bytes (RFC 8018 §5.2, via WebCrypto). */
export async function pbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError('PBKDF2 needs at least one iteration');
  const key = await subtle().importKey('raw', utf8(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle().deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, HASH_BYTES * 8);
  return new Uint8Array(bits);
}

/** Hashes a new password with a fresh salt. */
export async function hashPassword(password: string, iterations: number, random: RandomBytes): Promise<PasswordHash> {
  const salt = random(SALT_BYTES);
  if (salt.length !== SALT_BYTES) throw new RangeError(`the salt source gave ${salt.length} bytes, not ${SALT_BYTES}`);
  const hash = await pbkdf2(password, salt, iterations);
  return { algorithm: 'PBKDF2-HMAC-SHA-256', iterations, salt: toHex(salt), hash: toHex(hash) };
}

/**
 * Compares two byte strings in time that depends only on their lengths, never on where they first differ:
 * every byte is visited and the differences are OR-ed together, with no early exit (the technique of
 * Node's `crypto.timingSafeEqual` and OpenSSL's `CRYPTO_memcmp`). A length mismatch is folded into the result
 * rather than returned early.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const n = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let k = 0; k < n; k++) diff |= (a[k] ?? 0) ^ (b[k] ?? 0);
  return diff === 0;
}

/** True when `password` hashes to `stored` (same salt and iteration count), compared in constant time. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const candidate = await pbkdf2(password, fromHex(stored.salt), stored.iterations);
  return constantTimeEqual(candidate, fromHex(stored.hash));
}
