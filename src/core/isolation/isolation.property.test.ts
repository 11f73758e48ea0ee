/**
 * Property: whatever fault hits whichever VM, whenever, the other VMs' outputs are the outputs of the fault-free
 * run (one console is a prefix of the other: a VM that got more CPU printed more of the same) and they do at
 * least as much work (within 3 %: sampling) — the VMM contains every fault kind.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FAULT_KINDS } from './faults.ts';
import { SERVICE_IDS } from './programs.ts';
import { ISOLATION_DEFAULTS, runIsolation } from './run.ts';
import { runVirtualized } from './virtualized.ts';
import type { IsolationParams } from './types.ts';

const BASE: IsolationParams = { ...ISOLATION_DEFAULTS, cpu: 'modern', durationMs: 1, faultAtMs: 0.3, policy: { kind: 'on-failure', maxRestarts: 1 }, restartDelayMs: 0.1 };
const baseline = runVirtualized({ ...BASE, fault: 'none' });

describe('isolation property', () => {
  it('any fault in any one VM never changes the other VMs\' outputs', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FAULT_KINDS), fc.constantFrom(...SERVICE_IDS), fc.integer({ min: 1, max: 6 }), fc.boolean(), (fault, target, tenth, recurring) => {
        const r = runIsolation({ ...BASE, fault, target, faultAtMs: tenth / 10, recurring }, baseline);
        SERVICE_IDS.forEach((s, k) => {
          if (s === target) return;
          expect(r.vmOutputIntact[k], `${fault} in ${target}: ${s}'s console`).toBe(true);
          expect(r.vmProgressRatio[k], `${fault} in ${target}: ${s}'s progress`).toBeGreaterThanOrEqual(0.97);
          expect(r.virtualized.final[k]).toBe('running');
        });
      }),
      { numRuns: 8, seed: 7 },
    );
  }, 120_000);
});
