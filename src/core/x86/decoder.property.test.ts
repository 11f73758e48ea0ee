// Properties of the decoder on random byte sequences (fast-check), checked against iced-x86:
//   - it never throws and, given 15 bytes, always produces an instruction of 1–15 bytes;
//   - when iced decodes a valid instruction, ours has the same length — also for opcodes the core does
//     not implement, which decode to `(bad)` (#UD) but keep their length so listings stay in step;
//   - when ours is an implemented instruction, every operand agrees with iced;
//   - when iced says the bytes are invalid, executing ours raises #UD or #GP (Insn.invalid is set);
//   - decoding is a pure function of the instruction's own bytes (position, trailing bytes, truncation).
// Inputs mix uniformly random bytes with prefix runs and 0F-map openings, so prefixed and two-byte
// instructions are as common as one-byte ones.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeInsn } from './decoder.ts';
import { Insn } from './insn.ts';
import { operandsOf } from './disasm/operands.ts';
import { icedDecode } from './disasm/iced.test-support.mts';

const PREFIXES = [0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65];
const OPENERS: number[][] = [[], [0x0f], [0x0f, 0x01], [0x0f, 0xc7], [0x0f, 0x38], [0x0f, 0x00], [0xff], [0xd9], [0xc4], [0x8c], [0x8e], [0x0f, 0x20], [0x0f, 0x22]];

/** 16 bytes: up to 4 prefixes, an opener (nothing, 0F, 0F 01, ...), then random bytes. */
const code = fc
  .tuple(fc.array(fc.constantFrom(...PREFIXES), { maxLength: 4 }), fc.constantFrom(...OPENERS), fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.boolean())
  .map(([pre, open, rest, plain]) => {
    if (plain) return rest;
    const b = new Uint8Array(16);
    b.set([...pre, ...open].slice(0, 16));
    b.set(rest.subarray(0, 16 - pre.length - open.length), pre.length + open.length);
    return b;
  });

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function decode(bytes: Uint8Array, bits: 16 | 32): Insn {
  const i = new Insn();
  expect(decodeInsn(bytes, 0, bytes.length, bits, i)).toBe(true);
  return i;
}

// F3 0F BC/BD: iced decodes TZCNT/LZCNT; the modelled CPUs (no BMI1/LZCNT in CPUID) execute BSF/BSR,
// which is what such a processor does with the ignored F3 (SDM Vol. 2B "LZCNT", "TZCNT" compatibility note).
function sameOperationAsIced(i: Insn): boolean {
  return !(i.rep === 0xf3 && (i.opcode === 0x0fbc || i.opcode === 0x0fbd));
}

describe.each([32, 16] as const)('random %d-bit code against iced-x86', (bits) => {
  it('lengths, operands and validity agree (25 000 inputs)', () => {
    let compared = 0;
    fc.assert(
      fc.property(code, (bytes) => {
        const i = decode(bytes, bits);
        expect(i.len).toBeGreaterThanOrEqual(1);
        expect(i.len).toBeLessThanOrEqual(15);
        expect(hex(i.bytes)).toBe(hex(bytes.subarray(0, i.len)));
        const ic = icedDecode(bytes, bits, 0x1000);
        const where = `${hex(bytes)} → ours ${i.mnem} ${i.ops} (${i.len}), iced '${ic.text}' (${ic.length})`;
        if (ic.invalid) {
          expect(i.invalid, where).not.toBe('');
          return;
        }
        expect(i.len, where).toBe(ic.length);
        if (i.mnem === '(bad)') return;
        compared++;
        if (!sameOperationAsIced(i)) return;
        const x87 = i.opcode >= 0xd8 && i.opcode <= 0xdf;
        const theirs = x87 ? ic.operands.filter((o) => o.kind === 'mem') : ic.operands;
        expect(JSON.stringify(operandsOf(i, 0x1000)), where).toBe(JSON.stringify(theirs));
      }),
      { numRuns: 25_000, seed: bits * 7919 },
    );
    expect(compared).toBeGreaterThan(15_000); // most inputs are implemented instructions
  });

  it('never throws, and never needs more than 15 bytes (25 000 inputs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 15, maxLength: 15 }), (bytes) => {
        const i = new Insn();
        expect(decodeInsn(bytes, 0, 15, bits, i)).toBe(true);
        expect(i.len).toBeGreaterThanOrEqual(1);
        expect(i.len).toBeLessThanOrEqual(15);
        expect(typeof i.fn).toBe('function');
      }),
      { numRuns: 25_000, seed: bits },
    );
  });

  it("decoding depends only on the instruction's bytes: offset, trailing bytes and truncation (5 000 inputs)", () => {
    fc.assert(
      fc.property(code, fc.nat(40), fc.uint8Array({ minLength: 15, maxLength: 15 }), (bytes, at, tail) => {
        const a = decode(bytes, bits);
        // the same instruction at another offset, followed by other bytes
        const buf = new Uint8Array(at + a.len + 15).fill(0xcc);
        buf.set(bytes.subarray(0, a.len), at);
        buf.set(tail, at + a.len);
        const b = new Insn();
        expect(decodeInsn(buf, at, at + a.len + 15, bits, b)).toBe(true);
        const { fn: fa, bytes: ba, ...ra } = a;
        const { fn: fb, bytes: bb, ...rb } = b;
        expect(rb).toEqual(ra);
        expect(fb).toBe(fa);
        expect(hex(bb)).toBe(hex(ba));
        // exactly its bytes suffice; one fewer asks for more (unless it is the 15-byte #GP case)
        const c = new Insn();
        if (a.invalid.includes('15 bytes')) return;
        expect(decodeInsn(buf, at, at + a.len, bits, c)).toBe(true);
        expect(c.len).toBe(a.len);
        expect(decodeInsn(buf, at, at + a.len - 1, bits, c)).toBe(false);
      }),
      { numRuns: 5_000, seed: 99 + bits },
    );
  });
});
