import { describe, expect, it } from 'vitest';
import { parseAddress, runSriov, vtdCommand } from './vtd.ts';

describe('worker VT-d session', () => {
  it('runs a demo and returns the fault record as written, decoded, with the OS line', () => {
    vtdCommand({ kind: 'reset', nfr: 4, collapse: false });
    const r = vtdCommand({ kind: 'demo', id: 'escape-write' });
    expect(r.ok).toBe(true);
    if (!r.ok || r.view.last === null || !('record' in r.view.last)) throw new Error('no record');
    const rec = r.view.last.record;
    expect(rec?.record).toMatchObject({ f: true, reason: 5, type: 'write', sourceId: 0x0300, faultInfo: 0x2000_1000 });
    expect(rec?.bytes).toEqual(['00', '10', '00', '20', '00', '00', '00', '00', '00', '03', '00', '00', '05', '00', '00', '80']);
    expect(rec?.line).toContain('[fault reason 0x05] PTE Write access is not set');
    // the OS handled the event: the register is clear again
    expect(r.view.records[0].record.f).toBe(false);
    expect(r.view.log.at(-1)).toBe(rec?.line);
  });

  it('rejects a bad custom request with the field to blame', () => {
    expect(vtdCommand({ kind: 'dma', device: 'nic', address: '0x1000', write: true })).toMatchObject({ ok: false, field: 'device' });
    expect(vtdCommand({ kind: 'dma', device: '03:00.0', address: '0xq', write: true })).toMatchObject({ ok: false, field: 'address' });
    expect(vtdCommand({ kind: 'reset', nfr: 0, collapse: false })).toMatchObject({ ok: false, field: 'nfr' });
    expect(parseAddress('0x12_3400')).toBe(0x12_3400);
  });

  it('floods with the event masked: records fill, PFO is set, later faults are lost', () => {
    vtdCommand({ kind: 'reset', nfr: 4, collapse: false });
    vtdCommand({ kind: 'mask', im: true });
    const r = vtdCommand({ kind: 'flood', count: 6 });
    if (!r.ok || r.view.last === null || !('flood' in r.view.last)) throw new Error('no flood');
    expect(r.view.last.flood).toMatchObject({ sent: 6, recorded: 4, lost: 2, pfo: true });
    expect(r.view.fsts.value).toBe(3);
    const u = vtdCommand({ kind: 'mask', im: false });
    expect(u.ok && u.view.fsts.value).toBe(0);
    vtdCommand({ kind: 'reset', nfr: 4, collapse: false });
  });

  it('SR-IOV request validation', () => {
    expect(runSriov({ vfs: 8, firstVfOffset: 0x80, vfStride: 2, perVmGbit: 1 }).ok).toBe(true);
    expect(runSriov({ vfs: 0, firstVfOffset: 0x80, vfStride: 2, perVmGbit: 1 })).toMatchObject({ ok: false, field: 'vfs' });
  });
});
