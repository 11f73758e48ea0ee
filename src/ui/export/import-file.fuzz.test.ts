// Fuzz: importing a file (issue 9 item 1): whatever is dropped on VT Lab (an exported PNG or SVG with its scene
// link, a JSON trace, a lab file, or anything else), `classifyImport` returns a value (never throws) within a
// bounded time; a refusal names the file and, for text, the line; valid exports still open.

import fc from 'fast-check';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyImport, parseTrace, type Imported } from './import-file.ts';
import { crc32, PNG_LINK_KEYWORD, readPngText, withPngText } from './png-text.ts';
import { readSvgLink, withSvgLink } from './svg-link.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { FuzzProbe, byteMutationOf, expectClearMessage, garbageBytes, garbageText, mutationsOf } from '../../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('import file (classifyImport)');
const pngProbe = new FuzzProbe('PNG text chunk (readPngText)');
const svgProbe = new FuzzProbe('SVG link (readSvgLink)');
afterAll(() => {
  probe.report();
  pngProbe.report();
  svgProbe.report();
});

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const NAME = 'dropped.file';

function tinyPng(): Uint8Array {
  const chunk = (type: string, data: Uint8Array): Uint8Array => {
    const c = new Uint8Array(12 + data.length);
    const dv = new DataView(c.buffer);
    dv.setUint32(0, data.length);
    for (let i = 0; i < 4; i++) c[4 + i] = type.charCodeAt(i);
    c.set(data, 8);
    dv.setUint32(8 + data.length, crc32(c.subarray(4, 8 + data.length)));
    return c;
  };
  const ihdr = new Uint8Array([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  const idat = new Uint8Array(deflateSync(Buffer.from([0, 255, 0, 0])));
  return new Uint8Array(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array())]));
}

const LINK = '#/rings?v=1&s=kernel&cpu=nehalem&seed=1&insn=1&t=120';
const PNG = withPngText(tinyPng(), PNG_LINK_KEYWORD, LINK);
const SVG = withSvgLink('<svg xmlns="http://www.w3.org/2000/svg" width="10"><rect width="5" height="5"/></svg>', LINK);
const TRACE = '{"type":"vmexit","reason":10,"name":"CPUID","cycle":1}\n{"type":"console","text":"hi\\n","vm":0,"cycle":3}\n{"type":"end","reason":"halted","cycle":4}\n';
const LAB = '; @mode bare\n; @cpu nehalem\nstart:\n  mov eax, 1\n  hlt\n';

function classify(bytes: Uint8Array): Imported {
  const r = probe.time(() => classifyImport(NAME, bytes), bytes);
  if (r.kind === 'error') {
    expect(r.message.startsWith(NAME), r.message.slice(0, 200)).toBe(true);
    // KNOWN (url.ts, the lead's file): a link's message quotes an unknown lab or key whole; see url.fuzz.test.ts.
    // (the input is passed so that a 'NaN' the file itself holds, quoted by JSON.parse's message, is no leak)
    expectClearMessage(r.message, [NAME], new TextDecoder().decode(bytes.subarray(0, 100_000)));
  }
  return r;
}

describe('import fuzz', () => {
  const runs = fuzzRuns(250);
  it(`garbage bytes and text (${runs} files)`, () => {
    fc.assert(fc.property(fc.oneof(garbageBytes(), garbageText().map(enc)), (b) => void classify(b)), { numRuns: runs });
  }, fuzzTimeout(runs, 300));

  const mutRuns = fuzzRuns(350);
  it(`exported PNG, SVG, trace and lab file, each corrupted (${mutRuns} files)`, () => {
    const arb = fc.oneof(
      byteMutationOf(PNG),
      mutationsOf(SVG, 2).map(enc),
      mutationsOf(TRACE, 3).map(enc),
      mutationsOf(LAB, 3).map(enc),
      byteMutationOf(enc(TRACE)),
    );
    fc.assert(
      fc.property(arb, (b) => {
        const r = classify(b);
        // A text refusal past the first line points at its line (trace) or line and column (lab file).
        if (r.kind === 'error' && /line \d+/.test(r.message)) expect(r.message).toMatch(/^dropped\.file, line \d+(, column \d+)?: /);
      }),
      { numRuns: mutRuns },
    );
  }, fuzzTimeout(mutRuns, 300));

  const recRuns = fuzzRuns(250);
  it(`trace records of any JSON shape (${recRuns} traces)`, () => {
    const rec = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.record({ type: fc.constantFrom('vmexit', 'console', 'end', 'teleport', ''), reason: fc.jsonValue({ maxDepth: 1 }), name: fc.jsonValue({ maxDepth: 1 }), text: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(fc.array(rec, { minLength: 1, maxLength: 6 }), (rs) => {
        const text = rs.map((x) => JSON.stringify(x)).join('\n');
        const r = probe.time(() => parseTrace(NAME, text), text);
        if (r.kind === 'error') expectClearMessage(r.message, [/line \d+|holds no trace records/]);
        else if (r.kind === 'trace') expect(r.summary.records).toBeGreaterThan(0);
      }),
      { numRuns: recRuns },
    );
  }, fuzzTimeout(recRuns, 300));

  it('hostile shapes: the 8 MiB limit, a PNG chunk claiming 4 GiB, a 1 MB type name, a 1 MB SVG', () => {
    const huge = new Uint8Array(8 * 1024 * 1024 + 1);
    const r = classify(huge);
    expect(r.kind === 'error' && r.message).toMatch(/up to 8 MiB/);
    const lie = PNG.slice();
    new DataView(lie.buffer).setUint32(8 + 25, 0xffffffff); // the chunk after IHDR claims 4 GiB
    classify(lie);
    classify(enc(`{"type":"${'x'.repeat(1_000_000)}"}`));
    classify(enc(`<svg>${'<vtlab:link>'.repeat(100_000)}`));
    classify(enc(`<svg><vtlab:link ${'a'.repeat(1_000_000)}`));
  }, 60_000);
});

describe('valid exports round-trip', () => {
  const rtRuns = fuzzRuns(150);
  it(`a link written into a PNG or an SVG comes back out (${rtRuns} links)`, () => {
    const link = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789~=&?#/.-_<>"\''), maxLength: 300 });
    fc.assert(
      fc.property(link, (l) => {
        expect(pngProbe.time(() => readPngText(withPngText(PNG, PNG_LINK_KEYWORD, l), PNG_LINK_KEYWORD), l)).toBe(l);
        expect(svgProbe.time(() => readSvgLink(withSvgLink(SVG.replace(/<metadata>.*<\/metadata>/, ''), l)), l)).toBe(l);
      }),
      { numRuns: rtRuns },
    );
  }, fuzzTimeout(rtRuns, 300));

  it('the exported PNG, SVG, trace and lab file open as what they are', () => {
    expect(classify(PNG)).toEqual({ kind: 'link', link: LINK, from: 'png' });
    expect(classify(enc(SVG))).toEqual({ kind: 'link', link: LINK, from: 'svg' });
    expect(classify(enc(TRACE)).kind).toBe('trace');
    expect(classify(enc(LAB))).toEqual({ kind: 'program', text: LAB });
  });

  const pngRuns = fuzzRuns(250);
  it(`readPngText and readSvgLink on garbage return a value (${pngRuns} inputs)`, () => {
    fc.assert(
      fc.property(fc.oneof(garbageBytes(), byteMutationOf(PNG)), garbageText(), (b, s) => {
        const t = pngProbe.time(() => readPngText(b, PNG_LINK_KEYWORD), b);
        expect(t === null || typeof t === 'string').toBe(true);
        const l = svgProbe.time(() => readSvgLink(s), s);
        expect(l === null || typeof l === 'string').toBe(true);
      }),
      { numRuns: pngRuns },
    );
  }, fuzzTimeout(pngRuns, 300));
});

describe('regressions found by fuzzing', () => {
  it('a trace record with a 1 MB type name gives a short message naming the line (was: the name quoted whole)', () => {
    const r = parseTrace('t.jsonl', `{"type":"vmexit","reason":1,"name":"X"}\n{"type":"${'x'.repeat(1_000_000)}"}`);
    expect(r.kind === 'error' && r.message).toMatch(/^t\.jsonl, line 2: 'xxx+\.\.\.' is not a record type/);
    expect(r.kind === 'error' && r.message.length).toBeLessThan(200);
  });

  it('a record without a string type says what it has (no "undefined")', () => {
    const r = parseTrace('t.jsonl', '{"kind":"vmexit"}');
    expect(r.kind === 'error' && r.message).toBe("t.jsonl, line 1: 'nothing' is not a record type of the VT Lab trace format.");
  });

  it('a vmexit record is checked by the schema: a reason that is not a basic exit reason is refused', () => {
    const r = parseTrace('t.jsonl', '{"type":"vmexit","reason":-1,"name":"X"}');
    expect(r.kind === 'error' && r.message).toBe('t.jsonl, line 1: a vmexit record needs a numeric reason and a name.');
  });
});
