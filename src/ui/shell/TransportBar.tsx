/**
 * The transport bar: Reset, Step back, Play/Pause, Step, Step 10, Run to next exit, Run to end (with
 * progress and Cancel), the speed (log scale, 1/1000× … 1000× and max), the animation length, the
 * position readout and the timeline scrubber. Buttons come from the action registry.
 */
import { useApp } from '../../state/store.ts';
import { SPEED_STEPS, formatSpeed } from '../../state/playback-slice.ts';
import { actionById, keyLabel, type Action } from './actions.ts';
import { commands } from '../engine/client.ts';
import { Scrubber } from '../viz/Scrubber.tsx';
import { Icon } from './Icon.tsx';
import { formatCount, formatSimTime } from '../viz/format-event.ts';
import { t } from '../../i18n/t.ts';

function ActionButton({ id, icon, primary, text }: { id: string; icon: string; primary?: boolean; text?: string }) {
  const a: Action = actionById(id);
  // Re-render when what decides `enabled` changes.
  useApp((s) => [s.status?.state, s.status?.position.seq, s.status?.position.atEnd, s.speed, s.status?.spec !== null].join());
  const enabled = a.enabled === undefined || a.enabled();
  const keys = a.keys.map(keyLabel).join(t('shell.transportBar.keysOr'));
  return (
    <button className={`btn${primary ? ' primary' : ''}`} type="button" onClick={() => void a.perform()} disabled={!enabled} aria-label={text ?? a.label} aria-keyshortcuts={a.keys.join(' ')} title={`${a.label} (${keys})`}>
      <Icon name={icon} />
      {text !== undefined && <span>{text}</span>}
    </button>
  );
}

/** "Next VM exit"; on the software VMM (no VT-x) the same key stops at the next trap, and says so. */
function NextExitButton() {
  const mode = useApp((s) => s.view?.mode);
  const ownHypervisor = useApp((s) => s.view?.mode === 'bare' && s.view.vmx !== 'none');
  const swvmm = mode === 'swvmm' || mode === 'bt' || mode === 'pv';
  const text =
    mode === 'bt' ? t('shell.transportBar.nextCalloutOrTrap')
    : mode === 'pv' ? t('shell.transportBar.nextHypercallOrTrap')
    : swvmm ? t('shell.transportBar.nextTrap')
    : ownHypervisor ? t('shell.transportBar.nextVmExitOrInterrupt')
    : mode === 'bare' ? t('shell.transportBar.nextInterruptOrSyscall')
    : t('shell.transportBar.nextVmExit');
  return <ActionButton id="run-exit" icon="exit" text={text} />;
}

function PlayButton() {
  const state = useApp((s) => s.status?.state);
  const atEnd = useApp((s) => s.status?.position.atEnd ?? false);
  const loaded = useApp((s) => s.status?.spec != null);
  const moving = state === 'playing' || state === 'running';
  return (
    <button className="btn primary" type="button" onClick={() => void commands.togglePlay()} disabled={!loaded || (!moving && atEnd)} aria-label={moving ? t('shell.transportBar.pause') : t('shell.transportBar.play')} aria-keyshortcuts="Space" title={t('shell.transportBar.space', { action: moving ? t('shell.transportBar.pause') : t('shell.transportBar.play') })}>
      <Icon name={moving ? 'pause' : 'play'} />
      <span>{moving ? t('shell.transportBar.pause') : t('shell.transportBar.play')}</span>
    </button>
  );
}

function SpeedControl() {
  const speed = useApp((s) => s.speed);
  const idx = Math.max(0, SPEED_STEPS.findIndex((x) => x >= speed * 0.999));
  const label = formatSpeed(speed);
  return (
    <label className="speed">
      <span>{t('shell.transportBar.speed')}</span>
      <input
        type="range"
        min={0}
        max={SPEED_STEPS.length - 1}
        step={1}
        value={idx}
        aria-valuetext={Number.isFinite(speed) ? t('shell.transportBar.realTime', { label }) : t('shell.transportBar.asFastAsPossible')}
        onChange={(e) => void commands.setSpeed(SPEED_STEPS[Number(e.target.value)])}
        title={t('shell.transportBar.simulatedTimePerReal')}
      />
      <output aria-hidden="true">{label}</output>
    </label>
  );
}

const ANIMATION_CHOICES = [
  { ms: 0, get label() { return t('shell.transportBar.none'); } },
  { ms: 300, label: '0.3 s' },
  { ms: 700, label: '0.7 s' },
  { ms: 1500, label: '1.5 s' },
  { ms: 4000, get label() { return t('shell.transportBar.n4SSlowMotion'); } },
];

function AnimationControl() {
  const ms = useApp((s) => s.animationMs);
  const setMs = useApp((s) => s.setAnimationMs);
  return (
    <label className="speed" title={t('shell.transportBar.howLongEachHighlighted')}>
      <span>{t('shell.transportBar.pausePerTransition')}</span>
      <select value={ms} onChange={(e) => setMs(Number(e.target.value))} className="field-select">
        {ANIMATION_CHOICES.map((c) => (
          <option key={c.ms} value={c.ms}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function Readout() {
  const seq = useApp((s) => s.status?.position.seq ?? 0);
  const simSeq = useApp((s) => s.status?.position.horizonSeq ?? 0);
  const cycle = useApp((s) => s.status?.clockCycle ?? 0);
  const hz = useApp((s) => s.status?.clockHz ?? 1);
  const state = useApp((s) => s.status?.state ?? 'empty');
  const ended = useApp((s) => (s.status?.position.atEnd ? s.status.ended : null));
  return (
    <div className="readout" aria-label={t('shell.transportBar.position')}>
      <span className={`state-pill ${state}`}>{ended !== null ? t('shell.transportBar.ended', { ended }) : state}</span>
      <span>
        <span className="label">{t('shell.transportBar.event')}</span>
        <span className="big" data-testid="event-counter">
          {formatCount(seq)}
        </span>
        {simSeq > seq && <span className="label">{' '}{t('shell.transportBar.of', { count: formatCount(simSeq) })}</span>}
      </span>
      <span>
        <span className="label">{t('shell.transportBar.cycle')}</span>
        <span className="big" data-testid="cycle-counter">
          {formatCount(cycle)}
        </span>
      </span>
      <span>
        <span className="label">{t('shell.transportBar.simulated')}</span>
        <span className="big">{formatSimTime(cycle, hz)}</span>
      </span>
    </div>
  );
}

function RunProgress() {
  const run = useApp((s) => s.status?.run ?? null);
  const cycle = useApp((s) => s.status?.position.cycle ?? 0);
  const seq = useApp((s) => s.status?.position.seq ?? 0);
  if (run === null) return null;
  let value: number | undefined;
  if (run.target.to === 'cycle') value = (cycle - run.fromCycle) / Math.max(1, run.target.cycle - run.fromCycle);
  if (run.target.to === 'seq') value = (seq - run.fromSeq) / Math.max(1, run.target.seq - run.fromSeq);
  const what = run.target.to === 'end' ? t('shell.transportBar.toTheEnd') : run.target.to === 'kind' ? t('shell.transportBar.toTheNextMatching') : run.target.to === 'cycle' ? t('shell.transportBar.toCycle', { count: formatCount(run.target.cycle) }) : t('shell.transportBar.toEvent', { count: formatCount(run.target.seq) });
  return (
    <div className="progress" role="status">
      <span>{t('shell.transportBar.running2', { what })}</span>
      <progress max={1} value={value} aria-label={t('shell.transportBar.running', { what })} />
      <span className="mono">{t('shell.transportBar.events', { count: seq - run.fromSeq, n: formatCount(seq - run.fromSeq) })}</span>
      <ActionButton id="cancel" icon="stop" text={t('shell.transportBar.cancel')} />
    </div>
  );
}

export function TransportBar() {
  return (
    <section className="transport" aria-label={t('shell.transportBar.playback')}>
      <div className="transport-row">
        <div className="transport-group" role="group" aria-label={t('shell.transportBar.stepAndPlay')}>
          <ActionButton id="reset" icon="reset" text={t('shell.transportBar.reset')} />
          <ActionButton id="step-back" icon="back" text={t('shell.transportBar.back')} />
          <PlayButton />
          <ActionButton id="step" icon="step" text={t('shell.transportBar.step')} />
          <ActionButton id="step-10" icon="step10" text={t('shell.transportBar.step10')} />
        </div>
        <span className="sep" aria-hidden="true" />
        <div className="transport-group" role="group" aria-label={t('shell.transportBar.run')}>
          <NextExitButton />
          <ActionButton id="run-end" icon="end" text={t('shell.transportBar.runToEnd')} />
        </div>
        <span className="sep" aria-hidden="true" />
        <SpeedControl />
        <AnimationControl />
        <RunProgress />
        <Readout />
      </div>
      <Scrubber />
    </section>
  );
}
