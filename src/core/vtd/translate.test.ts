import { describe, expect, it } from 'vitest';
import { DMA_DEMOS, LAB_VMS, buildLabHardware, newSession, runDma } from './lab.ts';
import { createHardware, mapPage, newDomainTable, parseBdf, setContext, sourceId } from './hardware.ts';
import { translate } from './translate.ts';
import { dmaAccess } from './dma.ts';
import { DMA_FAULT } from './reasons.ts';

const NIC = sourceId(3, 0, 0);

describe('DMA remapping walk (VT-d 3.4, 3.6)', () => {
  it('translates an assigned device’s DMA into its own VM’s host memory, through root → context → 3 levels', () => {
    const s = buildLabHardware();
    const t = translate(s, { sourceId: NIC, address: 0x12_3456, write: true });
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    expect(t.hpa).toBe(LAB_VMS[0].hostBase + 0x12_3456);
    expect(t.did).toBe(1);
    expect(t.steps.map((x) => x.kind)).toEqual(['root', 'context', 'sl', 'sl', 'sl']);
    expect(t.steps[0].index).toBe(3); // root entry = bus
    expect(t.steps[1].index).toBe(0); // context entry = devfn
  });

  it('translates the disk controller into VM2, not VM1, for the same guest-physical address', () => {
    const s = buildLabHardware();
    const t = translate(s, { sourceId: sourceId(4, 0, 0), address: 0x12_3456, write: false });
    expect(t.ok && t.hpa).toBe(LAB_VMS[1].hostBase + 0x12_3456);
  });

  it('allows a read but blocks a write to a page mapped read-only (5h)', () => {
    const s = buildLabHardware();
    expect(translate(s, { sourceId: NIC, address: 0x40_0010, write: false }).ok).toBe(true);
    const w = translate(s, { sourceId: NIC, address: 0x40_0010, write: true });
    expect(w.ok).toBe(false);
    if (!w.ok) {
      expect(w.reason).toBe(DMA_FAULT.WRITE_NOT_ALLOWED);
      expect(w.steps.at(-1)?.level).toBe(1);
    }
  });

  it('blocks a write to another VM’s host-physical address (it is read as a guest-physical address of the device’s own domain)', () => {
    const s = buildLabHardware();
    const w = translate(s, { sourceId: NIC, address: LAB_VMS[1].hostBase + 0x1000, write: true });
    expect(!w.ok && w.reason).toBe(DMA_FAULT.WRITE_NOT_ALLOWED);
    const r = translate(s, { sourceId: NIC, address: LAB_VMS[1].hostBase + 0x1000, write: false });
    expect(!r.ok && r.reason).toBe(DMA_FAULT.READ_NOT_ALLOWED);
  });

  it('marks the step where the walk stopped', () => {
    const s = buildLabHardware();
    const t = translate(s, { sourceId: NIC, address: 0x90_0000, write: true });
    expect(t.ok).toBe(false);
    expect(t.steps.filter((x) => !x.ok)).toHaveLength(1);
    expect(t.steps.at(-1)?.ok).toBe(false);
    expect(t.steps.at(-1)?.level).toBe(2); // 8–10 MiB has no level-1 table in domain 1
  });

  it('pass-through (TT = 10b) uses the address as host-physical', () => {
    const s = createHardware({ cap: { mgaw: 48, sagaw: 6, nfr: 2 }, memoryTop: 2 ** 30, tableBase: 0x10_0000, irtSizeField: 3 });
    setContext(s, NIC, { did: 5, slptptr: 0, tt: 2 });
    const t = translate(s, { sourceId: NIC, address: 0x1234_5678, write: true });
    expect(t.ok && t.hpa).toBe(0x1234_5678);
  });

  it('walks 4 levels for AW = 2 (48-bit)', () => {
    const s = createHardware({ cap: { mgaw: 48, sagaw: 6, nfr: 2 }, memoryTop: 2 ** 30, tableBase: 0x10_0000, irtSizeField: 3 });
    const top = newDomainTable(s);
    mapPage(s, top, 4, 2 ** 40, 0x2000_0000, { r: true, w: true });
    setContext(s, NIC, { did: 1, slptptr: top, aw: 2 });
    const t = translate(s, { sourceId: NIC, address: 2 ** 40 + 0x10, write: true });
    expect(t.ok && t.hpa).toBe(0x2000_0010);
    expect(t.steps.filter((x) => x.kind === 'sl')).toHaveLength(4);
  });
});

describe('every DMA fault reason the lab triggers (VT-d ch. 7, Linux dma_remap_fault_reasons)', () => {
  for (const d of DMA_DEMOS) {
    it(`${d.label}: ${d.expect === null ? 'allowed' : `reason ${d.expect.toString(16)}h`}`, () => {
      const ses = newSession();
      const sid = parseBdf(d.device) as number;
      const { result } = runDma(ses, { sourceId: sid, address: d.address, write: d.write, at: d.at, badRtaddr: d.badRtaddr });
      if (d.expect === null) expect(result.translation.ok).toBe(true);
      else {
        expect(result.translation.ok).toBe(false);
        if (!result.translation.ok) expect(result.translation.reason).toBe(d.expect);
      }
    });
  }

  it('covers reasons 1h–Dh', () => {
    const reasons = new Set(DMA_DEMOS.map((d) => d.expect).filter((x) => x !== null));
    for (let r = 1; r <= 0xd; r++) expect(reasons.has(r)).toBe(true);
  });

  it('restores RTADDR after the invalid-root-table demo', () => {
    const ses = newSession();
    const before = ses.hw.regs.rtaddr;
    runDma(ses, { sourceId: NIC, address: 0x1000, write: true, badRtaddr: true });
    expect(ses.hw.regs.rtaddr).toBe(before);
    expect(translate(ses.hw, { sourceId: NIC, address: 0x1000, write: true }).ok).toBe(true);
  });

  it('a blocked request with FPD = 1 is not recorded', () => {
    const s = buildLabHardware();
    const out = dmaAccess(s, { sourceId: parseBdf('06:00.6') as number, address: 0x5000, write: true });
    expect(out.translation.ok).toBe(false);
    expect(out.record).toEqual({ recorded: false, why: 'fpd' });
    expect(s.frcd.every((r) => !r.f)).toBe(true);
    expect(s.regs.fsts.ppf).toBe(false);
  });
});
