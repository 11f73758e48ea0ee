/**
 * The labs' core models (techniques, cost figures, CPU models, scenarios, platform, isolation and scheduling)
 * take their words from the catalogue (issue 8 item 7): messages made at run time follow the active catalogue
 * (here a pseudo-translation that marks every message of these domains), and the module-level tables (scenario
 * titles, CPU-model descriptions, cost-figure notes), filled when their module loads, hold the catalogue's
 * English word for word.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { enAll } from './all.ts';
import { setCatalogue, t } from './t.ts';
import { parseCostInput } from '../core/techniques/cost-input.ts';
import { checkResourcesParams, RESOURCES_DEFAULTS } from '../core/scheduling/run.ts';
import { checkIsolationParams, ISOLATION_DEFAULTS } from '../core/isolation/run.ts';
import { defaultScenario, simulateFailover } from '../core/platform/failover/simulate.ts';
import { checkClockPair } from '../core/devices/clock.ts';
import { SCENARIOS } from '../core/scenarios/index.ts';
import { CPU_MODELS } from '../core/cpu-models/index.ts';
import { ROUND_TRIP_MEASURED } from '../core/cost/figures.ts';
import { SENSITIVE_UNPRIVILEGED } from '../core/techniques/deprivileged/instructions.ts';
import { marked, pseudo } from '../test-support/pseudo-catalogue.ts';

const DOMAINS = ['cost', 'cpus', 'scenarios', 'methods', 'platform', 'partition', 'machine'] as const;

afterEach(() => setCatalogue(null, 'en'));

describe('lab core messages follow the active catalogue', () => {
  it('a bad cycle figure in the techniques lab', () => {
    const english = parseCostInput('12abc');
    expect(english).toEqual({ ok: false, message: "'12abc' is not a number of cycles." });
    setCatalogue(pseudo(...DOMAINS), 'xx');
    const translated = parseCostInput('12abc');
    expect(translated.ok).toBe(false);
    if (!translated.ok) expect(translated.message).toBe("‹'12abc' is not a number of cycles.›");
  });

  it('field errors of the isolation and resources labs', () => {
    const resources = { ...RESOURCES_DEFAULTS, tsliceMs: 0 };
    const isolation = { ...ISOLATION_DEFAULTS, cpu: 'no-such-cpu' };
    const en1 = checkResourcesParams(resources);
    const en2 = checkIsolationParams(isolation);
    if (en1.ok || en2.ok) throw new Error('expected errors');
    expect(en1.message).toBe('The timeslice (ms) must be between 1 and 100');
    setCatalogue(pseudo(...DOMAINS), 'xx');
    const tr1 = checkResourcesParams(resources);
    const tr2 = checkIsolationParams(isolation);
    if (tr1.ok || tr2.ok) throw new Error('expected errors');
    // Both the sentence and the field's name inside it come from the catalogue.
    expect(tr1.message).toBe('‹‹The timeslice (ms)› must be between 1 and 100›');
    expect(tr1.field).toBe(en1.field);
    expect(tr2.message).toBe(`‹${en2.message}›`);
    expect(tr2.field).toBe(en2.field);
  });

  it('the failover narration', () => {
    const sc = defaultScenario();
    const english = simulateFailover(sc);
    setCatalogue(pseudo(...DOMAINS), 'xx');
    const translated = simulateFailover(sc);
    // Same events at the same times; every narration line comes from the catalogue.
    expect(translated.events.map((e) => [e.t, e.kind, e.subject])).toEqual(english.events.map((e) => [e.t, e.kind, e.subject]));
    expect(translated.events.length).toBeGreaterThan(0);
    for (const e of translated.events) expect(marked(e.text), e.text).toBe(true);
    setCatalogue(null, 'en');
    expect(simulateFailover(sc)).toEqual(english);
  });

  it('a clock pair that cannot be converted exactly', () => {
    expect(checkClockPair(0, 1)).toEqual({ ok: false, reason: 'CPU clock must be a positive integer number of Hz, got 0' });
    setCatalogue(pseudo('machine'), 'xx');
    expect(checkClockPair(0, 1)).toEqual({ ok: false, reason: '‹CPU clock must be a positive integer number of Hz, got 0›' });
  });
});

describe('lab core tables hold the catalogue English', () => {
  it('scenario titles, descriptions and lessons', () => {
    const words = new Set(Object.values(enAll.scenarios));
    for (const s of SCENARIOS) {
      expect(words.has(s.title as never), s.id).toBe(true);
      expect(words.has(s.description as never), s.id).toBe(true);
      expect(words.has(s.lesson as never), s.id).toBe(true);
    }
    expect(SCENARIOS[0].title).toBe(t('scenarios.kernel.title'));
  });

  it('CPU-model descriptions, sources and assumptions', () => {
    const words = new Set<string>(Object.values(enAll.cpus));
    for (const m of CPU_MODELS) {
      expect(words.has(m.marketingName), m.id).toBe(true);
      expect(words.has(m.microarchitecture), m.id).toBe(true);
      for (const s of m.sources) expect(words.has(s.claim) && words.has(s.source), s.claim).toBe(true);
      for (const a of m.assumptions) expect(words.has(a), a).toBe(true);
    }
  });

  it('cost-figure notes and the sensitive instructions', () => {
    const cost = new Set<string>(Object.values(enAll.cost));
    for (const f of ROUND_TRIP_MEASURED) expect(cost.has(f.note) && cost.has(f.cpu), f.id).toBe(true);
    const machine = new Set<string>(Object.values(enAll.machine));
    for (const s of SENSITIVE_UNPRIVILEGED) expect(machine.has(s.atRing1) && machine.has(s.sdm), s.mnemonic).toBe(true);
  });
});
