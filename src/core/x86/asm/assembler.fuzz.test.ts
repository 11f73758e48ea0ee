// Fuzz: the assembler (issue 9 item 1). Whatever a student types or a link carries, `assemble` returns a value
// (never throws, never an "internal assembler error"), within a bounded time, and every error points at a line
// and a column inside the text with a readable message. Valid programs still assemble to the same bytes when
// only their layout changes. Budget: fuzzRuns (quick in `npm test`, 100,000 in `npm run fuzz`).

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { assemble, type AssembleResult } from './index.ts';
import { MAX_REPORTED_ERRORS } from './diagnostics.ts';
import { SCENARIO_SOURCES } from '../../scenarios/sources.generated.ts';
import { fuzzRuns, fuzzTimeout } from '../../../test-support/fuzz-budget.ts';
import { FuzzProbe, expectClearMessage, garbageText, mutatedFrom } from '../../../test-support/fuzz-harness.ts';

const PROGRAM_BASE = 0x10000;
const SOURCES = Object.entries(SCENARIO_SOURCES);
/** Programs small enough to mutate 100,000 times (a few ms each); the big ones get a smaller share. */
const SMALL = SOURCES.filter(([, s]) => s.split('\n').length <= 210).map(([, s]) => s);
/** Every instruction or directive line of the shipped programs (comments dropped): one-line mutation targets. */
const LINES = [...new Set(SOURCES.flatMap(([, s]) => s.split('\n').map((l) => l.replace(/;.*$/, '').trimEnd()).filter((l) => l.trim() !== '')))];

/** Checks the result's shape: errors inside the text, clear, capped; success carries consistent output. */
function checkResult(src: string, r: AssembleResult): void {
  if (r.ok) {
    expect(r.bytes.length).toBeLessThanOrEqual(16 * 1024 * 1024);
    return;
  }
  const lines = src.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  expect(r.errors.length).toBeGreaterThan(0);
  expect(r.errors.length).toBeLessThanOrEqual(MAX_REPORTED_ERRORS);
  for (const e of r.errors) {
    if (!(Number.isInteger(e.line) && e.line >= 1 && e.line <= lines.length)) expect.fail(`error line ${e.line} outside 1…${lines.length}: ${e.message}`);
    const len = lines[e.line - 1].length;
    if (!(Number.isInteger(e.column) && e.column >= 1 && e.column <= len + 1)) expect.fail(`error column ${e.column} outside line ${e.line} (length ${len}): ${e.message}`);
    if (!(e.endColumn > e.column && e.endColumn <= len + 2)) expect.fail(`error end column ${e.endColumn} (column ${e.column}, line length ${len}): ${e.message}`);
    expectClearMessage(e.message, [], src);
  }
}

const probe = new FuzzProbe('assembler');
afterAll(() => probe.report());

function run(src: string, bits?: 16 | 32): AssembleResult {
  return probe.time(() => assemble(src, { origin: PROGRAM_BASE, ...(bits !== undefined ? { bits } : {}) }), src);
}

describe('assembler fuzz', () => {
  const garbageRuns = fuzzRuns(150);
  it(`random garbage (${garbageRuns} inputs): a value, errors inside the text`, () => {
    fc.assert(
      fc.property(garbageText(), fc.constantFrom<16 | 32 | undefined>(16, 32, undefined), (src, bits) => checkResult(src, run(src, bits))),
      { numRuns: garbageRuns },
    );
  }, fuzzTimeout(garbageRuns, 300));

  const lineRuns = fuzzRuns(250);
  it(`one instruction line with a token mutated (${lineRuns} inputs)`, () => {
    const arb = fc.array(mutatedFrom(LINES, 2), { minLength: 1, maxLength: 4 }).map((ls) => ls.join('\n'));
    fc.assert(fc.property(arb, (src) => checkResult(src, run(src))), { numRuns: lineRuns });
  }, fuzzTimeout(lineRuns, 300));

  const progRuns = fuzzRuns(150);
  it(`a shipped program with one to three corruptions (${progRuns} inputs)`, () => {
    const arb = mutatedFrom([...SMALL], 3);
    fc.assert(fc.property(arb, (src) => checkResult(src, run(src))), { numRuns: progRuns });
  }, fuzzTimeout(progRuns, 300));

  const bigRuns = Math.max(10, Math.floor(fuzzRuns(20) / 20));
  it(`the big programs (kernel, hypervisor) with one corruption (${bigRuns} inputs)`, () => {
    const big = SOURCES.filter(([, s]) => s.split('\n').length > 210).map(([, s]) => s);
    fc.assert(fc.property(mutatedFrom([...big], 1), (src) => checkResult(src, run(src))), { numRuns: bigRuns });
  }, fuzzTimeout(bigRuns, 300));

  it('hostile shapes: deep nesting, huge numbers, long lines, many labels', () => {
    const cases = [
      `mov eax, ${'('.repeat(5000)}1${')'.repeat(5000)}`,
      `mov eax, ${'-'.repeat(20000)}1`,
      `mov eax, ${'1+'.repeat(20000)}1`,
      `dd ${'9'.repeat(5000)}`,
      `times 0x7fffffff nop`,
      `times -1 nop`,
      `x equ x`,
      `a equ b\nb equ a\nmov eax, a`,
      `${'a'.repeat(190_000)}:`,
      `db "${'x'.repeat(100_000)}`,
      `org 0xffffffff\nnop\nnop`,
      `align 0x80000000`,
      `mov eax, [eax+eax*3]`,
      `mov eax, [${'eax+'.repeat(1000)}1]`,
      '\uFEFF\uFEFF\0\r\r\n\u2028',
    ];
    for (const src of cases) checkResult(src, run(src));
  }, 60_000);

  it('a program at the editor limit (200,000 characters) assembles in about a quarter second, not more', () => {
    // The assembler is linear (measured: ~14 µs per 'mov' line, ~26 µs per 'jmp' line, 2-5 layout passes), so the
    // largest program the editor accepts (session/check.ts MAX_PROGRAM_CHARS) gets its own, larger bound.
    const big = new FuzzProbe('assembler (200,000-character programs)', 1500);
    const jumps = Array.from({ length: 9_500 }, (_, k) => `l${k}: jmp l${(k * 7919) % 9_500}`).join('\n');
    const movs = Array.from({ length: 9_500 }, (_, k) => `l${k}: mov eax, ${k}`).join('\n');
    for (const src of [jumps, movs]) {
      expect(src.length).toBeLessThanOrEqual(200_000);
      const r = big.time(() => assemble(src, { origin: PROGRAM_BASE }), src);
      expect(r.ok).toBe(true);
    }
    big.report();
  }, 60_000);
});

describe('regressions found by fuzzing', () => {
  it("words of Object.prototype are not directives (was: 'constructor newline' taken for data, then an internal error)", () => {
    for (const src of ['constructor newline', 'toString 1', 'x hasOwnProperty 1', 'mov eax, valueOf [ebx]', '__proto__ nop']) {
      const r = assemble(src);
      expect(r.ok, src).toBe(false);
      if (!r.ok) for (const e of r.errors) expect(e.message, src).not.toMatch(/internal|needs at least one value/);
    }
    const r = assemble('constructor newline');
    expect(r.ok ? '' : r.errors[0].message).toBe("unknown instruction 'constructor'");
  });

  it('a huge unknown word gives a short message (was: the whole line quoted twice, 1 kB+)', () => {
    const word = 'IA3'.repeat(5000);
    const r = assemble(word);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors[0]).toMatchObject({ line: 1, column: 1 });
      expect(r.errors[0].message).toMatch(/^unknown instruction 'IA3IA3/);
      expect(r.errors[0].message.length).toBeLessThanOrEqual(400);
    }
  });

  it('a long statement quoted in a message is shortened, the short ones stay whole', () => {
    const r = assemble(`mov [eax], [ebx+${'1+'.repeat(400)}1]`);
    expect(r.ok).toBe(false);
    if (!r.ok) for (const e of r.errors) expect(e.message.length).toBeLessThanOrEqual(400);
    const s = assemble('mov [eax], [ebx]');
    expect(s.ok ? '' : s.errors[0].message).toBe("'mov' has no form 'mov [eax], [ebx]': memory-to-memory is not encodable");
  });
});

describe('valid programs round-trip', () => {
  const layout = fc.record({
    indent: fc.constantFrom('', ' ', '\t', '    '),
    comment: fc.constantFrom('', ' ; checked', '\t;;'),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    bom: fc.boolean(),
  });
  const rtRuns = Math.min(fuzzRuns(30), 3000);
  it(`layout does not change the bytes (${rtRuns} inputs over the ${SOURCES.length} shipped programs)`, () => {
    const reference = new Map(SOURCES.map(([k, s]) => [k, assemble(s, { origin: PROGRAM_BASE })]));
    fc.assert(
      fc.property(fc.constantFrom(...SOURCES), layout, ([name, s], l) => {
        const ref = reference.get(name)!;
        expect(ref.ok, name).toBe(true);
        const text = (l.bom ? '\uFEFF' : '') + s.split('\n').map((line) => (line.trim() === '' || /["'`;]/.test(line) ? line : l.indent + line.trim() + l.comment)).join(l.eol);
        const r = run(text);
        expect(r.ok, `${name}: ${r.ok ? '' : r.errors[0].message}`).toBe(true);
        if (r.ok && ref.ok) {
          expect(r.origin).toBe(ref.origin);
          expect(r.entry).toBe(ref.entry);
          expect(Buffer.from(r.bytes).equals(Buffer.from(ref.bytes)), `${name}: same bytes`).toBe(true);
        }
      }),
      { numRuns: rtRuns },
    );
  }, fuzzTimeout(rtRuns, 300));
});
