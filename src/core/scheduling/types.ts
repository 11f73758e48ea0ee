/** Parameters and results of the Resources tab (plain data: they cross the worker boundary). */

import { t } from '../../i18n/t.ts';
import '../../i18n/en/partition.ts';
export type ResourceVmId = 'pbx' | 'firewall' | 'streaming' | 'noisy';
export const RESOURCE_VM_IDS: readonly ResourceVmId[] = ['pbx', 'firewall', 'streaming', 'noisy'];
export const RESOURCE_VM_LABELS: Readonly<Record<ResourceVmId, string>> = {
  pbx: t('partition.services.pbx.label'),
  firewall: 'Firewall',
  streaming: t('partition.services.streaming.label'),
  noisy: t('partition.types.noisy'),
};

export type SchedulerKind = 'round-robin' | 'credit';

export interface ResourceVmParams {
  weight: number;
  /** Percent of one CPU, 0 = no cap. */
  capPercent: number;
  memoryMiB: number;
}

export interface ResourcesParams {
  cpu: string;
  scheduler: SchedulerKind;
  /** Credit scheduler's wake-up boost (Xen: on). */
  boost: boolean;
  noisy: boolean;
  /** Timeslice in ms (Xen credit default 30 ms), used by both schedulers. */
  tsliceMs: number;
  /** Real-time length of the run in ms (before compression). */
  durationMs: number;
  /** Time compression: every period, slice and amount of work is divided by this (assumption, see run.ts). */
  timeScale: number;
  /** RTP packetization interval (RFC 3551: 20 ms default for G.711). */
  packetMs: number;
  /** CPU work per voice packet (assumption). */
  pbxWorkMs: number;
  /** Firewall and streaming server: period and work per period (assumptions). */
  firewallPeriodMs: number;
  firewallWorkMs: number;
  streamingPeriodMs: number;
  streamingWorkMs: number;
  /** One-way delay outside the host: the terminals (80 ms with 20-ms packets, G.114 App. II) and the network (assumption). */
  terminalDelayMs: number;
  networkDelayMs: number;
  hostMemoryMiB: number;
  vms: Record<ResourceVmId, ResourceVmParams>;
}

export interface Slice {
  vm: ResourceVmId;
  startMs: number;
  endMs: number;
  /** How it ended: the VMX-preemption timer (exit 52), the host timer's external interrupt (exit 1, CPUs without
   * the preemption timer), HLT (exit 12, the vCPU blocked), or another exit. */
  endedBy: 'preemption-timer' | 'host-timer' | 'hlt' | 'other';
}

export interface VmCpu {
  vm: ResourceVmId;
  receivedPercent: number;
  entitledPercent: number;
  demandPercent: number;
  weight: number;
  capPercent: number;
  unitsDone: number;
  preemptionTimerExits: number;
  admitted: boolean;
  memoryNote: string;
}

export interface PbxLatency {
  /** Each voice packet's delay on the host: from its due time (the PBX's virtual timer tick) until the PBX has
   * made and sent it (its HLT exit after the work) — the scheduling delay plus the PBX's own work, ms. */
  delaysMs: number[];
  packetsDue: number;
  /** Packets never made: ticks merged in the virtual PIC (the PBX did not run for a whole interval) or taken while
   * the PBX was still busy with the previous packet. */
  missed: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Mean absolute difference of consecutive delays (the RFC 3550 §6.4.1 interarrival-jitter idea, without its 1/16 smoothing). */
  jitterMs: number;
  /** Terminal + network + p99 scheduling delay. */
  mouthToEarMs: number;
}

export type Verdict = 'good' | 'at-risk' | 'bad';

export interface ResourcesResult {
  params: ResourcesParams;
  clockHz: number;
  /** IA32_VMX_MISC bits 4:0: the preemption timer counts down once every 2^X TSC cycles. */
  preemptionRateBits: number;
  preemptionTimerHz: number;
  slices: Slice[];
  cpu: VmCpu[];
  pbx: PbxLatency;
  verdict: Verdict;
  verdictText: string;
  instructions: number;
}
