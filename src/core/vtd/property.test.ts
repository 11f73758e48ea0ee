import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LAB_DEVICES, LAB_VMS, buildLabHardware, vmOfHostAddress } from './lab.ts';
import { dmaAccess } from './dma.ts';
import { translate } from './translate.ts';
import { createHardware, mapPage, newDomainTable, setContext, sourceId } from './hardware.ts';

describe('isolation invariants (property)', () => {
  it('an assigned device only ever reaches its own VM’s host memory, whatever address it uses', () => {
    const s = buildLabHardware();
    const assigned = LAB_DEVICES.filter((d) => d.vm !== null);
    fc.assert(
      fc.property(fc.constantFrom(...assigned), fc.integer({ min: 0, max: 2 ** 40 }), fc.boolean(), (dev, address, write) => {
        const t = translate(s, { sourceId: dev.sid, address, write });
        if (t.ok) expect(vmOfHostAddress(t.hpa)?.id).toBe(dev.vm);
      }),
      { numRuns: 2000 },
    );
  });

  it('a device can never read or write a host page outside its domain’s mapped set (random domains)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1023 }), { minLength: 1, maxLength: 24 }),
        fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 39 - 1 }), fc.boolean()), { minLength: 1, maxLength: 40 }),
        (gfns, writable, requests) => {
          const s = createHardware({ cap: { mgaw: 48, sagaw: 6, nfr: 8 }, memoryTop: 2 ** 34, tableBase: 0x10_0000, irtSizeField: 3 });
          const top = newDomainTable(s);
          const mapped = new Map<number, { hpa: number; w: boolean }>();
          gfns.forEach((g, k) => {
            const hpa = 0x4000_0000 + k * 4096;
            mapPage(s, top, 3, g * 4096, hpa, { r: true, w: writable[k] });
            mapped.set(g, { hpa, w: writable[k] });
          });
          const dev = sourceId(3, 0, 0);
          setContext(s, dev, { did: 1, slptptr: top, aw: 1 });
          for (const [address, write] of requests) {
            const out = dmaAccess(s, { sourceId: dev, address, write });
            const m = mapped.get(Math.floor(address / 4096));
            if (out.translation.ok) {
              expect(m).toBeDefined();
              expect(out.translation.hpa).toBe((m as { hpa: number }).hpa + (address % 4096));
              if (write) expect(m?.w).toBe(true);
            } else {
              expect(m === undefined || (write && !m.w)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('faults never exceed the recording registers and PFO is set exactly when one was lost', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 20 }), (nfr, n) => {
        const s = buildLabHardware({ nfr, collapseSameSource: false });
        for (let k = 0; k < n; k++) dmaAccess(s, { sourceId: sourceId(3, 0, 0), address: LAB_VMS[1].hostBase + k * 4096, write: true });
        expect(s.frcd.filter((r) => r.f)).toHaveLength(Math.min(n, nfr));
        expect(s.regs.fsts.pfo).toBe(n > nfr);
        expect(s.regs.fsts.ppf).toBe(n > 0);
      }),
    );
  });
});
