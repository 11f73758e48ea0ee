/**
 * The Migration lab's "VM on the VMX core" mode: a guest that really runs on the simulated processor under the
 * built-in VMM is migrated live. Its dirty pages are not a model: the VMM write-protects its memory in EPT and
 * logs each page the guest writes (src/core/platform/migration/ept-dirty-log.ts); each round sends what the log
 * recorded. At the end the destination resumes from the transferred pages and the machine state, and the screen
 * shows that its memory equals the source's and that its console output continues where it stopped.
 */
import { useId, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import type { VmxMigrateRequest, VmxMigrateResponse } from '../../worker/protocol.ts';
import { GUEST_TICK_HZ, REPORT_TICKS } from '../../core/platform/migration/vmx-guest.ts';
import { bytesText, frameAt, endTime, msText, secondsText, stopReasonText } from './view.ts';
import { checkVmxForm, vmxTextsOf, VMX_DEFAULTS, type VmxField } from './vmx-view.ts';
import { RoundsChart } from './RoundsChart.tsx';
import { MIGRATION_SOURCES as S, Sourced } from './Sourced.tsx';
import { TextField, withoutKey } from '../shell/TextField.tsx';

type Ok = Extract<VmxMigrateResponse, { ok: true }>;

const FIELDS: { f: VmxField; label: string; unit: string; hint: string }[] = [
  { f: 'bandwidthMbit', label: 'Link bandwidth', unit: 'Mbit/s', hint: 'the migration link; the guest runs while each round is sent' },
  { f: 'downtimeMs', label: 'Downtime limit (QEMU)', unit: 'ms', hint: 'QEMU default 300 ms (§B2)' },
  { f: 'roundCap', label: 'Round cap', unit: 'rounds', hint: '0 = 30 (the guest really runs every round)' },
  { f: 'hotPages', label: 'Hot pages', unit: 'pages', hint: 'the writable working set the service cycles through (4 KiB each)' },
  { f: 'hotWritesPerTick', label: 'Hot writes per tick', unit: 'pages', hint: 'pages of the hot set written at each timer tick' },
  { f: 'coldWritesPerTick', label: 'Cold writes per tick', unit: 'pages', hint: 'pages of a 3 MiB region swept at each tick (0 = none)' },
];

export function VmxMigrationPanel() {
  const health = useApp((s) => s.health);
  const [req, setReq] = useState<VmxMigrateRequest>(VMX_DEFAULTS);
  const [texts, setTexts] = useState(() => vmxTextsOf(VMX_DEFAULTS));
  const [errors, setErrors] = useState<Partial<Record<VmxField, string>>>({});
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [res, setRes] = useState<Ok | null>(null);
  const [announce, setAnnounce] = useState('');
  const idBase = useId();

  const run = async (r: VmxMigrateRequest): Promise<void> => {
    setRunning(true);
    setError(null);
    try {
      const out = await commands.migrateVmx(r);
      if (!out.ok) {
        setError(out.message);
        return;
      }
      setRes(out);
      const x = out.result;
      setAnnounce(`Migrated the running VM in ${x.migration.rounds} rounds, downtime ${msText(x.migration.downtimeMs)}; ${x.pagesDiffering} pages differ; its output ${x.outputContinues ? 'continues where it left off' : 'does not continue as it would have'}.`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setRunning(false);
    }
  };

  return (
    <div className="pl-grid">
      <div className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </div>
      <form
        className="panel pl-form"
        aria-label="VMX-core migration parameters"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const c = checkVmxForm(texts);
          if (!c.ok) {
            setErrors(c.errors);
            return;
          }
          setErrors({});
          const next = { ...req, ...c.values };
          setReq(next);
          void run(next);
        }}
      >
        <h2>The running VM</h2>
        <label className="pl-field">
          <span className="pl-label">Stop rule</span>
          <select value={req.rule} onChange={(e) => setReq((r) => ({ ...r, rule: e.target.value as VmxMigrateRequest['rule'] }))}>
            <option value="xen">Xen: &lt; 50 pages, 30 rounds, 3 × memory</option>
            <option value="qemu">QEMU: downtime limit</option>
            <option value="clark">Clark: rate-adaptive, 256 KB</option>
          </select>
        </label>
        {FIELDS.map(({ f, label, unit, hint }) => {
          const id = `${idBase}-${f}`;
          const err = errors[f];
          return (
            <TextField
              key={f}
              id={id}
              label={label}
              unit={unit}
              hint={hint}
              value={texts[f]}
              error={err}
              disabled={f === 'downtimeMs' && req.rule !== 'qemu'}
              onChange={(v) => {
                setTexts((t) => ({ ...t, [f]: v }));
                setErrors((x) => withoutKey(x, f));
              }}
            />
          );
        })}
        <p className="pl-hint">
          Guest: 8 MiB, one vCPU, on the Nehalem model (EPT). Timer {GUEST_TICK_HZ} Hz — <strong>assumption</strong> (a Linux CONFIG_HZ choice).
        </p>
        <button className="btn primary" type="submit" disabled={running || health !== 'ready'}>
          {running ? 'Running the guest…' : 'Migrate the running VM'}
        </button>
      </form>
      <div className="pl-main">
        {error !== null && (
          <p className="pl-error" role="alert">
            The migration could not run: {error}
          </p>
        )}
        {res === null ? (
          <p className="pl-empty">
            A small service runs on the VMX core: every timer tick it writes some pages and every {REPORT_TICKS} ticks prints its tick count and a checksum of its hot
            pages. Press <strong>Migrate the running VM</strong>: the VMM write-protects its memory in EPT, so each page it writes is one EPT violation the dirty log
            records; the rounds send exactly those pages.
          </p>
        ) : (
          <VmxResults r={res} />
        )}
      </div>
    </div>
  );
}

function VmxResults({ r }: { r: Ok }) {
  const x = r.result;
  const m = x.migration;
  const frame = frameAt(m, endTime(m));
  const sip = r.clients.sessions[0];
  const dirtyRate = x.rounds.length > 1 ? (x.rounds[x.rounds.length - 1].dirtyPages * 4096) / m.roundList[m.roundList.length - 1].durationSeconds : null;
  return (
    <>
      <section className="panel" aria-labelledby="mgv-sum-h">
        <h2 id="mgv-sum-h">Result: the running VM moved</h2>
        <dl className="pl-figures" data-testid="vmx-summary">
          <div>
            <dt>Pre-copy rounds</dt>
            <dd>
              <Sourced label="Pre-copy rounds" src={S.rounds} testId="vmx-rounds">
                {m.rounds}
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>Downtime</dt>
            <dd>
              <Sourced label="Downtime" src={S.downtime} testId="vmx-downtime">
                {msText(m.downtimeMs)}
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>Total time</dt>
            <dd>
              <Sourced label="Total time" src={S.total}>
                {secondsText(m.totalSeconds)}
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>Bytes sent</dt>
            <dd>
              <Sourced label="Bytes sent" src={S.bytes}>
                {bytesText(m.bytesSent)}
              </Sourced>{' '}
              <small>({(m.bytesSent / m.memoryBytes).toFixed(2)} × memory)</small>
            </dd>
          </div>
          <div>
            <dt>Logged writes (EPT violations)</dt>
            <dd>
              <Sourced label="Logged writes" src={S.faults} testId="vmx-faults">
                {x.faults.toLocaleString('en-US')}
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>Pages differing after the move</dt>
            <dd>
              <Sourced label="Pages differing" src={S.differing} testId="vmx-differing">
                {x.pagesDiffering}
              </Sourced>{' '}
              <small>of {x.pageCount.toLocaleString('en-US')}</small>
            </dd>
          </div>
        </dl>
        <p className={`pl-verdict ${m.converged ? 'tone-ok' : 'tone-bad'}`} data-testid="vmx-stop">
          <strong>{m.converged ? 'Converged.' : 'Did not converge.'}</strong> {stopReasonText(m.stopReason)} The guest writes up to{' '}
          {bytesText(x.nominalWriteBytesPerSecond)}/s (writes × 4 KiB × {x.tickHz} ticks/s); repeated writes to a page count once per round
          {dirtyRate !== null && <>, so its last round dirtied {bytesText(dirtyRate)}/s of distinct pages</>}.
        </p>
        <p className={`pl-verdict ${x.outputContinues && x.pagesDiffering === 0 ? 'tone-ok' : 'tone-bad'}`} data-testid="vmx-verdict">
          {x.outputContinues && x.pagesDiffering === 0 ? (
            <>
              <strong>✓ Resumed on the destination with identical state.</strong> Its memory equals the source’s at suspension page for page, and it prints exactly what it
              would have printed had it stayed (tick {x.ticksAtSuspend.toLocaleString('en-US')} → {x.ticksAfter.toLocaleString('en-US')}). The SIP call sees a{' '}
              {msText(sip.gapMs)} media gap and {sip.reconnect ? 'reconnects' : 'stays connected'}.
            </>
          ) : (
            <>
              <strong>✗ The destination differs.</strong> {x.pagesDiffering} pages differ; the output {x.outputContinues ? 'continues' : 'does not continue'} as on the source.
            </>
          )}
        </p>
      </section>
      <section className="panel" aria-labelledby="mgv-rounds-h">
        <h2 id="mgv-rounds-h">Rounds: what the guest really wrote</h2>
        <div className="pl-chart">
          <RoundsChart r={m} frame={frame} width={640} />
        </div>
        <div className="mgv-table-wrap">
          <table className="mgv-table" data-testid="vmx-rounds-table">
            <caption className="visually-hidden">Per round: pages sent, pages the guest wrote meanwhile (from the EPT dirty log), and its tick counter</caption>
            <thead>
              <tr>
                <th scope="col">Round</th>
                <th scope="col">Pages sent</th>
                <th scope="col">Duration</th>
                <th scope="col">Pages written meanwhile</th>
                <th scope="col">Guest tick at end</th>
              </tr>
            </thead>
            <tbody>
              {m.roundList.map((q, k) => (
                <tr key={q.index}>
                  <th scope="row">{q.index}</th>
                  <td>{q.pagesSent.toLocaleString('en-US')}</td>
                  <td>{msText(q.durationSeconds * 1000)}</td>
                  <td>{x.rounds[k]?.dirtyPages.toLocaleString('en-US') ?? '—'}</td>
                  <td>{x.rounds[k]?.ticks.toLocaleString('en-US') ?? '—'}</td>
                </tr>
              ))}
              <tr>
                <th scope="row">stop-and-copy</th>
                <td>{m.stopAndCopyPages.toLocaleString('en-US')}</td>
                <td>{msText(m.downtimeMs)}</td>
                <td>— (suspended)</td>
                <td>{x.ticksAtSuspend.toLocaleString('en-US')}</td>
              </tr>
            </tbody>
          </table>
        </div>
      </section>
      <section className="panel" aria-labelledby="mgv-console-h">
        <h2 id="mgv-console-h">The guest’s console</h2>
        <div className="mgv-consoles">
          <figure>
            <figcaption>Source, up to the suspension (last lines)</figcaption>
            <pre data-testid="vmx-console-before">{x.consoleAtSuspend}</pre>
          </figure>
          <figure>
            <figcaption>Destination, after resuming</figcaption>
            <pre data-testid="vmx-console-after">{x.consoleAfterDestination}</pre>
          </figure>
          <figure>
            <figcaption>Reference: had it stayed on the source</figcaption>
            <pre data-testid="vmx-console-reference">{x.consoleAfterReference}</pre>
          </figure>
        </div>
      </section>
    </>
  );
}
