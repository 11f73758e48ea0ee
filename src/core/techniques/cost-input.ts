/**
 * What a cost-assumption field accepts: whole cycles, 0 … MAX_COST_CYCLES. One rule for the core (a link's or
 * the worker's request, compare.ts `validateTechniqueCosts`) and the Software vs hardware lab's form, which
 * imports this small module rather than the whole comparison.
 */

/** Largest cycle figure accepted for an override. */
export const MAX_COST_CYCLES = 1_000_000;

/** Why a cycle figure is not acceptable, or null. */
export function costValueError(v: unknown): string | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return 'must be a number of cycles';
  if (!Number.isInteger(v)) return 'must be a whole number of cycles';
  if (v < 0) return 'cannot be negative';
  if (v > MAX_COST_CYCLES) return `must be at most ${MAX_COST_CYCLES.toLocaleString('en-US')} cycles`;
  return null;
}

/** User text inside a message, shortened: a pasted 100 kB text must give a message that fits beside the field (issue 9). */
const clip = (s: string): string => (s.length > 40 ? `${s.slice(0, 37)}...` : s);

/** Parses what a user typed in a cost field (digits, optional thousands separators). */
export function parseCostInput(text: string): { ok: true; value: number } | { ok: false; message: string } {
  const t = text.trim().replace(/[,_\s]/g, '');
  if (t === '') return { ok: false, message: 'Enter a number of cycles.' };
  if (!/^-?\d+(\.\d+)?$/.test(t)) return { ok: false, message: `'${clip(text.trim())}' is not a number of cycles.` };
  const v = Number(t);
  const e = costValueError(v);
  return e === null ? { ok: true, value: v } : { ok: false, message: `The cost ${e}.` };
}
