import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { EngineStatus, SessionSpec } from '../../worker/protocol.ts';
import { CRASH_WINDOW_MS, DEFAULT_WATCHDOG, emptyTracker, observeInterventions, observeStatus, restartDecision, watchdogTick } from './recovery-model.ts';

const spec = { scenario: 'cpuid', cpu: 'nehalem', seed: 1, insnEvents: false, mode: 'vmx' } as unknown as SessionSpec;
const other = { ...spec, scenario: 'hlt-idle' } as SessionSpec;

function status(p: { seq: number; generation: number; state?: EngineStatus['state']; spec?: SessionSpec | null; breakpoints?: number[] }): EngineStatus {
  return {
    spec: p.spec === undefined ? spec : p.spec,
    state: p.state ?? 'paused',
    speed: 1,
    position: { seq: p.seq } as EngineStatus['position'],
    clockCycle: 0,
    clockHz: 1,
    ended: null,
    run: null,
    lastStop: null,
    breakpoints: p.breakpoints ?? [],
    generation: p.generation,
    error: null,
  } as EngineStatus;
}

const iv = [{ seq: 5, action: { kind: 'inject-interrupt', vector: 32 } }] as unknown as Parameters<typeof observeInterventions>[3];

describe('checkpoint: the last position the page can rebuild exactly', () => {
  it('there is none before the interventions of the running branch are known', () => {
    const t = observeStatus(emptyTracker(), status({ seq: 10, generation: 1 }));
    expect(t.checkpoint).toBeNull();
  });

  it('follows the position while the generation is the one whose interventions are known', () => {
    let t = observeInterventions(emptyTracker(), spec, 1, iv, status({ seq: 10, generation: 1, state: 'playing', breakpoints: [0x1000] }));
    expect(t.checkpoint).toEqual({ spec, seq: 10, interventions: iv, breakpoints: [0x1000], generation: 1, playing: true });
    t = observeStatus(t, status({ seq: 500, generation: 1, state: 'playing' }));
    expect(t.checkpoint?.seq).toBe(500);
  });

  it('stays at the last known-good position when the branch changes until its interventions arrive', () => {
    let t = observeInterventions(emptyTracker(), spec, 1, iv, status({ seq: 10, generation: 1 }));
    t = observeStatus(t, status({ seq: 12, generation: 2 }));
    expect(t.checkpoint?.seq).toBe(10);
    expect(t.checkpoint?.interventions).toEqual(iv);
    t = observeInterventions(t, spec, 2, [], status({ seq: 13, generation: 2 }));
    expect(t.checkpoint).toMatchObject({ seq: 13, interventions: [] });
  });

  it('a new scenario with the same generation number is not mistaken for the old one', () => {
    let t = observeInterventions(emptyTracker(), spec, 1, iv, status({ seq: 10, generation: 1 }));
    t = observeStatus(t, status({ seq: 3, generation: 1, spec: other }));
    expect(t.checkpoint?.spec).toEqual(spec);
    expect(t.checkpoint?.seq).toBe(10);
  });

  it('a fast-forward (running) is restored paused, not resumed', () => {
    const t = observeInterventions(emptyTracker(), spec, 1, [], status({ seq: 10, generation: 1, state: 'running' }));
    expect(t.checkpoint?.playing).toBe(false);
  });

  it('property: the checkpoint never pairs a position with interventions of another generation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ kind: fc.constant('status' as const), seq: fc.nat(1000), generation: fc.nat(4) }), fc.record({ kind: fc.constant('ivs' as const), generation: fc.nat(4), n: fc.nat(3) }))),
        (ops) => {
          let t = emptyTracker();
          const ivsOf = (g: number, n: number) => Array.from({ length: n }, (_, k) => ({ seq: g * 100 + k, action: { kind: 'x' } })) as unknown as typeof iv;
          const seen = new Set<string>();
          for (const op of ops) {
            if (op.kind === 'status') {
              t = observeStatus(t, status({ seq: op.seq, generation: op.generation }));
              seen.add(`${op.seq}@${op.generation}`);
            } else t = observeInterventions(t, spec, op.generation, ivsOf(op.generation, op.n), null);
            const c = t.checkpoint;
            if (c === null) continue;
            // the position was really seen in that generation, and the interventions are that generation's
            expect(seen.has(`${c.seq}@${c.generation}`)).toBe(true);
            for (const i of c.interventions) expect(Math.floor(i.seq / 100)).toBe(c.generation);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('watchdog: a silent worker is reported, then replaced', () => {
  it('pings when nothing is outstanding', () => expect(watchdogTick(null, 5_000)).toEqual({ kind: 'ping' }));
  it('waits while a ping is young', () => expect(watchdogTick(1_000, 1_000 + DEFAULT_WATCHDOG.warnAfterMs - 1)).toEqual({ kind: 'wait' }));
  it('tells the user after the warning time', () => expect(watchdogTick(0, DEFAULT_WATCHDOG.warnAfterMs)).toEqual({ kind: 'warn', silentMs: DEFAULT_WATCHDOG.warnAfterMs }));
  it('restarts after the restart time', () => expect(watchdogTick(0, DEFAULT_WATCHDOG.restartAfterMs).kind).toBe('restart'));
  it('warning comes before restarting, and both after several pings would have been answered', () => {
    expect(DEFAULT_WATCHDOG.warnAfterMs).toBeGreaterThan(3 * DEFAULT_WATCHDOG.intervalMs);
    expect(DEFAULT_WATCHDOG.restartAfterMs).toBeGreaterThan(DEFAULT_WATCHDOG.warnAfterMs);
  });
  it('property: the action only escalates as the silence grows', () => {
    const rank = { ping: 0, wait: 1, warn: 2, restart: 3 } as const;
    fc.assert(
      fc.property(fc.nat(100_000), fc.nat(100_000), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(rank[watchdogTick(0, hi).kind]).toBeGreaterThanOrEqual(rank[watchdogTick(0, lo).kind]);
      }),
    );
  });
});

describe('restart policy: a crash that comes back must not loop', () => {
  it('first crash: carry on as before', () => expect(restartDecision([], 100_000)).toBe('resume'));
  it('second within a minute: back paused at the checkpoint', () => expect(restartDecision([90_000], 100_000)).toBe('paused'));
  it('third within a minute: stop and offer the manual restart', () => expect(restartDecision([80_000, 90_000], 100_000)).toBe('give-up'));
  it('crashes longer ago than the window do not count', () => expect(restartDecision([100_000 - CRASH_WINDOW_MS - 1, 100_000 - CRASH_WINDOW_MS], 100_000)).toBe('resume'));
});
