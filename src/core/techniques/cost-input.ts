/**
 * What a cost-assumption field accepts: whole cycles, 0 … MAX_COST_CYCLES. One rule for the core (a link's or
 * the worker's request, compare.ts `validateTechniqueCosts`) and the Software vs hardware lab's form, which
 * imports this small module rather than the whole comparison.
 */

import { t as msg } from '../../i18n/t.ts';
import '../../i18n/en/methods.ts';

/** Largest cycle figure accepted for an override. */
export const MAX_COST_CYCLES = 1_000_000;

/** Why a cycle figure is not acceptable, or null. */
export function costValueError(v: unknown): string | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return msg('methods.costInput.mustBeANumber');
  if (!Number.isInteger(v)) return msg('methods.costInput.mustBeAWhole');
  if (v < 0) return msg('methods.costInput.cannotBeNegative');
  if (v > MAX_COST_CYCLES) return msg('methods.costInput.mustBeAtMost', { maxCostCycles: MAX_COST_CYCLES.toLocaleString('en-US') });
  return null;
}

/** User text inside a message, shortened: a pasted 100 kB text must give a message that fits beside the field (issue 9). */
const clip = (s: string): string => (s.length > 40 ? `${s.slice(0, 37)}...` : s);

/** Parses what a user typed in a cost field (digits, optional thousands separators). */
export function parseCostInput(text: string): { ok: true; value: number } | { ok: false; message: string } {
  const t = text.trim().replace(/[,_\s]/g, '');
  if (t === '') return { ok: false, message: msg('methods.costInput.enterANumberOf') };
  if (!/^-?\d+(\.\d+)?$/.test(t)) return { ok: false, message: msg('methods.costInput.isNotANumber', { clip: clip(text.trim()) }) };
  const v = Number(t);
  const e = costValueError(v);
  return e === null ? { ok: true, value: v } : { ok: false, message: msg('methods.costInput.theCost', { e }) };
}
