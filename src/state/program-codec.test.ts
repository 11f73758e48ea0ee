import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeProgram, encodeProgram } from './program-codec.ts';

describe('programs in links', () => {
  it('round-trip any text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 3000 }), async (s) => {
        expect(await decodeProgram(await encodeProgram(s))).toBe(s);
      }),
      { numRuns: 50 },
    );
  });
  it('a damaged program gives a readable error', async () => {
    await expect(decodeProgram('AAAA_not-deflate')).rejects.toThrow(/damaged/);
  });
  it('a lab file compresses to a short link', async () => {
    const text = '; @mode guest\n' + 'start:\n  mov eax, 0\n  cpuid\n'.repeat(100) + '  hlt\n';
    expect((await encodeProgram(text)).length).toBeLessThan(text.length / 5);
  });
});
