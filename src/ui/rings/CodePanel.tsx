/**
 * The code panel: the program's disassembly (address, bytes, mnemonic, source line), the instruction the
 * processor executes next, breakpoints, and — while the processor is in VMX root operation — the VMM
 * handler that runs and what it does to the guest's state. The instruction that caused the last VM exit
 * is marked, so the cause is visible next to its effect. Under the software VMM the same for a trap: the
 * guest instruction that faulted in ring 1 (or 3), why it faults, and what the VMM's emulation does.
 */
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useApp } from '../../state/store.ts';
import { eventLog } from '../../state/event-log.ts';
import { commands } from '../engine/client.ts';
import { EventKind, exitInsnLength } from '../../core/trace/events.ts';
import { exitReasonInfo } from '../../core/vmx/spec/exit-reasons.ts';
import { exitCause } from './exit-cause.ts';
import type { ListingRow } from '../../worker/protocol.ts';
import { hex } from '../viz/format-event.ts';
import { trapText } from '../viz/swvmm-text.ts';
import './code-panel.css';
import { t } from '../../i18n/t.ts';

/** The sensitive unprivileged instructions that never trap at ring 1 whatever their operands (SDM; Robin & Irvine 2000). */
const QUIET_SENSITIVE = /^(sgdt|sidt|sldt|str|smsw|pushfd?|popfd?|lar|lsl|verr|verw)\b/i;

const Rows = memo(function Rows({ rows, breakpoints, detail, onToggle }: { rows: ListingRow[]; breakpoints: ReadonlySet<number>; detail: string; onToggle(a: number): void }) {
  return (
    <>
      {rows.map((r, k) => (
        <div key={k} className={`code-row${r.data ? ' data' : ''}`} id={`code-${r.address.toString(16)}`} data-address={r.address} role="row">
          <span role="cell" className="gutter">
            {!r.data && (
              <button
                type="button"
                className={`bp${breakpoints.has(r.address) ? ' on' : ''}`}
                aria-pressed={breakpoints.has(r.address)}
                aria-label={t('rings.code.breakpointAt', { address: hex(r.address) })}
                // One tab stop for the whole listing (the arrow keys move between rows): tabbing past
                // the code must not take hundreds of presses.
                tabIndex={-1}
                title={t('rings.code.breakpointTitle')}
                onClick={() => onToggle(r.address)}
              >
                {breakpoints.has(r.address) ? '●' : ''}
              </button>
            )}
          </span>
          <span role="cell" className="addr">
            {r.address.toString(16).toUpperCase().padStart(8, '0')}
          </span>
          {detail === 'engineer' && (
            <span role="cell" className="bytes">
              {r.bytes.slice(0, 8).map((b) => b.toString(16).padStart(2, '0')).join(' ')}
              {r.bytes.length > 8 ? ' …' : ''}
            </span>
          )}
          <span role="cell" className="mnemonic">
            {r.text}
          </span>
          <span role="cell" className="src" title={r.source.trim()}>
            {r.line}: {r.source.trim().replace(/^[\w.$@]+:\s*/, (m) => m)}
          </span>
        </div>
      ))}
    </>
  );
});

export function CodePanel() {
  const spec = useApp((s) => s.spec);
  const generation = useApp((s) => s.status?.generation ?? 0);
  const pc = useApp((s) => s.view?.pc ?? -1);
  const hostCpl = useApp((s) => s.view?.hostCpl ?? 0);
  const vmx = useApp((s) => s.view?.vmx ?? 'none');
  const mode = useApp((s) => s.view?.mode ?? 'guest');
  const detail = useApp((s) => s.detail);
  const breakpoints = useApp((s) => s.breakpoints);
  const setBreakpoints = useApp((s) => s.setBreakpoints);
  const handlers = useApp((s) => s.catalog?.handlers);
  const seq = useApp((s) => s.status?.position.seq ?? 0);
  const logVersion = useApp((s) => s.logVersion);
  // A VM the VMM stopped (a failed VM entry, a triple fault…) executes nothing next: say why instead.
  const vmStopped = useApp((s) => {
    const v = s.view?.vms[0];
    return v !== undefined && (v.state === 'crashed' || v.state === 'stopped') && v.message !== '' ? v.message : null;
  });
  const [rows, setRows] = useState<ListingRow[]>([]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const bpSet = useMemo(() => new Set(breakpoints), [breakpoints]);

  // The listing changes only with the program.
  const key = `${spec.scenario}|${spec.source ?? ''}|${JSON.stringify(spec.params ?? {})}|${spec.mode ?? ''}`;
  useEffect(() => {
    let live = true;
    void commands.listing().then((r) => live && setRows(r)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, [key, generation === 0]);

  // The last VM exit (for "caused by" and the running handler).
  const lastExit = useMemo(() => {
    const e = eventLog.findBack(seq - 1, [EventKind.VMEXIT, EventKind.VMENTRY]);
    if (e === undefined || e.kind !== EventKind.VMEXIT) return null;
    const reason = e.p[1] & 0xffff;
    return { reason, eip: e.p[5] >>> 0, len: exitInsnLength(e.p[4]), seq: e.seq, cause: exitCause(reason, e.p[2], e.p[7]) };
    // The log may arrive after the position (a link opened at an event): look again when it does.
  }, [seq, logVersion]);

  // Software VMM: the trap the VMM is handling (the last SW_TRAP with no SW_RESUME after it yet).
  const trap = useMemo(() => {
    if (mode !== 'swvmm' && mode !== 'bt' && mode !== 'pv') return null;
    const e = eventLog.findBack(seq - 1, [EventKind.SW_TRAP, EventKind.SW_RESUME]);
    return e !== undefined && e.kind === EventKind.SW_TRAP ? trapText(e.p) : null;
  }, [seq, mode, logVersion]);

  // Trap-and-emulate: a sensitive but unprivileged instruction (Robin & Irvine 2000) that just ran at ring 1 without
  // trapping. Nothing happened on the diagram — that is the lesson — so the Code tab says it (the POPF demo link lands here).
  const quietSensitive = useMemo(() => {
    if (mode !== 'swvmm') return null;
    const e = eventLog.findBack(seq - 1, [EventKind.INSN_RETIRED, EventKind.SW_TRAP, EventKind.SW_RESUME]);
    if (e === undefined || e.kind !== EventKind.INSN_RETIRED) return null;
    const row = rows.find((r) => r.address === e.p[1] >>> 0);
    const m = row === undefined ? null : QUIET_SENSITIVE.exec(row.text);
    return m === null ? null : { insn: m[1].toUpperCase(), address: e.p[1] >>> 0, ring: e.p[2] };
  }, [seq, mode, rows, logVersion]);

  // Highlight the current row and keep it in view, without re-rendering the listing.
  useEffect(() => {
    const box = scrollRef.current;
    if (box === null) return;
    box.querySelectorAll('.code-row.current, .code-row.exited').forEach((el) => el.classList.remove('current', 'exited', 'trapped'));
    // In VMX root, the guest instruction that caused the exit is marked too (the VMM may already have
    // advanced GUEST_RIP past it).
    if (vmx === 'root' && mode === 'guest' && lastExit !== null && lastExit.cause !== 'between') {
      const row = box.querySelector<HTMLElement>(`#code-${lastExit.eip.toString(16)}`);
      if (row !== null) {
        row.classList.add('exited');
        const note = row.querySelector<HTMLElement>('.mnemonic');
        if (note !== null) note.dataset.exitNote = lastExit.cause === 'fetch' ? t('rings.code.exitedFetchNote') : t('rings.code.exitedNote');
      }
    }
    // Software VMM: the guest instruction that trapped (the VMM emulated it and may have moved EIP past it).
    if (trap !== null && trap.emulated) {
      const row = box.querySelector<HTMLElement>(`#code-${trap.eip.toString(16)}`);
      if (row !== null) {
        row.classList.add('exited', 'trapped');
        const note = row.querySelector<HTMLElement>('.mnemonic');
        if (note !== null) note.dataset.exitNote = t('rings.code.trappedNote');
      }
    }
    const row = box.querySelector<HTMLElement>(`#code-${(pc >>> 0).toString(16)}`);
    if (row !== null) {
      if (!row.classList.contains('exited')) row.classList.add('current');
      const top = row.offsetTop;
      if (top < box.scrollTop + 20 || top > box.scrollTop + box.clientHeight - 40) box.scrollTop = Math.max(0, top - box.clientHeight / 3);
    }
  }, [pc, vmx, mode, rows, lastExit, trap]);

  // The roving tab stop: the breakpoint button of the current instruction's row (else the first row).
  useEffect(() => {
    const box = scrollRef.current;
    if (box === null) return;
    if (box.contains(document.activeElement) && document.activeElement?.classList.contains('bp')) return;
    const buttons = box.querySelectorAll<HTMLButtonElement>('button.bp');
    buttons.forEach((b) => (b.tabIndex = -1));
    const at = box.querySelector<HTMLButtonElement>(`#code-${(pc >>> 0).toString(16)} button.bp`) ?? buttons[0];
    if (at !== undefined) at.tabIndex = 0;
  }, [pc, rows]);

  /** Up/Down, Page Up/Down, Home/End move between the listing's rows (their breakpoint buttons). */
  const onListKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const from = e.target;
    if (!(from instanceof HTMLButtonElement) || !from.classList.contains('bp')) return;
    const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button.bp')];
    const k = buttons.indexOf(from);
    const page = Math.max(1, Math.floor(e.currentTarget.clientHeight / Math.max(1, from.closest('.code-row')?.clientHeight ?? 24)) - 1);
    const to = ({ ArrowDown: k + 1, ArrowUp: k - 1, PageDown: k + page, PageUp: k - page, Home: 0, End: buttons.length - 1 } as Record<string, number>)[e.key];
    if (to === undefined) return;
    e.preventDefault(); // not the global shortcuts (Home resets, End runs to the end)
    e.stopPropagation();
    const next = buttons[Math.max(0, Math.min(buttons.length - 1, to))];
    from.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  };

  const toggle = (a: number): void => {
    const next = bpSet.has(a) ? breakpoints.filter((x) => x !== a) : [...breakpoints, a];
    setBreakpoints(next);
    void commands.setBreakpoints(next);
  };

  const inRoot = mode === 'guest' && vmx === 'root';
  const handler = lastExit !== null ? handlers?.[lastExit.reason] : undefined;
  const inListing = rows.some((r) => r.address === (pc >>> 0));

  return (
    <section className="code-panel" aria-label={t('rings.code.label')}>
      {trap !== null ? (
        <div className="vmm-running" role="status" data-testid="vmm-running">
          <strong>{t(trap.emulated ? 'rings.code.trapEmulates' : 'rings.code.trapHandles', { what: trap.what })}</strong>
          <span>
            {' '}
            {t('rings.code.trapDetail', {
              what: trap.emulated
                ? t('rings.code.trapFaulted', { address: hex(trap.eip), ring: trap.ring, why: trap.why })
                : t('rings.code.trapArrived', { vector: trap.vector, ring: trap.ring, address: hex(trap.eip) }),
              does: trap.does,
              cost: trap.cycles > 0 ? t('rings.code.trapCost', { n: trap.cycles.toLocaleString('en-US') }) : '.',
            })}
          </span>
        </div>
      ) : inRoot && lastExit !== null ? (
        <div className="vmm-running" role="status" data-testid="vmm-running">
          <strong>{t('rings.code.rootRuns', { name: handler?.name ?? t('rings.code.itsHandler') })}</strong>
          <span>
            {' '}
            {t(lastExit.cause === 'fetch' ? 'rings.code.exitDetailFetch' : lastExit.cause === 'between' ? 'rings.code.exitDetailBetween' : 'rings.code.exitDetail', {
              reason: lastExit.reason,
              name: exitReasonInfo(lastExit.reason)?.shortName ?? '?',
              address: hex(lastExit.eip),
              len: lastExit.len > 0 ? t('rings.code.bytes', { count: lastExit.len }) : '',
              does: handler?.does ?? t('rings.code.handlesExit'),
            })}
          </span>
        </div>
      ) : vmStopped !== null ? (
        <div className="code-status" role="status" data-testid="vm-stopped">
          {/* A failed VM entry has its own banner above the tabs with the whole explanation: don't repeat it here. */}
          {vmStopped.startsWith('VM entry failed') ? t('rings.code.vmStoppedEntry') : t('rings.code.vmStopped', { message: vmStopped })}
        </div>
      ) : (
        <div className="code-status">
          {quietSensitive !== null && (
            <strong className="quiet-sensitive" data-testid="quiet-sensitive">
              {t('rings.code.quietSensitive', { insn: quietSensitive.insn, address: hex(quietSensitive.address), ring: quietSensitive.ring })}{' '}
            </strong>
          )}
          {t('rings.code.next', {
            who:
              vmx === 'non-root'
                ? t('rings.code.whoNonRoot')
                : mode === 'bare'
                  ? t('rings.code.whoBare')
                  : mode === 'swvmm' || mode === 'pv'
                    ? t('rings.code.whoDeprivileged', { ring: hostCpl })
                    : mode === 'bt'
                      ? hostCpl === 1
                        ? t('rings.code.whoBt')
                        : t('rings.code.whoRing', { ring: hostCpl })
                      : t('rings.code.whoGuest'),
            outside: !inListing && pc >= 0 ? t('rings.code.outside', { address: hex(pc) }) : '',
          })}
          {breakpoints.length > 0 && <span>{t('rings.code.breakpoints', { count: breakpoints.length })}</span>}
        </div>
      )}
      <div className="code-scroll" ref={scrollRef} role="table" aria-label={t('rings.code.disassembly')} onKeyDown={onListKey}>
        {rows.length === 0 ? <p className="empty">{t('rings.code.loading')}</p> : <Rows rows={rows} breakpoints={bpSet} detail={detail} onToggle={toggle} />}
      </div>
    </section>
  );
}

