/**
 * Every tour file parses; every step's link is a link VT Lab opens; every live question's answer key is what
 * the core actually does (open the link, run to the next event of the question's kinds, read the exit reason).
 */
import { describe, expect, it } from 'vitest';
import { TOURS, TOUR_ERRORS } from './index.ts';
import { EVENT_KIND_OF, parseTour, WAITABLE_KINDS } from './schema.ts';
import { parseLink } from '../state/url.ts';
import { Timeline } from '../core/timeline/timeline.ts';
import { EventKind } from '../core/trace/events.ts';
import { batchEvents } from '../core/trace/batch.ts';

describe('tours', () => {
  it('all ten parse, in the white paper order, with unique ids', () => {
    expect(TOUR_ERRORS).toEqual([]);
    expect(TOURS.map((t) => t.id)).toEqual(['converged-platform', 'rings', 'challenges', 'vmx', 'isolation', 'consolidation', 'migration', 'security', 'limits', 'conclusion']);
    for (const t of TOURS) {
      expect(new Set(t.steps.map((s) => s.id)).size).toBe(t.steps.length);
      expect(new Set(t.questions.map((q) => q.id)).size).toBe(t.questions.length);
    }
  });

  it('every step link and live-question link opens (the strict link parser accepts it)', () => {
    for (const t of TOURS) {
      for (const link of [...t.steps.map((s) => s.link), ...t.questions.map((q) => q.live?.link)]) {
        if (link === undefined) continue;
        const r = parseLink(link);
        expect(r.kind, `${t.id}: ${link}`).toBe('ok');
      }
      // A tour starts somewhere definite.
      expect(t.steps[0].link, `${t.id} step 1 has no link`).toBeDefined();
    }
  });

  it('a step that waits names event kinds the core emits', () => {
    for (const t of TOURS) for (const s of t.steps) for (const k of s.waitFor?.kinds ?? []) expect(WAITABLE_KINDS).toContain(k);
    // The names map to the core's numbers (a renumbered EventKind would break waiting steps silently).
    expect(EVENT_KIND_OF).toEqual({ VMEXIT: 4, VMM_HANDLER: 12, VMENTRY: 5, VMFAIL: 6, SW_TRAP: 20, EVENT_DELIVERY: 1, CR_WRITE: 16, SHUTDOWN: 11, HALT: 9 });
  });

  it('a broken tour file is refused with the field named', () => {
    const good = TOURS[0];
    const bad = { ...good, steps: [{ ...good.steps[0], title: '' }, good.steps[1]] };
    const r = parseTour(bad, 'x.json');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/^x\.json: steps\.0\.title /);
    const badAnswer = { ...good, questions: [{ ...good.questions[0], answer: 9 }] };
    expect(parseTour(badAnswer, 'y.json')).toMatchObject({ ok: false, message: expect.stringMatching(/questions\.0\.answer/) });
    expect(parseTour({ ...good, extra: 1 }, 'z.json').ok).toBe(false);
  });

  const live = TOURS.flatMap((t) => t.questions.filter((q) => q.live !== undefined).map((q) => ({ tour: t.id, q })));
  it.each(live.map((l) => [`${l.tour}/${l.q.id}`, l] as const))('live question %s: the answer key is what the core does', (_name, { q }) => {
    const parsed = parseLink(q.live!.link);
    if (parsed.kind !== 'ok') throw new Error('link');
    const r = Timeline.create(parsed.state.spec);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const t = r.timeline;
    const kinds = q.live!.kinds.map((k) => EVENT_KIND_OF[k]);
    const skip = q.live!.skipReasons ?? [];
    let reason = -1;
    for (let n = 0; n < 10_000; n++) {
      expect(t.advance({ untilKinds: kinds, budget: 50_000_000 })).toBe('kind');
      const seq = t.position().seq - 1;
      const [e] = batchEvents(t.events(seq, seq + 1));
      expect(e.kind).toBe(EventKind.VMEXIT);
      reason = e.p[1] & 0xffff;
      if (!skip.includes(reason)) break;
    }
    // The keyed choice names the basic exit reason in parentheses, e.g. "CPUID (10)".
    const keyed = /\((\d+)\)/.exec(q.choices[q.answer]);
    expect(keyed, 'the answer names an exit reason').not.toBeNull();
    expect(reason).toBe(Number(keyed![1]));
  });

  /**
   * Following a tour on the core: each step's scene (its link, or the state the previous step left), then its awaited
   * event, passing over the VM exits it skips. Returns the basic exit reason each waiting step reaches (−1: not an exit).
   */
  function followTour(tour: (typeof TOURS)[number]): Map<string, number> {
    const reached = new Map<string, number>();
    let t: Timeline | null = null;
    for (const s of tour.steps) {
      if (s.link !== undefined) {
        const parsed = parseLink(s.link);
        t = null;
        if (parsed.kind === 'ok' && s.link.startsWith('#/rings')) {
          const r = Timeline.create(parsed.state.spec);
          if (!r.ok) throw new Error(JSON.stringify(r.errors));
          t = r.timeline;
        }
      }
      if (s.waitFor === undefined || t === null) continue;
      const kinds = s.waitFor.kinds.map((k) => EVENT_KIND_OF[k]);
      const skip = s.waitFor.skipReasons ?? [];
      let reason = -1;
      for (let n = 0; n < 10_000; n++) {
        expect(t.advance({ untilKinds: kinds, budget: 50_000_000 }), `${tour.id}/${s.id} reaches its event`).toBe('kind');
        const seq = t.position().seq - 1;
        const [e] = batchEvents(t.events(seq, seq + 1));
        reason = e.kind === EventKind.VMEXIT ? e.p[1] & 0xffff : -1;
        if (!skip.includes(reason)) break;
      }
      reached.set(s.id, reason);
    }
    return reached;
  }

  it('every waiting step of a Rings & VMX scene is reached, past the exits it skips', () => {
    for (const tour of TOURS) {
      const reached = followTour(tour);
      for (const s of tour.steps) if (s.waitFor?.skipReasons !== undefined && reached.has(s.id)) expect(s.waitFor.skipReasons).not.toContain(reached.get(s.id));
    }
  });

  it('the VT-x tour’s "A VM exit" step, which narrates CPUID (10), stops at the CPUID exit, not at the EPT violations before it', () => {
    const vmx = TOURS.find((t) => t.id === 'vmx')!;
    const reached = followTour(vmx);
    expect(reached.get('exit')).toBe(10);
    expect(vmx.steps.find((s) => s.id === 'exit')!.body.join(' ')).toMatch(/exit reason \(10\)/);
  });

  it('there are live questions to check', () => {
    expect(live.length).toBeGreaterThanOrEqual(2);
  });
});
