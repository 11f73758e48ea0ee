import { describe, expect, it } from 'vitest';
import { getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { guestCostsFor } from '../cost/model.ts';
import { VmState } from '../trace/events.ts';
import { assemble } from '../x86/asm/index.ts';
import { GUEST_AREA_START } from '../vmm/host.ts';
import { Hypervisor } from '../vmm/hypervisor.ts';
import { accessWithinLimit, admitMemory, MIB } from './memory.ts';
import { COUNTERS, PROGRAM_ORIGIN, noisyProgram } from './programs.ts';

describe('memory limits', () => {
  it('admits VMs while their limits fit, refuses the one that does not (no overcommit)', () => {
    const a = admitMemory([{ name: 'pbx', limitMiB: 4 }, { name: 'tv', limitMiB: 8 }, { name: 'noisy', limitMiB: 16 }], 20, 4);
    expect(a.map((x) => x.admitted)).toEqual([true, true, false]);
    expect(a[2].why).toMatch(/4 MiB of host memory left/);
  });
  it('refuses a limit that is not a multiple of the 4-MiB guest RAM unit', () => {
    expect(admitMemory([{ name: 'x', limitMiB: 6 }], 64, 4)[0].admitted).toBe(false);
  });
  it('an access below the limit is mapped, at or beyond it an EPT violation', () => {
    expect(accessWithinLimit(4 * MIB - 1, 4)).toBe('mapped');
    expect(accessWithinLimit(4 * MIB, 4)).toBe('ept-violation');
  });

  it('on the VMX core: a guest writing beyond its 4-MiB limit is stopped by the VMM; its neighbour keeps running', () => {
    const model = toProcessorModel(getCpuModel('modern')!);
    const hv = new Hypervisor(model, { hostMemoryBytes: GUEST_AREA_START + 12 * MIB, costs: guestCostsFor('modern'), sliceCycles: 200_000 });
    const hog = assemble(`org 0x${PROGRAM_ORIGIN.toString(16)}\nstart:\n  mov edi, 0x100000\n.l:\n  mov dword [edi], 1\n  add edi, 4096\n  jmp .l\n`, { origin: PROGRAM_ORIGIN });
    const busy = assemble(noisyProgram(1000), { origin: PROGRAM_ORIGIN });
    if (!hog.ok || !busy.ok) throw new Error('assembly failed');
    const a = hv.createVm({ name: 'hog', memoryBytes: 4 * MIB, vcpus: 1 }, hog.entry);
    a.mem.load(PROGRAM_ORIGIN, hog.bytes);
    const b = hv.createVm({ name: 'other', memoryBytes: 4 * MIB, vcpus: 1 }, busy.entry);
    b.mem.load(PROGRAM_ORIGIN, busy.bytes);
    hv.cache.clear();
    hv.run(3_000_000);
    expect(a.state).toBe(VmState.CRASHED);
    expect(a.stopReason).toMatch(/EPT|outside|memory/i);
    expect(b.state).toBe(VmState.RUNNING);
    expect(b.mem.read32(COUNTERS)).toBeGreaterThan(0);
  });
});
