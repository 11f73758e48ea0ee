// Fuzz: the program carried in a link (`src`: deflate-raw, base64url), issue 9 item 1. Any text decodes to a
// program or rejects with one of the documented messages (damaged / too long), within a bounded time, and a
// decompression bomb is stopped before it inflates; every program round-trips.

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeProgram, encodeProgram } from './program-codec.ts';
import { fuzzRuns, fuzzTimeout } from '../test-support/fuzz-budget.ts';
import { FuzzProbe, expectClearMessage, garbageText, mutationOf } from '../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('link program (decodeProgram)');
afterAll(() => probe.report());

const DOCUMENTED = /^the program in this link is (damaged \(it cannot be decompressed\)|damaged \(it is not UTF-8 text\)|too long \(more than 200,000 characters\))$/;

async function decode(z: string): Promise<string | null> {
  try {
    return await probe.timeAsync(() => decodeProgram(z), z);
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    const m = (e as Error).message;
    expect(m).toMatch(DOCUMENTED);
    expectClearMessage(m, ['program in this link']);
    return null;
  }
}

const SAMPLE = '; @mode bare\nstart:\n  mov eax, 1\n  hlt\n';

describe('link program fuzz', () => {
  // Each decode sets up a stream (~5-10 ms wall per input): the long run is capped at 20,000 (docs/reliability.md).
  const runs = Math.min(fuzzRuns(200), 20_000);
  it(`garbage, base64url garbage and corrupted encodings (${runs} inputs)`, async () => {
    const valid = await encodeProgram(SAMPLE);
    const b64 = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), maxLength: 400 });
    await fc.assert(fc.asyncProperty(fc.oneof(garbageText(), b64, mutationOf(valid), mutationOf(valid)), async (z) => void (await decode(z))), { numRuns: runs });
  }, fuzzTimeout(runs, 300));

  const rtRuns = Math.min(fuzzRuns(150), 5_000);
  it(`any program up to the limit round-trips (${rtRuns} programs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 2000 }), fc.string({ unit: 'binary', maxLength: 500 }).map((s) => Buffer.from(s, 'utf8').toString('utf8'))), async (s) => {
        expect(await decode(await encodeProgram(s))).toBe(s);
      }),
      { numRuns: rtRuns },
    );
  }, fuzzTimeout(rtRuns, 300));
});

describe('regressions found by fuzzing', () => {
  it('a decompression bomb (a 22 kB link inflating to 16 MiB) is refused as too long, quickly (was: inflated whole first)', async () => {
    // 16 MiB of one letter deflates ~1000:1 (a 300 kB link would carry 300 MB): the decoder stops at 600 kB.
    const z = await encodeProgram('a'.repeat(16 * 1024 * 1024));
    expect(z.length).toBeLessThan(400_000);
    const bomb = new FuzzProbe('decompression bomb', 2000);
    await expect(bomb.timeAsync(() => decodeProgram(z))).rejects.toThrow('the program in this link is too long (more than 200,000 characters)');
  }, 60_000);

  it('a program of exactly 200,000 characters still decodes', async () => {
    const s = 'x'.repeat(200_000);
    expect(await decodeProgram(await encodeProgram(s))).toBe(s);
  });

  it('bytes that are not UTF-8 say so', async () => {
    // deflate-raw of the single byte 0xFF (a stored block): not UTF-8.
    const z = Buffer.from([0x01, 0x01, 0x00, 0xfe, 0xff, 0xff]).toString('base64url');
    await expect(decodeProgram(z)).rejects.toThrow('the program in this link is damaged (it is not UTF-8 text)');
  });
});
