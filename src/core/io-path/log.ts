/**
 * The trace the I/O-path run writes: guest-driver, exit, device-model, IOMMU, host-driver, wire and interrupt
 * steps in simulated-cycle order. Devices and the run harness share one log.
 */
import type { IoHop, IoStep } from './types.ts';

export class IoLog {
  readonly steps: IoStep[] = [];
  /** Index of the most recent exit step (device steps "before" it are inserted ahead of it). */
  private lastExitIndex = -1;
  /** Steps are kept only while this holds (the run's measured window: device set-up is not traced). */
  gate: () => boolean = () => true;

  add(step: Omit<IoStep, 'seq'>): IoStep {
    const s = { ...step, seq: 0 };
    if (!this.gate()) return s;
    this.steps.push(s);
    if (s.hop === 'exit') this.lastExitIndex = this.steps.length - 1;
    return s;
  }

  step(hop: IoHop, cycle: number, title: string, detail: string): void {
    this.add({ hop, cycle, title, detail });
  }

  /** Steps passed to `before` from now on go here (ahead of what is logged next), as if an exit were here. */
  mark(): void {
    this.lastExitIndex = this.steps.length;
  }

  /** A step placed first (the driver's start, known only once the window opened). */
  first(step: Omit<IoStep, 'seq'>): void {
    this.steps.unshift({ ...step, seq: 0 });
    this.lastExitIndex++;
  }

  /**
   * A guest-driver step the device only sees now (descriptors the guest wrote with ordinary stores before the
   * notification that exited): placed ahead of that exit, so the trace reads in the order things happened.
   */
  before(cycle: number, title: string, detail: string): void {
    if (!this.gate()) return;
    const s: IoStep = { hop: 'guest-driver', cycle, title, detail, seq: 0 };
    if (this.lastExitIndex < 0) this.steps.push(s);
    else {
      this.steps.splice(this.lastExitIndex, 0, s);
      this.lastExitIndex++;
    }
  }

  /** Numbers the steps 1 … n. */
  finish(): IoStep[] {
    this.steps.forEach((s, k) => (s.seq = k + 1));
    return this.steps;
  }
}

export function hex(n: number, width = 0): string {
  return '0x' + (n >>> 0).toString(16).toUpperCase().padStart(width, '0');
}
