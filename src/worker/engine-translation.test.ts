import { describe, expect, it } from 'vitest';
import { wrap, expose, releaseProxy } from 'comlink';
import { createEngine } from './engine.ts';
import type { EngineApi } from './protocol.ts';
import { EventKind } from '../core/trace/events.ts';
import { F_KIND } from '../core/trace/batch.ts';

const clock = { now: () => 0, schedule: () => undefined };

describe('engine: the EPT walk', () => {
  it('walks the last EPT violation at the exit, leaves the position alone, and crosses comlink as plain data', async () => {
    const e = createEngine(clock);
    expect(e.load({ scenario: 'ept-violation', cpu: 'nehalem', seed: 1, insnEvents: false }).ok).toBe(true);
    // Step to the first VM exit.
    let guard = 0;
    while (guard++ < 100) {
      e.step(1);
      const b = e.events(e.status().position.seq - 1, e.status().position.seq);
      if (b.data[F_KIND] === EventKind.VMEXIT) break;
    }
    const seq = e.status().position.seq;
    const v = e.translation({ of: 'exit' });
    expect(e.status().position.seq).toBe(seq);
    expect(v.kind).toBe('walk');
    if (v.kind === 'walk') expect(v.walk.outcome).toMatchObject({ kind: 'ept-violation', gpa: 0x10000 });
    const { port1, port2 } = new MessageChannel();
    expose(e, port1);
    const remote = wrap<EngineApi>(port2);
    const r = await remote.translation({ of: 'address', space: 'linear', address: 0x10000, access: 'fetch' });
    expect(r.kind).toBe('walk');
    expect(structuredClone(r)).toEqual(r);
    remote[releaseProxy]();
    port1.close();
    port2.close();
  });
});
