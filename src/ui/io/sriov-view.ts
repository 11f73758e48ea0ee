/**
 * Pure helpers for the shared-device tab (SriovPanel.tsx): parsing the assumption fields (hex or decimal), and the
 * figures read off the scaling series at the chosen number of VMs.
 */
import type { SriovResult } from '../../worker/vtd.ts';

export type SrField = 'vfs' | 'firstVfOffset' | 'vfStride' | 'perVmGbit';

export function parseIntField(text: string, min: number, max: number, what: string): { ok: true; value: number } | { ok: false; message: string } {
  const t = text.trim().replace(/_/g, '');
  const v = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t.slice(2), 16) : /^[0-9]+$/.test(t) ? Number(t) : NaN;
  if (!Number.isInteger(v) || v < min || v > max) return { ok: false, message: `${what}: a whole number ${min} … ${max} (hex with 0x is fine)` };
  return { ok: true, value: v };
}

export function parseRateField(text: string): { ok: true; value: number } | { ok: false; message: string } {
  const t = text.trim();
  const v = /^[0-9]+(\.[0-9]+)?$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(v) || v <= 0 || v > 100) return { ok: false, message: 'Offered load: a number above 0 and at most 100 Gbit/s' };
  return { ok: true, value: v };
}

export interface SrFigures {
  vms: number;
  aggregateGbit: number;
  perVmGbit: number;
  extraCpuPercent: number;
  saturated: boolean;
  extrapolated: boolean;
}

export function figuresAt(r: SriovResult, vms: number): SrFigures {
  const p = r.scaling[Math.min(r.scaling.length, Math.max(1, vms)) - 1];
  return { vms: p.vms, aggregateGbit: p.aggregateGbit, perVmGbit: p.perVmGbit, extraCpuPercent: p.extraCpuPercent, saturated: p.aggregateGbit >= r.lineRateGbit, extrapolated: p.extrapolated };
}

export function fmt(n: number, digits = 2): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}
