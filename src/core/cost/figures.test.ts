import { describe, expect, it } from 'vitest';
import {
  ASSUMPTIONS,
  COST_CPU_MODELS,
  FIGURES,
  NATIVE_BY_MODEL,
  NOT_FOUND,
  figureById,
  nativeCostFor,
  roundTripFor,
} from './figures.ts';

// Product rule: no number a user might quote without a source; assumptions are labelled as such.
describe('cost figures', () => {
  it('every figure has a non-empty source, a kind and a finite value', () => {
    for (const f of FIGURES) {
      expect(f.source.trim(), f.id).not.toBe('');
      expect(['measured', 'derived', 'assumption'], f.id).toContain(f.kind);
      expect(Number.isFinite(f.value), f.id).toBe(true);
      expect(f.note.trim(), f.id).not.toBe('');
    }
  });

  it('every derived figure shows its arithmetic in the note', () => {
    for (const f of FIGURES.filter((x) => x.kind === 'derived')) {
      // an equation with at least one number on each side of "="
      expect(f.note, f.id).toMatch(/\d[^=]*=|=[^=]*\d/);
      expect(f.note, f.id).toContain('=');
    }
  });

  it('every assumption says so in its note, so the UI can show it as one', () => {
    for (const f of FIGURES.filter((x) => x.kind === 'assumption')) {
      expect(f.note, f.id).toMatch(/ASSUMPTION/);
    }
    expect(ASSUMPTIONS.every((a) => a.kind === 'assumption')).toBe(true);
  });

  it('ids are unique and resolvable', () => {
    const ids = FIGURES.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(figureById(id)?.id).toBe(id);
    expect(figureById('no.such.figure')).toBeUndefined();
  });

  it('ranges and bounds are consistent with the value', () => {
    for (const f of FIGURES) {
      if (f.range !== undefined) {
        expect(f.range[0], f.id).toBeLessThanOrEqual(f.range[1]);
        expect(f.value, f.id).toBe(f.range[0]);
      }
    }
  });

  it('each project CPU model has a VM exit+entry round trip, derived or marked as an assumption', () => {
    for (const m of COST_CPU_MODELS) {
      const rt = roundTripFor(m);
      expect(rt.model).toBe(m);
      expect(rt.unit).toBe('cycles');
      expect(['derived', 'assumption']).toContain(rt.kind);
      expect(rt.value).toBeGreaterThan(0);
    }
    // the two models without a measurement of their own must not pose as derived
    expect(roundTripFor('xeon-lv').kind).toBe('assumption');
    expect(roundTripFor('modern').kind).toBe('assumption');
  });

  it('round trips match the sourced generation table they are derived from', () => {
    expect(roundTripFor('xeon-5100').value).toBe(figureById('vmx.round-trip.merom')?.value);
    expect(roundTripFor('nehalem').value).toBe(figureById('vmx.round-trip.nehalem')?.value);
    expect(roundTripFor('modern').value).toBe(figureById('vmx.round-trip.sandy-bridge')?.value);
  });

  it('native costs per model are derived from a measured entry and missing ones are undefined', () => {
    for (const m of COST_CPU_MODELS) {
      for (const f of Object.values(NATIVE_BY_MODEL[m])) {
        expect(f.kind).toBe('derived');
        expect(f.model).toBe(m);
      }
    }
    expect(nativeCostFor('nehalem', 'cpuid')?.value).toBe(200);
    expect(nativeCostFor('nehalem', 'in-out')).toBeUndefined();
    expect(NOT_FOUND.length).toBeGreaterThan(0);
  });
});
