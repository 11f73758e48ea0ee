import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { costModelFor } from '../cost/model.ts';
import { figureById } from '../cost/figures.ts';
import {
  DEFAULT_IO_PARAMS,
  IO_FIGURES,
  decodeIoQualification,
  overheadCell,
  pathMetrics,
  runIoPath,
  transitionCost,
  validateIoPathParams,
  type IoPathParams,
} from './index.ts';

const base: IoPathParams = { ...DEFAULT_IO_PARAMS, packets: 4, batch: 2, bytes: 1024 };
const net = (p: Partial<IoPathParams> = {}) => ({ ...base, ...p });
const disk = (p: Partial<IoPathParams> = {}) => ({ ...base, workload: 'disk' as const, bytes: 4096, ...p });

describe('exit counts from real runs on the VMX core', () => {
  it('emulated NE2000: 15 register-access exits per packet on the data path (ne_block_output + NS8390_trigger_send), 3 for the TX interrupt', () => {
    const r = runIoPath('emulated', net());
    expect(r.ended).toBe('powered off');
    expect(r.completed).toBe(4);
    expect(r.bytesDelivered).toBe(4 * 1024);
    expect(r.exits.data).toBe(4 * 15);
    // ISR read, ISR write-to-clear, EOI to the master PIC
    expect(r.exits.interrupt).toBe(4 * 3);
    expect(r.exits.byReason).toEqual({ '30 I/O instruction': 72 });
  });

  it('emulated IDE: 6 task-file writes per request, then a DRQ poll and one REP OUTSW per 512-byte block; 3 exits per block interrupt (Status, EOI slave, EOI master)', () => {
    const r = runIoPath('emulated', disk({ packets: 2, bytes: 2048 }));
    expect(r.completed).toBe(2);
    expect(r.bytesDelivered).toBe(4096);
    expect(r.exits.data).toBe(2 * (6 + 4 * 2));
    expect(r.exits.interrupt).toBe(2 * 4 * 3);
  });

  it('paravirtual ring: one Queue Notify exit per batch, the interrupt per batch costs the ISR read and the EOI', () => {
    const r = runIoPath('paravirtual', net({ packets: 8, batch: 4 }));
    expect(r.completed).toBe(8);
    expect(r.exits.data).toBe(2);
    expect(r.interrupts).toBe(2);
    expect(r.exits.interrupt).toBe(2 * 2);
    const notify = r.steps.filter((s) => s.hop === 'exit' && s.role === 'data');
    expect(notify.every((s) => s.title.includes('Queue Notify'))).toBe(true);
  });

  it('assigned device: no exit on the data path; each completion interrupt is an external-interrupt exit plus the EOI', () => {
    const r = runIoPath('assigned', net({ packets: 8, batch: 4 }));
    expect(r.completed).toBe(8);
    expect(r.exits.data).toBe(0);
    expect(r.interrupts).toBe(2);
    expect(r.exits.byReason).toEqual({ '1 External interrupt': 2, '30 I/O instruction': 2 });
    expect(r.postedRemovable).toBe(4);
    // every DMA went through the IOMMU step
    expect(r.steps.some((s) => s.hop === 'iommu' && s.detail.includes('source-id 03:00.0'))).toBe(true);
  });

  it('emulated ≫ paravirtual ≥ assigned in exits per request, for both workloads', () => {
    for (const p of [net({ packets: 8, batch: 8 }), disk({ packets: 4, batch: 4 })]) {
      const [e, v, a] = (['emulated', 'paravirtual', 'assigned'] as const).map((k) => runIoPath(k, p).exits.total / p.packets);
      expect(e).toBeGreaterThan(10 * v);
      expect(v).toBeGreaterThanOrEqual(a);
    }
  });

  it('disk requests through the ring use three descriptors (header, data, status) and the device writes status OK', () => {
    const r = runIoPath('paravirtual', disk({ packets: 1, batch: 1, bytes: 1024 }));
    const g = r.steps.find((s) => s.hop === 'guest-driver' && s.title.includes('queued request'))!;
    expect(g.detail.match(/descriptor \d+/g)?.length).toBe(3);
    expect(r.bytesDelivered).toBe(1024);
  });

  it('every step is numbered in order, every exit numbered 1..n, and the run is deterministic', () => {
    const a = runIoPath('emulated', net({ packets: 2 }));
    const b = runIoPath('emulated', net({ packets: 2 }));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.steps.map((s) => s.seq)).toEqual(a.steps.map((_, k) => k + 1));
    expect(a.steps.filter((s) => s.hop === 'exit').map((s) => s.exitNo)).toEqual(Array.from({ length: a.exits.total }, (_, k) => k + 1));
  });

  it('runs on every CPU model, with or without EPT, and the exit counts do not depend on the model', () => {
    const counts = ['xeon-lv', 'xeon-5100', 'nehalem', 'modern'].map((cpu) => runIoPath('emulated', net({ cpu, packets: 2 })).exits.total);
    expect(new Set(counts).size).toBe(1);
  });
});

describe('exit qualification (SDM Vol. 3C Table 28-5)', () => {
  it('decodes OUT DX, AL to port 0x307', () => {
    expect(decodeIoQualification(0x03070000)).toEqual({ size: 1, direction: 'OUT', string: false, rep: false, operand: 'DX', port: 0x307 });
  });
  it('decodes REP OUTSW to the data port and IN AL, imm8', () => {
    expect(decodeIoQualification(0x03100031)).toMatchObject({ size: 2, direction: 'OUT', string: true, rep: true, port: 0x310 });
    expect(decodeIoQualification(0x00200048)).toMatchObject({ size: 1, direction: 'IN', operand: 'immediate', port: 0x20 });
  });
  it('the trace names the register and the decoded fields of each exit', () => {
    const r = runIoPath('emulated', net({ packets: 1, batch: 1 }));
    const rep = r.steps.find((s) => s.hop === 'exit' && s.detail.includes('REP OUTS'))!;
    expect(rep.title).toContain('data port');
    expect(rep.detail).toContain('bit 5 REP = 1');
  });
});

describe('costs come from the cost model', () => {
  it('each I/O exit costs VM exit + I/O handler + VM entry of the CPU model (at least)', () => {
    for (const cpu of ['xeon-5100', 'modern']) {
      const cm = costModelFor(cpu);
      const r = runIoPath('paravirtual', net({ cpu, packets: 1, batch: 1 }));
      const ex = r.steps.find((s) => s.hop === 'exit')!;
      expect(ex.exitCycles).toBeGreaterThanOrEqual(cm.vmExit.value + cm.vmEntry.value + (cm.handler[30]?.value ?? 0));
    }
  });
  it('the user-space device model adds the sourced KVM exit-to-user-space cost per device-register exit, only on the emulated path', () => {
    const us = figureById('kvm.userspace-exit.2012-unnamed')!.value;
    expect(us).toBe(13337);
    const on = runIoPath('emulated', net({ packets: 1, batch: 1, userSpaceDeviceModel: true }));
    const off = runIoPath('emulated', net({ packets: 1, batch: 1, userSpaceDeviceModel: false }));
    expect(off.userSpaceCycles).toBe(0);
    expect(on.userSpaceCycles).toBe((15 + 2) * us);
    expect(runIoPath('paravirtual', net({ userSpaceDeviceModel: true })).userSpaceCycles).toBe(0);
  });
  it('posted interrupts remove the interrupt exits of the assigned path only (derived)', () => {
    const p = net({ cpu: 'modern', packets: 4, batch: 4, postedInterrupts: true });
    const a = pathMetrics(runIoPath('assigned', p));
    expect(a.exitsPerRequest.value).toBe(0);
    expect(a.exitsPerRequest.kind).toBe('derived');
    const v = pathMetrics(runIoPath('paravirtual', p));
    expect(v.exitsPerRequest.value).toBeGreaterThan(0);
  });
  it('throughput is capped by the line rate and the CPU-bound rate of the emulated NIC is far below the assigned one', () => {
    const p = net({ packets: 4, batch: 4, bytes: 1514, lineRateMbit: 1000 });
    const [e, , a] = (['emulated', 'paravirtual', 'assigned'] as const).map((k) => pathMetrics(runIoPath(k, p)));
    expect(a.throughputMbit.value).toBe(1000);
    expect(e.throughputMbit.value).toBeLessThan(a.throughputMbit.value);
    expect(e.cpuAtLineRatePercent.value).toBeGreaterThan(a.cpuAtLineRatePercent.value);
  });
});

describe('parameters', () => {
  it('accepts the defaults and rejects bad fields one message each', () => {
    expect(validateIoPathParams(DEFAULT_IO_PARAMS).ok).toBe(true);
    const r = validateIoPathParams({ ...DEFAULT_IO_PARAMS, packets: 0, batch: 9, bytes: 20, lineRateMbit: -1, cpu: 'pentium' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field).sort()).toEqual(['bytes', 'cpu', 'lineRateMbit', 'packets']);
    const b = validateIoPathParams({ ...DEFAULT_IO_PARAMS, packets: 4, batch: 5 });
    expect(!b.ok && b.errors[0].field).toBe('batch');
    const d = validateIoPathParams({ ...DEFAULT_IO_PARAMS, workload: 'disk', bytes: 1000 });
    expect(!d.ok && d.errors[0].message).toContain('multiple of 512');
  });
  it('posted interrupts only on a part that has them (Ice Lake-SP yes, Nehalem no)', () => {
    expect(validateIoPathParams({ ...DEFAULT_IO_PARAMS, cpu: 'modern', postedInterrupts: true }).ok).toBe(true);
    const r = validateIoPathParams({ ...DEFAULT_IO_PARAMS, cpu: 'nehalem', postedInterrupts: true });
    expect(!r.ok && r.errors[0].field).toBe('postedInterrupts');
  });
});

describe('property: exits follow the batch', () => {
  it('paravirtual data-path exits = ceil(requests / batch); assigned = 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom('net' as const, 'disk' as const), (packets, b, workload) => {
        const batch = Math.min(b, packets);
        const p = { ...base, workload, packets, batch, bytes: workload === 'net' ? 256 : 512 };
        const v = runIoPath('paravirtual', p);
        const a = runIoPath('assigned', p);
        expect(v.completed).toBe(packets);
        expect(v.exits.data).toBe(Math.ceil(packets / batch));
        expect(a.exits.data).toBe(0);
        expect(a.completed).toBe(packets);
        expect(a.interrupts).toBeLessThanOrEqual(Math.ceil(packets / batch));
      }),
      { numRuns: 12 },
    );
  });
});

describe('overhead (white paper §3.3.5)', () => {
  it('the I/O-heavy workload spends a larger share in the VMM than the CPU-bound one, on every CPU model', () => {
    for (const cpu of ['xeon-lv', 'modern']) expect(overheadCell(cpu, 'io-heavy').vmmSharePercent).toBeGreaterThan(overheadCell(cpu, 'cpu-bound').vmmSharePercent);
  });
  it('the transition cost is the cost model round trip at the model clock', () => {
    const w = transitionCost('xeon-5100');
    expect(w.roundTripCycles).toBe(1579);
    expect(w.roundTripNs).toBeCloseTo((1579 / 3.0e9) * 1e9, 0);
    expect(transitionCost('modern').roundTripNs).toBeLessThan(w.roundTripNs);
    expect(transitionCost('modern').kind).toBe('assumption');
  });
});

const REF = '/work/shared/reference/usage-models.md';
describe('published figures', () => {
  it.skipIf(!existsSync(REF))('every number quoted matches usage-models.md §E', () => {
    const text = readFileSync(REF, 'utf8');
    const e = text.slice(text.indexOf('## E.'), text.indexOf('## F.'));
    for (const f of IO_FIGURES) for (const num of f.value.match(/\d+(\.\d+)?/g) ?? []) expect(e, `${f.id}: ${num}`).toContain(num);
  });
  it('cites a source for every figure', () => {
    for (const f of IO_FIGURES) expect(f.source.length).toBeGreaterThan(20);
  });
});
