/**
 * Validation of the I/O-path lab's parameters. Bad input comes back as one message per field, never an
 * exception, so the form can show it beside the field and keep what the user typed.
 */
import { t } from '../../i18n/t.ts';
import '../../i18n/en/iopath.ts';
import { getCpuModel } from '../cpu-models/index.ts';
import type { IoPathParams } from './types.ts';

/** Largest run: 64 requests (a disk request takes 3 descriptors, 64 × 3 ≤ the ring's 256). */
export const MAX_PACKETS = 64;
/** Ethernet frame without FCS: 60 (minimum, padded) … 1514 bytes (IEEE 802.3 §3.2.7, 1500-byte payload + 14). */
export const NET_BYTES: readonly [number, number] = [60, 1514];
/** Disk request: whole 512-byte sectors up to 64 KiB. */
export const DISK_BYTES: readonly [number, number] = [512, 65536];

export const DEFAULT_IO_PARAMS: IoPathParams = {
  cpu: 'nehalem',
  workload: 'net',
  packets: 8,
  batch: 4,
  bytes: 1514,
  postedInterrupts: false,
  userSpaceDeviceModel: true,
  // Model assumption (labelled in the UI, user-changeable): Gigabit Ethernet, the NIC speed of the paper's era.
  lineRateMbit: 1000,
};

export type IoParamField = keyof IoPathParams;
export interface IoParamError {
  field: IoParamField;
  message: string;
}

export function validateIoPathParams(raw: Partial<Record<IoParamField, unknown>>): { ok: true; params: IoPathParams } | { ok: false; errors: IoParamError[] } {
  const errors: IoParamError[] = [];
  const int = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
  const cpuId = typeof raw.cpu === 'string' ? raw.cpu : '';
  const cpu = getCpuModel(cpuId);
  if (cpu === undefined) errors.push({ field: 'cpu', message: t('iopath.params.unknownCpuModel', { cpuId }) });
  const workload = raw.workload === 'net' || raw.workload === 'disk' ? raw.workload : null;
  if (workload === null) errors.push({ field: 'workload', message: t('iopath.params.workloadMustBeNetOr') });
  if (!int(raw.packets) || raw.packets < 1 || raw.packets > MAX_PACKETS) errors.push({ field: 'packets', message: t('iopath.params.requestsMustBeAWhole', { max: MAX_PACKETS }) });
  if (!int(raw.batch) || raw.batch < 1) errors.push({ field: 'batch', message: t('iopath.params.batchMustBeAWhole') });
  else if (int(raw.packets) && raw.packets >= 1 && raw.packets <= MAX_PACKETS && raw.batch > raw.packets) errors.push({ field: 'batch', message: t('iopath.params.batchCannotExceedTheNumber', { packets: raw.packets }) });
  if (!int(raw.bytes)) errors.push({ field: 'bytes', message: t('iopath.params.sizeMustBeAWhole') });
  else if (workload === 'net' && (raw.bytes < NET_BYTES[0] || raw.bytes > NET_BYTES[1])) errors.push({ field: 'bytes', message: t('iopath.params.anEthernetFrameIsTo', { min: NET_BYTES[0], max: NET_BYTES[1] }) });
  else if (workload === 'disk' && (raw.bytes < DISK_BYTES[0] || raw.bytes > DISK_BYTES[1] || raw.bytes % 512 !== 0)) errors.push({ field: 'bytes', message: t('iopath.params.aDiskRequestIsA', { min: DISK_BYTES[0], max: DISK_BYTES[1] }) });
  if (typeof raw.lineRateMbit !== 'number' || !Number.isFinite(raw.lineRateMbit) || raw.lineRateMbit <= 0 || raw.lineRateMbit > 400_000) errors.push({ field: 'lineRateMbit', message: t('iopath.params.lineRateMustBeAbove') });
  if (typeof raw.postedInterrupts !== 'boolean') errors.push({ field: 'postedInterrupts', message: t('iopath.params.postedInterruptsMustBeOn') });
  else if (raw.postedInterrupts && cpu !== undefined && !cpu.realFeatures.includes('posted-interrupts')) {
    // Posted-interrupt processing is pin-based control bit 7 (SDM Vol. 3C §25.6.1, §29.6); the real part must
    // have it (the model's source list). The core does not emulate it: its effect is derived (metrics.ts).
    errors.push({ field: 'postedInterrupts', message: t('iopath.params.hasNoPostedInterruptProcessing', { name: cpu.name }) });
  }
  if (typeof raw.userSpaceDeviceModel !== 'boolean') errors.push({ field: 'userSpaceDeviceModel', message: t('iopath.params.deviceModelPlacementMustBe') });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    params: {
      cpu: cpuId,
      workload: workload!,
      packets: raw.packets as number,
      batch: raw.batch as number,
      bytes: raw.bytes as number,
      postedInterrupts: raw.postedInterrupts as boolean,
      userSpaceDeviceModel: raw.userSpaceDeviceModel as boolean,
      lineRateMbit: raw.lineRateMbit as number,
    },
  };
}
