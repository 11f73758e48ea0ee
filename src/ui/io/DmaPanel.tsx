/**
 * DMA remapping (issue 7 item 6; white paper §3.3.5): devices assigned to VMs DMA through the VT-d remapping
 * hardware (src/core/vtd through the worker's `vtd`). Each button sends one request; the screen draws the walk
 * (root → context → page tables → page) with the step that failed, the primary fault record field by field and
 * as the 16 bytes of the register, the fault status and event registers, and the line the OS prints.
 */
import { useCallback, useEffect, useId, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import type { DecodedRecord, LastAction, VtdCommand, VtdView } from '../../worker/vtd.ts';
import { checkAddress, checkBdf, checkCount, hexAddr, hexByte, outcomeSentence, vmOfHost, walkBoxes } from './dma-view.ts';
import '../migration/migration.css';
import './dma.css';
import { TextField, withoutKey } from '../shell/TextField.tsx';
import '../../i18n/en/io.ts';
import { t } from '../../i18n/t.ts';
import { T } from '../../i18n/react.tsx';

type Field = 'device' | 'address' | 'count' | 'nfr';

export function DmaPanel() {
  const health = useApp((s) => s.health);
  const [v, setV] = useState<VtdView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [device, setDevice] = useState('03:00.0');
  const [address, setAddress] = useState('0x12_3400');
  const [write, setWrite] = useState(true);
  const [count, setCount] = useState('6');
  const [nfr, setNfr] = useState('4');
  const [collapse, setCollapse] = useState(false);
  const [more, setMore] = useState('mgaw');
  const [announce, setAnnounce] = useState('');
  // The two switches change at once (optimistic) and follow the worker's view after each command.
  const [im, setIm] = useState(false);
  const [osHandles, setOsHandles] = useState(true);
  const id = useId();

  const send = useCallback(async (cmd: VtdCommand): Promise<boolean> => {
    setError(null);
    // Emptied first so that the same outcome twice (the same button pressed again) is announced again.
    setAnnounce('');
    try {
      const r = await commands.vtd(cmd);
      if (!r.ok) {
        if (r.field !== undefined) setErrors((e) => ({ ...e, [r.field as Field]: r.message }));
        else setError(r.message);
        return false;
      }
      setV(r.view);
      setIm(r.view.fectl.im);
      setOsHandles(r.view.osHandles);
      if (r.view.last !== null) setAnnounce(outcomeSentence(r.view.last, r.view));
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    }
  }, []);

  useEffect(() => {
    if (health === 'ready') void send({ kind: 'view' });
  }, [health, send]);

  const clearErr = (f: Field) => setErrors((x) => withoutKey(x, f));

  const onCustom = () => {
    const e: Partial<Record<Field, string>> = {};
    const b = checkBdf(device);
    if (!b.ok) e.device = b.message;
    const a = checkAddress(address);
    if (!a.ok) e.address = a.message;
    setErrors(e);
    if (Object.keys(e).length === 0) void send({ kind: 'dma', device, address, write });
  };

  const onFlood = () => {
    const c = checkCount(count, 1, 64, t('io.dma.writes'));
    if (!c.ok) {
      setErrors((x) => ({ ...x, count: c.message }));
      return;
    }
    void send({ kind: 'flood', count: c.value });
  };

  const onReset = () => {
    const c = checkCount(nfr, 1, 256, t('io.dma.faultRecordingRegisters'));
    if (!c.ok) {
      setErrors((x) => ({ ...x, nfr: c.message }));
      return;
    }
    void send({ kind: 'reset', nfr: c.value, collapse });
  };

  const field = (f: Field, label: string, value: string, set: (s: string) => void, hint: string) => {
    const fid = `${id}-${f}`;
    const err = errors[f];
    return (
      <TextField
        id={fid}
        label={label}
        hint={hint}
        value={value}
        error={err}
        inputMode="text"
        spellCheck={false}
        onChange={(v) => {
          set(v);
          clearErr(f);
        }}
      />
    );
  };

  const ready = health === 'ready' && v !== null;
  const mainDemos = v?.dmaDemos.filter((d) => d.group === 'main') ?? [];
  const moreDemos = v?.dmaDemos.filter((d) => d.group === 'more') ?? [];
  const moreDemo = moreDemos.find((d) => d.id === more);

  return (
    <section className="dma-lab" aria-label={t('io.dma.dmaRemapping')} data-testid="dma-panel">
      <p className="pl-lede">{t('io.dma.twoVmsEachOwn')}</p>
      <div className="visually-hidden" role="status" aria-live="polite" data-testid="dma-announce">
        {announce}
      </div>
      <div className="pl-grid">
        <form className="panel pl-form" aria-label={t('io.dma.requests')} noValidate onSubmit={(e) => e.preventDefault()}>
          <h2>{t('io.dma.deviceDma')}</h2>
          <div className="dma-buttons" role="group" aria-label={t('io.dma.dmaRequests')}>
            {mainDemos.map((d) => (
              <button key={d.id} type="button" className="btn" disabled={!ready} onClick={() => void send({ kind: 'demo', id: d.id })}>
                <span aria-hidden="true">{d.expect === null ? '✓' : '✕'}</span> {d.label}
              </button>
            ))}
          </div>
          <label className="pl-field">
            <span className="pl-label">{t('io.dma.everyOtherFaultReason')}</span>
            <select value={more} onChange={(e) => setMore(e.target.value)} aria-describedby={moreDemo !== undefined ? `${id}-more-full` : undefined}>
              {moreDemos.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.expect === null ? '' : `${hexByte(d.expect)} · `}
                  {d.label}
                </option>
              ))}
            </select>
          </label>
          {/* The column is narrower than most of these labels: the chosen one is shown whole under the select (outside
              the label, which would otherwise add it to the select's name a second time). */}
          {moreDemo !== undefined && (
            <p className="pl-hint pl-under" id={`${id}-more-full`}>
              {moreDemo.expect === null ? '' : `${hexByte(moreDemo.expect)} · `}
              {moreDemo.label}
            </p>
          )}
          <button type="button" className="btn" disabled={!ready || moreDemo === undefined} onClick={() => void send({ kind: 'demo', id: more })}>{t('io.dma.sendThisRequest')}</button>

          <h2>{t('io.dma.interrupts')}</h2>
          <div className="dma-buttons" role="group" aria-label={t('io.dma.interruptRequests')}>
            {(v?.irqDemos ?? []).map((d) => (
              <button key={d.id} type="button" className="btn" disabled={!ready} onClick={() => void send({ kind: 'demo', id: d.id })}>
                <span aria-hidden="true">{d.expect === null ? '✓' : '✕'}</span> {d.label}
              </button>
            ))}
          </div>

          <h2>{t('io.dma.yourOwnRequest')}</h2>
          {field('device', t('io.dma.requesterBusDevFn'), device, setDevice, t('io.dma.requesterHint'))}
          {field('address', t('io.dma.dmaAddress'), address, setAddress, t('io.dma.theAddressTheDevice'))}
          <fieldset className="pl-radios">
            <legend className="pl-label">{t('io.dma.direction')}</legend>
            <label>
              <input type="radio" name={`${id}-rw`} checked={write} onChange={() => setWrite(true)} />{' '}{t('io.dma.writeToMemory')}</label>
            <label>
              <input type="radio" name={`${id}-rw`} checked={!write} onChange={() => setWrite(false)} />{' '}{t('io.dma.readFromMemory')}</label>
          </fieldset>
          <button type="button" className="btn primary" disabled={!ready} onClick={onCustom}>{t('io.dma.sendDma')}</button>

          <h2>{t('io.dma.faultReporting')}</h2>
          <label className="pl-check">
            <input
              type="checkbox"
              checked={im}
              disabled={!ready}
              onChange={(e) => {
                setIm(e.target.checked);
                void send({ kind: 'mask', im: e.target.checked });
              }}
            />{' '}{t('io.dma.maskTheFaultEvent')}</label>
          <label className="pl-check">
            <input
              type="checkbox"
              checked={osHandles}
              disabled={!ready}
              onChange={(e) => {
                setOsHandles(e.target.checked);
                void send({ kind: 'osHandles', on: e.target.checked });
              }}
            />{' '}{t('io.dma.theOsRunsIts')}</label>
          <button type="button" className="btn" disabled={!ready} onClick={() => void send({ kind: 'service' })}>{t('io.dma.runTheOsFault')}</button>
          {field('count', t('io.dma.strayWrites'), count, setCount, t('io.dma.aBuggyNicWriting'))}
          <button type="button" className="btn" disabled={!ready} onClick={onFlood}>{t('io.dma.buggyNicSendThe')}</button>
          <label className="pl-field">
            <span className="pl-label">{t('io.dma.logLineFormat')}</span>
            <select value={v?.format ?? 'current'} disabled={!ready} onChange={(e) => void send({ kind: 'format', format: e.target.value as 'current' | 'v4.7' })}>
              <option value="current">{t('io.dma.linuxTodayDmarC')}</option>
              <option value="v4.7">{t('io.dma.linux47Era')}</option>
            </select>
          </label>
          {field('nfr', t('io.dma.faultRecordingRegistersAssumption'), nfr, setNfr, t('io.dma.capNfrIsImplementation'))}
          <label className="pl-check">
            <input type="checkbox" checked={collapse} onChange={(e) => setCollapse(e.target.checked)} />{' '}{t('io.dma.collapseRepeatedFaultsFrom')}</label>
          <button type="button" className="btn" disabled={health !== 'ready'} onClick={onReset}>{t('io.dma.resetTheRemappingUnit')}</button>
        </form>
        <div className="pl-main">
          {error !== null && (
            <p className="pl-error" role="alert"><T k='io.dma.theRequestCouldNot' parts={{ error: error }} />
            </p>
          )}
          {v === null ? <p className="pl-empty">{t('io.dma.startingTheRemappingHardware')}</p> : <Results v={v} />}
        </div>
      </div>
    </section>
  );
}

function Results({ v }: { v: VtdView }) {
  return (
    <>
      {v.last === null ? (
        <p className="pl-empty">{t('io.dma.pressAButtonOn')}</p>
      ) : (
        <Outcome last={v.last} v={v} />
      )}
      <Registers v={v} />
      <OsLog v={v} />
      <Tables v={v} />
    </>
  );
}

function Outcome({ last, v }: { last: LastAction; v: VtdView }) {
  const sentence = outcomeSentence(last, v);
  // From the data, not the (translated) sentence: a flood is always blocked; otherwise the walk or the interrupt checks failed.
  const blocked = 'flood' in last || (last.result.kind === 'dma' ? !last.result.translation.ok : !last.result.result.ok);
  const story = 'flood' in last ? null : last.result.kind === 'dma' ? v.dmaDemos.find((d) => d.label === last.label)?.story : v.irqDemos.find((d) => d.label === last.label)?.story;
  return (
    <section className="panel" aria-labelledby="dma-outcome-h">
      <h2 id="dma-outcome-h"><T k='io.dma.whatHappened' parts={{ label: last.label }} /></h2>
      <p className={`dma-verdict ${blocked ? 'bad' : 'good'}`} data-testid="dma-verdict">
        <span aria-hidden="true">{blocked ? '✕ ' : '✓ '}</span>
        {sentence}
      </p>
      {story !== undefined && story !== null && <p className="pl-note">{story}</p>}
      {'flood' in last ? (
        <p className="pl-note">
          {last.flood.pfo
            ? t('io.dma.allFaultRecordingRegisters')
            : t('io.dma.eachFaultWasRecorded')}
          {v.fectl.ip ? ' ' + t('io.dma.pendingNote') : ''}
        </p>
      ) : last.result.kind === 'dma' ? (
        <Walk last={last} v={v} />
      ) : (
        <IrqChecks last={last} />
      )}
      {'record' in last && last.record !== null && <RecordView rec={last.record} />}
      {'record' in last && last.record !== null && (
        <p className="pl-note" data-testid="record-fate">
          {v.records[last.record.index]?.record.f === true
            ? t('io.dma.theRecordIsStill', { im: v.fectl.im ? t('io.dma.pendingMasked') : t('io.dma.pendingUnserviced') })
            : t('io.dma.theFaultEventInterrupted')}
        </p>
      )}
      {'record' in last && last.record === null && last.result.kind === 'dma' && !last.result.translation.ok && (
        <p className="pl-note"><T k='io.dma.noFaultRecordWas' parts={{ why: outcomeSentence(last, v).split(', ').slice(-1)[0].replace(/\.$/, '') }} /></p>
      )}
    </section>
  );
}

function Walk({ last, v }: { last: Extract<LastAction, { result: unknown }>; v: VtdView }) {
  if (last.result.kind !== 'dma') return null;
  const tr = last.result.translation;
  const boxes = walkBoxes(tr.steps, tr.ok, tr.ok ? tr.hpa : null);
  const req = last.result.request;
  return (
    <div className="dma-walk-wrap">
      <h3 className="dma-h3">{t('io.dma.theWalk')}</h3>
      <ol className="dma-walk" aria-label={t('io.dma.translationWalk')} data-testid="dma-walk">
        <li className="dma-box request">
          <span className="dma-box-title">{t('io.dma.request')}</span>
          <span className="dma-mono">{req.bdf}</span>
          <span className="dma-mono">
            {req.write ? t('io.dma.write') : t('io.dma.read')} {hexAddr(req.address)}
          </span>
          {req.at !== 'untranslated' && <span className="dma-note"><T k='io.dma.ats' parts={{ at: req.at }} /></span>}
        </li>
        {boxes.map((b) => (
          <li key={b.key} className={`dma-box ${b.state}`} data-state={b.state}>
            <span className="dma-box-title">
              {b.state === 'fail' && <span aria-hidden="true">✕ </span>}
              {b.state === 'result' && <span aria-hidden="true">✓ </span>}
              {b.title}
              {b.state === 'fail' && <span className="visually-hidden">{' '}{t('io.dma.theWalkStopsHere')}</span>}
            </span>
            {b.where !== '' && <span className="dma-note">{b.where}</span>}
            {b.entry !== '' && <span className="dma-mono">{b.entry}</span>}
            <span className="dma-note">
              {b.note}
              {b.state === 'result' && tr.ok && vmOf(v, tr.hpa) !== null ? ` (${vmOf(v, tr.hpa)})` : ''}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}

function vmOf(v: VtdView, hpa: number): string | null {
  return vmOfHost(v, hpa)?.split(' · ')[0] ?? null;
}

function IrqChecks({ last }: { last: Extract<LastAction, { result: unknown }> }) {
  if (last.result.kind !== 'irq') return null;
  const r = last.result.result;
  return (
    <div className="dma-walk-wrap">
      <h3 className="dma-h3">{t('io.dma.interruptRemappingChecks')}</h3>
      {last.msiAddress !== null && (
        <p className="pl-note"><T k='io.dma.msiAddressRemappableFormat' parts={{ msiAddress: <span className="dma-mono">{hexAddr(last.msiAddress)}</span>, handle: last.result.request.handle, data: <span className="dma-mono">{hexAddr(last.result.request.data)}</span> }} /></p>
      )}
      <ol className="dma-checks" data-testid="irq-checks">
        {r.checks.map((c, k) => {
          const failed = !r.ok && k === r.checks.length - 1;
          return (
            <li key={k} className={failed ? 'fail' : 'ok'}>
              <span aria-hidden="true">{failed ? '✕ ' : '✓ '}</span>
              {c}
              {failed && <span className="visually-hidden">{' '}{t('io.dma.failed')}</span>}
            </li>
          );
        })}
      </ol>
    </div>
  );
}

function RecordView({ rec }: { rec: DecodedRecord }) {
  const r = rec.record;
  const ir = rec.reasonKind === 'ir';
  return (
    <div className="dma-record" data-testid="fault-record">
      <h3 className="dma-h3"><T k='io.dma.primaryFaultRecordFrcd' parts={{ index: rec.index }} /></h3>
      <table className="dma-fields">
        <thead>
          <tr>
            <th scope="col">{t('io.dma.field')}</th>
            <th scope="col">{t('io.dma.bits')}</th>
            <th scope="col">{t('io.dma.value')}</th>
            <th scope="col">{t('io.dma.meaning')}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">{t('io.dma.fFault')}</th>
            <td>127</td>
            <td className="dma-mono">{r.f ? 1 : 0}</td>
            <td>{t('io.dma.aFaultIsRecorded')}</td>
          </tr>
          <tr>
            <th scope="row">{t('io.dma.tType')}</th>
            <td>126</td>
            <td className="dma-mono">{r.type === 'read' ? 1 : 0}</td>
            <td>{ir ? t('io.dma.notUsedForInterrupt') : r.type === 'read' ? t('io.dma.readRequest') : t('io.dma.writeRequest')}</td>
          </tr>
          <tr>
            <th scope="row">{t('io.dma.frFaultReason')}</th>
            <td>103:96</td>
            <td className="dma-mono" data-testid="fault-reason">
              {hexByte(r.reason)}
            </td>
            <td>
              {rec.reasonText}. {rec.meaning}
            </td>
          </tr>
          <tr>
            <th scope="row">{t('io.dma.sidSourceIdentifier')}</th>
            <td>79:64</td>
            <td className="dma-mono" data-testid="fault-sid">
              {hexByte(r.sourceId, 4)}
            </td>
            <td><T k='io.dma.requesterBusDeviceFunction' parts={{ bdf: rec.bdf }} /></td>
          </tr>
          <tr>
            <th scope="row">{t('io.dma.fiFaultInfo')}</th>
            <td>{ir ? '63:48' : '63:12'}</td>
            <td className="dma-mono" data-testid="fault-addr">
              {ir ? t('io.dma.index', { irIndex: r.irIndex ?? 0 }) : hexAddr(r.faultInfo)}
            </td>
            <td>{ir ? t('io.dma.theInterruptIndexThe') : t('io.dma.theFaultingPageAddress')}</td>
          </tr>
        </tbody>
      </table>
      <p className="pl-note"><T k='io.dma.registerHighLow' parts={{ hi: <span className="dma-mono">{rec.hi}</span>, lo: <span className="dma-mono">{rec.lo}</span> }} />
      </p>
      <p className="pl-note dma-bytes" aria-label={t('io.dma.the16BytesByte')}>
        {rec.bytes.map((b, k) => (
          <span key={k} className="dma-mono">
            {b}
          </span>
        ))}
      </p>
      <h3 className="dma-h3">{t('io.dma.whatTheOsPrints')}</h3>
      <pre className="dma-line" data-testid="fault-line">
        {rec.line}
      </pre>
    </div>
  );
}

function Registers({ v }: { v: VtdView }) {
  return (
    <section className="panel" aria-labelledby="dma-regs-h">
      <h2 id="dma-regs-h">{t('io.dma.faultRegisters')}</h2>
      <dl className="pl-figures">
        <div>
          <dt>{t('io.dma.fstsReg')}</dt>
          <dd className="dma-mono" data-testid="fsts">
            {hexByte(v.fsts.value, 8)}
          </dd>
          <dd>
            <small><T k='io.dma.pfoPpfFri' parts={{ pfo: v.fsts.pfo ? 1 : 0, ppf: v.fsts.ppf ? 1 : 0, fri: v.fsts.fri }} />
            </small>
          </dd>
        </div>
        <div>
          <dt>{t('io.dma.fectlReg')}</dt>
          <dd className="dma-mono">{hexByte(v.fectl.value, 8)}</dd>
          <dd>
            <small><T k='io.dma.imIp' parts={{ im: v.fectl.im ? 1 : 0, ip: v.fectl.ip ? 1 : 0 }} />
            </small>
          </dd>
        </div>
        <div>
          <dt>{t('io.dma.faultEventsSent')}</dt>
          <dd>{v.faultEvents}</dd>
        </div>
      </dl>
      <table className="dma-fields dma-frcd" aria-label={t('io.dma.faultRecordingRegisters')}>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">F</th>
            <th scope="col">{t('io.dma.reason')}</th>
            <th scope="col">{t('io.dma.requester')}</th>
            <th scope="col">{t('io.dma.addressIndex')}</th>
          </tr>
        </thead>
        <tbody>
          {v.records.map((r) => (
            <tr key={r.index} className={r.record.f ? 'full' : ''}>
              <td>
                {r.index}
                {r.index === v.nextFrcd ? <span className="dma-note">{' '}{t('io.dma.next')}</span> : ''}
              </td>
              <td className="dma-mono">{r.record.f ? '1' : '0'}</td>
              <td>{r.record.f ? `${hexByte(r.record.reason)} ${r.reasonText}` : '—'}</td>
              <td className="dma-mono">{r.record.f ? r.bdf : '—'}</td>
              <td className="dma-mono">{r.record.f ? (r.reasonKind === 'ir' ? t('io.dma.index', { irIndex: r.record.irIndex ?? 0 }) : hexAddr(r.record.faultInfo)) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="pl-note"><T k='io.dma.labUnitAssumptionsMgaw' parts={{ mgaw: v.cap.mgaw, nfr: v.cap.nfr, memoryTop: hexAddr(v.memoryTop), entries: v.irta.entries }} /></p>
    </section>
  );
}

function OsLog({ v }: { v: VtdView }) {
  return (
    <section className="panel" aria-labelledby="dma-log-h">
      <h2 id="dma-log-h">{t('io.dma.osLogDmesg')}</h2>
      {v.log.length === 0 ? (
        <p className="pl-note">{t('io.dma.nothingPrintedYet')}</p>
      ) : (
        <pre className="dma-log" data-testid="dma-log" tabIndex={0} aria-label={t('io.dma.osLog')}>
          {v.log.slice(-40).join('\n')}
        </pre>
      )}
    </section>
  );
}

function Tables({ v }: { v: VtdView }) {
  return (
    <section className="panel" aria-labelledby="dma-tables-h">
      <h2 id="dma-tables-h">{t('io.dma.tablesPerDeviceAnd')}</h2>
      <table className="dma-fields" aria-label={t('io.dma.devices')}>
        <thead>
          <tr>
            <th scope="col">{t('io.dma.requester')}</th>
            <th scope="col">{t('io.dma.device')}</th>
            <th scope="col">{t('io.dma.rootEntryBus')}</th>
            <th scope="col">{t('io.dma.contextEntryDevFn')}</th>
            <th scope="col">{t('io.dma.domain')}</th>
          </tr>
        </thead>
        <tbody>
          {v.devices.map((d) => (
            <tr key={d.sid}>
              <td className="dma-mono">{d.bdf}</td>
              <td>{d.name}</td>
              <td>
                {d.bus} {d.rootPresent ? t('io.dma.present') : t('io.dma.notPresent')}
              </td>
              <td>
                {d.devfn} {d.contextPresent ? t('io.dma.present') : t('io.dma.notPresent')}
              </td>
              <td>{d.domain === null ? '—' : `${d.domain}${d.vm !== null ? ' ' + t('io.dma.vmSuffix', { vm: d.vm }) : ' ' + t('io.dma.testSuffix')}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="dma-fields" aria-label={t('io.dma.interruptRemappingTable')}>
        <thead>
          <tr>
            <th scope="col">{t('io.dma.irte')}</th>
            <th scope="col">{t('io.dma.delivers')}</th>
            <th scope="col">{t('io.dma.sourceIdCheck')}</th>
          </tr>
        </thead>
        <tbody>
          {v.irtes.map((e) => (
            <tr key={e.index}>
              <td>
                {e.index}
                {e.reserved ? ' ' + t('io.dma.reservedBitsSet') : ''}
              </td>
              <td><T k='io.dma.vectorToCpu' parts={{ vector: hexByte(e.vector), destination: e.destination }} />
              </td>
              <td>{e.svt === 0 ? t('io.dma.none') : e.svt === 1 ? t('io.dma.onlyRequester', { sid: e.sid, sq: e.sq !== 0 ? ` (SQ ${e.sq})` : '' }) : t('io.dma.busesIn', { sid: e.sid })}</td>
            </tr>
          ))}
          <tr>
            <td colSpan={3}><T k='io.dma.allOtherEntriesOf' parts={{ entries: v.irta.entries }} /></td>
          </tr>
        </tbody>
      </table>
      <ul className="dma-domains">
        {v.vms.map((m) => (
          <li key={m.id}>
            <T k='io.dma.guestPhysicalHostRead' parts={{ domain: <strong><T k='io.dma.domainN' parts={{ domain: m.domain }} /></strong>, name: m.name, gpaStart: hexAddr(0), gpaEnd: hexAddr(m.bytes - 1), hpaStart: hexAddr(m.hostBase), hpaEnd: hexAddr(m.hostBase + m.bytes - 1), readOnly: m.readOnly.length > 0 ? t('io.dma.exceptReadOnly', { pages: m.readOnly.map((p) => hexAddr(p)).join(', ') }) : '' }} /></li>
        ))}
      </ul>
    </section>
  );
}
