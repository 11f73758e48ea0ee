/**
 * The block loop's shortcuts (cpu.ts executeBlock: a block that loops to its own start runs again in place; fast.ts
 * `fuse`: a flag-setting register instruction and the JZ/JNZ after it run as one call) must not change anything a
 * program or a trace can see. Reference: the same program run one instruction at a time (`traceRetire` forces the
 * one-instruction path, which runs every instruction through its own `fn`). Registers, EFLAGS, EIP, the number of
 * retired instructions and the simulated cycles must be identical, including when the fused jump faults.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Seg } from '../arch.ts';
import { BareHarness, type BareResult, type BareOptions } from '../../../test-support/bare.ts';

const block = new BareHarness('nehalem', false);
const single = new BareHarness('nehalem', false);

function both(src: string, opts: BareOptions = {}): [BareResult, BareResult, number, number] {
  const a = block.run(src, opts);
  const cyclesA = a.cpu.cycles;
  const b = single.run(src, { ...opts, setup: (m, sym) => { opts.setup?.(m, sym); m.cpu.traceRetire = true; } });
  const cyclesB = b.cpu.cycles;
  b.cpu.traceRetire = false;
  return [a, b, cyclesA, cyclesB];
}

function same(a: BareResult, b: BareResult): void {
  expect({ reason: a.reason, vector: a.vector, eax: a.eax, ecx: a.ecx, edx: a.edx, ebx: a.ebx, esi: a.esi, edi: a.edi, eip: a.eip, eflags: a.eflags, instructions: a.instructions })
    .toEqual({ reason: b.reason, vector: b.vector, eax: b.eax, ecx: b.ecx, edx: b.edx, ebx: b.ebx, esi: b.esi, edi: b.edi, eip: b.eip, eflags: b.eflags, instructions: b.instructions });
}

/** Loop bodies of register instructions, closed by each fusable flag-setter + JZ/JNZ pair. */
const BODY = ['add eax, ebx', 'xor edx, eax', 'sub ebx, 3', 'or esi, eax', 'and edi, edx', 'inc ebx', 'dec edi', 'cmp eax, ebx', 'test esi, edx', 'adc eax, 1'];
const CLOSERS = [
  'dec ecx\n  jnz .loop',
  'inc ecx\n  jnz .loop',
  'sub ecx, 1\n  jnz .loop',
  'cmp ecx, 0\n  dec ecx\n  jnz .loop',
  'dec ecx\n  cmp ecx, 0\n  jnz .loop',
  'dec ecx\n  test ecx, ecx\n  jnz .loop',
  'dec ecx\n  cmp ecx, 5\n  jz .out\n  test ecx, ecx\n  jnz .loop\n.out:',
  'dec ecx\n  cmp ebx, ecx\n  jz .loop\n  test ecx, ecx\n  jnz .loop',
];

describe('block shortcuts retire exactly what one-at-a-time execution retires', () => {
  test('random register loops (self-looping blocks, fused pairs) end in the same state, count and time', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...BODY), { minLength: 0, maxLength: 6 }),
        fc.constantFrom(...CLOSERS),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: -0x80000000, max: 0x7fffffff }), { minLength: 5, maxLength: 5 }),
        fc.integer({ min: 20, max: 400 }),
        (body, closer, count, vals, steps) => {
          const src = `mov ecx, ${count}\n.loop:\n  ${body.join('\n  ')}\n  ${closer}\n  cli\n  hlt\n`;
          const regs = { eax: vals[0], ebx: vals[1], edx: vals[2], esi: vals[3], edi: vals[4] };
          const [a, b, ca, cb] = both(src, { regs, maxSteps: steps });
          same(a, b);
          expect(ca).toBe(cb);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a fused jump past the CS limit faults after the first instruction retired (#GP, EIP at the jump)', () => {
    const src = 'mov ecx, 2\n  dec ecx\n  jnz target\n  hlt\n  times 64 nop\ntarget:\n  hlt\n';
    // CS limit just below `target`: the block (mov, dec, jnz) fits, the jump does not.
    const setup: BareOptions['setup'] = (m, sym) => {
      const c = m.cpu;
      c.setSegCache(Seg.CS, c.segSel[Seg.CS], c.segBase[Seg.CS], sym.target - 1 - c.segBase[Seg.CS], c.segAr[Seg.CS] & ~0x8000);
    };
    const [a, b, ca, cb] = both(src, { setup });
    expect(a.reason).toBe('unhandled-exception');
    expect(a.vector).toBe(13);
    expect(a.instructions).toBe(2); // MOV and DEC retired; JNZ faulted
    same(a, b);
    expect(ca).toBe(cb);
  });
});
