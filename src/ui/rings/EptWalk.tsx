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
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

type Source = 'exit' | 'pc' | 'address';
type Space = 'linear' | 'guest-physical';

const hex = (v: number, digits = 8): string => '0x' + v.toString(16).toUpperCase().padStart(digits, '0');
const hex64 = (lo: number, hi: number): string => '0x' + (hi >>> 0).toString(16).toUpperCase().padStart(8, '0') + '_' + (lo >>> 0).toString(16).toUpperCase().padStart(8, '0');
const addr = (v: number): string => (v > 0xffffffff ? hex(v, 12) : hex(v));
const size = (bytes: number): string => (bytes >= 2 ** 30 ? `${bytes / 2 ** 30} GByte` : bytes >= 2 ** 20 ? `${bytes / 2 ** 20} MByte` : `${bytes / 1024} KByte`);
const accessWord = (a: WalkAccess): string => (a === 'read' ? t('rings.eptWalk.accessRead') : a === 'write' ? t('rings.eptWalk.accessWrite') : t('rings.eptWalk.accessFetch'));
const yn = (b: boolean): string => (b ? t('rings.eptWalk.yes') : t('rings.eptWalk.no'));

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
      setInputError(t('rings.eptWalk.errHex'));
      return;
    }
    if (a > max) {
      setInputError(typed.space === 'linear' ? t('rings.eptWalk.errLinear') : t('rings.eptWalk.errPhysical'));
      return;
    }
    setInputError(null);
    setRequest({ of: 'address', space: typed.space, address: a, access: typed.access });
  }

  return (
    <div className="eptw" data-testid="ept-walk">
      <div className="eptw-bar">
        <div className="eptw-sources" role="radiogroup" aria-label={t('rings.eptWalk.sources')}>
          {(
            [
              ['exit', t('rings.eptWalk.sourceExit')],
              ['pc', t('rings.eptWalk.sourcePc')],
              ['address', t('rings.eptWalk.sourceAddress')],
            ] as const
          ).map(([id, label]) => (
            <label key={id} className={source === id ? 'on' : ''}>
              <input type="radio" name="eptw-source" value={id} checked={source === id} onChange={() => choose(id)} />
              {label}
            </label>
          ))}
        </div>
        <form className="eptw-form" onSubmit={submitAddress} aria-label={t('rings.eptWalk.form')}>
          <div className="eptw-field">
            <label htmlFor={ids.addr}>{t('rings.eptWalk.address')}</label>
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
            <label htmlFor={ids.space}>{t('rings.eptWalk.space')}</label>
            <select id={ids.space} value={typed.space} onChange={(e) => setTyped({ ...typed, space: e.target.value as Space })}>
              <option value="guest-physical">{t('rings.eptWalk.spacePhysical')}</option>
              <option value="linear">{t('rings.eptWalk.spaceLinear')}</option>
            </select>
          </div>
          <div className="eptw-field">
            <label htmlFor={ids.access}>{t('rings.eptWalk.access')}</label>
            <select id={ids.access} value={typed.access} onChange={(e) => setTyped({ ...typed, access: e.target.value as WalkAccess })}>
              <option value="read">{t('rings.eptWalk.accessRead')}</option>
              <option value="write">{t('rings.eptWalk.accessWrite')}</option>
              <option value="fetch">{t('rings.eptWalk.optFetch')}</option>
            </select>
          </div>
          <button type="submit" className="btn">{t('rings.eptWalk.walk')}</button>
          {inputError !== null && (
            <p id={ids.err} className="eptw-input-error" role="alert">
              {inputError}
            </p>
          )}
        </form>
      </div>
      <div className="eptw-body" aria-busy={loading}>
        {moving && <p className="eptw-note">{t('rings.eptWalk.refreshNote')}</p>}
        {view === null ? <p className="eptw-empty">{loading ? t('rings.eptWalk.walking') : t('rings.eptWalk.noWalk')}</p> : <WalkView view={view} />}
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
      <ol className="eptw-ladder" aria-label={t('rings.eptWalk.ladder')}>
        <li className="eptw-rung eptw-start">
          <span className="eptw-kind">{w.start.space === 'linear' ? t('rings.eptWalk.startLinear') : t('rings.eptWalk.startPhysical')}</span>{' '}
          <code className="eptw-addr">{addr(w.start.address)}</code>
          <span className="eptw-dim"> · {accessWord(w.access)}{w.user ? t('rings.eptWalk.userMode') : ''}</span>
          {w.start.space === 'linear' && w.paging === '32-bit' && <LinearBits lin={w.start.address} large={w.guestSteps[0]?.large ?? false} />}
          {w.paging === 'off' && <p className="eptw-dim eptw-small">{t('rings.eptWalk.pagingOff')}</p>}
          {view.vmmIdentityMap && (
            <p className="eptw-dim eptw-small">
              {t('rings.eptWalk.identityMap', { cr3: hex(view.guest.cr3) })}
            </p>
          )}
        </li>
        {w.guestSteps.map((s, k) => (
          <GuestRung key={k} step={s} />
        ))}
        {w.final !== null && (
          <li className="eptw-rung">
            <h3 className="eptw-h">
              <T
                k="rings.eptWalk.finalHeading"
                parts={{
                  gpa: <code className="eptw-addr">{addr(w.final.gpa)}</code>,
                  rest: <span className="eptw-dim">{t('rings.eptWalk.finalThrough', { access: accessWord(w.access) })}</span>,
                }}
              />
            </h3>
            <EptLadder walk={w.final} />
          </li>
        )}
        <li className={`eptw-rung eptw-end outcome-${w.outcome.kind}`}>
          <Outcome walk={w} />
        </li>
      </ol>
      {view.afterHandler !== null && <AfterHandler walk={view.afterHandler} />}
      {view.afterHandler === null && view.asOf === 'exit' && <p className="eptw-dim eptw-small">{t('rings.eptWalk.handlerNext')}</p>}
      <Registers view={view} />
    </>
  );
}

function ExitBox({ view }: { view: Extract<TranslationView, { kind: 'walk' }> }) {
  const x = view.exit!;
  return (
    <section className="eptw-exit" aria-label={t('rings.eptWalk.exitBox')}>
      <h3 className="eptw-h">
        <T k="rings.eptWalk.exitHeading" params={{ reason: x.reason, name: x.name }} parts={{ gpa: <code data-testid="ept-exit-gpa">{addr(x.gpa)}</code> }} />
        {x.gla !== null && <T k="rings.eptWalk.exitGla" parts={{ gla: <code>{hex(x.gla)}</code> }} />}
      </h3>
      {x.qualification !== null && x.decoded !== null && (
        <>
          <p className="eptw-qual">
            <T k="rings.eptWalk.qualification" parts={{ q: <code>{hex(x.qualification)}</code>, summary: <span data-testid="ept-qual-summary">{x.decoded.summary}</span> }} />
          </p>
          <details className="eptw-details">
            <summary>{t('rings.eptWalk.qualBits')}</summary>
            <table className="eptw-bits">
              <thead>
                <tr>
                  <th scope="col">{t('rings.eptWalk.colBits')}</th>
                  <th scope="col">{t('rings.eptWalk.colField')}</th>
                  <th scope="col">{t('rings.eptWalk.colValue')}</th>
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
      {x.qualification === null && <p className="eptw-qual">{t('rings.eptWalk.misconfigNoQual')}</p>}
      <p className="eptw-dim eptw-small">
        {view.asOf === 'exit'
          ? t('rings.eptWalk.asOfExit')
          : t('rings.eptWalk.asOfNow')}
        {view.matchesExit === false && t('rings.eptWalk.notMatching')}
      </p>
    </section>
  );
}

function Summary({ view }: { view: Extract<TranslationView, { kind: 'walk' }> }) {
  const w = view.walk;
  const parts: string[] = [];
  for (const s of w.guestSteps) parts.push(t('rings.eptWalk.summaryGuest', { name: s.name, refs: s.ept.references, plus: s.value !== null ? ' + 1' : '' }));
  if (w.final !== null) parts.push(t(w.start.space === 'linear' ? 'rings.eptWalk.summaryFinal' : 'rings.eptWalk.summaryAddress', { refs: w.final.references }));
  const eptLevels = view.eptp.walkLevels;
  const guestLevels = w.guestSteps.length;
  return (
    <div className="eptw-summary">
      <p className="eptw-refs" data-testid="ept-walk-refs">
        <strong>{t('rings.eptWalk.references', { n: w.references })}</strong> {parts.length > 0 && <span className="eptw-dim">({parts.join(' · ')})</span>}
      </p>
      {w.paging === '32-bit' && (
        <p className="eptw-dim eptw-small">
          {t('rings.eptWalk.complete', { count: guestLevels, e: eptLevels, r: twoDimensionalReferences(guestLevels, eptLevels), r4: twoDimensionalReferences(4, eptLevels) })}
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
          <T k="rings.eptWalk.linLarge" parts={{ pde: <code>{lin >>> 22}</code>, off: <code>{hex(lin & 0x3fffff, 6)}</code> }} />
        </>
      ) : (
        <>
          <T k="rings.eptWalk.linSmall" parts={{ pde: <code>{lin >>> 22}</code>, pte: <code>{(lin >>> 12) & 0x3ff}</code>, off: <code>{hex(lin & 0xfff, 3)}</code> }} />
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
        <T
          k="rings.eptWalk.guestHeading"
          params={{ name: step.name, index: step.index }}
          parts={{
            where: (
              <span className="eptw-dim">
                <T
                  k="rings.eptWalk.guestWhere"
                  params={{ hi: step.indexBits[0], lo: step.indexBits[1], index: step.index }}
                  parts={{ entry: <code>{addr(step.entryGpa)}</code>, table: <code>{addr(step.tableGpa)}</code> }}
                />
              </span>
            ),
          }}
        />
      </h3>
      <p className="eptw-small eptw-dim">{t('rings.eptWalk.guestEntryFirst')}</p>
      <EptLadder walk={step.ept} />
      {!failedEpt && (
        <div className={`eptw-entry${step.stop !== null ? ' eptw-stop' : ''}`}>
          <p className="eptw-line">
            <span className="eptw-ref" aria-label={t('rings.eptWalk.oneRef')}>
              +1
            </span>{' '}
            <T k="rings.eptWalk.readGuest" params={{ name: step.name }} parts={{ hpa: <code>{addr(step.entryHpa!)}</code>, value: <code className="eptw-value">{hex(step.value!)}</code> }} />
            {step.decoded !== null && <span className="eptw-dim"> — {step.decoded.summary}</span>}
          </p>
          {step.decoded !== null && <Bits parts={step.decoded.parts} label={t('rings.eptWalk.guestFields', { name: step.name })} />}
          {step.stop !== null && <StopLine text={step.stop.reason} />}
        </div>
      )}
    </li>
  );
}

function EptLadder({ walk }: { walk: EptWalkData }) {
  return (
    <ol className="eptw-ept" aria-label={t('rings.eptWalk.eptWalkOf', { gpa: addr(walk.gpa) })}>
      {walk.steps.map((s) => (
        <EptRow key={s.level} step={s} />
      ))}
      {walk.outcome.kind === 'ok' && (
        <li className="eptw-ept-end">
          <T
            k="rings.eptWalk.eptEnd"
            parts={{
              hpa: <code className="eptw-addr">{addr(walk.outcome.hpa)}</code>,
              detail: <span className="eptw-dim">{t('rings.eptWalk.eptEndDetail', { size: size(walk.outcome.pageSize), perms: rwx(walk.outcome.permissions) })}</span>,
            }}
          />
        </li>
      )}
    </ol>
  );
}

const rwx = (p: number): string => `${p & 1 ? 'R' : '-'}${p & 2 ? 'W' : '-'}${p & 4 ? 'X' : '-'}`;

function EptRow({ step }: { step: EptStep }) {
  const flags: string[] = [];
  if (step.read || step.write || step.execute) {
    flags.push(t('rings.eptWalk.flagsRwx', { r: yn(step.read), w: yn(step.write), x: yn(step.execute) }));
  } else flags.push(t('rings.eptWalk.notPresent'));
  if (step.memoryTypeName !== null && (step.read || step.write || step.execute)) flags.push(t('rings.eptWalk.flagsType', { type: step.memoryTypeName.split(' ')[0], pat: step.ignorePat ? t('rings.eptWalk.ignorePat') : '' }));
  if (step.accessed !== null) flags.push(t('rings.eptWalk.flagsAccessed', { a: yn(step.accessed), dirty: step.dirty !== null ? t('rings.eptWalk.flagsDirty', { d: yn(step.dirty) }) : '' }));
  const present = step.read || step.write || step.execute;
  const target = !present ? '' : step.leaf ? t('rings.eptWalk.targetPage', { size: size(step.pageSize!), at: addr(step.next) }) : t('rings.eptWalk.targetTable', { at: addr(step.next) });
  return (
    <li className={`eptw-row${step.stop !== null ? ' eptw-stop' : ''}`} data-testid={step.stop !== null ? 'ept-walk-stop' : undefined}>
      <div className="eptw-line">
        <span className="eptw-ref" aria-label={t('rings.eptWalk.oneRef')}>
          +1
        </span>{' '}
        <strong className="eptw-name">{t('rings.eptWalk.eptName', { name: step.name })}</strong>{' '}
        <span className="eptw-dim">{t('rings.eptWalk.eptWhere', { index: step.index, hi: step.indexBits[0], lo: step.indexBits[1] })}</span>{' '}
        <code>{addr(step.entryHpa)}</code> = <code className="eptw-value">{hex64(step.value.lo, step.value.hi)}</code>
      </div>
      <div className="eptw-decoded">
        {flags.join(' · ')} {target}
      </div>
      <Bits parts={step.decoded.parts} label={t('rings.eptWalk.eptFields', { name: step.name })} />
      {step.stop !== null && <StopLine text={step.stop.reason} kind={step.stop.kind} />}
    </li>
  );
}

function StopLine({ text, kind }: { text: string; kind?: string }) {
  return (
    <p className="eptw-stopline" role="note">
      <span aria-hidden="true">✗ </span>
      <strong>{kind === 'misconfig' ? t('rings.eptWalk.stopsMisconfig') : t('rings.eptWalk.stops')}</strong> {text}
    </p>
  );
}

function Bits({ parts, label }: { parts: readonly { name: string; bits: string; meaning: string }[]; label: string }) {
  return (
    <details className="eptw-details">
      <summary>{t('rings.eptWalk.allFields')}</summary>
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
        <T k="rings.eptWalk.translated" parts={{ gpa: <code>{addr(o.gpa)}</code>, hpa: <code className="eptw-addr">{addr(o.hpa)}</code> }} />
      </p>
    );
  }
  if (o.kind === 'ept-violation' || o.kind === 'ept-misconfig') {
    return (
      <p className="eptw-h" data-testid="ept-walk-outcome">
        <T
          k="rings.eptWalk.outcomeStop"
          params={{
            kind: o.kind === 'ept-violation' ? t('rings.eptWalk.violation') : t('rings.eptWalk.misconfig'),
            exit: o.kind === 'ept-violation' ? 48 : 49,
            where: o.at === 'final' ? t('rings.eptWalk.atAccess') : t('rings.eptWalk.atEntry'),
          }}
          parts={{ gpa: <code>{addr(o.gpa)}</code> }}
        />
        {o.kind === 'ept-violation' && (
          <span className="eptw-dim">
            {t('rings.eptWalk.outcomeAllow', { perms: o.permissions === 0 ? t('rings.eptWalk.allowNothing') : rwx(o.permissions), bits: o.permissions.toString(2).padStart(3, '0') })}
          </span>
        )}
      </p>
    );
  }
  if (o.kind === 'page-fault') {
    return (
      <p className="eptw-h" data-testid="ept-walk-outcome">
        {t('rings.eptWalk.pageFault', { reason: o.reason })}
      </p>
    );
  }
  return (
    <p className="eptw-h" data-testid="ept-walk-outcome">
      {t('rings.eptWalk.notWalked', { reason: o.reason })}
    </p>
  );
}

function AfterHandler({ walk }: { walk: TwoDimensionalWalk }) {
  const o = walk.outcome;
  return (
    <p className="eptw-after">
      <strong>{t('rings.eptWalk.afterTitle')}</strong>{' '}
      {o.kind === 'ok' ? (
        <T k="rings.eptWalk.afterOk" params={{ refs: walk.references }} parts={{ gpa: <code>{addr(o.gpa)}</code>, hpa: <code>{addr(o.hpa)}</code> }} />
      ) : (
        t('rings.eptWalk.afterStill', { kind: o.kind })
      )}
    </p>
  );
}

function Registers({ view }: { view: Extract<TranslationView, { kind: 'walk' }> }) {
  const g = view.guest;
  return (
    <details className="eptw-details eptw-regs">
      <summary>{t('rings.eptWalk.registers')}</summary>
      <dl>
        <dt>{t('rings.eptWalk.guestCrs')}</dt>
        <dd>
          <T
            k="rings.eptWalk.crValues"
            params={{ cpl: g.cpl, from: g.source === 'processor' ? t('rings.eptWalk.fromProcessor') : t('rings.eptWalk.fromVmcs') }}
            parts={{ cr0: <code>{hex(g.cr0)}</code>, cr3: <code>{hex(g.cr3)}</code>, cr4: <code>{hex(g.cr4)}</code> }}
          />
        </dd>
        <dt>{t('rings.eptWalk.eptp')}</dt>
        <dd>
          <code>{hex64(view.eptp.value.lo, view.eptp.value.hi)}</code>: {view.eptp.decoded.summary}
        </dd>
        <dt>{t('rings.eptWalk.caps')}</dt>
        <dd>
          {t('rings.eptWalk.capsValue', { p2: yn(view.caps.page2M), p1: yn(view.caps.page1G), xo: yn(view.caps.executeOnly), max: view.caps.maxPhysAddr })}
        </dd>
      </dl>
    </details>
  );
}
