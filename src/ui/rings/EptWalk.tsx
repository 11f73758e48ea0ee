/**
 * The EPT walk (Engineer detail level): how an address is translated under VT-x with EPT at the current moment
 * of the run, drawn as a ladder — guest-linear → guest PDE → guest PTE → guest-physical → host-physical — where
 * each guest step is itself a guest-physical address walked through the four EPT levels. Every entry shows its
 * address, raw value and decoded bits in words; the step that stops the walk says why. Data from the worker
 * (`translation`, src/core/session/translation.ts); this file only draws it.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import type { TranslationRequest, TranslationView } from '../../worker/protocol.ts';
import type { EptStep, EptWalk as EptWalkData, GuestStep, TwoDimensionalWalk, WalkAccess } from '../../core/vmx/ept-walk.ts';
import { twoDimensionalReferences } from '../../core/vmx/ept-walk.ts';
import './ept-walk.css';

type Source = 'exit' | 'pc' | 'address';
type Space = 'linear' | 'guest-physical';

const hex = (v: number, digits = 8): string => '0x' + v.toString(16).toUpperCase().padStart(digits, '0');
const hex64 = (lo: number, hi: number): string => '0x' + (hi >>> 0).toString(16).toUpperCase().padStart(8, '0') + '_' + (lo >>> 0).toString(16).toUpperCase().padStart(8, '0');
const addr = (v: number): string => (v > 0xffffffff ? hex(v, 12) : hex(v));
const size = (bytes: number): string => (bytes >= 2 ** 30 ? `${bytes / 2 ** 30} GByte` : bytes >= 2 ** 20 ? `${bytes / 2 ** 20} MByte` : `${bytes / 1024} KByte`);
const ACCESS_WORDS: Record<WalkAccess, string> = { read: 'read', write: 'write', fetch: 'instruction fetch' };

/** Parses a typed hexadecimal address ("0x1F000", "1f000", "1F000h", "0020_0000"); null when it is not one. */
export function parseHexAddress(text: string): number | null {
  const t = text.trim().replace(/_/g, '').replace(/^0x/i, '').replace(/h$/i, '');
  if (!/^[0-9a-f]{1,12}$/i.test(t)) return null;
  return parseInt(t, 16);
}

export function EptWalk() {
  const seq = useApp((s) => s.status?.position.seq ?? 0);
  const generation = useApp((s) => s.status?.generation ?? 0);
  const state = useApp((s) => s.status?.state ?? 'paused');
  const moving = state === 'playing' || state === 'running';
  const [source, setSource] = useState<Source>('exit');
  const [typed, setTyped] = useState({ text: '0x00200000', space: 'guest-physical' as Space, access: 'read' as WalkAccess });
  const [request, setRequest] = useState<TranslationRequest>({ of: 'exit' });
  const [inputError, setInputError] = useState<string | null>(null);
  const [view, setView] = useState<TranslationView | null>(null);
  const [loading, setLoading] = useState(true);
  const ids = { addr: useId(), err: useId(), space: useId(), access: useId() };

  useEffect(() => {
    // While playing the walk changes at every exit: read it when the position settles.
    if (moving) return;
    let live = true;
    setLoading(true);
    commands
      .translation(request)
      .then((v) => {
        if (!live) return;
        setView(v);
        setLoading(false);
      })
      .catch(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [seq, generation, moving, request]);

  const choose = (s: Source) => {
    setSource(s);
    if (s === 'exit') setRequest({ of: 'exit' });
    else if (s === 'pc') setRequest({ of: 'pc' });
    else submitAddress();
  };

  function submitAddress(e?: FormEvent) {
    e?.preventDefault();
    setSource('address');
    const a = parseHexAddress(typed.text);
    const max = typed.space === 'linear' ? 0xffffffff : 2 ** 48 - 1;
    if (a === null) {
      setInputError('Type a hexadecimal address, for example 0x00200000.');
      return;
    }
    if (a > max) {
      setInputError(typed.space === 'linear' ? 'A guest-linear address is 32 bits: at most 0xFFFFFFFF.' : 'A guest-physical address is at most 48 bits (0xFFFF_FFFFFFFF) under a 4-level EPT.');
      return;
    }
    setInputError(null);
    setRequest({ of: 'address', space: typed.space, address: a, access: typed.access });
  }

  return (
    <div className="eptw" data-testid="ept-walk">
      <div className="eptw-bar">
        <div className="eptw-sources" role="radiogroup" aria-label="What to walk">
          {(
            [
              ['exit', 'Last EPT violation'],
              ['pc', 'Guest EIP'],
              ['address', 'An address'],
            ] as const
          ).map(([id, label]) => (
            <label key={id} className={source === id ? 'on' : ''}>
              <input type="radio" name="eptw-source" value={id} checked={source === id} onChange={() => choose(id)} />
              {label}
            </label>
          ))}
        </div>
        <form className="eptw-form" onSubmit={submitAddress} aria-label="Walk an address">
          <div className="eptw-field">
            <label htmlFor={ids.addr}>Address (hex)</label>
            <input
              id={ids.addr}
              type="text"
              inputMode="text"
              spellCheck={false}
              autoComplete="off"
              value={typed.text}
              aria-invalid={inputError !== null}
              aria-describedby={inputError !== null ? ids.err : undefined}
              onChange={(e) => setTyped({ ...typed, text: e.target.value })}
            />
          </div>
          <div className="eptw-field">
            <label htmlFor={ids.space}>Space</label>
            <select id={ids.space} value={typed.space} onChange={(e) => setTyped({ ...typed, space: e.target.value as Space })}>
              <option value="guest-physical">guest-physical</option>
              <option value="linear">guest-linear</option>
            </select>
          </div>
          <div className="eptw-field">
            <label htmlFor={ids.access}>Access</label>
            <select id={ids.access} value={typed.access} onChange={(e) => setTyped({ ...typed, access: e.target.value as WalkAccess })}>
              <option value="read">read</option>
              <option value="write">write</option>
              <option value="fetch">fetch</option>
            </select>
          </div>
          <button type="submit">Walk</button>
          {inputError !== null && (
            <p id={ids.err} className="eptw-input-error" role="alert">
              {inputError}
            </p>
          )}
        </form>
      </div>
      <div className="eptw-body" aria-busy={loading}>
        {moving && <p className="eptw-note">The walk refreshes when playback stops.</p>}
        {view === null ? <p className="eptw-empty">{loading ? 'Walking…' : 'No walk.'}</p> : <WalkView view={view} />}
      </div>
    </div>
  );
}

function WalkView({ view }: { view: TranslationView }) {
  if (view.kind === 'unavailable') {
    return (
      <p className={`eptw-empty eptw-unavailable reason-${view.reason}`} data-testid="ept-walk-unavailable">
        {view.message}
      </p>
    );
  }
  const w = view.walk;
  return (
    <>
      {view.exit !== null && <ExitBox view={view} />}
      <Summary view={view} />
      <ol className="eptw-ladder" aria-label="The walk, one memory reference per entry">
        <li className="eptw-rung eptw-start">
          <span className="eptw-kind">{w.start.space === 'linear' ? 'Guest-linear address' : 'Guest-physical address'}</span>{' '}
          <code className="eptw-addr">{addr(w.start.address)}</code>
          <span className="eptw-dim"> · {ACCESS_WORDS[w.access]}{w.user ? ', user mode (CPL 3)' : ''}</span>
          {w.start.space === 'linear' && w.paging === '32-bit' && <LinearBits lin={w.start.address} large={w.guestSteps[0]?.large ?? false} />}
          {w.paging === 'off' && <p className="eptw-dim eptw-small">Guest paging is off (CR0.PG = 0): the linear address is the guest-physical address.</p>}
          {view.vmmIdentityMap && (
            <p className="eptw-dim eptw-small">
              The guest sees paging off (its CR0 read shadow has PG = 0), but VMX without unrestricted guest needs CR0.PG = 1, so the VMM runs it on an identity map: the guest
              steps below walk the VMM&apos;s page directory at CR3 = {hex(view.guest.cr3)}.
            </p>
          )}
        </li>
        {w.guestSteps.map((s, k) => (
          <GuestRung key={k} step={s} />
        ))}
        {w.final !== null && (
          <li className="eptw-rung">
            <h3 className="eptw-h">
              Guest-physical address <code className="eptw-addr">{addr(w.final.gpa)}</code> <span className="eptw-dim">— the {ACCESS_WORDS[w.access]} itself, through EPT</span>
            </h3>
            <EptLadder walk={w.final} />
          </li>
        )}
        <li className={`eptw-rung eptw-end outcome-${w.outcome.kind}`}>
          <Outcome walk={w} />
        </li>
      </ol>
      {view.afterHandler !== null && <AfterHandler walk={view.afterHandler} />}
      <Registers view={view} />
    </>
  );
}

function ExitBox({ view }: { view: Extract<TranslationView, { kind: 'walk' }> }) {
  const x = view.exit!;
  return (
    <section className="eptw-exit" aria-label="The VM exit">
      <h3 className="eptw-h">
        VM exit reason {x.reason} ({x.name}) — guest-physical <code data-testid="ept-exit-gpa">{addr(x.gpa)}</code>
        {x.gla !== null && (
          <>
            , guest-linear <code>{hex(x.gla)}</code>
          </>
        )}
      </h3>
      {x.qualification !== null && x.decoded !== null && (
        <>
          <p className="eptw-qual">
            Exit qualification <code>{hex(x.qualification)}</code>: <span data-testid="ept-qual-summary">{x.decoded.summary}</span>
          </p>
          <details className="eptw-details">
            <summary>Qualification bits (SDM Vol. 3C Table 27-7; Table 28-7 in later editions)</summary>
            <table className="eptw-bits">
              <thead>
                <tr>
                  <th scope="col">Bits</th>
                  <th scope="col">Field</th>
                  <th scope="col">Value</th>
                </tr>
              </thead>
              <tbody>
                {x.decoded.parts.map((p) => (
                  <tr key={p.bits}>
                    <td>
                      <code>{p.bits}</code>
                    </td>
                    <td>{p.name}</td>
                    <td>{p.meaning}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
      {x.qualification === null && <p className="eptw-qual">An EPT misconfiguration has no exit qualification; the guest-physical address is the one the walk could not translate.</p>}
      <p className="eptw-dim eptw-small">
        {view.asOf === 'exit'
          ? 'Walked as of the exit: the EPT as it was before the VMM’s handler changed it, and the guest’s registers and page tables as the exit left them.'
          : 'Walked against the EPT as it is now (the moment of the exit is no longer held).'}
        {view.matchesExit === false && ' This walk does not stop at the exit’s guest-physical address: the guest’s state has changed since.'}
      </p>
    </section>
  );
}

function Summary({ view }: { view: Extract<TranslationView, { kind: 'walk' }> }) {
  const w = view.walk;
  const parts: string[] = [];
  for (const s of w.guestSteps) parts.push(`guest ${s.name}: ${s.ept.references} EPT${s.value !== null ? ' + 1' : ''}`);
  if (w.final !== null) parts.push(`the ${w.start.space === 'linear' ? 'final address' : 'address'}: ${w.final.references} EPT`);
  const eptLevels = view.eptp.walkLevels;
  const guestLevels = w.guestSteps.length;
  return (
    <div className="eptw-summary">
      <p className="eptw-refs" data-testid="ept-walk-refs">
        <strong>{w.references} memory references</strong> {parts.length > 0 && <span className="eptw-dim">({parts.join(' · ')})</span>}
      </p>
      {w.paging === '32-bit' && (
        <p className="eptw-dim eptw-small">
          A complete walk with {guestLevels} guest level{guestLevels === 1 ? '' : 's'} over a {eptLevels}-level EPT: {guestLevels} × ({eptLevels} + 1) + {eptLevels} ={' '}
          {twoDimensionalReferences(guestLevels, eptLevels)}; a 4-level guest (64-bit paging) would need 4 × ({eptLevels} + 1) + {eptLevels} = {twoDimensionalReferences(4, eptLevels)}. The
          TLB and paging-structure caches exist to avoid these.
        </p>
      )}
    </div>
  );
}

function LinearBits({ lin, large }: { lin: number; large: boolean }) {
  return (
    <p className="eptw-small eptw-linbits">
      {large ? (
        <>
          bits 31:22 = <code>{lin >>> 22}</code> (PDE index) · bits 21:0 = <code>{hex(lin & 0x3fffff, 6)}</code> (offset in a 4-MByte page)
        </>
      ) : (
        <>
          bits 31:22 = <code>{lin >>> 22}</code> (PDE index) · bits 21:12 = <code>{(lin >>> 12) & 0x3ff}</code> (PTE index) · bits 11:0 = <code>{hex(lin & 0xfff, 3)}</code> (offset)
        </>
      )}
    </p>
  );
}

function GuestRung({ step }: { step: GuestStep }) {
  const failedEpt = step.value === null;
  return (
    <li className={`eptw-rung eptw-guest${step.stop !== null ? ' stops' : ''}`}>
      <h3 className="eptw-h">
        Guest {step.name} {step.index}{' '}
        <span className="eptw-dim">
          (linear bits {step.indexBits[0]}:{step.indexBits[1]}) at guest-physical <code>{addr(step.entryGpa)}</code> = table <code>{addr(step.tableGpa)}</code> + 4 × {step.index}
        </span>
      </h3>
      <p className="eptw-small eptw-dim">The processor reads this guest paging-structure entry at a guest-physical address, so EPT translates it first:</p>
      <EptLadder walk={step.ept} />
      {!failedEpt && (
        <div className={`eptw-entry${step.stop !== null ? ' eptw-stop' : ''}`}>
          <p className="eptw-line">
            <span className="eptw-ref" aria-label="one memory reference">
              +1
            </span>{' '}
            read guest {step.name} at host-physical <code>{addr(step.entryHpa!)}</code>: <code className="eptw-value">{hex(step.value!)}</code>
            {step.decoded !== null && <span className="eptw-dim"> — {step.decoded.summary}</span>}
          </p>
          {step.decoded !== null && <Bits parts={step.decoded.parts} label={`Guest ${step.name} fields`} />}
          {step.stop !== null && <StopLine text={step.stop.reason} />}
        </div>
      )}
    </li>
  );
}

function EptLadder({ walk }: { walk: EptWalkData }) {
  return (
    <ol className="eptw-ept" aria-label={`EPT walk of guest-physical ${addr(walk.gpa)}`}>
      {walk.steps.map((s) => (
        <EptRow key={s.level} step={s} />
      ))}
      {walk.outcome.kind === 'ok' && (
        <li className="eptw-ept-end">
          → host-physical <code className="eptw-addr">{addr(walk.outcome.hpa)}</code>{' '}
          <span className="eptw-dim">
            ({size(walk.outcome.pageSize)} page, allowed {rwx(walk.outcome.permissions)})
          </span>
        </li>
      )}
    </ol>
  );
}

const rwx = (p: number): string => `${p & 1 ? 'R' : '-'}${p & 2 ? 'W' : '-'}${p & 4 ? 'X' : '-'}`;

function EptRow({ step }: { step: EptStep }) {
  const flags: string[] = [];
  if (step.read || step.write || step.execute) {
    flags.push(`read ${step.read ? 'yes' : 'no'}, write ${step.write ? 'yes' : 'no'}, execute ${step.execute ? 'yes' : 'no'}`);
  } else flags.push('not present');
  if (step.memoryTypeName !== null && (step.read || step.write || step.execute)) flags.push(`type ${step.memoryTypeName.split(' ')[0]}${step.ignorePat ? ', ignore PAT' : ''}`);
  if (step.accessed !== null) flags.push(`accessed ${step.accessed ? 'yes' : 'no'}${step.dirty !== null ? `, dirty ${step.dirty ? 'yes' : 'no'}` : ''}`);
  const present = step.read || step.write || step.execute;
  const target = !present ? '' : step.leaf ? `→ ${size(step.pageSize!)} page at ${addr(step.next)}` : `→ next table at ${addr(step.next)}`;
  return (
    <li className={`eptw-row${step.stop !== null ? ' eptw-stop' : ''}`} data-testid={step.stop !== null ? 'ept-walk-stop' : undefined}>
      <div className="eptw-line">
        <span className="eptw-ref" aria-label="one memory reference">
          +1
        </span>{' '}
        <strong className="eptw-name">EPT {step.name}</strong>{' '}
        <span className="eptw-dim">
          [{step.index}] (GPA bits {step.indexBits[0]}:{step.indexBits[1]}) at
        </span>{' '}
        <code>{addr(step.entryHpa)}</code> = <code className="eptw-value">{hex64(step.value.lo, step.value.hi)}</code>
      </div>
      <div className="eptw-decoded">
        {flags.join(' · ')} {target}
      </div>
      <Bits parts={step.decoded.parts} label={`EPT ${step.name} fields`} />
      {step.stop !== null && <StopLine text={step.stop.reason} kind={step.stop.kind} />}
    </li>
  );
}

function StopLine({ text, kind }: { text: string; kind?: string }) {
  return (
    <p className="eptw-stopline" role="note">
      <span aria-hidden="true">✗ </span>
      <strong>{kind === 'misconfig' ? 'Stops here (misconfiguration):' : 'Stops here:'}</strong> {text}
    </p>
  );
}

function Bits({ parts, label }: { parts: readonly { name: string; bits: string; meaning: string }[]; label: string }) {
  return (
    <details className="eptw-details">
      <summary>All fields</summary>
      <table className="eptw-bits" aria-label={label}>
        <tbody>
          {parts.map((p) => (
            <tr key={p.bits + p.name}>
              <td>
                <code>{p.bits}</code>
              </td>
              <td>{p.name}</td>
              <td>{p.meaning}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function Outcome({ walk }: { walk: TwoDimensionalWalk }) {
  const o = walk.outcome;
  if (o.kind === 'ok') {
    return (
      <p className="eptw-h" data-testid="ept-walk-outcome">
        ✓ Translated: guest-physical <code>{addr(o.gpa)}</code> → host-physical <code className="eptw-addr">{addr(o.hpa)}</code>
      </p>
    );
  }
  if (o.kind === 'ept-violation' || o.kind === 'ept-misconfig') {
    return (
      <p className="eptw-h" data-testid="ept-walk-outcome">
        ✗ {o.kind === 'ept-violation' ? 'EPT violation' : 'EPT misconfiguration'} (VM exit {o.kind === 'ept-violation' ? 48 : 49}) at guest-physical <code>{addr(o.gpa)}</code>, on{' '}
        {o.at === 'final' ? 'the access itself' : 'a guest paging-structure entry'}
        {o.kind === 'ept-violation' && (
          <span className="eptw-dim">
            {' '}
            · the entries walked allow {o.permissions === 0 ? 'nothing (one is not present)' : rwx(o.permissions)}: qualification bits 5:3 = {o.permissions.toString(2).padStart(3, '0')}b
          </span>
        )}
      </p>
    );
  }
  if (o.kind === 'page-fault') {
    return (
      <p className="eptw-h" data-testid="ept-walk-outcome">
        ✗ A page fault in the guest: {o.reason}
      </p>
    );
  }
  return (
    <p className="eptw-h" data-testid="ept-walk-outcome">
      Not walked: {o.reason}
    </p>
  );
}

function AfterHandler({ walk }: { walk: TwoDimensionalWalk }) {
  const o = walk.outcome;
  return (
    <p className="eptw-after">
      <strong>Now, after the VMM handled the exit:</strong>{' '}
      {o.kind === 'ok' ? (
        <>
          the same walk translates guest-physical <code>{addr(o.gpa)}</code> to host-physical <code>{addr(o.hpa)}</code> ({walk.references} memory references), so the guest&apos;s
          instruction runs again and succeeds.
        </>
      ) : (
        <>the same walk still stops ({o.kind}).</>
      )}
    </p>
  );
}

function Registers({ view }: { view: Extract<TranslationView, { kind: 'walk' }> }) {
  const g = view.guest;
  return (
    <details className="eptw-details eptw-regs">
      <summary>Registers the walk used</summary>
      <dl>
        <dt>Guest CR0 / CR3 / CR4</dt>
        <dd>
          <code>{hex(g.cr0)}</code> / <code>{hex(g.cr3)}</code> / <code>{hex(g.cr4)}</code> (CPL {g.cpl}; from {g.source === 'processor' ? 'the processor, in VMX non-root operation' : 'the VMCS guest-state area'})
        </dd>
        <dt>EPTP (VMCS 0x201A)</dt>
        <dd>
          <code>{hex64(view.eptp.value.lo, view.eptp.value.hi)}</code>: {view.eptp.decoded.summary}
        </dd>
        <dt>EPT capabilities</dt>
        <dd>
          2-MByte pages {view.caps.page2M ? 'yes' : 'no'}, 1-GByte pages {view.caps.page1G ? 'yes' : 'no'}, execute-only {view.caps.executeOnly ? 'yes' : 'no'}, MAXPHYADDR{' '}
          {view.caps.maxPhysAddr}
        </dd>
      </dl>
    </details>
  );
}
