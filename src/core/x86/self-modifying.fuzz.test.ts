/**
 * The core under abuse (issue 9 item 2): adversarial guest code on the bare machine — self-modifying code that
 * overwrites the instruction being executed, the next instruction and code already in the decode cache (inside
 * loops that run cached blocks), `rep stos` over code, and jumps into the middle of instructions — mixed with
 * random bytes.
 *
 * Oracle: the decode cache is derived state (decode-cache.ts), so the interpreter must behave exactly as one that
 * decodes every instruction afresh from memory. P6 and later processors detect a write to code that is about to
 * execute and fetch the new bytes (SDM Vol. 3A §11.6 "Self-Modifying Code"), which is what the uncached reference
 * does. Each program runs three ways and all must agree: the normal interpreter, the reference with every cached
 * decode dropped before each instruction, and a snapshot taken at a random point restored into a second machine
 * (snapshots carry no decoded code) that runs on. Every run also ends in a defined outcome (halt, fault, triple
 * fault, step limit), never a JavaScript exception.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { PROGRAM_BASE } from '../machine/layout.ts';
import { END_REASONS, FuzzMachine, diffMachines, enc, hexBytes, stateHash } from '../../test-support/core-fuzz.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';

/** One piece of a generated program: its size and its bytes once the program's layout is known. */
interface Piece {
  size: number;
  emit(at: number, programLen: number): number[];
}

const byte = fc.integer({ min: 0, max: 255 });
/** Bytes that make interesting patches: opcodes of short instructions, prefixes, jumps, HLT, INT3, 0F escapes. */
const patchByte = fc.oneof(byte, fc.constantFrom(0x90, 0xf4, 0xcc, 0xeb, 0x74, 0x75, 0x40, 0x48, 0x0f, 0x66, 0xf3, 0xc3, 0xe9, 0xb8, 0x00, 0xff));

const pieces: fc.Arbitrary<Piece> = fc.oneof(
  // Random bytes (anything the decoder can meet).
  { weight: 3, arbitrary: fc.array(byte, { minLength: 1, maxLength: 6 }).map((b): Piece => ({ size: b.length, emit: () => b })) },
  // A harmless instruction or two (so patched code has something valid to turn into something else).
  {
    weight: 3,
    arbitrary: fc
      .constantFrom<number[]>([0x90], [0x40], [0x43], [0x01, 0xd8], [0x83, 0xc1, 0x05], [0x31, 0xd2], [0x8b, 0x06], [0xb0, 0x07], [0x3c, 0x07])
      .map((b): Piece => ({ size: b.length, emit: () => b })),
  },
  // Overwrite a byte / dword of the program (anywhere: earlier code already decoded and cached, later code).
  {
    weight: 3,
    arbitrary: fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), patchByte).map(([f, v]): Piece => ({
      size: 7,
      emit: (_at, len) => enc.movByteAbs(PROGRAM_BASE + Math.floor(f * (len + 4)), v),
    })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 0xffffffff })).map(([f, v]): Piece => ({
      size: 10,
      emit: (_at, len) => enc.movDwordAbs(PROGRAM_BASE + Math.floor(f * (len + 4)), v),
    })),
  },
  // Overwrite the next instruction (delta 0..3 past this one) or this very instruction (its opcode or immediate).
  {
    weight: 3,
    arbitrary: fc.tuple(fc.integer({ min: 0, max: 3 }), patchByte).map(([d, v]): Piece => ({ size: 7, emit: (at) => enc.movByteAbs(PROGRAM_BASE + at + 7 + d, v) })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.integer({ min: 0, max: 6 }), patchByte).map(([d, v]): Piece => ({ size: 7, emit: (at) => enc.movByteAbs(PROGRAM_BASE + at + d, v) })),
  },
  // A backward loop (dec ecx; jnz back): earlier code runs again from the decode cache, after patches.
  {
    weight: 2,
    arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((f): Piece => ({
      size: 3,
      emit: (at) => {
        const back = Math.max(0, Math.floor(f * Math.min(at, 120)));
        return [0x49, 0x75, (-(back + 3)) & 0xff];
      },
    })),
  },
  // A jump anywhere in the program, often into the middle of an instruction.
  {
    weight: 2,
    arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((f): Piece => ({
      size: 5,
      emit: (at, len) => enc.jmpRel32(Math.floor(f * len) - (at + 5)),
    })),
  },
  // rep stosb over code (possibly over itself): EDI, ECX, AL, then F3 AA.
  {
    weight: 1,
    arbitrary: fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 40 }), patchByte).map(([f, n, v]): Piece => ({
      size: 14,
      emit: (_at, len) => [...enc.movRegImm(7, PROGRAM_BASE + Math.floor(f * len)), ...enc.movRegImm(1, n), 0xb0, v, 0xf3, 0xaa],
    })),
  },
);

/** A program: the pieces laid out at PROGRAM_BASE, ending in HLT. */
const programs = fc.array(pieces, { minLength: 1, maxLength: 24 }).map((ps) => {
  const len = ps.reduce((n, p) => n + p.size, 0);
  const out: number[] = [];
  for (const p of ps) out.push(...p.emit(out.length, len));
  out.push(0xf4);
  return out;
});

const regValue = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.integer({ min: 0, max: 64 }),
  fc.constantFrom(PROGRAM_BASE, PROGRAM_BASE + 8, 0x20000, 0x90000 - 16, 0xffffff0, 0x1000, 0x2000),
);

const STEPS = 250;

describe('self-modifying code and jumps into instructions: the decode cache never changes what runs', () => {
  const a = new FuzzMachine();
  const b = new FuzzMachine();

  function start(f: FuzzMachine, prog: number[], regs: number[]): void {
    f.reset();
    f.poke(PROGRAM_BASE, prog);
    const c = f.m.cpu;
    c.eip = PROGRAM_BASE;
    for (const r of [0, 1, 2, 3, 5, 6, 7]) c.regs[r] = regs[r];
  }

  const runs = fuzzRuns(200);
  test(`cached interpreter = decode-afresh reference, and snapshot→restore mid-run gives the same future (${runs} programs)`, () => {
    fc.assert(
      fc.property(programs, fc.array(regValue, { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: STEPS }), (prog, regs, cut) => {
        const where = `program ${hexBytes(prog)} regs ${regs.map((r) => (r >>> 0).toString(16)).join(',')}`;
        // 1. The interpreter as it runs every lab, against the reference that decodes each instruction afresh.
        let outA: ReturnType<FuzzMachine['run']>;
        let outB: ReturnType<FuzzMachine['run']>;
        try {
          start(a, prog, regs);
          outA = a.run(STEPS);
          start(b, prog, regs);
          outB = b.runUncached(STEPS);
        } catch (e) {
          throw new Error(`threw on ${where}: ${(e as Error).stack ?? e}`);
        }
        expect(END_REASONS.has(outA.reason), `${outA.reason} for ${where}`).toBe(true);
        expect(outA, where).toEqual(outB);
        const d = diffMachines(a.m, b.m);
        expect(d, where).toBeNull();

        // 2. Stop at `cut`, restore the snapshot into the other machine (its pristine memory plus the pages the
        // first one wrote: the same image), and run both on. The state hash matches at once and at the end.
        start(a, prog, regs);
        const first = a.run(cut);
        if (first.reason !== 'limit') return;
        const snap = a.m.snapshot(false);
        b.reset();
        const pages: number[] = [];
        for (let p = 0; p < a.m.mem.dirtyPages.length; p++) {
          if (a.m.mem.dirtyPages[p] !== 0) {
            pages.push(p);
            b.m.mem.load(p * 4096, a.m.mem.bytes.subarray(p * 4096, p * 4096 + 4096));
          }
        }
        b.m.restore(snap);
        expect(stateHash(b.m), where).toBe(stateHash(a.m));
        const restA = a.run(STEPS - cut);
        const restB = b.run(STEPS - cut);
        expect(restB, where).toEqual(restA);
        expect(diffMachines(a.m, b.m, pages), `after restore at ${cut}: ${where}`).toBeNull();
      }),
      { numRuns: runs },
    );
  }, fuzzTimeout(runs, 200));
});
