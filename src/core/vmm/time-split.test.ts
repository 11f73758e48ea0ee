/**
 * Where a guest's time goes under the VMM (hypervisor.ts `handleExit`, `haltedInGuest`): the guest's own work
 * (VMX non-root, not halted), the VMM's (each VM exit, its handler and the VM entry), and idle time (halted in
 * non-root operation, waiting for an interrupt), which belongs to neither.
 */
import { describe, expect, it } from 'vitest';
import { runLab } from '../lab/run.ts';
import { loadScenarioSource } from '../scenarios/index.ts';
import { costModelFor } from '../cost/model.ts';
import { NullSink } from '../trace/sink.ts';

const CPUS = ['xeon-lv', 'xeon-5100', 'nehalem', 'modern'] as const;

function end(src: string, cpu: string, vmm?: Record<string, unknown>): Record<string, number> & { exitsByReason: Record<string, number> } {
  const r = runLab(src, { cpu, trace: new NullSink(), maxSteps: 2_000_000, ...(vmm !== undefined ? { vmm } : {}) });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.end as unknown as Record<string, number> & { exitsByReason: Record<string, number> };
}

describe('an instruction that causes a VM exit costs the exit, not its native latency (SDM Vol. 3C §25.1)', () => {
  // OUT and CPUID have native latencies of hundreds of cycles on some models (Agner Fog's tables, cost/figures.ts);
  // when they exit, the VM exit happens instead of the instruction.
  const src = `; @mode guest
start:
  mov dx, 0x80
  out dx, al
  xor eax, eax
  cpuid
  cli
  hlt
`;
  for (const cpu of CPUS) {
    it(`${cpu}: the guest is charged only the instructions that did not exit`, () => {
      const e = end(src, cpu);
      // OUT (30), CPUID (10), HLT (12); with EPT also the first touch of the code page (48), a fetch that is retried.
      expect(e.exitsByReason).toMatchObject({ '30 I/O instruction': 1, '10 CPUID': 1, '12 HLT': 1 });
      // mov, xor and cli: one cycle each in every model's table (the plain ALU/move class); before, the exiting
      // OUT alone added its native 300 cycles on the Xeon LV (Pentium M figure).
      expect(costModelFor(cpu).instruction[0].value).toBe(1);
      expect(e.guestCycles).toBe(3);
    });
  }
});

describe('idle time is neither the guest\u2019s nor the VMM\u2019s', () => {
  const idle = loadScenarioSource('hlt-idle')!;
  it('with HLT exiting off, the time the guest sits halted in VMX non-root operation is counted as halted, not as guest work', () => {
    for (const cpu of CPUS) {
      const on = end(idle, cpu);
      const off = end(idle, cpu, { hltExiting: false });
      expect(off.haltedCycles).toBeGreaterThan(0);
      // Halted time is most of this run either way: with HLT exiting the VMM idles instead (counted nowhere).
      expect(off.haltedCycles).toBeGreaterThan(10 * (off.guestCycles + off.vmmCycles));
      // The guest's own work is the same instructions whether its HLT exits or not (within the cost of the HLTs).
      expect(Math.abs(off.guestCycles - on.guestCycles)).toBeLessThan(100);
      expect(on.haltedCycles).toBe(0);
      // Guest, VMM and halted time never add up to more than the run.
      expect(off.guestCycles + off.vmmCycles + off.haltedCycles).toBeLessThanOrEqual(off.cycle);
    }
  });
});
