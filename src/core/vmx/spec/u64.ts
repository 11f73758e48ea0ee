/** A 64-bit value as two unsigned 32-bit halves (plain data; the x86 core's MSR values use the same shape). */
export interface U64 {
  readonly lo: number;
  readonly hi: number;
}

export function u64(lo: number, hi = 0): U64 {
  return { lo: lo >>> 0, hi: hi >>> 0 };
}

/** Bit n (0–63) of a 64-bit value. */
export function bit64(v: U64, n: number): boolean {
  return n < 32 ? ((v.lo >>> n) & 1) === 1 : ((v.hi >>> (n - 32)) & 1) === 1;
}

/** As a BigInt (for display and tests only; not for hot paths). */
export function toBigInt(v: U64): bigint {
  return (BigInt(v.hi >>> 0) << 32n) | BigInt(v.lo >>> 0);
}

export function fromBigInt(b: bigint): U64 {
  return { lo: Number(b & 0xffffffffn), hi: Number((b >> 32n) & 0xffffffffn) };
}

export function hex64(v: U64): string {
  return '0x' + (v.hi >>> 0).toString(16).toUpperCase().padStart(8, '0') + '_' + (v.lo >>> 0).toString(16).toUpperCase().padStart(8, '0');
}
