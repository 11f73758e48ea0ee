/**
 * Plain-data shapes of the I/O-path lab (issue 7 item 5): one network packet batch or one disk request traced
 * through an emulated device, a paravirtual ring and a VT-d assigned device, on the real VMX core.
 */
import { t } from '../../i18n/t.ts';
import '../../i18n/en/iopath.ts';

export type IoPathKind = 'emulated' | 'paravirtual' | 'assigned';
export type IoWorkload = 'net' | 'disk';

export const IO_PATHS: readonly IoPathKind[] = ['emulated', 'paravirtual', 'assigned'];
export const IO_WORKLOADS: readonly IoWorkload[] = ['net', 'disk'];

export const IO_PATH_LABEL: Readonly<Record<IoPathKind, string>> = {
  emulated: t('iopath.types.emulatedDevice'),
  paravirtual: t('iopath.types.paravirtualRing'),
  assigned: t('iopath.types.assignedDeviceVtD'),
};

/** What the user sets (validated by `validateIoPathParams`). */
export interface IoPathParams {
  cpu: string;
  workload: IoWorkload;
  /** Packets (net) or requests (disk) sent in the run. */
  packets: number;
  /** Requests per notification (paravirtual) / per doorbell write (assigned). */
  batch: number;
  /** Frame bytes (net, 60 … 1514) or request bytes (disk, a multiple of 512, 512 … 65536). */
  bytes: number;
  /** Assigned device: the completion interrupt is posted / exit-less (ELI) instead of exiting. */
  postedInterrupts: boolean;
  /** Emulated device: the device model runs in a user-space process (QEMU) rather than in the VMM. */
  userSpaceDeviceModel: boolean;
  /** Model assumption: the wire's line rate, Mbit/s (the user can change it). */
  lineRateMbit: number;
}

/** Where a step of the trace happens. */
export type IoHop = 'guest-driver' | 'exit' | 'device-model' | 'iommu' | 'host-driver' | 'wire' | 'interrupt' | 'entry';

/** Why an exit happened, for counting: the data path, or the completion interrupt. */
export type ExitRole = 'data' | 'interrupt' | 'setup';

export interface IoStep {
  seq: number;
  /** Simulated CPU cycle. */
  cycle: number;
  hop: IoHop;
  /** 1-based number of the VM exit inside the measured window (exits only). */
  exitNo?: number;
  /** Basic exit reason and its SDM name (exits only). */
  reason?: number;
  reasonName?: string;
  role?: ExitRole;
  /** Cycles from the VM exit to the following VM entry, exit transition included (exits only). */
  exitCycles?: number;
  title: string;
  detail: string;
}

export interface ExitCounts {
  data: number;
  interrupt: number;
  total: number;
  /** By "reason name" inside the measured window. */
  byReason: Record<string, number>;
}

/** One run of one path. */
export interface IoPathRun {
  path: IoPathKind;
  params: IoPathParams;
  steps: IoStep[];
  /** Exits inside the measured window (setup and power-off are outside). */
  exits: ExitCounts;
  /** Exits the completion interrupts would not cause with posted interrupts / ELI (derived, not emulated). */
  postedRemovable: number;
  /** Interrupts the device raised in the window. */
  interrupts: number;
  /** Cycles of the measured window, split into guest and VMM (root) time. */
  windowCycles: number;
  vmmCycles: number;
  guestCycles: number;
  /** Extra cycles the user-space device model costs (emulated path only, derived from a sourced figure). */
  userSpaceCycles: number;
  /** Bytes that reached the wire / the disk. */
  bytesDelivered: number;
  /** Requests (packets or disk requests) the device completed. */
  completed: number;
  guestInstructions: number;
  console: string;
  ended: string;
}
