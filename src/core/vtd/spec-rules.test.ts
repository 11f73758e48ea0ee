/**
 * VT-d rules an audit against the specification and QEMU's intel_iommu found missing (each case fails on the
 * build before the fix): superpage reserved bits (spec 9.8), FPD on a not-present context entry (spec 9.3) and
 * FECTL.IP once software has serviced the faults (spec 11.4.7.2).
 */
import { describe, expect, it } from 'vitest';
import { createHardware, newDomainTable, setContext, sourceId } from './hardware.ts';
import { translate } from './translate.ts';
import { dmaAccess } from './dma.ts';
import { fstsValue, recordFault, serviceFaults, setFaultInterruptMask } from './faults.ts';
import { buildLabHardware } from './lab.ts';
import { DMA_FAULT } from './reasons.ts';

const hw = () => createHardware({ cap: { mgaw: 48, sagaw: 6, nfr: 4 }, memoryTop: 2 ** 34, tableBase: 0x10_0000, irtSizeField: 3 });
const NIC = sourceId(3, 0, 0);
const read = (s: ReturnType<typeof hw>, address: number) => translate(s, { sourceId: NIC, address, write: false });

/** Writes entry 0 of the second-level table at `table` (read and write allowed). */
const entry0 = (s: ReturnType<typeof hw>, table: number, ps: boolean, addr: number): void => {
  const p = s.pages[table];
  if (p.kind === 'sl') p.entries[0] = { r: true, w: true, ps, addr, reserved: 0 };
};
/** A machine whose NIC maps through a top-level table with entry 0 = (ps, addr); `aw` picks 3 or 4 levels. */
const oneEntry = (aw: number, ps: boolean, addr: number): ReturnType<typeof hw> => {
  const s = hw();
  const top = newDomainTable(s);
  entry0(s, top, ps, addr);
  setContext(s, NIC, { did: 1, slptptr: top, aw });
  return s;
};

describe('second-level entries: PS and superpage address bits (spec 9.8; QEMU VTD_SPTE_*_RSVD_MASK)', () => {
  it('PS = 1 in a level-4 entry is a reserved bit: fault Ch, not a 512-GiB page', () => {
    expect(read(oneEntry(2, true, 0x4000_0000), 0x1234)).toMatchObject({ ok: false, reason: DMA_FAULT.PTE_RESERVED });
  });
  it('a 2-MiB leaf with address bits 20:12 set, a 1-GiB leaf with bits 29:12 set: fault Ch', () => {
    const s = hw();
    const top = newDomainTable(s);
    const l2 = newDomainTable(s);
    entry0(s, top, false, l2);
    entry0(s, l2, true, 0x4000_1000);
    setContext(s, NIC, { did: 1, slptptr: top, aw: 1 });
    expect(read(s, 0x1234)).toMatchObject({ ok: false, reason: DMA_FAULT.PTE_RESERVED });
    expect(read(oneEntry(1, true, 0x4020_0000), 0x1234)).toMatchObject({ ok: false, reason: DMA_FAULT.PTE_RESERVED });
  });
  it('an aligned 1-GiB leaf translates', () => {
    const s = oneEntry(1, true, 0x4000_0000);
    expect(read(s, 0x1234)).toMatchObject({ ok: true, hpa: 0x4000_1234, pageSize: 2 ** 30 });
  });
});

describe('FPD is evaluated whatever the present bit (spec 9.3 FPD)', () => {
  it('a not-present context entry with FPD = 1 blocks the DMA (fault 2h) without recording it', () => {
    const s = hw();
    setContext(s, NIC, { did: 1, slptptr: newDomainTable(s), aw: 1, present: false, fpd: true });
    const out = dmaAccess(s, { sourceId: NIC, address: 0x1000, write: true });
    expect(out.translation).toMatchObject({ ok: false, reason: DMA_FAULT.CONTEXT_ENTRY_NOT_PRESENT, fpd: true });
    expect(out.record).toMatchObject({ recorded: false });
    expect(fstsValue(s)).toBe(0);
  });
});

describe('FECTL.IP is cleared once software has serviced the faults (spec 11.4.7.2; QEMU vtd_handle_fsts_write)', () => {
  it('a fault while masked, serviced, then unmasked: no interrupt', () => {
    const s = buildLabHardware();
    setFaultInterruptMask(s, true);
    recordFault(s, { sourceId: NIC, reason: DMA_FAULT.WRITE_NOT_ALLOWED, write: true, address: 0x90_0000 });
    expect(s.regs.fectl.ip).toBe(true);
    serviceFaults(s);
    expect(fstsValue(s)).toBe(0);
    expect(s.regs.fectl.ip).toBe(false);
    expect(setFaultInterruptMask(s, false)).toBe('none');
    expect(s.faultEvents).toBe(0);
  });
});

describe('ATS-translated requests (VT-d spec 4.2.3, Handling of Translated Requests)', () => {
  it('TT = 01b: a translated request is host-physical already; no table is walked, even an empty domain passes it', () => {
    const s = hw();
    const top = newDomainTable(s); // an empty domain: an untranslated request to the same address faults
    setContext(s, NIC, { did: 1, slptptr: top, aw: 2, tt: 1 });
    expect(translate(s, { sourceId: NIC, address: 0x1234_5000, write: true, at: 'translated' })).toMatchObject({ ok: true, hpa: 0x1234_5000 });
    expect(translate(s, { sourceId: NIC, address: 0x1234_5000, write: true })).toMatchObject({ ok: false });
    const r = translate(s, { sourceId: NIC, address: 0x1234_5000, write: true, at: 'translated' });
    expect(r.steps.some((x) => x.kind === 'sl')).toBe(false);
  });
  it('TT = 00b: a translated request is blocked', () => {
    const s = hw();
    setContext(s, NIC, { did: 1, slptptr: newDomainTable(s), aw: 2, tt: 0 });
    expect(translate(s, { sourceId: NIC, address: 0x1000, write: false, at: 'translated' })).toMatchObject({ ok: false, reason: DMA_FAULT.TT_BLOCKED });
  });
});
