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

const MODELS = ['xeon-lv', 'nehalem', 'modern'];
const GUEST_BYTES = 4 * 1048576;
const LOAD = 0x10000;

/** Bytes that steer the decoder into exits and faults (compare x86/robustness.test.ts). */
const SPECIAL: number[][] = [
  [0x66], [0x67], [0xf3], [0xf0], [0x26], [0x64], [0x0f, 0x00], [0x0f, 0x01], [0x0f, 0x20], [0x0f, 0x22], [0x0f, 0x21],
  [0x0f, 0x23], [0x0f, 0xc7], [0x0f, 0x78], [0x0f, 0x79], [0x0f, 0x30], [0x0f, 0x32], [0x0f, 0xa2], [0x0f, 0x31],
  [0x0f, 0x01, 0xc1], [0x0f, 0x01, 0xc2], [0x0f, 0x01, 0xc3], [0x0f, 0x01, 0xc4], [0x0f, 0x06], [0x0f, 0x08], [0x0f, 0x09],
  [0x0f, 0x01, 0xd0], [0x0f, 0x01, 0xd1], [0x0f, 0x01, 0x3f], [0xcd], [0xcf], [0xcc], [0xf4], [0x9a], [0xea], [0x8e], [0x9d],
  [0xe4], [0xe6], [0xec], [0xee], [0x6c], [0x6e], [0xfa], [0xfb], [0x0f, 0x0b], [0x0f, 0x38, 0x80], [0x0f, 0x38, 0x81],
  [0xf3, 0x90], [0x0f, 0x01, 0xc8], [0x0f, 0x01, 0xc9],
];
const bytes = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 0, max: 255 }).map((b) => [b]) },
      { weight: 3, arbitrary: fc.constantFrom(...SPECIAL) },
      { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }) },
    ),
    { minLength: 1, maxLength: 40 },
  )
  .map((c) => c.flat());
const regValue = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.integer({ min: 0, max: 0x400 }),
  fc.constantFrom(0x3f8, 0x20, 0x40, 0x21, 0x1b, 0x174, 0xc0000080, 0x10, 0x80000011, 0x3ffff0, 0x400000, 0xfee00000, 0x10000),
);

/** MOV r32, imm32 for EAX, ECX, EDX, EBX, EBP, ESI, EDI. */
function prologue(regs: number[]): number[] {
  const out: number[] = [];
  [0, 1, 2, 3, 5, 6, 7].forEach((r, k) => out.push(0xb8 + r, regs[k] & 0xff, (regs[k] >>> 8) & 0xff, (regs[k] >>> 16) & 0xff, (regs[k] >>> 24) & 0xff));
  return out;
}

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
