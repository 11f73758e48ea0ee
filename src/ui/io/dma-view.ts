/**
 * Pure helpers for the DMA-remapping tab (DmaPanel.tsx): address formatting, the walk's boxes (the steps the
 * hardware took plus the ones it never reached), the one-sentence outcome, and field checks for the custom request.
 */
import type { LastAction, VtdView } from '../../worker/vtd.ts';
import type { WalkStep } from '../../core/vtd/translate.ts';

/** 0x1234_5678 style: groups of four hex digits, so long addresses can be read aloud. */
export function hexAddr(n: number): string {
  const h = n.toString(16);
  const parts: string[] = [];
  for (let end = h.length; end > 0; end -= 4) parts.unshift(h.slice(Math.max(0, end - 4), end));
  return `0x${parts.join('_')}`;
}

export function hexByte(n: number, digits = 2): string {
  return `0x${n.toString(16).padStart(digits, '0')}`;
}

export interface WalkBox {
  key: string;
  title: string;
  /** Entry index used, e.g. "entry 3 (bus 03)". */
  where: string;
  entry: string;
  note: string;
  state: 'ok' | 'fail' | 'unreached' | 'result';
}

function stepTitle(s: WalkStep, levels: number): string {
  if (s.kind === 'rtaddr') return 'RTADDR_REG';
  if (s.kind === 'root') return 'Root table';
  if (s.kind === 'context') return 'Context table';
  return levels === 3 ? ['', 'Page table (L1)', 'Page directory (L2)', 'Top table (L3)'][s.level] ?? `Level ${s.level}` : `Level ${s.level} table`;
}

/**
 * The boxes for a DMA walk: request → root → context → second-level tables → page. Steps not reached after a fault
 * are drawn as "not reached" so the learner sees how far the request got.
 */
export function walkBoxes(steps: readonly WalkStep[], ok: boolean, hpa: number | null, levels = 3): WalkBox[] {
  const boxes: WalkBox[] = steps.map((s, k) => ({
    key: `${s.kind}-${s.level}-${k}`,
    title: stepTitle(s, levels),
    where: s.kind === 'rtaddr' ? `table at ${hexAddr(s.table)}` : `table ${hexAddr(s.table)}, entry ${s.index}`,
    entry: s.entry,
    note: s.note,
    state: s.ok ? 'ok' : 'fail',
  }));
  if (!ok) {
    // Stages after the one that failed, in walk order, drawn as "not reached".
    const order = ['rtaddr', 'root', 'context', ...Array.from({ length: levels }, (_, k) => `sl${levels - k}`)];
    const stageOf = (st: WalkStep) => (st.kind === 'sl' ? `sl${st.level}` : st.kind);
    const last = Math.max(...steps.map((st) => order.indexOf(stageOf(st))));
    for (const k of order.slice(last + 1)) {
      const level = k.startsWith('sl') ? Number(k.slice(2)) : 0;
      const title = k === 'root' ? 'Root table' : k === 'context' ? 'Context table' : stepTitle({ kind: 'sl', level, table: 0, index: 0, entry: '', ok: true, note: '' }, levels);
      boxes.push({ key: `un-${k}`, title, where: '', entry: '', note: 'not reached', state: 'unreached' });
    }
  }
  const passThrough = ok && !steps.some((st) => st.kind === 'sl');
  boxes.push(
    ok && hpa !== null
      ? { key: 'page', title: passThrough ? 'Host memory (pass-through)' : 'Host page', where: '', entry: hexAddr(hpa), note: 'the DMA goes ahead', state: 'result' }
      : { key: 'page', title: 'Host memory', where: '', entry: 'untouched', note: 'request blocked: no memory read or written', state: 'unreached' },
  );
  return boxes;
}

export function vmOfHost(v: Pick<VtdView, 'vms'>, hpa: number): string | null {
  const vm = v.vms.find((m) => hpa >= m.hostBase && hpa < m.hostBase + m.bytes);
  return vm === undefined ? null : vm.name;
}

/** One sentence for the status line and the screen reader. */
export function outcomeSentence(last: LastAction, v: Pick<VtdView, 'vms'>): string {
  if ('flood' in last) {
    const f = last.flood;
    return `${f.sent} stray writes blocked: ${f.recorded} recorded, ${f.lost} lost${f.pfo ? ' (Primary Fault Overflow set)' : ''}.`;
  }
  const r = last.result;
  if (r.kind === 'dma') {
    const t = r.translation;
    if (t.ok) {
      const vm = vmOfHost(v, t.hpa);
      return `Allowed: ${r.request.write ? 'write' : 'read'} by ${r.request.bdf} at ${hexAddr(r.request.address)} → host ${hexAddr(t.hpa)}${vm !== null ? ` (${vm.split(' · ')[0]})` : ''}.`;
    }
    return `Blocked: ${r.request.write ? 'write' : 'read'} by ${r.request.bdf} at ${hexAddr(r.request.address)}, fault reason ${hexByte(t.reason)}${recordNote(r.record)}.`;
  }
  const q = r.result;
  if (q.ok) return `Delivered: interrupt from ${r.request.bdf} through IRTE ${q.index} → vector ${hexByte(q.vector)} on CPU ${q.destination}.`;
  return `Blocked: interrupt from ${r.request.bdf} (index ${q.index}), fault reason ${hexByte(q.reason)}${recordNote(q.record)}.`;
}

function recordNote(rec: { recorded: true; index: number } | { recorded: false; why: string } | null): string {
  if (rec === null) return '';
  if (rec.recorded) return `, recorded in fault record ${rec.index}`;
  const why: Record<string, string> = { fpd: 'not recorded (FPD = 1)', pfo: 'not recorded: Primary Fault Overflow is set', overflow: 'not recorded: all fault records are full, PFO set', collapsed: 'not recorded: a fault from this requester is already pending' };
  return `, ${why[rec.why] ?? rec.why}`;
}

export type CheckResult = { ok: true } | { ok: false; message: string };

export function checkBdf(text: string): CheckResult {
  const m = /^\s*([0-9a-f]{1,2}):([0-9a-f]{1,2})\.([0-9]+)\s*$/i.exec(text);
  if (m === null) return { ok: false, message: 'Write bus:device.function in hex, e.g. 03:00.0' };
  if (parseInt(m[2], 16) > 0x1f) return { ok: false, message: 'The device number is 00 … 1f' };
  if (Number(m[3]) > 7) return { ok: false, message: 'The function number is 0 … 7' };
  return { ok: true };
}

export function checkAddress(text: string): CheckResult {
  const t = text.trim().replace(/_/g, '');
  if (t === '') return { ok: false, message: 'Give an address, e.g. 0x12_3400' };
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(t)) return { ok: false, message: 'Hex (0x…) or decimal digits only' };
  const v = Number(t);
  if (!Number.isSafeInteger(v)) return { ok: false, message: 'At most 2^53 − 1 in this lab' };
  return { ok: true };
}

export function checkCount(text: string, min: number, max: number, what: string): { ok: true; value: number } | { ok: false; message: string } {
  const t = text.trim();
  if (!/^[0-9]+$/.test(t)) return { ok: false, message: `${what}: a whole number ${min} … ${max}` };
  const v = Number(t);
  if (v < min || v > max) return { ok: false, message: `${what}: a whole number ${min} … ${max}` };
  return { ok: true, value: v };
}
