/**
 * Validation of the I/O-path lab's parameters. Bad input comes back as one message per field, never an
 * exception, so the form can show it beside the field and keep what the user typed.
 */
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
  if (cpu === undefined) errors.push({ field: 'cpu', message: `unknown CPU model '${cpuId}'` });
  const workload = raw.workload === 'net' || raw.workload === 'disk' ? raw.workload : null;
  if (workload === null) errors.push({ field: 'workload', message: 'workload must be net or disk' });
  if (!int(raw.packets) || raw.packets < 1 || raw.packets > MAX_PACKETS) errors.push({ field: 'packets', message: `requests must be a whole number from 1 to ${MAX_PACKETS}` });
  if (!int(raw.batch) || raw.batch < 1) errors.push({ field: 'batch', message: 'batch must be a whole number of at least 1' });
  else if (int(raw.packets) && raw.packets >= 1 && raw.packets <= MAX_PACKETS && raw.batch > raw.packets) errors.push({ field: 'batch', message: `batch cannot exceed the number of requests (${raw.packets})` });
  if (!int(raw.bytes)) errors.push({ field: 'bytes', message: 'size must be a whole number of bytes' });
  else if (workload === 'net' && (raw.bytes < NET_BYTES[0] || raw.bytes > NET_BYTES[1])) errors.push({ field: 'bytes', message: `an Ethernet frame is ${NET_BYTES[0]} to ${NET_BYTES[1]} bytes` });
  else if (workload === 'disk' && (raw.bytes < DISK_BYTES[0] || raw.bytes > DISK_BYTES[1] || raw.bytes % 512 !== 0)) errors.push({ field: 'bytes', message: `a disk request is a multiple of 512 bytes from ${DISK_BYTES[0]} to ${DISK_BYTES[1]}` });
  if (typeof raw.lineRateMbit !== 'number' || !Number.isFinite(raw.lineRateMbit) || raw.lineRateMbit <= 0 || raw.lineRateMbit > 400_000) errors.push({ field: 'lineRateMbit', message: 'line rate must be above 0 and at most 400000 Mbit/s' });
  if (typeof raw.postedInterrupts !== 'boolean') errors.push({ field: 'postedInterrupts', message: 'posted interrupts must be on or off' });
  else if (raw.postedInterrupts && cpu !== undefined && !cpu.realFeatures.includes('posted-interrupts')) {
    // Posted-interrupt processing is pin-based control bit 7 (SDM Vol. 3C §25.6.1, §29.6); the real part must
    // have it (the model's source list). The core does not emulate it: its effect is derived (metrics.ts).
    errors.push({ field: 'postedInterrupts', message: `${cpu.name} has no posted-interrupt processing (the part does not offer pin-based control bit 7)` });
  }
  if (typeof raw.userSpaceDeviceModel !== 'boolean') errors.push({ field: 'userSpaceDeviceModel', message: 'device-model placement must be on or off' });
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
