import { describe, expect, it } from 'vitest';
import { migrateVmxGuest } from './vmx-live.ts';
import { Hypervisor } from '../../vmm/hypervisor.ts';
import { EptDirtyLog } from './ept-dirty-log.ts';
import { getCpuModel, toProcessorModel } from '../../cpu-models/index.ts';
import { GUEST_AREA_START } from '../../vmm/host.ts';

const LINK = 100e6 / 8; // 100 Mbit/s

// Each migration really runs the guest for ~1 s of simulated time: seconds of CPU on a loaded machine.
describe('live migration of a VM running on the VMX core (EPT write-protection dirty log)', { timeout: 120_000 }, () => {
  it('moves a running guest: destination RAM equals the source at suspension and its output continues exactly', () => {
    const r = migrateVmxGuest({ rule: 'xen', bandwidthBytesPerSecond: LINK, maxRounds: 8, guest: { hotPages: 64, hotWritesPerTick: 4, coldWritesPerTick: 1 }, warmupSeconds: 0.2, afterSeconds: 0.25 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const x = r.result;
    expect(x.pagesDiffering).toBe(0);
    expect(x.outputContinues).toBe(true);
    expect(x.consoleAfterDestination).toMatch(/tick \d+ sum \d+\n/);
    expect(x.ticksAfter).toBeGreaterThan(x.ticksAtSuspend);
    expect(x.destinationState === 'running' || x.destinationState === 'halted').toBe(true);
    // round 1 sends every page of the 8 MiB guest; later rounds send what the guest really wrote
    expect(x.migration.roundList[0].pagesSent).toBe(2048);
    x.rounds.forEach((round, k) => expect(x.migration.roundList[k].dirtyPages).toBe(round.dirtyPages));
    // a written page costs one logged EPT violation per round, however often it is written
    x.rounds.forEach((round) => expect(round.faults).toBe(round.dirtyPages));
  });

  it('the dirty set follows the guest: a larger hot working set dirties more pages per round', () => {
    const run = (hotPages: number) => {
      const r = migrateVmxGuest({ rule: 'xen', bandwidthBytesPerSecond: LINK, maxRounds: 4, guest: { hotPages, hotWritesPerTick: 16, coldWritesPerTick: 0 }, warmupSeconds: 0.05, afterSeconds: 0.05 });
      if (!r.ok) throw new Error(r.error);
      return r.result;
    };
    const small = run(16);
    const large = run(512);
    const last = (x: ReturnType<typeof run>) => x.rounds[x.rounds.length - 1].dirtyPages;
    expect(last(small)).toBeLessThan(40); // 16 hot pages + code, stack and counters
    expect(last(large)).toBeGreaterThan(200);
    expect(small.pagesDiffering + large.pagesDiffering).toBe(0);
  });

  it('a guest that writes nothing between rounds converges at once under the QEMU rule', () => {
    const r = migrateVmxGuest({ rule: 'qemu', bandwidthBytesPerSecond: LINK, guest: { hotPages: 1, hotWritesPerTick: 0, coldWritesPerTick: 0 }, warmupSeconds: 0.05, afterSeconds: 0.2 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.result.migration.rounds).toBe(1);
    expect(r.result.migration.converged).toBe(true);
    expect(r.result.rounds[0].dirtyPages).toBeLessThan(8); // only the counters, stack and IDT-side pages
    expect(r.result.outputContinues).toBe(true);
  });

  it('rejects bad guest parameters and CPUs without EPT', () => {
    expect(migrateVmxGuest({ rule: 'qemu', bandwidthBytesPerSecond: LINK, guest: { hotPages: 0, hotWritesPerTick: 1, coldWritesPerTick: 0 } }).ok).toBe(false);
    const r = migrateVmxGuest({ rule: 'qemu', bandwidthBytesPerSecond: LINK, cpu: 'xeon-5100', guest: { hotPages: 4, hotWritesPerTick: 1, coldWritesPerTick: 0 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/EPT/);
  });

  it('the exit observer is off by default and the log refuses a VM without EPT', () => {
    const model = toProcessorModel(getCpuModel('xeon-5100')!);
    const hv = new Hypervisor(model, { hostMemoryBytes: GUEST_AREA_START + 4 * 2 ** 20 });
    expect(hv.beforeExitHandler).toBeNull();
    const vm = hv.createVm({ name: 'x', memoryBytes: 4 * 2 ** 20, vcpus: 1 }, 0x10000);
    expect(() => new EptDirtyLog(hv, vm)).toThrow(/EPT/);
  });
});
