import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildLabHardware, newSession, runDma, setMask } from './lab.ts';
import { emptyRecord, sourceId, type FaultRecord } from './hardware.ts';
import { decodeFaultRecord, encodeFaultRecord, faultLogLine, fectlValue, fstsValue, recordFault, serviceFaults, setFaultInterruptMask } from './faults.ts';
import { faultReason } from './reasons.ts';

const NIC = sourceId(3, 0, 0);

describe('primary fault record (FRCD_REG, 16 bytes)', () => {
  it('holds the page-aligned address, source-id, type and reason in the spec’s bit positions', () => {
    const rec: FaultRecord = { f: true, type: 'write', reason: 5, sourceId: NIC, faultInfo: 0x2000_1000, irIndex: null };
    const { lo, hi, bytes } = encodeFaultRecord(rec);
    expect(bytes).toHaveLength(16);
    expect(lo).toBe(0x2000_1000n);
    expect(hi & 0xffffn).toBe(0x0300n); // SID 03:00.0
    expect((hi >> 32n) & 0xffn).toBe(5n); // FR
    expect((hi >> 62n) & 1n).toBe(0n); // T = 0: write
    expect(hi >> 63n).toBe(1n); // F
    const read = encodeFaultRecord({ ...rec, type: 'read' });
    expect((read.hi >> 62n) & 1n).toBe(1n); // T = 1: read
  });

  it('puts the interrupt index in FI bits 63:48 for an interrupt-remapping fault', () => {
    const { lo } = encodeFaultRecord({ f: true, type: 'write', reason: 0x26, sourceId: NIC, faultInfo: 0, irIndex: 1 });
    expect(lo).toBe(1n << 48n);
  });

  it('decodes what it encodes (property)', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 2 ** 40 - 1 }), (f, read, reason, sid, addr) => {
        const r: FaultRecord = { f, type: read ? 'read' : 'write', reason, sourceId: sid, faultInfo: addr - (addr % 4096), irIndex: null };
        expect(decodeFaultRecord(encodeFaultRecord(r).bytes, false)).toEqual(r);
      }),
    );
  });

  it('records the faulting DMA with its fields and sets PPF and FRI', () => {
    const s = buildLabHardware();
    const out = recordFault(s, { sourceId: NIC, reason: 5, write: true, address: 0x2000_1234 });
    expect(out).toEqual({ recorded: true, index: 0, event: 'interrupt' });
    expect(s.frcd[0]).toEqual({ f: true, type: 'write', reason: 5, sourceId: NIC, faultInfo: 0x2000_1000, irIndex: null });
    expect(s.regs.fsts).toEqual({ pfo: false, ppf: true, fri: 0 });
    expect(fstsValue(s)).toBe(0x2);
    expect(s.faultEvents).toBe(1);
  });
});

describe('fault status, overflow and the fault event (spec 7.2.1, 7.3)', () => {
  it('fills the records in order, raises one event for the first, then sets PFO and drops faults when all are full', () => {
    const s = buildLabHardware({ nfr: 4, collapseSameSource: false });
    const outs = Array.from({ length: 6 }, (_, k) => recordFault(s, { sourceId: NIC, reason: 5, write: true, address: 0x90_0000 + k * 4096 }));
    expect(outs.slice(0, 4).map((o) => o.recorded && o.index)).toEqual([0, 1, 2, 3]);
    expect(outs.slice(0, 4).map((o) => o.recorded && o.event)).toEqual(['interrupt', 'none', 'none', 'none']);
    expect(outs[4]).toEqual({ recorded: false, why: 'overflow' });
    expect(outs[5]).toEqual({ recorded: false, why: 'pfo' });
    expect(s.regs.fsts.pfo).toBe(true);
    expect(fstsValue(s) & 1).toBe(1);
    expect(s.faultEvents).toBe(1);
  });

  it('the OS handler reads from FRI, prints each record, clears F, PFO and PPF', () => {
    const s = buildLabHardware({ nfr: 2, collapseSameSource: false });
    recordFault(s, { sourceId: NIC, reason: 5, write: true, address: 0x90_0000 });
    recordFault(s, { sourceId: NIC, reason: 6, write: false, address: 0x2000_1000 });
    recordFault(s, { sourceId: NIC, reason: 5, write: true, address: 0x1000 });
    const r = serviceFaults(s);
    expect(r.fsts).toBe(0x3); // PFO | PPF, FRI 0
    expect(r.records.map((x) => x.reason)).toEqual([5, 6]);
    expect(r.lines[0]).toBe('DMAR: DRHD: handling fault status reg 3');
    expect(r.lines).toHaveLength(3);
    expect(s.frcd.every((x) => !x.f)).toBe(true);
    expect(s.regs.fsts).toEqual({ pfo: false, ppf: false, fri: 0 });
    // recording resumes at the next index, and FRI follows it
    const again = recordFault(s, { sourceId: NIC, reason: 5, write: true, address: 0x90_0000 });
    expect(again).toEqual({ recorded: true, index: 0, event: 'interrupt' });
  });

  it('with FECTL.IM set the event stays pending (IP) and is delivered when IM is cleared', () => {
    const s = buildLabHardware();
    setFaultInterruptMask(s, true);
    const out = recordFault(s, { sourceId: NIC, reason: 5, write: true, address: 0x90_0000 });
    expect(out.recorded && out.event).toBe('pending');
    expect(s.regs.fectl).toEqual({ im: true, ip: true });
    expect(fectlValue(s)).toBe(0xc000_0000);
    expect(s.faultEvents).toBe(0);
    expect(setFaultInterruptMask(s, false)).toBe('interrupt');
    expect(s.faultEvents).toBe(1);
    expect(s.regs.fectl.ip).toBe(false);
  });

  it('collapses a second fault from the same requester while one is pending, if the unit does that (as QEMU)', () => {
    const s = buildLabHardware({ nfr: 4, collapseSameSource: true });
    recordFault(s, { sourceId: NIC, reason: 5, write: true, address: 0x90_0000 });
    expect(recordFault(s, { sourceId: NIC, reason: 5, write: true, address: 0x91_0000 })).toEqual({ recorded: false, why: 'collapsed' });
    expect(recordFault(s, { sourceId: sourceId(4, 0, 0), reason: 6, write: false, address: 0 }).recorded).toBe(true);
  });

  it('in the lab, a masked event lets faults pile up to overflow; unmasking runs the OS handler', () => {
    const ses = newSession({ nfr: 4, collapseSameSource: false });
    setMask(ses, true);
    for (let k = 0; k < 5; k++) runDma(ses, { sourceId: NIC, address: 0x2000_0000 + k * 4096, write: true });
    expect(ses.hw.regs.fsts.pfo).toBe(true);
    expect(ses.log).toHaveLength(0);
    const lines = setMask(ses, false);
    expect(lines).toHaveLength(5); // status line + 4 records; the 5th fault was lost
    expect(ses.hw.regs.fsts.pfo).toBe(false);
  });
});

describe('the line the OS prints (Linux dmar.c dmar_fault_do_one)', () => {
  const rec: FaultRecord = { f: true, type: 'write', reason: 5, sourceId: NIC, faultInfo: 0x2000_1000, irIndex: null };
  it('current format', () => {
    expect(faultLogLine(rec)).toBe('DMAR: [DMA Write NO_PASID] Request device [03:00.0] fault addr 0x20001000 [fault reason 0x05] PTE Write access is not set');
    expect(faultLogLine({ ...rec, type: 'read', reason: 6 })).toBe('DMAR: [DMA Read NO_PASID] Request device [03:00.0] fault addr 0x20001000 [fault reason 0x06] PTE Read access is not set');
  });
  it('v4.7 format (the reference’s example form; reason in decimal)', () => {
    expect(faultLogLine(rec, 'v4.7')).toBe('DMAR: [DMA Write] Request device [03:00.0] fault addr 20001000 [fault reason 05] PTE Write access is not set');
    expect(faultLogLine({ ...rec, reason: 0xd }, 'v4.7')).toContain('[fault reason 13] PCE for translation request specifies blocking');
  });
  it('interrupt-remapping format', () => {
    const ir: FaultRecord = { ...emptyRecord(), f: true, reason: 0x26, sourceId: NIC, irIndex: 1 };
    expect(faultLogLine(ir)).toBe('DMAR: [INTR-REMAP] Request device [03:00.0] fault index 0x1 [fault reason 0x26] Blocked an interrupt request due to source-id verification failure');
  });
  it('reason texts match Linux’s tables', () => {
    expect(faultReason(1).text).toBe('Present bit in root entry is clear');
    expect(faultReason(2).text).toBe('Present bit in context entry is clear');
    expect(faultReason(0xc).text).toBe('non-zero reserved fields in PTE');
    expect(faultReason(0x21)).toEqual({ kind: 'ir', text: 'Interrupt index exceeded the interrupt-remapping table size' });
    expect(faultReason(0x30).kind).toBe('unknown');
  });
});
