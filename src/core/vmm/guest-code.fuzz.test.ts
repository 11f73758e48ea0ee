/**
 * The core under abuse (issue 9 item 2): random byte streams as guest code under the built-in VMM (hypervisor.ts),
 * on a 2006 part with shadow paging (xeon-lv), a Nehalem with EPT and VPID, and a current part. The bytes are
 * steered towards what makes exits and faults — prefixes, 0F escapes, I/O, MSRs, CR moves, INT n, HLT, the VMX
 * instructions, far transfers — and follow a prologue that loads random and plausible register values, so memory
 * operands hit guest RAM, the VMM's I/O ports and unmapped guest-physical space.
 *
 * Each run must end in a defined outcome — the guest instruction limit, all VMs stopped (powered off or crashed by
 * the VMM with a reason), or idle — never a JavaScript exception; and the VMM stays consistent: a snapshot
 * restored into a second hypervisor runs on exactly like the original (processor, VM state, console, exit counts,
 * memory it writes).
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { guestCostsFor } from '../cost/model.ts';
import { snapshotCpu } from '../x86/cpu-snapshot.ts';
import { Hypervisor, type HypervisorSnapshot } from './hypervisor.ts';
import { GUEST_AREA_START } from './host.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { hexBytes } from '../../test-support/core-fuzz.ts';
import { guestBytes as bytes, guestRegValue as regValue, guestPrologue as prologue } from '../../test-support/guest-fuzz.ts';

const MODELS = ['xeon-lv', 'nehalem', 'modern'];
const GUEST_BYTES = 4 * 1048576;
const LOAD = 0x10000;

function view(h: Hypervisor): string {
  const c = snapshotCpu(h.cpus[0]);
  delete c.tlb;
  const vm = h.vms[0];
  return JSON.stringify({ c, state: vm.state, console: vm.console, exitCode: vm.exitCode, stats: vm.stats });
}

describe.each(MODELS)('random guest code under the VMM on %s', (cpuId) => {
  const model = toProcessorModel(getCpuModel(cpuId)!);
  const make = (): Hypervisor => new Hypervisor(model, { hostMemoryBytes: GUEST_AREA_START + GUEST_BYTES, costs: guestCostsFor(cpuId) });
  const h = make();
  h.createVm({ name: 'fuzz', memoryBytes: GUEST_BYTES, vcpus: 1 }, LOAD);
  const pristine: HypervisorSnapshot = h.snapshot();
  const h2 = make();
  h2.createVm({ name: 'fuzz', memoryBytes: GUEST_BYTES, vcpus: 1 }, LOAD);

  const runs = fuzzRuns(120);
  test(`ends at the limit, stopped or idle, never throws, and a restored snapshot runs on identically (${runs} programs)`, () => {
    fc.assert(
      fc.property(fc.array(regValue, { minLength: 7, maxLength: 7 }), bytes, fc.integer({ min: 1, max: 300 }), (regs, code, cut) => {
        const prog = [...prologue(regs), ...code, 0xf4];
        const where = `${cpuId}: ${hexBytes(prog)}`;
        let first: string;
        try {
          h.restore(pristine);
          h.mem.dirtyPages.fill(0);
          h.vms[0].mem.load(LOAD, Uint8Array.from(prog));
          first = h.run(cut);
        } catch (e) {
          throw new Error(`threw on ${where}: ${(e as Error).stack ?? e}`);
        }
        expect(['limit', 'idle', 'all-stopped'], where).toContain(first);
        // Snapshot now; a second hypervisor restores it; both run on and must agree.
        const snap = h.snapshot();
        h2.restore(snap);
        expect(view(h2), `restored view: ${where}`).toBe(view(h));
        h.mem.dirtyPages.fill(0);
        h2.mem.dirtyPages.fill(0);
        let ra: string;
        let rb: string;
        try {
          ra = h.run(300);
          rb = h2.run(300);
        } catch (e) {
          throw new Error(`threw after restore on ${where}: ${(e as Error).stack ?? e}`);
        }
        expect(rb, where).toBe(ra);
        expect(view(h2), `diverged after restore: ${where}`).toBe(view(h));
        const d1 = h.mem.dirtyPages;
        const d2 = h2.mem.dirtyPages;
        for (let p = 0; p < d1.length; p++) {
          if (d1[p] === 0 && d2[p] === 0) continue;
          const x = h.mem.bytes.subarray(p * 4096, p * 4096 + 4096);
          const y = h2.mem.bytes.subarray(p * 4096, p * 4096 + 4096);
          for (let k = 0; k < 4096; k++) if (x[k] !== y[k]) expect.fail(`memory differs at 0x${(p * 4096 + k).toString(16)} after restore: ${where}`);
        }
      }),
      { numRuns: runs },
    );
  }, fuzzTimeout(runs, 400));
});
