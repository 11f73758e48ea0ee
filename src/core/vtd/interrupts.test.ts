import { describe, expect, it } from 'vitest';
import { IRQ_DEMOS, buildLabHardware, newSession, runInterrupt } from './lab.ts';
import { remapInterrupt, remappableMsiAddress, setIrte } from './interrupts.ts';
import { sourceId } from './hardware.ts';
import { IR_FAULT } from './reasons.ts';

const NIC = sourceId(3, 0, 0);
const DISK = sourceId(4, 0, 0);

describe('interrupt remapping (VT-d ch. 5)', () => {
  for (const d of IRQ_DEMOS) {
    it(`${d.label}: ${d.expect === null ? 'delivered' : `fault ${d.expect.toString(16)}h`}`, () => {
      const ses = newSession();
      const { result } = runInterrupt(ses, d.request);
      if (d.expect === null) expect(result.result.ok).toBe(true);
      else expect(!result.result.ok && result.result.reason).toBe(d.expect);
    });
  }

  it('the IRTE, not the device, decides the vector and destination', () => {
    const s = buildLabHardware();
    const r = remapInterrupt(s, { sourceId: DISK, format: 'remappable', handle: 1, shv: false, data: 0x99 });
    expect(r.ok && [r.vector, r.destination]).toEqual([0x42, 2]);
  });

  it('records an interrupt fault with the index in FI 63:48 and the requester’s source-id', () => {
    const s = buildLabHardware();
    const r = remapInterrupt(s, { sourceId: NIC, format: 'remappable', handle: 1, shv: false, data: 0 });
    expect(r.ok).toBe(false);
    expect(s.frcd[0]).toMatchObject({ f: true, reason: IR_FAULT.SOURCE_ID_CHECK, sourceId: NIC, irIndex: 1 });
  });

  it('SQ masks function bits; SVT = 10b checks a bus range', () => {
    const s = buildLabHardware();
    setIrte(s, 10, { vector: 0x50, destination: 0, sid: sourceId(3, 0, 0), sq: 3 });
    expect(remapInterrupt(s, { sourceId: sourceId(3, 0, 5), format: 'remappable', handle: 10, shv: false, data: 0 }).ok).toBe(true);
    expect(remapInterrupt(s, { sourceId: sourceId(3, 1, 0), format: 'remappable', handle: 10, shv: false, data: 0 }).ok).toBe(false);
    setIrte(s, 11, { vector: 0x51, destination: 0, sid: (0x05 << 8) | 0x03, svt: 2 });
    expect(remapInterrupt(s, { sourceId: sourceId(4, 0, 0), format: 'remappable', handle: 11, shv: false, data: 0 }).ok).toBe(true);
    expect(remapInterrupt(s, { sourceId: sourceId(6, 0, 0), format: 'remappable', handle: 11, shv: false, data: 0 }).ok).toBe(false);
  });

  it('adds the subhandle when SHV = 1', () => {
    const s = buildLabHardware();
    const r = remapInterrupt(s, { sourceId: DISK, format: 'remappable', handle: 0, shv: true, data: 1 });
    expect(r.ok && r.index).toBe(1);
  });

  it('an unreadable table is 23h', () => {
    const s = buildLabHardware();
    s.regs.irta.address = s.memoryTop;
    const r = remapInterrupt(s, { sourceId: NIC, format: 'remappable', handle: 0, shv: false, data: 0 });
    expect(!r.ok && r.reason).toBe(IR_FAULT.IRT_ACCESS_ERROR);
  });

  it('compatibility format passes when CFIS = 1', () => {
    const s = buildLabHardware();
    s.regs.cfis = true;
    expect(remapInterrupt(s, { sourceId: NIC, format: 'compatibility', handle: 0, shv: false, data: 0x41 }).ok).toBe(true);
  });

  it('encodes the remappable MSI address (0xFEE…, IF = bit 4, handle in 19:5 and bit 2)', () => {
    expect(remappableMsiAddress(0, false)).toBe(0xfee0_0010);
    expect(remappableMsiAddress(1, true)).toBe(0xfee0_0038);
    expect(remappableMsiAddress(0x8000, false)).toBe(0xfee0_0014);
  });
});
