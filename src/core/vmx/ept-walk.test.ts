import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PhysicalMemory } from '../x86/physical-memory.ts';
import { BareMachine } from '../machine/bare.ts';
import { getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { Acc } from '../x86/cpu.ts';
import { eptTranslate } from './ept.ts';
import { encodeEptp } from './spec/formats/ept.ts';
import { encodeEptViolationQualification } from './spec/formats/qualification.ts';
import {
  captureEptTables,
  eptCapsOf,
  twoDimensionalReferences,
  walkEpt,
  walkGuestPhysical,
  walkLinear,
  type EptCaps,
  type GuestPaging,
} from './ept-walk.ts';
import type { U64 } from './spec/u64.ts';

const ALL: EptCaps = { executeOnly: true, page2M: true, page1G: true, maxPhysAddr: 46 };
const BASIC: EptCaps = { executeOnly: false, page2M: false, page1G: false, maxPhysAddr: 40 };
const WB = 6 << 3; // leaf memory type WB (bits 5:3)
const RWX = 7;

/** EPT tables in real memory: a bump allocator of zeroed 4-KiB pages from 1 MiB. */
class Tables {
  readonly mem = new PhysicalMemory(16 << 20);
  private next = 0x100000;
  readonly pml4 = this.alloc();
  alloc(): number {
    const p = this.next;
    this.next += 4096;
    return p;
  }
  set(table: number, index: number, lo: number, hi = 0): number {
    this.mem.write32(table + index * 8, lo | 0);
    this.mem.write32(table + index * 8 + 4, hi | 0);
    return table + index * 8;
  }
  get eptp(): U64 {
    return encodeEptp(this.pml4, 6, 4);
  }
  /** Maps the 4-KiB page of `gpa` to `hpa` with `perm` in the leaf (tables RWX), creating tables as needed. */
  map4k(gpa: number, hpa: number, perm = RWX): { pdpt: number; pd: number; pt: number } {
    const pdpt = this.child(this.pml4, Math.floor(gpa / 2 ** 39) & 0x1ff);
    const pd = this.child(pdpt, Math.floor(gpa / 2 ** 30) & 0x1ff);
    const pt = this.child(pd, Math.floor(gpa / 2 ** 21) & 0x1ff);
    this.set(pt, Math.floor(gpa / 4096) & 0x1ff, (hpa & 0xfffff000) | WB | perm, Math.floor(hpa / 2 ** 32));
    return { pdpt, pd, pt };
  }
  private child(table: number, index: number): number {
    const lo = this.mem.read32(table + index * 8);
    if ((lo & 7) !== 0) return (lo & 0xfffff000) >>> 0;
    const t = this.alloc();
    this.set(table, index, t | RWX);
    return t;
  }
}

const same = (t: Tables) => ({ ept: t.mem, guest: t.mem });

describe('walkEpt: the 4-level EPT walk (SDM Vol. 3C §28.2.2)', () => {
  it('walks PML4E → PDPTE → PDE → PTE to the host-physical address, one reference per entry', () => {
    const t = new Tables();
    const gpa = 0x12345678;
    const { pdpt, pd, pt } = t.map4k(gpa, 0x00abc000);
    const w = walkEpt(t.mem, t.eptp, BASIC, gpa, 'read');
    expect(w.outcome).toEqual({ kind: 'ok', hpa: 0x00abc678, pageSize: 4096, permissions: 7 });
    expect(w.steps.map((s) => s.name)).toEqual(['PML4E', 'PDPTE', 'PDE', 'PTE']);
    expect(w.steps.map((s) => s.indexBits)).toEqual([[47, 39], [38, 30], [29, 21], [20, 12]]);
    expect(w.steps.map((s) => s.tableHpa)).toEqual([t.pml4, pdpt, pd, pt]);
    // Indexes: bits 38:30 = 0, 29:21 = 0x91, 20:12 = 0x145.
    expect(w.steps.map((s) => s.index)).toEqual([0, 0, 0x91, 0x145]);
    expect(w.steps[3].entryHpa).toBe(pt + 0x145 * 8);
    expect(w.steps[3].memoryType).toBe(6);
    expect(w.steps[3].memoryTypeName).toMatch(/^WB/);
    expect(w.steps[0].memoryType).toBeNull(); // non-leaf: no memory type
    expect(w.references).toBe(4);
    expect(w.steps.every((s) => s.stop === null)).toBe(true);
  });

  it.each([4, 3, 2, 1] as const)('stops with an EPT violation when the entry at level %i is not present', (level) => {
    const t = new Tables();
    const gpa = 0x00403000;
    const { pdpt, pd, pt } = t.map4k(gpa, 0x00500000);
    const table = { 4: t.pml4, 3: pdpt, 2: pd, 1: pt }[level];
    const index = Math.floor(gpa / 2 ** (12 + 9 * (level - 1))) & 0x1ff;
    t.set(table, index, 0);
    const w = walkEpt(t.mem, t.eptp, BASIC, gpa, 'write');
    expect(w.outcome.kind).toBe('violation');
    expect(w.outcome.kind === 'violation' && w.outcome.level).toBe(level);
    expect(w.outcome.kind === 'violation' && w.outcome.permissions).toBe(0); // qualification bits 5:3 = 0
    expect(w.references).toBe(5 - level);
    expect(w.steps.at(-1)!.stop?.kind).toBe('not-present');
    expect(w.steps.at(-1)!.stop?.reason).toMatch(/not present.*EPT violation/);
  });

  it('ignores reserved bits in a not-present entry: a violation, not a misconfiguration (KUT ept_reserved_bit)', () => {
    const t = new Tables();
    t.set(t.pml4, 0, 0x78); // bits 6:3 set, bits 2:0 clear
    expect(walkEpt(t.mem, t.eptp, BASIC, 0x1000, 'read').outcome.kind).toBe('violation');
  });

  it('stops at a 2-MByte page (PDE bit 7) when the processor supports it, else a misconfiguration', () => {
    const t = new Tables();
    const { pd } = t.map4k(0x00600000, 0);
    t.set(pd, 3, 0x00e00000 | 0x80 | WB | RWX); // GPA 0x00600000–0x007FFFFF → HPA 0x00E00000
    const w = walkEpt(t.mem, t.eptp, ALL, 0x00654321, 'fetch');
    expect(w.outcome).toEqual({ kind: 'ok', hpa: 0x00e54321, pageSize: 2 << 20, permissions: 7 });
    expect(w.references).toBe(3);
    expect(w.steps[2]).toMatchObject({ name: 'PDE', leaf: true, large: true, pageSize: 2 << 20 });
    const m = walkEpt(t.mem, t.eptp, BASIC, 0x00654321, 'read');
    expect(m.outcome.kind).toBe('misconfig');
    expect(m.outcome.kind === 'misconfig' && m.outcome.reason).toMatch(/2-MByte.*bit 16/);
  });

  it('stops at a 1-GByte page (PDPTE bit 7) when the processor supports it', () => {
    const t = new Tables();
    const { pdpt } = t.map4k(0x40000000, 0);
    t.set(pdpt, 1, 0x80 | WB | RWX, 0x1); // GPA 1 GiB–2 GiB → HPA 4 GiB
    const w = walkEpt(t.mem, t.eptp, ALL, 0x40001234, 'read');
    expect(w.outcome).toEqual({ kind: 'ok', hpa: 2 ** 32 + 0x1234, pageSize: 2 ** 30, permissions: 7 });
    expect(w.references).toBe(2);
    expect(walkEpt(t.mem, t.eptp, BASIC, 0x40001234, 'read').outcome.kind).toBe('misconfig');
  });

  it('checks the access against the AND of R/W/X of every entry walked (§28.2.3.2), as the qualification reports it', () => {
    const t = new Tables();
    t.map4k(0x5000, 0x9000, 1); // read-only
    const ro = walkEpt(t.mem, t.eptp, BASIC, 0x5000, 'write');
    expect(ro.outcome).toMatchObject({ kind: 'violation', permissions: 1, level: 1 });
    expect(ro.steps[3].stop?.kind).toBe('permission');
    // KUT worked example: read-only page + write → 0x18A.
    expect(encodeEptViolationQualification(2, 1, true, true, false)).toBe(0x18a);
    t.map4k(0x6000, 0xa000, 3); // read/write, not executable
    const rw = walkEpt(t.mem, t.eptp, BASIC, 0x6000, 'fetch');
    expect(rw.outcome).toMatchObject({ kind: 'violation', permissions: 3 });
    expect(encodeEptViolationQualification(4, 3, true, true, false)).toBe(0x19c);
    expect(walkEpt(t.mem, t.eptp, BASIC, 0x6000, 'read').outcome.kind).toBe('ok');
    // A non-leaf entry without W makes every page below it read-only.
    const { pd } = t.map4k(0x00800000, 0xb000, RWX);
    t.set(pd, 4, (t.mem.read32(pd + 4 * 8) & ~2) >>> 0);
    expect(walkEpt(t.mem, t.eptp, BASIC, 0x00800000, 'write').outcome).toMatchObject({ kind: 'violation', permissions: 5 });
  });

  describe('EPT misconfigurations (SDM Vol. 3C §28.2.3.1)', () => {
    const cases: { name: string; caps: EptCaps; setup(t: Tables): void; why: RegExp }[] = [
      { name: 'write without read', caps: BASIC, setup: (t) => t.map4k(0x1000, 0x2000, 2), why: /write allowed.*read not/ },
      { name: 'execute-only without the capability', caps: BASIC, setup: (t) => t.map4k(0x1000, 0x2000, 4), why: /execute-only.*bit 0 = 0/ },
      { name: 'reserved memory type 2 in a leaf', caps: BASIC, setup: (t) => { const { pt } = t.map4k(0x1000, 0x2000); t.set(pt, 1, 0x2000 | (2 << 3) | RWX); }, why: /memory type 2/ },
      { name: 'bits 6:3 set in a non-leaf entry', caps: BASIC, setup: (t) => { t.map4k(0x1000, 0x2000); t.set(t.pml4, 0, t.mem.read32(t.pml4) | 0x40); }, why: /bits 6:3/ },
      { name: 'bit 7 set in a PML4E', caps: ALL, setup: (t) => { t.map4k(0x1000, 0x2000); t.set(t.pml4, 0, t.mem.read32(t.pml4) | 0x80); }, why: /PML4E/ },
      { name: 'an address bit above MAXPHYADDR', caps: BASIC, setup: (t) => { const { pt } = t.map4k(0x1000, 0x2000); t.set(pt, 1, 0x2000 | WB | RWX, 1 << 8); }, why: /51:40/ },
      { name: 'bits 20:12 set in a 2-MByte PDE', caps: ALL, setup: (t) => { const { pd } = t.map4k(0x1000, 0x2000); t.set(pd, 0, 0x00201000 | 0x80 | WB | RWX); }, why: /20:12/ },
      { name: 'bits 29:12 set in a 1-GByte PDPTE', caps: ALL, setup: (t) => { const { pdpt } = t.map4k(0x1000, 0x2000); t.set(pdpt, 0, 0x00200000 | 0x80 | WB | RWX); }, why: /29:12/ },
    ];
    it.each(cases)('$name', ({ caps, setup, why }) => {
      const t = new Tables();
      setup(t);
      const w = walkEpt(t.mem, t.eptp, caps, 0x1000, 'read');
      expect(w.outcome.kind).toBe('misconfig');
      expect(w.outcome.kind === 'misconfig' && w.outcome.reason).toMatch(why);
      expect(w.steps.at(-1)!.stop?.kind).toBe('misconfig');
    });
    it('execute-only is a valid translation for a fetch when supported', () => {
      const t = new Tables();
      t.map4k(0x1000, 0x2000, 4);
      expect(walkEpt(t.mem, t.eptp, ALL, 0x1000, 'fetch').outcome.kind).toBe('ok');
      expect(walkEpt(t.mem, t.eptp, ALL, 0x1000, 'read').outcome.kind).toBe('violation');
    });
  });

  it('shows accessed/dirty flags only when the EPTP enables them (bit 6)', () => {
    const t = new Tables();
    const { pt } = t.map4k(0x1000, 0x2000);
    t.set(pt, 1, 0x2000 | WB | RWX | 0x100 | 0x200);
    expect(walkEpt(t.mem, t.eptp, ALL, 0x1000, 'read').steps[3]).toMatchObject({ accessed: null, dirty: null });
    const ad = walkEpt(t.mem, encodeEptp(t.pml4, 6, 4, true), ALL, 0x1000, 'read');
    expect(ad.eptp.accessedDirty).toBe(true);
    expect(ad.steps[3]).toMatchObject({ accessed: true, dirty: true });
    expect(ad.steps[0].dirty).toBeNull(); // no dirty flag in a non-leaf entry
  });

  it('reads the EPT as it was: captureEptTables keeps the copied pages after the live tables change', () => {
    const t = new Tables();
    const { pt } = t.map4k(0x1000, 0x2000);
    const then = captureEptTables(t.mem, t.eptp, BASIC);
    expect(then.pages).toBe(4);
    t.set(pt, 1, 0);
    expect(walkEpt(t.mem, t.eptp, BASIC, 0x1000, 'read').outcome.kind).toBe('violation');
    expect(walkEpt(then, t.eptp, BASIC, 0x1000, 'read').outcome).toMatchObject({ kind: 'ok', hpa: 0x2000 });
  });
});

describe('walkLinear: the guest\'s 32-bit paging through EPT (the two-dimensional walk)', () => {
  const PG_PE = 0x80000001 | 0;
  const guest = (cr3: number, cr4 = 0, cpl = 0): GuestPaging => ({ cr0: PG_PE, cr3, cr4, cpl, pse36Width: 36 });
  /** Guest RAM: guest-physical 0–8 MiB at host-physical 4 MiB, through EPT; guest page directory at GPA 0x1000, page table at 0x2000. */
  function guestSetup(): { t: Tables; wr(gpa: number, v: number): void } {
    const t = new Tables();
    for (let gpa = 0; gpa < 0x40000; gpa += 4096) t.map4k(gpa, 0x400000 + gpa);
    return { t, wr: (gpa, v) => t.mem.write32(0x400000 + gpa, v) };
  }

  it('counts every reference: 2 guest levels × (4 EPT + 1) + 4 for the final address', () => {
    const { t, wr } = guestSetup();
    wr(0x1000 + (0xc0000000 >>> 22) * 4, 0x2000 | 7); // PDE → page table at GPA 0x2000
    wr(0x2000 + 5 * 4, 0x30000 | 7); // PTE 5 → GPA 0x30000
    const w = walkLinear(same(t), t.eptp, BASIC, guest(0x1000), 0xc0005abc, 'read');
    expect(w.outcome).toEqual({ kind: 'ok', gpa: 0x30abc, hpa: 0x430abc });
    expect(w.guestSteps.map((s) => [s.name, s.entryGpa, s.ept.references, s.value !== null])).toEqual([
      ['PDE', 0x1000 + 0x300 * 4, 4, true],
      ['PTE', 0x2000 + 5 * 4, 4, true],
    ]);
    expect(w.guestSteps[0].entryHpa).toBe(0x401c00);
    expect(w.final?.references).toBe(4);
    expect(w.references).toBe(14);
    expect(w.references).toBe(twoDimensionalReferences(2, 4));
    expect(twoDimensionalReferences(4, 4)).toBe(24); // a 4-level guest under 4-level EPT
  });

  it('a 4-MByte guest page (CR4.PSE) has one guest level: 5 + 4 references', () => {
    const { t, wr } = guestSetup();
    wr(0x1000, 0x80 | 7); // PDE 0: 4-MByte page at GPA 0
    const w = walkLinear(same(t), t.eptp, BASIC, guest(0x1000, 0x10), 0x00012345, 'fetch');
    expect(w.outcome).toEqual({ kind: 'ok', gpa: 0x12345, hpa: 0x412345 });
    expect(w.guestSteps).toHaveLength(1);
    expect(w.guestSteps[0].large).toBe(true);
    expect(w.references).toBe(twoDimensionalReferences(1, 4));
  });

  it('guest paging off: the linear address is the guest-physical address, EPT alone', () => {
    const { t } = guestSetup();
    const w = walkLinear(same(t), t.eptp, BASIC, { ...guest(0), cr0: 0x11 }, 0x3000, 'read');
    expect(w.paging).toBe('off');
    expect(w.outcome).toEqual({ kind: 'ok', gpa: 0x3000, hpa: 0x403000 });
    expect(w.references).toBe(4);
  });

  it('an EPT violation on a guest paging-structure entry stops the walk there', () => {
    const { t, wr } = guestSetup();
    wr(0x1000, 0x00100000 | 7); // page table at GPA 1 MiB, which EPT does not map
    const w = walkLinear(same(t), t.eptp, BASIC, guest(0x1000), 0x00000123, 'write');
    expect(w.outcome).toMatchObject({ kind: 'ept-violation', at: 'paging-structure', gpa: 0x00100000 });
    expect(w.guestSteps.map((s) => s.name)).toEqual(['PDE', 'PTE']);
    expect(w.guestSteps[1].value).toBeNull();
    expect(w.guestSteps[1].ept.outcome.kind).toBe('violation');
    expect(w.final).toBeNull();
    // The EPT's page table for 0–2 MiB exists (it maps the first 256 KiB), so the walk of GPA 1 MiB reads all
    // four EPT levels and stops at the EPT PTE: the PDE's 4 EPT + 1, then 4 that fail.
    expect(w.guestSteps[1].ept.steps.at(-1)!.name).toBe('PTE');
    expect(w.references).toBe(4 + 1 + 4);
  });

  it('an EPT violation on the final access reports the final guest-physical address', () => {
    const { t, wr } = guestSetup();
    wr(0x1000, 0x2000 | 7);
    wr(0x2000 + 8 * 4, 0x00700000 | 7); // → GPA 7 MiB, not mapped by EPT
    const w = walkLinear(same(t), t.eptp, BASIC, guest(0x1000), 0x8010, 'read');
    expect(w.outcome).toMatchObject({ kind: 'ept-violation', at: 'final', gpa: 0x00700010, permissions: 0 });
    expect(w.finalGpa).toBe(0x00700010);
  });

  it('guest faults: a not-present PTE, and a user access to a supervisor page', () => {
    const { t, wr } = guestSetup();
    wr(0x1000, 0x2000 | 7);
    wr(0x2000, 0x5000 | 3); // supervisor page
    expect(walkLinear(same(t), t.eptp, BASIC, guest(0x1000), 0x1000, 'read').outcome).toMatchObject({ kind: 'page-fault' });
    const u = walkLinear(same(t), t.eptp, BASIC, guest(0x1000, 0, 3), 0x0, 'read');
    expect(u.outcome.kind).toBe('page-fault');
    expect(u.guestSteps[1].stop?.reason).toMatch(/supervisor-only/);
    expect(walkLinear(same(t), t.eptp, BASIC, guest(0x1000, 0, 0), 0x0, 'read').outcome.kind).toBe('ok');
  });

  it('says it does not walk PAE paging', () => {
    const { t } = guestSetup();
    expect(walkLinear(same(t), t.eptp, BASIC, guest(0x1000, 0x20), 0, 'read').outcome.kind).toBe('unsupported');
  });

  it('walkGuestPhysical is the EPT walk with no guest steps', () => {
    const { t } = guestSetup();
    const w = walkGuestPhysical(same(t), t.eptp, BASIC, 0x2004, 'read');
    expect(w.guestSteps).toEqual([]);
    expect(w.outcome).toEqual({ kind: 'ok', gpa: 0x2004, hpa: 0x402004 });
  });
});

describe('property: the walk agrees with the processor\'s own EPT translation (vmx/ept.ts)', () => {
  for (const id of ['nehalem', 'modern']) {
    it(`${id}: random mappings of 4-KiB, 2-MiB and 1-GiB pages`, () => {
      const model = toProcessorModel(getCpuModel(id)!);
      const caps = eptCapsOf(model)!;
      const m = new BareMachine({ model, memoryBytes: 16 << 20 });
      const c = m.cpu;
      const page = fc.record({
        gpa: fc.integer({ min: 0, max: 2 ** 36 - 1 }),
        hpa: fc.integer({ min: 0, max: 2 ** Math.min(caps.maxPhysAddr, 40) - 1 }),
        size: fc.constantFrom(...([12, caps.page2M ? 21 : 12, caps.page1G ? 30 : 12] as const)),
        perm: fc.constantFrom(1, 3, 5, 7),
        mt: fc.constantFrom(0, 1, 4, 5, 6),
        ignored: fc.integer({ min: 0, max: 0xf }), // bits 11:8 (A, D, user-execute, ignored) and 6 (ignore PAT)
      });
      fc.assert(
        fc.property(fc.array(page, { minLength: 1, maxLength: 12 }), fc.nat(), fc.nat(), (pages, pick, offset) => {
          m.mem.bytes.fill(0);
          const t = { next: 0x100000 };
          const alloc = () => ((t.next += 4096), t.next - 4096);
          const pml4 = alloc();
          const tableFor = (table: number, index: number): number | null => {
            const e = table + index * 8;
            const lo = m.mem.read32(e);
            if ((lo & 7) === 0) {
              const n = alloc();
              m.mem.write32(e, n | RWX);
              m.mem.write32(e + 4, 0);
              return n;
            }
            return (lo & 0x80) !== 0 ? null : (lo & 0xfffff000) >>> 0; // a large page is already there
          };
          const mapped: { gpa: number; size: number }[] = [];
          for (const p of pages) {
            let table: number | null = pml4;
            const leafLevel = p.size === 12 ? 1 : p.size === 21 ? 2 : 3;
            for (let level = 4; level > leafLevel && table !== null; level--) table = tableFor(table, Math.floor(p.gpa / 2 ** (12 + 9 * (level - 1))) & 0x1ff);
            if (table === null) continue;
            const e = table + (Math.floor(p.gpa / 2 ** p.size) & 0x1ff) * 8;
            if ((m.mem.read32(e) & 7) !== 0) continue; // already a table or a page here
            const frame = p.hpa - (p.hpa % 2 ** p.size);
            const lo = ((frame % 2 ** 32) | (p.mt << 3) | ((p.ignored & 1) << 6) | ((p.ignored >> 1) << 8) | (leafLevel > 1 ? 0x80 : 0) | p.perm) >>> 0;
            m.mem.write32(e, lo);
            m.mem.write32(e + 4, Math.floor(frame / 2 ** 32));
            mapped.push({ gpa: p.gpa - (p.gpa % 2 ** p.size), size: 2 ** p.size });
          }
          if (mapped.length === 0) return;
          const target = mapped[pick % mapped.length];
          const gpa = target.gpa + (offset % target.size);
          const eptp = encodeEptp(pml4, 6, 4);
          c.vmx.eptpLo = eptp.lo;
          c.vmx.eptpHi = eptp.hi;
          const machine = eptTranslate(c, gpa, Acc.READ, 0, false, true); // every mapping is readable: no exit
          const w = walkEpt(m.mem, eptp, caps, gpa, 'read');
          expect(w.outcome.kind).toBe('ok');
          expect(w.outcome.kind === 'ok' && w.outcome.hpa).toBe(machine);
          expect(w.references).toBe(w.steps.length);
        }),
        { numRuns: 300 },
      );
    });
  }
});
