/**
 * Pure helpers for the DMA-remapping tab (DmaPanel.tsx): address formatting, the walk's boxes (the steps the
 * hardware took plus the ones it never reached), the one-sentence outcome, and field checks for the custom request.
 */
import type { LastAction, VtdView } from '../../worker/vtd.ts';
import type { WalkStep } from '../../core/vtd/translate.ts';
import '../../i18n/en/io.ts';
import { t } from '../../i18n/t.ts';

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
  if (s.kind === 'root') return t('io.dma.rootTable');
  if (s.kind === 'context') return t('io.dma.contextTable');
  return levels === 3 ? ['', t('io.dma.pageTableL1'), t('io.dma.pageDirectoryL2'), t('io.dma.topTableL3')][s.level] ?? t('io.dma.level', { level: s.level }) : t('io.dma.levelTable', { level: s.level });
}

/**
 * The boxes for a DMA walk: request → root → context → second-level tables → page. Steps not reached after a fault
 * are drawn as "not reached" so the learner sees how far the request got.
 */
export function walkBoxes(steps: readonly WalkStep[], ok: boolean, hpa: number | null, levels = 3): WalkBox[] {
  const boxes: WalkBox[] = steps.map((s, k) => ({
    key: `${s.kind}-${s.level}-${k}`,
    title: stepTitle(s, levels),
    where: s.kind === 'rtaddr' ? t('io.dma.tableAt', { table: hexAddr(s.table) }) : t('io.dma.tableEntry', { table: hexAddr(s.table), index: s.index }),
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
      const title = k === 'root' ? t('io.dma.rootTable') : k === 'context' ? t('io.dma.contextTable') : stepTitle({ kind: 'sl', level, table: 0, index: 0, entry: '', ok: true, note: '' }, levels);
      boxes.push({ key: `un-${k}`, title, where: '', entry: '', note: t('io.dma.notReached'), state: 'unreached' });
    }
  }
  const passThrough = ok && !steps.some((st) => st.kind === 'sl');
  boxes.push(
    ok && hpa !== null
      ? { key: 'page', title: passThrough ? t('io.dma.hostMemoryPassThrough') : t('io.dma.hostPage'), where: '', entry: hexAddr(hpa), note: t('io.dma.theDmaGoesAhead'), state: 'result' }
      : { key: 'page', title: t('io.dma.hostMemory'), where: '', entry: 'untouched', note: t('io.dma.requestBlockedNoMemory'), state: 'unreached' },
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
    return t('io.dma.strayWritesBlockedRecorded', { sent: f.sent, recorded: f.recorded, lost: f.lost, pfo: f.pfo ? ' ' + t('io.dma.primaryFaultOverflowSet') : '' });
  }
  const r = last.result;
  if (r.kind === 'dma') {
    const tr = r.translation;
    if (tr.ok) {
      const vm = vmOfHost(v, tr.hpa);
      return t('io.dma.allowedByAtHost', { write: r.request.write ? t('io.dma.write') : t('io.dma.read'), bdf: r.request.bdf, address: hexAddr(r.request.address), hpa: hexAddr(tr.hpa), vm: vm !== null ? ` (${vm.split(' · ')[0]})` : '' });
    }
    return t('io.dma.blockedByAtFault', { write: r.request.write ? t('io.dma.write') : t('io.dma.read'), bdf: r.request.bdf, address: hexAddr(r.request.address), reason: hexByte(tr.reason), record: recordNote(r.record) });
  }
  const q = r.result;
  if (q.ok) return t('io.dma.irqDelivered', { bdf: r.request.bdf, index: q.index, vector: hexByte(q.vector), destination: q.destination });
  return t('io.dma.irqBlocked', { bdf: r.request.bdf, index: q.index, reason: hexByte(q.reason), record: recordNote(q.record) });
}

function recordNote(rec: { recorded: true; index: number } | { recorded: false; why: string } | null): string {
  if (rec === null) return '';
  if (rec.recorded) return t('io.dma.recordedInFaultRecord', { index: rec.index });
  const why: Record<string, string> = { fpd: t('io.dma.notRecordedFpd1'), pfo: t('io.dma.notRecordedPrimaryFault'), overflow: t('io.dma.notRecordedAllFault'), collapsed: t('io.dma.notRecordedAFault') };
  return `, ${why[rec.why] ?? rec.why}`;
}

export type CheckResult = { ok: true } | { ok: false; message: string };

export function checkBdf(text: string): CheckResult {
  const m = /^\s*([0-9a-f]{1,2}):([0-9a-f]{1,2})\.([0-9]+)\s*$/i.exec(text);
  if (m === null) return { ok: false, message: t('io.dma.writeBusDeviceFunction') };
  if (parseInt(m[2], 16) > 0x1f) return { ok: false, message: t('io.dma.theDeviceNumberIs') };
  if (Number(m[3]) > 7) return { ok: false, message: t('io.dma.theFunctionNumberIs') };
  return { ok: true };
}

export function checkAddress(text: string): CheckResult {
  const s = text.trim().replace(/_/g, '');
  if (s === '') return { ok: false, message: t('io.dma.giveAnAddressE') };
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(s)) return { ok: false, message: t('io.dma.hex0xOrDecimal') };
  const v = Number(s);
  if (!Number.isSafeInteger(v)) return { ok: false, message: t('io.dma.atMost253') };
  return { ok: true };
}

export function checkCount(text: string, min: number, max: number, what: string): { ok: true; value: number } | { ok: false; message: string } {
  const s = text.trim();
  if (!/^[0-9]+$/.test(s)) return { ok: false, message: t('io.dma.aWholeNumber', { what, min, max }) };
  const v = Number(s);
  if (v < min || v > max) return { ok: false, message: t('io.dma.aWholeNumber', { what, min, max }) };
  return { ok: true, value: v };
}
