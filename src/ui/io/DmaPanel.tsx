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
    const c = checkCount(count, 1, 64, 'Writes');
    if (!c.ok) {
      setErrors((x) => ({ ...x, count: c.message }));
      return;
    }
    void send({ kind: 'flood', count: c.value });
  };

  const onReset = () => {
    const c = checkCount(nfr, 1, 256, 'Fault recording registers');
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
    <section className="dma-lab" aria-label="DMA remapping" data-testid="dma-panel">
      <p className="pl-lede">
        Two VMs each own a device (device assignment). Every DMA the device makes goes through the VT-d remapping hardware: the requester id picks a root entry (bus) and
        a context entry (device.function), which names the VM’s domain and its page tables. Anything outside them is blocked, recorded and reported. (Intel VT-d
        spec Rev. 5.10 ch. 3, 5, 7, 9, 11; white paper §3.3.5.)
      </p>
      <div className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </div>
      <div className="pl-grid">
        <form className="panel pl-form" aria-label="Requests" noValidate onSubmit={(e) => e.preventDefault()}>
          <h2>Device DMA</h2>
          <div className="dma-buttons" role="group" aria-label="DMA requests">
            {mainDemos.map((d) => (
              <button key={d.id} type="button" className="btn" disabled={!ready} onClick={() => void send({ kind: 'demo', id: d.id })}>
                <span aria-hidden="true">{d.expect === null ? '✓' : '✕'}</span> {d.label}
              </button>
            ))}
          </div>
          <label className="pl-field">
            <span className="pl-label">Every other fault reason</span>
            <select value={more} onChange={(e) => setMore(e.target.value)}>
              {moreDemos.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.expect === null ? '' : `${hexByte(d.expect)} · `}
                  {d.label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn" disabled={!ready || moreDemo === undefined} onClick={() => void send({ kind: 'demo', id: more })}>
            Send this request
          </button>

          <h2>Interrupts</h2>
          <div className="dma-buttons" role="group" aria-label="Interrupt requests">
            {(v?.irqDemos ?? []).map((d) => (
              <button key={d.id} type="button" className="btn" disabled={!ready} onClick={() => void send({ kind: 'demo', id: d.id })}>
                <span aria-hidden="true">{d.expect === null ? '✓' : '✕'}</span> {d.label}
              </button>
            ))}
          </div>

          <h2>Your own request</h2>
          {field('device', 'Requester (bus:dev.fn)', device, setDevice, 'e.g. 03:00.0 (NIC), 04:00.0 (disk)')}
          {field('address', 'DMA address', address, setAddress, 'the address the device puts on the bus')}
          <fieldset className="pl-radios">
            <legend className="pl-label">Direction</legend>
            <label>
              <input type="radio" name={`${id}-rw`} checked={write} onChange={() => setWrite(true)} /> Write to memory
            </label>
            <label>
              <input type="radio" name={`${id}-rw`} checked={!write} onChange={() => setWrite(false)} /> Read from memory
            </label>
          </fieldset>
          <button type="button" className="btn primary" disabled={!ready} onClick={onCustom}>
            Send DMA
          </button>

          <h2>Fault reporting</h2>
          <label className="pl-check">
            <input
              type="checkbox"
              checked={im}
              disabled={!ready}
              onChange={(e) => {
                setIm(e.target.checked);
                void send({ kind: 'mask', im: e.target.checked });
              }}
            /> Mask the fault event
            (FECTL.IM)
          </label>
          <label className="pl-check">
            <input
              type="checkbox"
              checked={osHandles}
              disabled={!ready}
              onChange={(e) => {
                setOsHandles(e.target.checked);
                void send({ kind: 'osHandles', on: e.target.checked });
              }}
            /> The OS runs its
            fault handler on each fault event
          </label>
          <button type="button" className="btn" disabled={!ready} onClick={() => void send({ kind: 'service' })}>
            Run the OS fault handler now
          </button>
          {field('count', 'Stray writes', count, setCount, 'a buggy NIC writing into VM2, one page each')}
          <button type="button" className="btn" disabled={!ready} onClick={onFlood}>
            Buggy NIC: send the stray writes
          </button>
          <label className="pl-field">
            <span className="pl-label">Log line format</span>
            <select value={v?.format ?? 'current'} disabled={!ready} onChange={(e) => void send({ kind: 'format', format: e.target.value as 'current' | 'v4.7' })}>
              <option value="current">Linux today (dmar.c)</option>
              <option value="v4.7">Linux 4.7 era</option>
            </select>
          </label>
          {field('nfr', 'Fault recording registers (assumption)', nfr, setNfr, 'CAP.NFR is implementation-specific; lab default 4')}
          <label className="pl-check">
            <input type="checkbox" checked={collapse} onChange={(e) => setCollapse(e.target.checked)} /> Collapse repeated faults from one requester (as QEMU’s model does)
          </label>
          <button type="button" className="btn" disabled={health !== 'ready'} onClick={onReset}>
            Reset the remapping unit
          </button>
        </form>
        <div className="pl-main">
          {error !== null && (
            <p className="pl-error" role="alert">
              The request could not run: {error}
            </p>
          )}
          {v === null ? <p className="pl-empty">Starting the remapping hardware…</p> : <Results v={v} />}
        </div>
      </div>
    </section>
  );
}

function Results({ v }: { v: VtdView }) {
  return (
    <>
      {v.last === null ? (
        <p className="pl-empty">Press a button on the left: a good DMA, a malicious device reaching into the other VM, a write to a read-only page, an unknown device, a bad interrupt.</p>
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
  const blocked = sentence.startsWith('Blocked') || 'flood' in last;
  const story = 'flood' in last ? null : last.result.kind === 'dma' ? v.dmaDemos.find((d) => d.label === last.label)?.story : v.irqDemos.find((d) => d.label === last.label)?.story;
  return (
    <section className="panel" aria-labelledby="dma-outcome-h">
      <h2 id="dma-outcome-h">What happened: {last.label}</h2>
      <p className={`dma-verdict ${blocked ? 'bad' : 'good'}`} data-testid="dma-verdict">
        <span aria-hidden="true">{blocked ? '✕ ' : '✓ '}</span>
        {sentence}
      </p>
      {story !== undefined && story !== null && <p className="pl-note">{story}</p>}
      {'flood' in last ? (
        <p className="pl-note">
          {last.flood.pfo
            ? 'All fault recording registers were full, so the hardware set Primary Fault Overflow (PFO) and dropped the rest: software must service records faster than a faulty device makes them, or lose them.'
            : 'Each fault was recorded. Mask the fault event first to see the records fill up and overflow.'}
          {v.fectl.ip ? ' The fault event is pending (FECTL.IP = 1): clear the mask to deliver it, and the OS’s handler reads every record from FRI on.' : ''}
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
            ? `The record is still pending (F = 1): ${v.fectl.im ? 'the fault event is masked, so the OS has not been told yet' : 'the OS has not serviced it yet'}.`
            : 'The fault event interrupted the OS; its handler read this record, printed the line above and wrote F = 1 to clear it (the register now shows F = 0).'}
        </p>
      )}
      {'record' in last && last.record === null && last.result.kind === 'dma' && !last.result.translation.ok && (
        <p className="pl-note">No fault record was written ({outcomeSentence(last, v).split(', ').slice(-1)[0].replace(/\.$/, '')}).</p>
      )}
    </section>
  );
}

function Walk({ last, v }: { last: Extract<LastAction, { result: unknown }>; v: VtdView }) {
  if (last.result.kind !== 'dma') return null;
  const t = last.result.translation;
  const boxes = walkBoxes(t.steps, t.ok, t.ok ? t.hpa : null);
  const req = last.result.request;
  return (
    <div className="dma-walk-wrap">
      <h3 className="dma-h3">The walk</h3>
      <ol className="dma-walk" aria-label="Translation walk" data-testid="dma-walk">
        <li className="dma-box request">
          <span className="dma-box-title">Request</span>
          <span className="dma-mono">{req.bdf}</span>
          <span className="dma-mono">
            {req.write ? 'write' : 'read'} {hexAddr(req.address)}
          </span>
          {req.at !== 'untranslated' && <span className="dma-note">ATS {req.at}</span>}
        </li>
        {boxes.map((b) => (
          <li key={b.key} className={`dma-box ${b.state}`} data-state={b.state}>
            <span className="dma-box-title">
              {b.state === 'fail' && <span aria-hidden="true">✕ </span>}
              {b.state === 'result' && <span aria-hidden="true">✓ </span>}
              {b.title}
              {b.state === 'fail' && <span className="visually-hidden"> (the walk stops here)</span>}
            </span>
            {b.where !== '' && <span className="dma-note">{b.where}</span>}
            {b.entry !== '' && <span className="dma-mono">{b.entry}</span>}
            <span className="dma-note">
              {b.note}
              {b.state === 'result' && t.ok && vmOf(v, t.hpa) !== null ? ` (${vmOf(v, t.hpa)})` : ''}
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
      <h3 className="dma-h3">Interrupt remapping checks</h3>
      {last.msiAddress !== null && (
        <p className="pl-note">
          MSI address <span className="dma-mono">{hexAddr(last.msiAddress)}</span>: remappable format (bit 4 = 1), handle {last.result.request.handle}; data{' '}
          <span className="dma-mono">{hexAddr(last.result.request.data)}</span>.
        </p>
      )}
      <ol className="dma-checks" data-testid="irq-checks">
        {r.checks.map((c, k) => {
          const failed = !r.ok && k === r.checks.length - 1;
          return (
            <li key={k} className={failed ? 'fail' : 'ok'}>
              <span aria-hidden="true">{failed ? '✕ ' : '✓ '}</span>
              {c}
              {failed && <span className="visually-hidden"> (failed)</span>}
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
      <h3 className="dma-h3">Primary fault record {rec.index} (FRCD_REG, 16 bytes)</h3>
      <table className="dma-fields">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Bits</th>
            <th scope="col">Value</th>
            <th scope="col">Meaning</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">F (Fault)</th>
            <td>127</td>
            <td className="dma-mono">{r.f ? 1 : 0}</td>
            <td>a fault is recorded here and not yet serviced</td>
          </tr>
          <tr>
            <th scope="row">T (Type)</th>
            <td>126</td>
            <td className="dma-mono">{r.type === 'read' ? 1 : 0}</td>
            <td>{ir ? 'not used for interrupt requests' : r.type === 'read' ? 'read request' : 'write request'}</td>
          </tr>
          <tr>
            <th scope="row">FR (Fault Reason)</th>
            <td>103:96</td>
            <td className="dma-mono" data-testid="fault-reason">
              {hexByte(r.reason)}
            </td>
            <td>
              {rec.reasonText}. {rec.meaning}
            </td>
          </tr>
          <tr>
            <th scope="row">SID (Source Identifier)</th>
            <td>79:64</td>
            <td className="dma-mono" data-testid="fault-sid">
              {hexByte(r.sourceId, 4)}
            </td>
            <td>requester {rec.bdf} (bus:device.function)</td>
          </tr>
          <tr>
            <th scope="row">FI (Fault Info)</th>
            <td>{ir ? '63:48' : '63:12'}</td>
            <td className="dma-mono" data-testid="fault-addr">
              {ir ? `index ${r.irIndex ?? 0}` : hexAddr(r.faultInfo)}
            </td>
            <td>{ir ? 'the interrupt index the request used' : 'the faulting page (address bits 11:0 are not kept)'}</td>
          </tr>
        </tbody>
      </table>
      <p className="pl-note">
        Register: high <span className="dma-mono">{rec.hi}</span> · low <span className="dma-mono">{rec.lo}</span>
      </p>
      <p className="pl-note dma-bytes" aria-label="The 16 bytes, byte 0 first">
        {rec.bytes.map((b, k) => (
          <span key={k} className="dma-mono">
            {b}
          </span>
        ))}
      </p>
      <h3 className="dma-h3">What the OS prints</h3>
      <pre className="dma-line" data-testid="fault-line">
        {rec.line}
      </pre>
    </div>
  );
}

function Registers({ v }: { v: VtdView }) {
  return (
    <section className="panel" aria-labelledby="dma-regs-h">
      <h2 id="dma-regs-h">Fault registers</h2>
      <dl className="pl-figures">
        <div>
          <dt>FSTS_REG</dt>
          <dd className="dma-mono" data-testid="fsts">
            {hexByte(v.fsts.value, 8)}
          </dd>
          <dd>
            <small>
              PFO {v.fsts.pfo ? 1 : 0} · PPF {v.fsts.ppf ? 1 : 0} · FRI {v.fsts.fri}
            </small>
          </dd>
        </div>
        <div>
          <dt>FECTL_REG</dt>
          <dd className="dma-mono">{hexByte(v.fectl.value, 8)}</dd>
          <dd>
            <small>
              IM {v.fectl.im ? 1 : 0} · IP {v.fectl.ip ? 1 : 0}
            </small>
          </dd>
        </div>
        <div>
          <dt>Fault events sent</dt>
          <dd>{v.faultEvents}</dd>
        </div>
      </dl>
      <table className="dma-fields dma-frcd" aria-label="Fault recording registers">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">F</th>
            <th scope="col">Reason</th>
            <th scope="col">Requester</th>
            <th scope="col">Address / index</th>
          </tr>
        </thead>
        <tbody>
          {v.records.map((r) => (
            <tr key={r.index} className={r.record.f ? 'full' : ''}>
              <td>
                {r.index}
                {r.index === v.nextFrcd ? <span className="dma-note"> ← next</span> : ''}
              </td>
              <td className="dma-mono">{r.record.f ? '1' : '0'}</td>
              <td>{r.record.f ? `${hexByte(r.record.reason)} ${r.reasonText}` : '—'}</td>
              <td className="dma-mono">{r.record.f ? r.bdf : '—'}</td>
              <td className="dma-mono">{r.record.f ? (r.reasonKind === 'ir' ? `index ${r.record.irIndex ?? 0}` : hexAddr(r.record.faultInfo)) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="pl-note">
        Lab unit (assumptions): MGAW {v.cap.mgaw} bits, SAGAW 39/48-bit, {v.cap.nfr} fault recording registers, host memory {hexAddr(v.memoryTop)} bytes, interrupt table of{' '}
        {v.irta.entries} entries.
      </p>
    </section>
  );
}

function OsLog({ v }: { v: VtdView }) {
  return (
    <section className="panel" aria-labelledby="dma-log-h">
      <h2 id="dma-log-h">OS log (dmesg)</h2>
      {v.log.length === 0 ? (
        <p className="pl-note">Nothing printed yet.</p>
      ) : (
        <pre className="dma-log" data-testid="dma-log" tabIndex={0} aria-label="OS log">
          {v.log.slice(-40).join('\n')}
        </pre>
      )}
    </section>
  );
}

function Tables({ v }: { v: VtdView }) {
  return (
    <section className="panel" aria-labelledby="dma-tables-h">
      <h2 id="dma-tables-h">Tables per device and domain</h2>
      <table className="dma-fields" aria-label="Devices">
        <thead>
          <tr>
            <th scope="col">Requester</th>
            <th scope="col">Device</th>
            <th scope="col">Root entry (bus)</th>
            <th scope="col">Context entry (dev.fn)</th>
            <th scope="col">Domain</th>
          </tr>
        </thead>
        <tbody>
          {v.devices.map((d) => (
            <tr key={d.sid}>
              <td className="dma-mono">{d.bdf}</td>
              <td>{d.name}</td>
              <td>
                {d.bus} {d.rootPresent ? 'present' : 'not present'}
              </td>
              <td>
                {d.devfn} {d.contextPresent ? 'present' : 'not present'}
              </td>
              <td>{d.domain === null ? '—' : `${d.domain}${d.vm !== null ? ` (VM${d.vm})` : ' (test)'}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="dma-fields" aria-label="Interrupt-remapping table">
        <thead>
          <tr>
            <th scope="col">IRTE</th>
            <th scope="col">Delivers</th>
            <th scope="col">Source-id check</th>
          </tr>
        </thead>
        <tbody>
          {v.irtes.map((e) => (
            <tr key={e.index}>
              <td>
                {e.index}
                {e.reserved ? ' (reserved bits set)' : ''}
              </td>
              <td>
                vector {hexByte(e.vector)} to CPU {e.destination}
              </td>
              <td>{e.svt === 0 ? 'none' : e.svt === 1 ? `only requester ${e.sid}${e.sq !== 0 ? ` (SQ ${e.sq})` : ''}` : `buses in ${e.sid}`}</td>
            </tr>
          ))}
          <tr>
            <td colSpan={3}>
              All other entries of the {v.irta.entries}-entry table are not present; compatibility-format interrupts are blocked (CFIS = 0).
            </td>
          </tr>
        </tbody>
      </table>
      <ul className="dma-domains">
        {v.vms.map((m) => (
          <li key={m.id}>
            <strong>Domain {m.domain}</strong> · {m.name}: guest-physical {hexAddr(0)}–{hexAddr(m.bytes - 1)} → host {hexAddr(m.hostBase)}–{hexAddr(m.hostBase + m.bytes - 1)}, read and
            write{m.readOnly.length > 0 ? `, except ${m.readOnly.map((p) => hexAddr(p)).join(', ')} read-only` : ''}; 3-level tables (AW 39-bit).
          </li>
        ))}
      </ul>
    </section>
  );
}
