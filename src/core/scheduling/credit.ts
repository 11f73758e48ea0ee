/**
 * A credit scheduler in the style of Xen's "credit" scheduler (https://wiki.xenproject.org/wiki/Credit_Scheduler):
 *  - every VM has a **weight** (default 256, legal 1..65535) and a **cap** (percent of one physical CPU; 0 = no cap);
 *    "a domain with a weight of 512 will get twice as much CPU as a domain with a weight of 256 on a contended host";
 *  - every accounting period each VM that wants the CPU is credited period × weight / Σ weights (of the VMs that
 *    want it); running debits the VM's credit by the cycles it ran. Xen credit1 debited a whole tick at sampled
 *    10-ms ticks, which a guest could dodge (Xen commit "Accurate accounting for credit scheduler", G. Dunlap);
 *    here the debit is exact: the VMM reports the cycles each vCPU held the processor;
 *  - priority UNDER (credit left) runs before OVER; within a priority the vCPU with more credit first (as Xen's
 *    credit2 orders its run queue by credit; credit1 is FIFO there), then the one that waited longest;
 *  - the timeslice is 30 ms by default (the wiki's "the timeslice is 30 ms"; Xen 4.2 made it tunable: tslice_ms);
 *  - **BOOST**: "vCPUs that wake up after having been waiting for I/O will likely get to run immediately": a vCPU
 *    that wakes while its VM is UNDER is boosted and preempts the running one. Here the slice of the running vCPU is
 *    cut short at the earliest wake-up of a vCPU that would be boosted, so the VMX-preemption timer gives the VMM
 *    control exactly then (Xen "tickles" the processor with an IPI instead);
 *  - a **cap** parks the VM's vCPUs once it used cap% of the period, until the next period (Xen credit2's caps:
 *    "when a domain runs out of budget, its vCPUs can't run any longer … until the budget is replenished";
 *    xenbits commit ad4b3e1e "xen: credit2: implement cap"). The slice never outlasts the remaining budget, so
 *    the cap holds to within one VM exit's handling time.
 *
 * Pure and deterministic: state is plain numbers keyed by VM id; time is the processor's cycle counter.
 */
import type { SchedulerPolicy } from '../vmm/hypervisor.ts';
import type { VCpu } from '../vmm/vm.ts';

/** Xen's defaults and limits (wiki.xenproject.org/wiki/Credit_Scheduler). */
export const XEN_DEFAULT_WEIGHT = 256;
export const XEN_MIN_WEIGHT = 1;
export const XEN_MAX_WEIGHT = 65535;
export const XEN_DEFAULT_TSLICE_MS = 30;

export interface VmShare {
  weight: number;
  /** Percent of one physical CPU; 0 = no cap (work conserving). */
  capPercent: number;
}

export interface CreditOptions {
  /** Timeslice and accounting period, in cycles. */
  tsliceCycles: number;
  periodCycles: number;
  /** Wake-up boost (Xen: on). */
  boost: boolean;
}

export const enum Priority {
  BOOST = 0,
  UNDER = 1,
  OVER = 2,
}

interface VmAccount {
  credit: number;
  usedInPeriod: number;
  wantedInPeriod: boolean;
}

interface VcpuState {
  lastRanAt: number;
  boosted: boolean;
  wasWaiting: boolean;
}

/** The scheduling decisions (for the schedule view and the tests). */
export interface CreditDecision {
  at: number;
  vmId: number;
  slice: number;
  priority: Priority;
  /** The slice was shortened so that a sleeping vCPU that will be boosted can preempt at its wake-up. */
  cutForWake: boolean;
}

export class CreditScheduler implements SchedulerPolicy {
  private readonly accounts = new Map<number, VmAccount>();
  private readonly vcpus = new Map<VCpu, VcpuState>();
  private periodStart = 0;
  readonly decisions: CreditDecision[] = [];
  /** Cycles each VM ran (charged), for the tests and the received-CPU chart. */
  readonly ran = new Map<number, number>();

  constructor(
    private readonly shares: ReadonlyMap<number, VmShare>,
    private readonly opts: CreditOptions,
  ) {
    if (!(opts.tsliceCycles > 0) || !(opts.periodCycles > 0)) throw new RangeError('credit scheduler: slice and period must be positive');
  }

  share(vmId: number): VmShare {
    return this.shares.get(vmId) ?? { weight: XEN_DEFAULT_WEIGHT, capPercent: 0 };
  }

  private account(vmId: number): VmAccount {
    let a = this.accounts.get(vmId);
    if (a === undefined) this.accounts.set(vmId, (a = { credit: 0, usedInPeriod: 0, wantedInPeriod: true }));
    return a;
  }

  private vstate(v: VCpu): VcpuState {
    let s = this.vcpus.get(v);
    if (s === undefined) this.vcpus.set(v, (s = { lastRanAt: -1, boosted: false, wasWaiting: false }));
    return s;
  }

  /** Cap budget (cycles per period) of a VM, Infinity without a cap. */
  capBudget(vmId: number): number {
    const cap = this.share(vmId).capPercent;
    return cap > 0 ? (this.opts.periodCycles * cap) / 100 : Infinity;
  }

  /** Accounting at each period boundary passed: credit the VMs that wanted the CPU, by weight; reset cap budgets. */
  private accountUpTo(now: number, present: readonly number[]): void {
    while (now >= this.periodStart + this.opts.periodCycles) {
      this.periodStart += this.opts.periodCycles;
      const active = present.filter((id) => this.account(id).wantedInPeriod);
      const total = active.reduce((s, id) => s + this.share(id).weight, 0);
      for (const id of present) {
        const a = this.account(id);
        if (total > 0 && a.wantedInPeriod) {
          a.credit += (this.opts.periodCycles * this.share(id).weight) / total;
          // An idle VM may not bank credit beyond one period (Xen resets the credit of a vCPU that stops consuming).
          a.credit = Math.min(a.credit, this.opts.periodCycles);
        }
        a.usedInPeriod = 0;
        a.wantedInPeriod = false;
      }
    }
  }

  priorityOf(v: VCpu): Priority {
    if (this.vstate(v).boosted) return Priority.BOOST;
    return this.account(v.vm.id).credit > 0 ? Priority.UNDER : Priority.OVER;
  }

  private parked(vmId: number): boolean {
    return this.account(vmId).usedInPeriod >= this.capBudget(vmId);
  }

  pick(_p: number, runnable: readonly VCpu[], waiting: readonly { vcpu: VCpu; wakeAt: number }[], now: number): { vcpu: VCpu; slice: number } | { vcpu: null; until: number } {
    const present = [...new Set([...runnable.map((v) => v.vm.id), ...waiting.map((w) => w.vcpu.vm.id)])].sort((a, b) => a - b);
    this.accountUpTo(now, present);
    for (const v of runnable) {
      const s = this.vstate(v);
      this.account(v.vm.id).wantedInPeriod = true;
      // Woke since the last decision: boosted if its VM is UNDER (Xen: only UNDER vCPUs are boosted).
      if (s.wasWaiting && this.opts.boost && this.account(v.vm.id).credit > 0) s.boosted = true;
      s.wasWaiting = false;
    }
    for (const w of waiting) this.vstate(w.vcpu).wasWaiting = true;
    let best: VCpu | null = null;
    for (const v of runnable) {
      if (this.parked(v.vm.id)) continue;
      if (best === null) {
        best = v;
        continue;
      }
      const pv = this.priorityOf(v);
      const pb = this.priorityOf(best);
      if (pv < pb) best = v;
      else if (pv === pb) {
        const cv = this.account(v.vm.id).credit;
        const cb = this.account(best.vm.id).credit;
        if (cv > cb || (cv === cb && this.vstate(v).lastRanAt < this.vstate(best).lastRanAt)) best = v;
      }
    }
    if (best === null) return { vcpu: null, until: this.periodStart + this.opts.periodCycles };
    const prio = this.priorityOf(best);
    let slice = this.opts.tsliceCycles;
    if (this.capBudget(best.vm.id) !== Infinity) {
      // A capped VM's slice ends with its budget, and within the period the budget belongs to.
      slice = Math.min(slice, this.capBudget(best.vm.id) - this.account(best.vm.id).usedInPeriod, this.periodStart + this.opts.periodCycles - now);
    }
    let cutForWake = false;
    if (this.opts.boost && prio !== Priority.BOOST) {
      for (const w of waiting) {
        const a = this.account(w.vcpu.vm.id);
        if (a.credit > 0 && !this.parked(w.vcpu.vm.id) && w.wakeAt - now < slice) {
          slice = Math.max(1, w.wakeAt - now);
          cutForWake = true;
        }
      }
    }
    slice = Math.max(1, Math.floor(slice));
    this.vstate(best).lastRanAt = now;
    this.decisions.push({ at: now, vmId: best.vm.id, slice, priority: prio, cutForWake });
    return { vcpu: best, slice };
  }

  charge(_p: number, v: VCpu, cycles: number, now: number): void {
    const a = this.account(v.vm.id);
    a.credit -= cycles;
    a.wantedInPeriod = true;
    // Cycles before a period boundary count against that period's cap budget, the rest against the next.
    let start = now - cycles;
    while (this.periodStart + this.opts.periodCycles <= now) {
      const boundary = this.periodStart + this.opts.periodCycles;
      a.usedInPeriod += Math.max(0, boundary - start);
      start = Math.max(start, boundary);
      this.accountUpTo(boundary, [...this.accounts.keys()].sort((x, y) => x - y));
      a.wantedInPeriod = true;
    }
    a.usedInPeriod += Math.max(0, now - start);
    this.vstate(v).boosted = false;
    this.ran.set(v.vm.id, (this.ran.get(v.vm.id) ?? 0) + cycles);
  }
}
