/**
 * Test support for the fuzz suites (`*.fuzz.test.ts`, issue 9 item 1): generators of garbage and of
 * structure-aware mutations, a per-input time bound, the "clear message" check, and the figures each suite
 * records (inputs tried, max and median time per input) for docs/reliability.md.
 *
 *   const probe = new FuzzProbe('parseLink');
 *   fc.assert(fc.property(garbageText(), (s) => { const r = probe.time(() => parseLink(s)); … }), { numRuns: fuzzRuns(1000) });
 *   afterAll(() => probe.report());
 *
 * The time bound is per input, on the process's CPU time (process.cpuUsage), not wall-clock: the test machine
 * is shared, and a descheduled process must not fail a test whose parser did nothing wrong. Set
 * VTLAB_FUZZ_REPORT=DIR to have every probe write its figures to DIR/NAME.json.
 */
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/** No single input may take longer than this (CPU time). A parser that needs more is a denial of service. */
export const PER_INPUT_LIMIT_MS = 200;

export interface FuzzFigures {
  name: string;
  inputs: number;
  /** CPU milliseconds per input. */
  maxMs: number;
  medianMs: number;
  p99Ms: number;
  /** The slowest input, shortened, for the report. */
  slowest: string;
}

export class FuzzProbe {
  private times = new Float64Array(1024);
  private n = 0;
  private max = 0;
  private slowest = '';

  constructor(readonly name: string, private readonly limitMs = PER_INPUT_LIMIT_MS) {}

  /** Runs `fn` once, records its CPU time and fails the test if it took longer than the bound. */
  time<T>(fn: () => T, input?: unknown): T {
    const c0 = process.cpuUsage();
    try {
      return fn();
    } finally {
      const d = process.cpuUsage(c0);
      this.record((d.user + d.system) / 1000, input);
    }
  }

  /** The same for an async parser (CPU time still; the awaits in between are the event loop's). */
  async timeAsync<T>(fn: () => Promise<T>, input?: unknown): Promise<T> {
    const c0 = process.cpuUsage();
    try {
      return await fn();
    } finally {
      // (a rejection is an answer too: it is timed like a value)
      const d = process.cpuUsage(c0);
      this.record((d.user + d.system) / 1000, input);
    }
  }

  private record(ms: number, input: unknown): void {
    if (this.n === this.times.length) {
      const t = new Float64Array(this.times.length * 2);
      t.set(this.times);
      this.times = t;
    }
    this.times[this.n++] = ms;
    if (ms > this.max) {
      this.max = ms;
      this.slowest = describeInput(input);
    }
    if (ms >= this.limitMs) expect.fail(`${this.name}: one input took ${ms.toFixed(1)} ms of CPU (bound ${this.limitMs} ms): ${describeInput(input)}`);
  }

  figures(): FuzzFigures {
    const t = this.times.slice(0, this.n).sort();
    const at = (q: number): number => (this.n === 0 ? 0 : t[Math.min(this.n - 1, Math.floor(q * this.n))]);
    return { name: this.name, inputs: this.n, maxMs: round(this.max), medianMs: round(at(0.5)), p99Ms: round(at(0.99)), slowest: this.slowest };
  }

  /** Prints the figures and, with VTLAB_FUZZ_REPORT=DIR, writes them to DIR/NAME.json. */
  report(): FuzzFigures {
    const f = this.figures();
    const dir = process.env.VTLAB_FUZZ_REPORT;
    if (dir !== undefined && dir !== '') {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${f.name.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`), JSON.stringify(f, null, 2));
      console.log(`fuzz ${f.name}: ${f.inputs} inputs, CPU per input median ${f.medianMs} ms, p99 ${f.p99Ms} ms, max ${f.maxMs} ms`);
    }
    return f;
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

function describeInput(input: unknown): string {
  if (input === undefined) return '(input not given)';
  let s: string;
  if (input instanceof Uint8Array) s = `${input.length} bytes`;
  else if (typeof input === 'string') s = JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}…` : input) + ` (${input.length} chars)`;
  else {
    try {
      s = JSON.stringify(input) ?? String(input);
    } catch {
      // a BigInt inside, or an object whose own 'toString' is not a function: describe, never throw
      s = `(${typeof input} that cannot be shown)`;
    }
  }
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

// ------------------------------------------------------------------------------------------ messages

/** Longest acceptable message: a 1 MB input must not give a 1 MB message (quote a shortened copy). */
export const MAX_MESSAGE_CHARS = 600;

/**
 * A rejection message a user can act on: not empty, bounded, no leaked internals ('undefined', 'NaN',
 * '[object Object]', a stack), and, when `names` is given, naming at least one of them (the field, the
 * parameter, the line).
 */
export function expectClearMessage(message: unknown, names: readonly (string | RegExp)[] = [], input = ''): void {
  if (typeof message !== 'string') expect.fail(`the rejection carries no message: ${String(message)}`);
  const m = message;
  if (m.trim().length <= 3) expect.fail(`the message is empty: '${m}'`);
  if (m.length > MAX_MESSAGE_CHARS) expect.fail(`the message is too long to read (${m.length} chars): ${m.slice(0, 160)}…`);
  // Internals must not leak (user text quoted in the message may say anything, so quotes are taken out first).
  if (!LEAK.test(input) && LEAK.test(m.replace(/'[^']*'|"[^"]*"/g, "''"))) expect.fail(`the message leaks internals: ${m.slice(0, 300)}`);
  if (names.length > 0 && !names.some((n) => (typeof n === 'string' ? m.includes(n) : n.test(m)))) {
    expect.fail(`the message does not name what is wrong (${names.map(String).join(' | ')}): ${m.slice(0, 300)}`);
  }
}

const LEAK = /\bundefined\b(?! (?:symbol|label|name|instruction|parameter))|\[object |\bat .*\(.*:\d+:\d+\)|internal .*error|TypeError|RangeError|\bNaN\b/;

// ------------------------------------------------------------------------------------------ generators

/** Characters that break naive parsers: separators, quotes, NUL, BOM, bidi controls, surrogate halves, CR. */
const NASTY = ['\0', '\uFEFF', '\u202E', '\uD800', '\uDFFF', '\r', '\n', '\t', '\u2028', '%', '&', '=', '~', '?', '#', ';', '@', '"', "'", '\\', '<', '>', ',', '.', '-', '_', ' ', '𝟘', '٣', '０'];

/** Random garbage text: unicode, binary code units, a stew of separators, and rarely a huge input. */
export function garbageText(opts: { huge?: boolean } = {}): fc.Arbitrary<string> {
  const arbs: fc.WeightedArbitrary<string>[] = [
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...NASTY), maxLength: 100 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 400 }) },
  ];
  if (opts.huge !== false) {
    // A long input built from a repeated piece: cheap to generate, as expensive to parse as any.
    arbs.push({ weight: 1, arbitrary: fc.tuple(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }), fc.integer({ min: 1000, max: 30_000 })).map(([s, n]) => s.repeat(n)) });
  }
  return fc.oneof(...arbs);
}

/** Texts a person might type into a number field, plus the classic edge cases (issue 9: zero, negative, huge, NaN, text). */
export function numberText(): fc.Arbitrary<string> {
  const classic = fc.constantFrom(
    '0', '-0', '00', '-1', '1', '+1', '0.5', '.5', '5.', '1.2.3', '1e3', '1E-3', '1e309', '-1e309', '1e', 'e1', 'NaN', 'nan', 'Infinity', '-Infinity', 'infinity',
    '', ' ', '  12  ', '\t7\n', '0x10', '0X1f', '0x', '0b101', '0o7', '1_000', '1,000', '1 000', '١٢', '１２', '9'.repeat(400), '0.' + '0'.repeat(400) + '1',
    '4294967295', '4294967296', '9007199254740993', '-2147483648', '1/2', '½', 'twelve', 'null', 'undefined', '[]', '{}', '1;', '1e-400', '0x' + 'f'.repeat(40), '٣.٥',
  );
  return fc.oneof(
    { weight: 4, arbitrary: classic },
    { weight: 2, arbitrary: fc.double().map(String) },
    { weight: 2, arbitrary: fc.integer().map(String) },
    { weight: 1, arbitrary: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String) },
    { weight: 1, arbitrary: fc.nat().map((n) => '0x' + n.toString(16)) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: -99, max: 99 }), fc.integer({ min: -400, max: 400 })).map(([m, e]) => `${m}e${e}`) },
    { weight: 2, arbitrary: garbageText({ huge: false }) },
    { weight: 1, arbitrary: fc.constant('7'.repeat(50_000)) },
  );
}

/** Replacement tokens for structure-aware mutation: values a field must refuse or survive. */
const TOKENS = ['', '0', '-1', '1e309', 'NaN', 'Infinity', '0x', '0xFFFFFFFFF', '9'.repeat(30), '__proto__', 'constructor', '%', '%zz', '~', '=', '&', '.', '\0', '\uD800', 'é', '"', "'", ']', '[', ':', ';', ',', '\n'];

/** One edit, as plain data (applied by `applyEdit`): building arbitraries per input would cost milliseconds. */
interface Edit {
  kind: number;
  p: number;
  k: number;
  c: number;
  times: number;
  s: string;
  tok: string;
  q: number;
}

const EDIT: fc.Arbitrary<Edit> = fc.record({
  kind: fc.integer({ min: 0, max: 6 }),
  p: fc.nat(),
  k: fc.nat({ max: 40 }),
  c: fc.integer({ min: 0, max: 0xffff }),
  times: fc.integer({ min: 1, max: 200 }),
  s: fc.string({ unit: fc.constantFrom(...NASTY), minLength: 1, maxLength: 4 }),
  tok: fc.constantFrom(...TOKENS),
  q: fc.nat(),
});

/**
 * Applies one edit that keeps most of the structure, so the parser gets past its first checks and meets the
 * corruption deep inside: a cut, a range deleted, nasty characters inserted, one character replaced, a range
 * repeated, a token replaced by an odd value, two tokens swapped.
 */
export function applyEdit(v: string, e: Edit): string {
  const p = e.p % (v.length + 1);
  switch (e.kind) {
    case 0:
      return v.slice(0, p);
    case 1:
      return v.slice(0, p) + v.slice(p + (e.k % 17));
    case 2:
      return v.slice(0, p) + e.s + v.slice(p);
    case 3:
      return v.slice(0, p) + String.fromCharCode(e.c) + v.slice(p + 1);
    case 4:
      return v.slice(0, p) + v.slice(p, p + e.k).repeat(e.times) + v.slice(p);
    case 5:
      return replaceToken(v, e.q, e.tok);
    default:
      return swapTokens(v, e.p, e.q);
  }
}

/** `valid` with one edit. */
export function mutationOf(valid: string): fc.Arbitrary<string> {
  return EDIT.map((e) => applyEdit(valid, e));
}

/** `valid` with one to `depth` edits in a row (a badly damaged input that still looks like one). */
export function mutationsOf(valid: string, depth = 3): fc.Arbitrary<string> {
  return fc.array(EDIT, { minLength: 1, maxLength: depth }).map((es) => es.reduce(applyEdit, valid));
}

/** One of `valids` with one to `depth` edits (no `chain`: cheap to generate). */
export function mutatedFrom(valids: readonly string[], depth = 3): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...valids), fc.array(EDIT, { minLength: 1, maxLength: depth })).map(([v, es]) => es.reduce(applyEdit, v));
}

const TOKEN_RE = /[A-Za-z0-9_$]+/g;

function replaceToken(s: string, k: number, tok: string): string {
  const m = [...s.matchAll(TOKEN_RE)];
  if (m.length === 0) return s + tok;
  const t = m[k % m.length];
  return s.slice(0, t.index) + tok + s.slice(t.index + t[0].length);
}

function swapTokens(s: string, a: number, b: number): string {
  const m = [...s.matchAll(TOKEN_RE)];
  if (m.length < 2) return s;
  let [x, y] = [m[a % m.length], m[b % m.length]];
  if (x.index > y.index) [x, y] = [y, x];
  if (x.index === y.index) return s;
  return s.slice(0, x.index) + y[0] + s.slice(x.index + x[0].length, y.index) + x[0] + s.slice(y.index + y[0].length);
}

/** Random bytes, and rarely a big buffer. */
export function garbageBytes(): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    { weight: 1, arbitrary: fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.integer({ min: 1000, max: 20_000 })).map(([b, n]) => repeatBytes(b, n)) },
  );
}

export function repeatBytes(b: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(b.length * n);
  for (let k = 0; k < n; k++) out.set(b, k * b.length);
  return out;
}

/** The bytes of `valid` with one corruption (a bit flipped, a byte set, a cut, a range removed). */
export function byteMutationOf(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  const n = valid.length;
  const pos = fc.nat({ max: Math.max(0, n - 1) });
  return fc.oneof(
    fc.tuple(pos, fc.integer({ min: 0, max: 7 })).map(([p, bit]) => {
      const c = valid.slice();
      c[p] ^= 1 << bit;
      return c;
    }),
    fc.tuple(pos, fc.integer({ min: 0, max: 255 })).map(([p, v]) => {
      const c = valid.slice();
      c[p] = v;
      return c;
    }),
    pos.map((p) => valid.slice(0, p)),
    fc.tuple(pos, fc.nat({ max: 64 })).map(([p, k]) => {
      const c = new Uint8Array(Math.max(0, n - Math.min(k, n - p)));
      c.set(valid.subarray(0, p));
      c.set(valid.subarray(p + Math.min(k, n - p)), p);
      return c;
    }),
  );
}

// ------------------------------------------------------------------------------------------ form fields

export type FieldResult<T = number> = { ok: true; value: T } | { ok: false; message: string };

export interface FieldRule {
  /** Accepted values lie in [min, max] (a number field's documented range). */
  min?: number;
  max?: number;
  integer?: boolean;
  /** What the message must name (the field's label), when the message is not shown beside the field alone. */
  names?: readonly (string | RegExp)[];
  /** An accepted value, written back as text, is accepted again as the same value (default true). */
  roundTrip?: boolean;
}

/**
 * One text typed into a form field: the validator returns a value or a message (never throws), in bounded time;
 * an accepted number is finite and inside the documented range and survives being shown and typed again; a
 * refusal is a clear message (it goes beside the field, so the field itself is the "where").
 */
export function checkFieldText<T>(probe: FuzzProbe, parse: (text: string) => FieldResult<T>, text: string, rule: FieldRule = {}): FieldResult<T> {
  const r = probe.time(() => parse(text), text);
  if (!r.ok) {
    expectClearMessage(r.message, rule.names ?? [], text);
    return r;
  }
  const values = Array.isArray(r.value) ? (r.value as number[]) : [r.value as number];
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v)) expect.fail(`'${text.slice(0, 60)}' was accepted as ${String(v)}`);
    if (rule.min !== undefined && v < rule.min) expect.fail(`'${text.slice(0, 60)}' was accepted as ${v}, below ${rule.min}`);
    if (rule.max !== undefined && v > rule.max) expect.fail(`'${text.slice(0, 60)}' was accepted as ${v}, above ${rule.max}`);
    if (rule.integer === true && !Number.isInteger(v)) expect.fail(`'${text.slice(0, 60)}' was accepted as ${v}, not a whole number`);
  }
  if (rule.roundTrip !== false && !Array.isArray(r.value)) {
    // (=== on purpose: '-0' accepted as -0 shows as '0', which is the same number to every later use)
    const again = parse(String(r.value));
    if (!(again.ok && again.value === r.value)) expect.fail(`'${text.slice(0, 60)}' → ${String(r.value)} → typed again: ${JSON.stringify(again)}`);
  }
  return r;
}

