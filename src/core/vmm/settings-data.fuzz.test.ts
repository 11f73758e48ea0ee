// Fuzz: VMM settings from untrusted text and objects (the `vmm` link parameter, the CLI's --vmm, the Controls
// tab), issue 9 item 1. `vmmSettingsFromAssignments` and `validateVmmSettings` return a value (never throw)
// within a bounded time; every error names its field (a dotted path) and says what is wrong; valid settings
// round-trip through their text form.

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { validateVmmSettings, vmmSettingsFromAssignments, vmmSettingsToAssignments, VMM_SETTINGS_INFO, type VmmSettings, type VmmSettingsResult } from './settings-data.ts';
import { CONTROL_WORDS } from './controls-check.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { FuzzProbe, expectClearMessage, garbageText, mutatedFrom, numberText } from '../../test-support/fuzz-harness.ts';

const text = new FuzzProbe('VMM settings (KEY=VALUE text)');
const object = new FuzzProbe('VMM settings (object)');
afterAll(() => {
  text.report();
  object.report();
});

function checkErrors(r: VmmSettingsResult, input: string): void {
  if (r.ok) {
    // What passed is normalised: re-validating it changes nothing.
    expect(validateVmmSettings(r.settings)).toEqual({ ok: true, settings: r.settings });
    return;
  }
  expect(r.errors.length).toBeGreaterThan(0);
  for (const e of r.errors) {
    expect(typeof e.field).toBe('string');
    expect(e.field.length).toBeLessThanOrEqual(60);
    expectClearMessage(e.message, [], input);
  }
}

const VALID = ['hltExiting=false', 'rdtscExiting=on', 'ioPassthroughPorts=0x3F8-0x3FF,0x80', 'msrPassthrough=0x10,0x174-0x176', 'exceptionBitmap=0x4008', 'cr0GuestHostMask=0x80000021', 'raw.primary.set=0x4', 'rawControls.pin.clear=0x40', 'ept=1'];
const KEYS = [...VMM_SETTINGS_INFO.map((i) => i.key), 'raw.primary.set', 'raw.pin.clear', 'raw.secondary.set', 'rawControls.exit.set'];

describe('VMM settings fuzz', () => {
  const runs = fuzzRuns(350);
  it(`KEY=VALUE lists: garbage, corrupted and odd values (${runs} inputs)`, () => {
    const assignment = fc.oneof(
      garbageText({ huge: false }),
      mutatedFrom([...VALID], 2),
      fc.tuple(fc.constantFrom(...KEYS), numberText()).map(([k, v]) => `${k}=${v}`),
      fc.tuple(fc.constantFrom('ioPassthroughPorts', 'msrPassthrough'), fc.array(fc.tuple(numberText(), fc.option(numberText())), { maxLength: 6 })).map(([k, parts]) => `${k}=${parts.map(([a, b]) => (b === null ? a : `${a}-${b}`)).join(',')}`),
    );
    const arb = fc.oneof(
      { weight: 50, arbitrary: fc.array(assignment, { maxLength: 8 }) },
      { weight: 1, arbitrary: fc.constant(Array.from({ length: 400 }, () => 'ioPassthroughPorts=0-0xFFFF')) },
      { weight: 1, arbitrary: fc.constant(Array.from({ length: 400 }, () => 'msrPassthrough=0-0x1FFF')) },
    );
    fc.assert(
      fc.property(arb, (list) => checkErrors(text.time(() => vmmSettingsFromAssignments(list), list), list.join('~'))),
      { numRuns: runs },
    );
  }, fuzzTimeout(runs, 300));

  const objRuns = fuzzRuns(350);
  it(`settings objects from a file or a message: any JSON value (${objRuns} inputs)`, () => {
    const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(NaN, Infinity, -1, 2 ** 32, 1.5, -0, undefined, null, [], {}, [NaN], [65536], [0xc0002000], [undefined], ['x'.repeat(100_000)], [() => 1], [Symbol('s')], [10n]));
    const shaped = fc.dictionary(fc.constantFrom(...KEYS.filter((k) => !k.includes('.')), 'rawControls', '__proto__', 'constructor', 'toString'), value, { maxKeys: 6 });
    const raw = fc.dictionary(fc.constantFrom(...CONTROL_WORDS, 'bogus'), fc.oneof(fc.record({ set: value, clear: value }, { requiredKeys: [] }), value), { maxKeys: 4 }).map((r) => ({ rawControls: r }));
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), shaped, raw), (x) => checkErrors(object.time(() => validateVmmSettings(x), x), '')),
      { numRuns: objRuns },
    );
  }, fuzzTimeout(objRuns, 300));

  const rtRuns = fuzzRuns(250);
  it(`valid settings round-trip through their text form (${rtRuns} settings)`, () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    const settings: fc.Arbitrary<VmmSettings> = fc.record(
      {
        hltExiting: fc.boolean(),
        ept: fc.boolean(),
        exceptionBitmap: u32,
        cr4ReadShadow: u32,
        ioPassthroughPorts: fc.uniqueArray(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((a) => a.sort((x, y) => x - y)),
        msrPassthrough: fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 0x1fff }), fc.integer({ min: 0xc0000000, max: 0xc0001fff })), { maxLength: 20 }).map((a) => a.sort((x, y) => x - y)),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(settings, (s) => {
        const r = text.time(() => vmmSettingsFromAssignments(vmmSettingsToAssignments(s)), s);
        expect(r).toEqual({ ok: true, settings: s });
      }),
      { numRuns: rtRuns },
    );
  }, fuzzTimeout(rtRuns, 300));
});

describe('regressions found by fuzzing', () => {
  it('400 full-range port lists are refused quickly with a message (was: 26 million entries parsed, 0.4 s)', () => {
    const r = vmmSettingsFromAssignments(Array.from({ length: 400 }, () => 'ioPassthroughPorts=0-0xFFFF'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toEqual({ field: 'ioPassthroughPorts', message: 'I/O ports passed through: the settings list more than 163840 ports and MSRs in all' });
  });

  it('two full-range port lists are still fine (the last one wins)', () => {
    const r = vmmSettingsFromAssignments(['ioPassthroughPorts=0-0xFFFF', 'ioPassthroughPorts=0x80']);
    expect(r).toEqual({ ok: true, settings: { ioPassthroughPorts: [0x80] } });
  });

  it('an unknown 20,000-character key gives a short message and field (was: quoted whole)', () => {
    const r = vmmSettingsFromAssignments([`${'k'.repeat(20_000)}=1`]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors[0].message.length).toBeLessThan(400);
      expect(r.errors[0].field).toBe(`${'k'.repeat(37)}...`);
    }
  });
});

describe('regressions found by fuzzing: a crash', () => {
  it('a port range between two numbers above 2^53 is refused (was: an endless loop growing an array until V8 aborted the process)', () => {
    const big = '0x' + 'f'.repeat(40);
    const r = vmmSettingsFromAssignments([`ioPassthroughPorts=${big}-${big}`]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ field: 'ioPassthroughPorts', message: expect.stringContaining('is not a comma-separated list of numbers or ranges') });
  });

  it('a 32-bit value above 2^53 is refused with the 32-bit message', () => {
    const r = vmmSettingsFromAssignments([`exceptionBitmap=${'9'.repeat(30)}`]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toMatch(/must be a whole number from 0 to 0xFFFFFFFF/);
  });
});
