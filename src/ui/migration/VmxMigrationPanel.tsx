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
import { TextField, bindField } from '../shell/TextField.tsx';
import '../../i18n/en/migration.ts';
import { t } from '../../i18n/t.ts';
import { StopRuleHint } from './StopRuleHint.tsx';
import { T } from '../../i18n/react.tsx';

type Ok = Extract<VmxMigrateResponse, { ok: true }>;

const FIELDS: { f: VmxField; label: string; unit: string; hint: string }[] = [
  { f: 'bandwidthMbit', get label() { return t('migration.vmx.linkBandwidth'); }, unit: 'Mbit/s', get hint() { return t('migration.vmx.theMigrationLinkThe'); } },
  { f: 'downtimeMs', get label() { return t('migration.vmx.downtimeLimitQemu'); }, unit: 'ms', get hint() { return t('migration.vmx.qemuDefault300Ms'); } },
  { f: 'roundCap', get label() { return t('migration.vmx.roundCap'); }, get unit() { return t('migration.unit.rounds'); }, get hint() { return t('migration.vmx.n030TheGuest'); } },
  { f: 'hotPages', get label() { return t('migration.vmx.hotPages'); }, get unit() { return t('migration.unit.pages'); }, get hint() { return t('migration.vmx.theWritableWorkingSet'); } },
  { f: 'hotWritesPerTick', get label() { return t('migration.vmx.hotWritesPerTick'); }, get unit() { return t('migration.unit.pages'); }, get hint() { return t('migration.vmx.pagesOfTheHot'); } },
  { f: 'coldWritesPerTick', get label() { return t('migration.vmx.coldWritesPerTick'); }, get unit() { return t('migration.unit.pages'); }, get hint() { return t('migration.vmx.pagesOfA3'); } },
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
      setAnnounce(t('migration.vmx.migratedTheRunningVm', { rounds: x.migration.rounds, msText: msText(x.migration.downtimeMs), pagesDiffering: x.pagesDiffering, value: x.outputContinues ? t('migration.vmx.continuesWhereItLeft') : t('migration.vmx.doesNotContinueAs') }));
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
        aria-label={t('migration.vmx.vmxCoreMigrationParameters')}
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
        <h2>{t('migration.vmx.theRunningVm')}</h2>
        <label className="pl-field">
          <span className="pl-label">{t('migration.vmx.stopRule')}</span>
          <select value={req.rule} aria-describedby={`${idBase}-rule`} onChange={(e) => setReq((r) => ({ ...r, rule: e.target.value as VmxMigrateRequest['rule'] }))}>
            <option value="xen">{t('migration.vmx.xen50Pages30')}</option>
            <option value="qemu">{t('migration.vmx.qemuDowntimeLimit')}</option>
            <option value="clark">{t('migration.vmx.clarkRateAdaptive256')}</option>
          </select>
        </label>
        <StopRuleHint id={`${idBase}-rule`} rule={req.rule} />
        {FIELDS.map(({ f, label, unit, hint }) => {
          const id = `${idBase}-${f}`;
          return (
            <TextField
              key={f}
              id={id}
              label={label}
              unit={unit}
              hint={hint}
              disabled={f === 'downtimeMs' && req.rule !== 'qemu'}
              {...bindField(f, texts, errors, setTexts, setErrors)}
            />
          );
        })}
        <p className="pl-hint"><T k="migration.vmx.guest8MiBOne" parts={{ gUEST_TICK_HZ: GUEST_TICK_HZ, strong: <strong>{t('migration.vmx.assumption')}</strong> }} /></p>
        <button className="btn primary" type="submit" disabled={running || health !== 'ready'}>
          {running ? t('migration.vmx.runningTheGuest') : t('migration.vmx.migrateTheRunningVm')}
        </button>
      </form>
      <div className="pl-main">
        {error !== null && (
          <p className="pl-error" role="alert">{t('migration.vmx.theMigrationCouldNot', { error })}
          </p>
        )}
        {res === null ? (
          <p className="pl-empty"><T k="migration.vmx.aSmallServiceRuns" parts={{ rEPORT_TICKS: REPORT_TICKS, strong: <strong>{t('migration.vmx.migrateTheRunningVm')}</strong> }} /></p>
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
        <h2 id="mgv-sum-h">{t('migration.vmx.resultTheRunningVm')}</h2>
        <dl className="pl-figures" data-testid="vmx-summary">
          <div>
            <dt>{t('migration.vmx.preCopyRounds')}</dt>
            <dd>
              <Sourced label={t('migration.vmx.preCopyRounds')} src={S.rounds} testId="vmx-rounds">
                {m.rounds}
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>{t('migration.vmx.downtime')}</dt>
            <dd>
              <Sourced label={t('migration.vmx.downtime')} src={S.downtime} testId="vmx-downtime">
                {msText(m.downtimeMs)}
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>{t('migration.vmx.totalTime')}</dt>
            <dd>
              <Sourced label={t('migration.vmx.totalTime')} src={S.total}>
                {secondsText(m.totalSeconds)}
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>{t('migration.vmx.bytesSent')}</dt>
            <dd>
              <Sourced label={t('migration.vmx.bytesSent')} src={S.bytes}>
                {bytesText(m.bytesSent)}
              </Sourced>{' '}
              <small>{t('migration.vmx.memory', { value: (m.bytesSent / m.memoryBytes).toFixed(2) })}</small>
            </dd>
          </div>
          <div>
            <dt>{t('migration.vmx.loggedWritesEptViolations')}</dt>
            <dd>
              <Sourced label={t('migration.vmx.loggedWrites')} src={S.faults} testId="vmx-faults">
                {x.faults.toLocaleString('en-US')}
              </Sourced>
            </dd>
          </div>
          <div>
            <dt>{t('migration.vmx.pagesDifferingAfterThe')}</dt>
            <dd>
              <Sourced label={t('migration.vmx.pagesDiffering')} src={S.differing} testId="vmx-differing">
                {x.pagesDiffering}
              </Sourced>{' '}
              <small>{t('migration.vmx.of', { pageCount: x.pageCount.toLocaleString('en-US') })}</small>
            </dd>
          </div>
        </dl>
        <p className={`pl-verdict ${m.converged ? 'tone-ok' : 'tone-bad'}`} data-testid="vmx-stop">
          <strong>{m.converged ? t('migration.vmx.converged') : t('migration.vmx.didNotConverge')}</strong> {stopReasonText(m.stopReason)}{' '}
          {t('migration.vmx.writeRate', { rate: bytesText(x.nominalWriteBytesPerSecond), tickHz: x.tickHz })}
          {dirtyRate !== null && t('migration.vmx.soItsLastRound', { bytesText: bytesText(dirtyRate) })}.
        </p>
        <p className={`pl-verdict ${x.outputContinues && x.pagesDiffering === 0 ? 'tone-ok' : 'tone-bad'}`} data-testid="vmx-verdict">
          {x.outputContinues && x.pagesDiffering === 0 ? (
            <>
              <T k="migration.vmx.itsMemoryEqualsThe" parts={{ strong: <strong>{t('migration.vmx.resumedOnTheDestination')}</strong>, ticksAtSuspend: x.ticksAtSuspend.toLocaleString('en-US'), ticksAfter: x.ticksAfter.toLocaleString('en-US'), msText: msText(sip.gapMs), value: sip.reconnect ? t('migration.vmx.reconnects') : t('migration.vmx.staysConnected') }} /></>
          ) : (
            <>
              <T k="migration.vmx.pagesDifferTheOutput" parts={{ strong: <strong>{t('migration.vmx.theDestinationDiffers')}</strong>, pagesDiffering: x.pagesDiffering, value: x.outputContinues ? t('migration.vmx.continues') : t('migration.vmx.doesNotContinue') }} /></>
          )}
        </p>
      </section>
      <section className="panel" aria-labelledby="mgv-rounds-h">
        <h2 id="mgv-rounds-h">{t('migration.vmx.roundsWhatTheGuest')}</h2>
        <div className="pl-chart">
          <RoundsChart r={m} frame={frame} width={640} />
        </div>
        <div className="mgv-table-wrap">
          <table className="mgv-table" data-testid="vmx-rounds-table">
            <caption className="visually-hidden">{t('migration.vmx.perRoundPagesSent')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('migration.vmx.round')}</th>
                <th scope="col">{t('migration.vmx.pagesSent')}</th>
                <th scope="col">{t('migration.vmx.duration')}</th>
                <th scope="col">{t('migration.vmx.pagesWrittenMeanwhile')}</th>
                <th scope="col">{t('migration.vmx.guestTickAtEnd')}</th>
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
                <th scope="row">{t('migration.vmx.stopAndCopy')}</th>
                <td>{m.stopAndCopyPages.toLocaleString('en-US')}</td>
                <td>{msText(m.downtimeMs)}</td>
                <td>{t('migration.vmx.suspended')}</td>
                <td>{x.ticksAtSuspend.toLocaleString('en-US')}</td>
              </tr>
            </tbody>
          </table>
        </div>
      </section>
      <section className="panel" aria-labelledby="mgv-console-h">
        <h2 id="mgv-console-h">{t('migration.vmx.theGuestSConsole')}</h2>
        <div className="mgv-consoles">
          <figure>
            <figcaption>{t('migration.vmx.sourceUpToThe')}</figcaption>
            <pre data-testid="vmx-console-before">{x.consoleAtSuspend}</pre>
          </figure>
          <figure>
            <figcaption>{t('migration.vmx.destinationAfterResuming')}</figcaption>
            <pre data-testid="vmx-console-after">{x.consoleAfterDestination}</pre>
          </figure>
          <figure>
            <figcaption>{t('migration.vmx.referenceHadItStayed')}</figcaption>
            <pre data-testid="vmx-console-reference">{x.consoleAfterReference}</pre>
          </figure>
        </div>
      </section>
    </>
  );
}
