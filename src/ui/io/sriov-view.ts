/**
 * Pure helpers for the shared-device tab (SriovPanel.tsx): parsing the assumption fields (hex or decimal), and the
 * figures read off the scaling series at the chosen number of VMs.
 */
import type { SriovResult } from '../../worker/vtd.ts';
import '../../i18n/en/io.ts';
import { t } from '../../i18n/t.ts';

export type SrField = 'vfs' | 'firstVfOffset' | 'vfStride' | 'perVmGbit';

export function parseIntField(text: string, min: number, max: number, what: string): { ok: true; value: number } | { ok: false; message: string } {
  const s = text.trim().replace(/_/g, '');
  const v = /^0x[0-9a-f]+$/i.test(s) ? parseInt(s.slice(2), 16) : /^[0-9]+$/.test(s) ? Number(s) : NaN;
  if (!Number.isInteger(v) || v < min || v > max) return { ok: false, message: t('io.sriov.aWholeNumberHex', { what, min, max }) };
  return { ok: true, value: v };
}

export function parseRateField(text: string): { ok: true; value: number } | { ok: false; message: string } {
  const s = text.trim();
  const v = /^[0-9]+(\.[0-9]+)?$/.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(v) || v <= 0 || v > 100) return { ok: false, message: t('io.sriov.offeredLoadANumber') };
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

/** One sentence for the live region (issue 8: narration of each event): what was set up and what the isolation checks found. */
export function runSentence(r: SriovResult, vms: number): string {
  const f = figuresAt(r, vms);
  const gbit = fmt(f.aggregateGbit);
  const cpu = fmt(f.extraCpuPercent, 1);
  if (r.vfs.length === 1) return t('io.sriov.announceSingle', { gbit, cpu });
  const own = r.isolation.filter((x) => x.ownHpa !== null).length;
  const blocked = r.isolation.filter((x) => x.neighbourReason !== null).length;
  return t('io.sriov.announce', { count: r.vfs.length, own, blocked, gbit, cpu });
}
