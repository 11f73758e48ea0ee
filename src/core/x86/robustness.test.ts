/**
 * Robustness: arbitrary bytes executed as code never make the simulator throw a JavaScript exception.
 * Whatever a lab program contains, `runLab` must end with one of the documented reasons — the processor
 * faults, halts, shuts down or runs out of steps, exactly as hardware would never "crash" the machine
 * (docs/CONVENTIONS.md: errors are values; faults inside the interpreter are the ABORT sentinel).
 *
 * Three properties: raw random bytes through `runLab` (bare mode, CPL 0, no IDT); the same with a prologue
 * that loads random and plausible values into the registers; and random code at CPL 0 and CPL 3 under a
 * small kernel (an IDT whose handlers return with IRET), which reaches event delivery, IRET, far transfers,
 * descriptor loads, control registers and VMX instructions with garbage operands.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { runLab } from '../lab/run.ts';
import { JsonSink } from '../trace/json.ts';
import { BareHarness, GATE, asm, gateDesc, installKernel, setGate, toRing3 } from '../../test-support/bare.ts';

const REASONS = new Set(['halted', 'triple-fault', 'unhandled-exception', 'limit', 'vmx-abort']);

/** Bytes that steer the decoder into prefixes, the 0F maps and the system instructions. */
const SPECIAL: number[][] = [
  [0x66], [0x67], [0xf2], [0xf3], [0xf0], [0x26], [0x2e], [0x36], [0x3e], [0x64], [0x65],
  [0x0f, 0x00], [0x0f, 0x01], [0x0f, 0x20], [0x0f, 0x22], [0x0f, 0x21], [0x0f, 0x23], [0x0f, 0xc7], [0x0f, 0x78],
  [0x0f, 0x79], [0x0f, 0x38, 0x80], [0x0f, 0x38, 0x81], [0x0f, 0x38, 0x82], [0x0f, 0x30], [0x0f, 0x32], [0x0f, 0xa2],
  [0x0f, 0x34], [0x0f, 0x35], [0x0f, 0xb2], [0x0f, 0xa1], [0x0f, 0xa9], [0x0f, 0x01, 0xc1], [0x0f, 0x01, 0xc2],
  [0x0f, 0x01, 0xc3], [0x0f, 0x01, 0xc4], [0x0f, 0x01, 0xd4], [0xcd], [0xcf], [0xca], [0xcb], [0x9a], [0xea],
  [0x8e], [0xc4], [0xc5], [0x9d], [0xf4], [0xcc], [0xce], [0xf1], [0x62], [0xc8], [0x6c], [0x6e], [0xec], [0xee],
  [0xd8], [0xdb, 0xe3], [0x0f, 0x06], [0x0f, 0x0b], [0xfa], [0xfb], [0xa4], [0xae], [0xd7], [0x17], [0x07],
];
const bytes = (max: number): fc.Arbitrary<number[]> =>
  fc
    .array(
      fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: 0, max: 255 }).map((b) => [b]) },
        { weight: 2, arbitrary: fc.constantFrom(...SPECIAL) },
        { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }) },
      ),
      { minLength: 1, maxLength: max },
    )
    .map((chunks) => chunks.flat());

/** Register values: random, small, or pointing at mapped memory, the tables, or the end of RAM. */
const regValue = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.integer({ min: 0, max: 0x100 }),
  fc.constantFrom(0x20000, 0x1000, 0x5000, 0x6000, 0x2000, 0x8f000, 0xfffff0, 0xfff, 0xffffffff, 0x80000000, 0x3b, 0x23, 0x1b, 0x28),
);

const hex = (b: number[]): string => b.map((x) => x.toString(16).padStart(2, '0')).join(' ');

function lab(source: string, maxSteps: number): string {
  const res = runLab(source, { maxSteps, trace: new JsonSink(() => {}) });
  if (!res.ok) throw new Error('assembly failed: ' + JSON.stringify(res.errors));
  return res.end.reason as string;
}

describe('random code never throws out of runLab, and every run ends with a defined reason', () => {
  test('raw random bytes at the program address (bare mode)', () => {
    fc.assert(
      fc.property(bytes(40), (b) => {
        let reason: string;
        try {
          reason = lab(`; @mode bare\ndb ${b.join(',')}\n`, 300);
        } catch (e) {
          throw new Error(`threw on ${hex(b)}: ${(e as Error).stack ?? e}`);
        }
        expect(REASONS.has(reason), `${reason} for ${hex(b)}`).toBe(true);
      }),
      { numRuns: 5000 },
    );
  }, 240_000);

  test('random bytes after a prologue that loads registers (memory operands hit mapped and unmapped memory)', () => {
    fc.assert(
      fc.property(fc.array(regValue, { minLength: 7, maxLength: 7 }), bytes(30), (regs, b) => {
        const names = ['eax', 'ecx', 'edx', 'ebx', 'ebp', 'esi', 'edi'];
        const prologue = names.map((n, k) => `mov ${n}, ${regs[k]}`).join('\n');
        const src = `; @mode bare\n${prologue}\ndb ${b.join(',')}\n`;
        let reason: string;
        try {
          reason = lab(src, 300);
        } catch (e) {
          throw new Error(`threw on regs ${regs.map((r) => r.toString(16)).join(',')} bytes ${hex(b)}: ${(e as Error).stack ?? e}`);
        }
        expect(REASONS.has(reason)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  }, 240_000);
});

describe('random code under a kernel (IDT, IRET-returning handlers) never throws', () => {
  // Every vector: a handler that pops the error code when there is one, skips nothing, and IRETs; after 20 events
  // the kernel halts. Faulting code therefore re-executes a few times, reaching nested delivery, #DF and IRET.
  const h = new BareHarness('nehalem', false);
  const kernel = (ring3: boolean, body: number[]): string => `
    ${ring3 ? toRing3() : ''}
    code: db ${body.join(',')}
    hlt
    times 16 db 0xF4
    ; handlers: vectors with an error code jump to 'with_ec'
    no_ec: inc dword [ss:0x21000]
      cmp dword [ss:0x21000], 20
      jae done
      iretd
    with_ec: add esp, 4
      jmp no_ec
    done: hlt
  `;
  for (const ring3 of [false, true]) {
    test(`random code at CPL ${ring3 ? 3 : 0}`, () => {
      fc.assert(
        fc.property(fc.array(regValue, { minLength: 7, maxLength: 7 }), bytes(30), (regs, b) => {
          const p = asm(kernel(ring3, b));
          try {
            const r = h.run(p, {
              maxSteps: 400,
              regs: { eax: regs[0], ecx: regs[1], edx: regs[2], ebx: regs[3], ebp: regs[4], esi: regs[5], edi: regs[6] },
              setup: (m, sym) => {
                installKernel(m, sym.no_ec);
                for (const v of [8, 10, 11, 12, 13, 14, 17]) setGate(m, v, gateDesc(0x08, sym.with_ec, { type: GATE.INT32 }));
                for (const v of [3, 4, 0x80]) setGate(m, v, gateDesc(0x08, sym.no_ec, { type: GATE.TRAP32, dpl: 3 }));
                m.mem.write32(0x21000, 0);
              },
            });
            expect(REASONS.has(r.reason)).toBe(true);
          } catch (e) {
            if (e instanceof Error && e.message.startsWith('expect')) throw e;
            throw new Error(`threw at CPL ${ring3 ? 3 : 0}, regs ${regs.map((r) => r.toString(16)).join(',')}, bytes ${hex(b)}: ${(e as Error).stack ?? e}`);
          }
        }),
        { numRuns: 2500 },
      );
    }, 240_000);
  }
});
