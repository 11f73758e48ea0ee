import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_TECHNIQUES_LINK, TECHNIQUE_COST_KEYS, formatLink, parseLink, type LinkState } from './url.ts';
import { DEFAULT_FAILOVER_LINK, DEFAULT_MIGRATION_LINK } from './platform-links.ts';
import { DEFAULT_CONSOLIDATION_LINK, PLACEMENT_ALGORITHMS, TCO_KEYS, type ConsolidationLink } from './consolidation-link.ts';
import { DEFAULT_TCO_INPUTS } from '../core/platform/placement/index.ts';
import { COST_KEYS, MAX_COST_CYCLES } from '../core/techniques/compare.ts';
import { LAB_TABS } from './labs.ts';

describe('links', () => {
  it('round-trips any valid state', () => {
    const state = fc.record({
      // (every other lab has a link of its own: tested below)
      lab: fc.constant('rings' as const),
      spec: fc.record({
        scenario: fc.constantFrom('kernel', 'cpu-bound', 'kernel-bare'),
        cpu: fc.constantFrom('nehalem', 'xeon-lv'),
        seed: fc.integer({ min: 0, max: 0xffffffff }),
        insnEvents: fc.boolean(),
        params: fc.dictionary(fc.constantFrom('TICKS_TO_RUN', 'USER_SLEEPS'), fc.integer({ min: 0, max: 1000 }), { minKeys: 1 }),
      }),
      seq: fc.integer({ min: 0, max: 1e9 }),
      interventions: fc.array(fc.record({ seq: fc.integer({ min: 0, max: 1e6 }), action: fc.constantFrom({ kind: 'kill-vm' as const, vm: 0 }, { kind: 'nmi' as const }) }), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(state, (s) => {
        const parsed = parseLink(formatLink(s as LinkState));
        expect(parsed).toEqual({ kind: 'ok', state: s });
      }),
    );
  });

  it('the platform (m) round-trips, the software VMM, binary translation and paravirtualization included; an unknown platform is refused', () => {
    for (const mode of ['bare', 'guest', 'swvmm', 'bt', 'pv'] as const) {
      const s: LinkState = { lab: 'rings', spec: { scenario: 'sensitive', cpu: 'nehalem', seed: 1, insnEvents: true, mode }, seq: 12, interventions: [] };
      const link = formatLink(s);
      expect(link).toContain(`m=${mode}`);
      expect(parseLink(link)).toEqual({ kind: 'ok', state: s });
    }
    const bad = parseLink('#/rings?v=1&s=kernel&m=vmware');
    expect(bad.kind === 'error' && bad.message).toMatch(/platform \(m\)/);
  });

  it('an empty hash is the default, not an error', () => {
    expect(parseLink('')).toEqual({ kind: 'empty' });
    expect(parseLink('#/')).toEqual({ kind: 'empty' });
  });

  it('explains what is wrong with a broken or tampered link', () => {
    const msg = (h: string): string => {
      const r = parseLink(h);
      return r.kind === 'error' ? r.message : 'ok';
    };
    expect(msg('#garbage!!')).toMatch(/not a VT Lab link/);
    expect(msg('#/nowhere?v=1&s=kernel')).toMatch(/lab that does not exist: 'nowhere'/);
    expect(msg('#/rings?v=9&s=kernel')).toMatch(/another version/);
    expect(msg('#/rings?v=1')).toMatch(/scenario \(s\) is missing/);
    expect(msg('#/rings?v=1&s=kernel&t=-4')).toMatch(/position \(t\)/);
    expect(msg('#/rings?v=1&s=kernel&seed=99999999999')).toMatch(/seed/);
    expect(msg('#/rings?v=1&s=kernel&p=ticks')).toMatch(/'ticks' is not NAME.value/);
    expect(msg('#/rings?v=1&s=kernel&iv=4.explode')).toMatch(/not an intervention/);
    expect(msg('#/rings?v=1&s=kernel&zz=1')).toMatch(/does not know: 'zz'/);
    expect(msg('#/rings?v=1&s=Kernel%3Cscript%3E')).toMatch(/scenario \(s\)/);
  });
});

describe('links: VMM settings (vmm)', () => {
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  const sortedUnique = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
  const settings = fc.record(
    {
      hltExiting: fc.boolean(),
      rdtscExiting: fc.boolean(),
      ept: fc.boolean(),
      preemptionTimer: fc.boolean(),
      cr0GuestHostMask: u32,
      cr4ReadShadow: u32,
      exceptionBitmap: u32,
      ioPassthroughPorts: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 }).map(sortedUnique),
      msrPassthrough: fc.array(fc.oneof(fc.integer({ min: 0, max: 0x1fff }), fc.integer({ min: 0xc0000000, max: 0xc0001fff })), { maxLength: 10 }).map(sortedUnique),
      rawControls: fc.record({ primary: fc.record({ set: fc.constant(0x4) }), pin: fc.record({ clear: fc.constant(0x40) }) }, { requiredKeys: [] }),
    },
    { requiredKeys: ['hltExiting'] },
  ).map((s) => {
    // An empty raw-control object is no setting at all (validation drops it).
    if (s.rawControls !== undefined && Object.keys(s.rawControls).length === 0) delete s.rawControls;
    return s;
  });

  it('round-trips any valid settings', () => {
    fc.assert(
      fc.property(settings, fc.integer({ min: 0, max: 1e6 }), (st, seq) => {
        const s: LinkState = { lab: 'rings', spec: { scenario: 'hlt-idle', cpu: 'xeon-lv', seed: 1, insnEvents: true, settings: st }, seq, interventions: [] };
        expect(parseLink(formatLink(s))).toEqual({ kind: 'ok', state: s });
      }),
    );
  });

  it('is short and readable: the KEY=VALUE form of the CLI, joined by ~', () => {
    const link = formatLink({
      lab: 'rings',
      spec: { scenario: 'hlt-idle', cpu: 'nehalem', seed: 1, insnEvents: true, settings: { hltExiting: false, ioPassthroughPorts: [0x80, 0x3f8, 0x3f9, 0x3fa], rawControls: { primary: { set: 4 } } } },
      seq: 0,
      interventions: [],
    });
    expect(link).toBe('#/rings?v=1&s=hlt-idle&cpu=nehalem&seed=1&insn=1&t=0&vmm=hltExiting=false~ioPassthroughPorts=0x80,0x3F8-0x3FA~raw.primary.set=0x4');
    // The default settings add nothing to the link.
    expect(formatLink({ lab: 'rings', spec: { scenario: 'kernel', seed: 1, insnEvents: true, settings: {} }, seq: 0, interventions: [] })).not.toContain('vmm');
    // Encoded forms (as a mail client might rewrite them) read the same.
    const parsed = parseLink('#/rings?v=1&s=hlt-idle&vmm=hltExiting%3Doff~ept%3Dtrue');
    expect(parsed.kind === 'ok' && parsed.state.spec.settings).toEqual({ hltExiting: false, ept: true });
  });

  it('explains a broken vmm parameter', () => {
    const bad = (q: string) => {
      const r = parseLink(`#/rings?v=1&s=kernel&vmm=${q}`);
      return r.kind === 'error' ? r.message : 'no error';
    };
    expect(bad('hltExiting=maybe')).toBe("This link is broken: VMM settings (vmm) are wrong: HLT exiting: 'maybe' is not true or false.");
    expect(bad('ioPassthroughPorts=0x10000')).toMatch(/VMM settings \(vmm\) are wrong: I\/O port 65536 is not a port number/);
    expect(bad('bogus=1')).toMatch(/unknown VMM setting 'bogus'/);
    expect(bad('msrPassthrough=0x2000')).toMatch(/MSR 0x2000 is outside the MSR bitmap ranges/);
    const empty = parseLink('#/rings?v=1&s=kernel&vmm=');
    expect(empty.kind === 'ok' && empty.state.spec.settings).toBe(undefined);
  });
});

describe('the Software vs hardware lab link', () => {
  const base = { lab: 'techniques' as const, spec: { scenario: 'kernel', cpu: 'nehalem', seed: 1, insnEvents: true }, seq: 0, interventions: [] };

  it('round-trips any valid state (workload, CPU, cost overrides, run)', () => {
    const costs = fc.record(
      Object.fromEntries(TECHNIQUE_COST_KEYS.map((k) => [k, fc.integer({ min: 0, max: MAX_COST_CYCLES })])) as Record<(typeof TECHNIQUE_COST_KEYS)[number], fc.Arbitrary<number>>,
      { requiredKeys: [] },
    );
    const t = fc.record({ workload: fc.constantFrom('sensitive', 'cpu-bound', 'pagefault-heavy', 'kernel'), cpu: fc.constantFrom('nehalem', 'xeon-lv', 'modern'), costs, run: fc.boolean() });
    fc.assert(
      fc.property(t, (techniques) => {
        const s: LinkState = { ...base, techniques };
        const link = formatLink(s);
        expect(link.startsWith('#/techniques?v=1&w=')).toBe(true);
        expect(parseLink(link)).toEqual({ kind: 'ok', state: s });
      }),
    );
  });

  it('is versioned and readable; the lab without a query opens with the defaults', () => {
    expect(formatLink({ ...base, techniques: { workload: 'sensitive', cpu: 'xeon-lv', costs: { trap: 4000, hypercall: 889 }, run: true } })).toBe(
      '#/techniques?v=1&w=sensitive&cpu=xeon-lv&c=trap.4000~hypercall.889&r=1',
    );
    expect(parseLink('#/techniques')).toEqual({ kind: 'ok', state: { ...base, techniques: DEFAULT_TECHNIQUES_LINK } });
    expect(formatLink({ ...base })).toBe('#/techniques?v=1&w=sensitive&cpu=nehalem');
  });

  it('explains what is wrong with a broken link', () => {
    const msg = (h: string): string => {
      const r = parseLink(h);
      return r.kind === 'error' ? r.message : 'ok';
    };
    expect(msg('#/techniques?v=2&w=sensitive')).toMatch(/another version/);
    // The version alone is a whole link: every other field has its default, as in `#/techniques`.
    expect(msg('#/techniques?v=1')).toBe('ok');
    expect(msg('#/techniques?v=1&w=sensitive&c=trap.-1')).toMatch(/cost assumptions \(c\) 'trap.-1' is not KEY.cycles/);
    expect(msg('#/techniques?v=1&w=sensitive&c=warp.10')).toMatch(/'warp.10' is not KEY.cycles/);
    expect(msg('#/techniques?v=1&w=sensitive&c=trap.2000000')).toMatch(/at most 1000000/);
    expect(msg('#/techniques?v=1&w=sensitive&r=yes')).toMatch(/run \(r\)/);
    expect(msg('#/techniques?v=1&w=sensitive&s=kernel')).toMatch(/does not know: 's'/);
    expect(msg('#/techniques?v=1&w=Sensitive<x>')).toMatch(/workload \(w\)/);
  });

  it("names the same cost keys as the core", () => {
    expect([...TECHNIQUE_COST_KEYS]).toEqual([...COST_KEYS]);
    expect(MAX_COST_CYCLES).toBe(1_000_000);
  });
});

describe('Migration and Fail-over links', () => {
  const base = { spec: { scenario: 'kernel', cpu: 'nehalem', seed: 1, insnEvents: true }, seq: 0, interventions: [] };
  const dec = (max: number) => fc.integer({ min: 1, max: max * 1000 }).map((n) => n / 1000);

  it('round-trips any valid migration state', () => {
    const m = fc.record({
      memoryMib: fc.integer({ min: 1, max: 65536 }),
      bandwidthMbit: dec(100000),
      dirtyMibPerS: fc.oneof(fc.constant(0), dec(10000)),
      wwsMib: fc.integer({ min: 0, max: 65536 }),
      rule: fc.constantFrom('qemu' as const, 'xen' as const, 'clark' as const),
      downtimeMs: fc.integer({ min: 0, max: 100000 }),
      roundCap: fc.integer({ min: 0, max: 100000 }),
      autoConverge: fc.boolean(),
      postCopyAfter: fc.integer({ min: 0, max: 1000 }),
      streamTimeoutMs: fc.integer({ min: 1, max: 1e6 }),
      run: fc.boolean(),
    });
    fc.assert(
      fc.property(m, (migration) => {
        const s: LinkState = { ...base, lab: 'migration', migration };
        const link = formatLink(s);
        expect(link.startsWith('#/migration?v=1&mem=')).toBe(true);
        expect(parseLink(link)).toEqual({ kind: 'ok', state: s });
      }),
    );
  });

  it('round-trips any valid fail-over state', () => {
    const f = fc.record({
      sameHost: fc.boolean(),
      detection: fc.constantFrom('vrrp' as const, 'corosync' as const),
      advertS: fc.integer({ min: 1, max: 25500 }).map((n) => n / 100),
      priority: fc.integer({ min: 1, max: 254 }),
      tokenMs: fc.integer({ min: 1, max: 600000 }),
      replication: fc.boolean(),
      clientMode: fc.constantFrom('vip' as const, 'srv' as const),
      kill: fc.constantFrom(null, 'vm' as const, 'kernel' as const, 'host' as const),
    });
    fc.assert(
      fc.property(f, (failover) => {
        const s: LinkState = { ...base, lab: 'failover', failover };
        expect(parseLink(formatLink(s))).toEqual({ kind: 'ok', state: s });
      }),
    );
  });

  it('a bare lab link gives the defaults; a broken one names the field', () => {
    expect(parseLink('#/migration')).toEqual({ kind: 'ok', state: { ...base, lab: 'migration', migration: DEFAULT_MIGRATION_LINK } });
    expect(parseLink('#/failover')).toEqual({ kind: 'ok', state: { ...base, lab: 'failover', failover: DEFAULT_FAILOVER_LINK } });
    expect(formatLink({ ...base, lab: 'failover' })).toBe('#/failover?v=1&place=separate&det=vrrp&adv=1&pri=100&tok=3000&rep=1&cm=vip');
    const msg = (h: string) => {
      const r = parseLink(h);
      return r.kind === 'error' ? r.message : '';
    };
    expect(msg('#/migration?v=2')).toMatch(/another version/);
    expect(msg('#/migration?v=1&rule=vmware')).toMatch(/stop rule \(rule\)/);
    expect(msg('#/migration?v=1&mem=0')).toMatch(/memory \(mem\) must be at least 1/);
    expect(msg('#/migration?v=1&x=1')).toMatch(/does not know: 'x'/);
    expect(msg('#/failover?v=1&pri=255')).toMatch(/priority \(pri\) must be at most 254/);
    expect(msg('#/failover?v=1&k=disk')).toMatch(/kill \(k\)/);
  });
});

describe('the Consolidation lab link', () => {
  const base = (c: ConsolidationLink): LinkState => ({ lab: 'consolidation', spec: { scenario: 'kernel', cpu: 'nehalem', seed: 1, insnEvents: true }, seq: 0, interventions: [], consolidation: c });

  it('round-trips any valid state, versioned, through the strict parser', () => {
    const name = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,15}$/);
    const arb = fc.record({
      algorithm: fc.constantFrom(...PLACEMENT_ALGORITHMS),
      hostType: name,
      demand: fc.constantFrom('reserved' as const, 'peak' as const),
      moves: fc.array(fc.record({ vm: name, host: name }), { maxLength: 4 }),
      tco: fc.record({ pue: fc.constantFrom(1, 1.5, 2.25), years: fc.integer({ min: 1, max: 30 }), serverPriceUsd: fc.integer({ min: 0, max: 100000 }) }, { requiredKeys: [] }),
      policy: fc.constantFrom('lr-mmt-1.2', 'thr-mmt-0.8', 'dvfs', 'npa'),
      run: fc.boolean(),
      hour: fc.integer({ min: 0, max: 23 }),
    });
    fc.assert(
      fc.property(arb, (c) => {
        const link = formatLink(base(c));
        expect(link.startsWith('#/consolidation?v=1&')).toBe(true);
        const p = parseLink(link);
        expect(p.kind).toBe('ok');
        if (p.kind === 'ok') expect(p.state.consolidation).toEqual(c);
      }),
    );
  });

  it('a bare link gives the defaults; a broken one names the field', () => {
    const p = parseLink('#/consolidation');
    expect(p.kind === 'ok' && p.state.consolidation).toEqual(DEFAULT_CONSOLIDATION_LINK);
    expect(parseLink('#/consolidation?v=2&alg=ffd')).toEqual({ kind: 'error', message: 'This link is broken: version (v) is from another version of VT Lab (this one reads v=1).' });
    expect(parseLink('#/consolidation?v=1&alg=worst-fit')).toMatchObject({ kind: 'error', message: expect.stringContaining('placement algorithm (alg) must be one of ffd') });
    expect(parseLink('#/consolidation?v=1&h=24')).toMatchObject({ kind: 'error', message: expect.stringContaining('hour (h)') });
    expect(parseLink('#/consolidation?v=1&mv=web')).toMatchObject({ kind: 'error', message: expect.stringContaining("moves (mv) 'web' is not VM.HOST") });
    expect(parseLink('#/consolidation?v=1&tco=price.3')).toMatchObject({ kind: 'error', message: expect.stringContaining('cost assumptions (tco)') });
    expect(parseLink('#/consolidation?v=1&zz=1')).toEqual({ kind: 'error', message: "This link has a field VT Lab does not know: 'zz'." });
  });

  it('the TCO keys a link may change are the core TCO inputs', () => {
    expect([...TCO_KEYS].sort()).toEqual(Object.keys(DEFAULT_TCO_INPUTS).sort());
  });
});

describe('the Isolation, Security and I/O lab links (the open view)', () => {
  it('round-trips every view of every tabbed lab', () => {
    for (const lab of Object.keys(LAB_TABS) as (keyof typeof LAB_TABS)[]) {
      for (const { id } of LAB_TABS[lab]) {
        const hash = formatLink({ lab, spec: { scenario: 'kernel', seed: 1, insnEvents: true }, seq: 0, interventions: [], tab: id });
        expect(hash).toBe(`#/${lab}?v=1&tab=${id}`);
        const back = parseLink(hash);
        expect(back.kind === 'ok' && back.state.lab === lab && back.state.tab === id).toBe(true);
      }
    }
  });

  it('a bare lab link opens the first view; a wrong view, an unknown field or another version is explained', () => {
    const bare = parseLink('#/io');
    expect(bare.kind === 'ok' && bare.state.tab).toBe('path');
    const wrong = parseLink('#/io?v=1&tab=faults');
    expect(wrong).toEqual({ kind: 'error', message: 'This link is broken: view (tab) must be one of path, dma, sriov, overhead.' });
    const unknown = parseLink('#/security?v=1&tab=access&s=kernel');
    expect(unknown.kind === 'error' && unknown.message).toMatch(/does not know: 's'/);
    const version = parseLink('#/isolation?v=2&tab=faults');
    expect(version.kind === 'error' && version.message).toMatch(/another version/);
  });
});

describe('links: the Rings lab view (d, tab)', () => {
  const base: LinkState = { lab: 'rings', spec: { scenario: 'kernel', seed: 1, insnEvents: true }, seq: 12, interventions: [] };
  it('a view other than the default (Classroom, Code) is in the link and comes back', () => {
    const hash = formatLink({ ...base, detail: 'engineer', ringsTab: 'events' });
    expect(hash).toBe('#/rings?v=1&s=kernel&seed=1&insn=1&t=12&d=engineer&tab=events');
    const back = parseLink(hash);
    expect(back.kind === 'ok' && [back.state.detail, back.state.ringsTab]).toEqual(['engineer', 'events']);
  });
  it('the default view adds nothing (links made before stay the same)', () => {
    expect(formatLink({ ...base, detail: 'classroom', ringsTab: 'code' })).toBe(formatLink(base));
  });
  it('a detail level or tab that does not exist is refused, naming the field', () => {
    const d = parseLink('#/rings?v=1&s=kernel&d=expert');
    expect(d.kind === 'error' && d.message).toMatch(/detail level \(d\).*sales, classroom, engineer/);
    const tab = parseLink('#/rings?v=1&s=kernel&tab=dma');
    expect(tab.kind === 'error' && tab.message).toMatch(/view \(tab\).*code, vmcs/);
  });
});
