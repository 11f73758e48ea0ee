/**
 * Pure helpers of the I/O-path and overhead tabs: form-field parsing (what the user typed is kept; the message
 * goes beside the field), hop names and icons (text, so color is never the only signal), number formatting.
 */
import type { IoHop, IoPathParams, IoStep } from '../../core/io-path/types.ts';
import '../../i18n/en/io.ts';
import { t } from '../../i18n/t.ts';

export type PathField = 'packets' | 'batch' | 'bytes' | 'lineRateMbit';

/** User text inside a message, shortened: a pasted 100 kB text must give a message that fits beside the field (issue 9). */
const clip = (s: string): string => (s.length > 40 ? `${s.slice(0, 37)}...` : s);

export function parseField(field: PathField, text: string): { ok: true; value: number } | { ok: false; message: string } {
  const s = text.trim();
  if (s === '') return { ok: false, message: t('io.path.enterANumber') };
  const v = Number(s);
  if (!Number.isFinite(v)) return { ok: false, message: t('io.path.isNotANumber', { text: clip(text) }) };
  if (field !== 'lineRateMbit' && !Number.isInteger(v)) return { ok: false, message: t('io.path.enterAWholeNumber') };
  return { ok: true, value: v };
}

/** The hops in the order a request travels them (the diagram's boxes). */
export const HOPS: readonly { hop: IoHop; label: string; mark: string }[] = [
  { hop: 'guest-driver', label: t('io.path.guestDriver'), mark: 'G' },
  { hop: 'exit', label: t('io.path.vmExit'), mark: '⇅' },
  { hop: 'device-model', label: t('io.path.deviceModel'), mark: 'D' },
  { hop: 'iommu', label: 'IOMMU', mark: 'M' },
  { hop: 'host-driver', label: t('io.path.hostDriver'), mark: 'H' },
  { hop: 'wire', label: t('io.path.wireDisk'), mark: 'W' },
  { hop: 'interrupt', label: t('io.path.interrupt'), mark: '!' },
  { hop: 'entry', label: t('io.path.vmEntry'), mark: '↓' },
];

export function hopLabel(h: IoHop): string {
  return HOPS.find((x) => x.hop === h)?.label ?? h;
}

export function hopMark(h: IoHop): string {
  return HOPS.find((x) => x.hop === h)?.mark ?? '·';
}

/** One line for the list of steps. */
export function stepLine(s: IoStep): string {
  return s.exitNo !== undefined ? `${s.title}` : s.title;
}

export function fmt(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return '—';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return Number(n.toFixed(digits)).toString();
}

/** Text form of the numbers the form holds. */
export function paramTexts(p: IoPathParams): Record<PathField, string> {
  return { packets: String(p.packets), batch: String(p.batch), bytes: String(p.bytes), lineRateMbit: String(p.lineRateMbit) };
}

/** The step index of the n-th exit (1-based), or -1. */
export function indexOfExit(steps: readonly IoStep[], exitNo: number): number {
  return steps.findIndex((s) => s.exitNo === exitNo);
}

/** Cumulative exits up to and including step `i`. */
export function exitsSoFar(steps: readonly IoStep[], i: number): number {
  let n = 0;
  for (let k = 0; k <= i && k < steps.length; k++) if (steps[k].hop === 'exit') n++;
  return n;
}

export const CPU_SHORT: Readonly<Record<string, string>> = { 'xeon-lv': 'LV', 'xeon-5100': '5100', nehalem: 'NHM', modern: 'ICX' };
