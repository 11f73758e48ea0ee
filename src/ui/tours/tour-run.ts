/**
 * What the tour panel does to the live simulation: open a step's scene (a link), tell whether a step's
 * awaited event has happened, run to it, and answer a live question by running the simulation.
 * Kept out of the components so the rules are in one place.
 */
import { useApp } from '../../state/store.ts';
import { eventLog } from '../../state/event-log.ts';
import { commands } from '../engine/client.ts';
import { openLink } from '../shell/link-sync.ts';
import { EventKind } from '../../core/trace/events.ts';
import { exitReasonInfo } from '../../core/vmx/spec/exit-reasons.ts';
import type { TourQuestion, TourStep } from '../../tours/index.ts';
import { EVENT_KIND_OF, type WaitableKind } from '../../tours/schema.ts';
import { t } from '../../i18n/t.ts';

export const kindNumbers = (kinds: readonly WaitableKind[]): number[] => kinds.map((k) => EVENT_KIND_OF[k]);

/** Opens the step's scene, if it has one. */
export async function enterStep(step: TourStep): Promise<void> {
  if (step.link !== undefined) await openLink(step.link);
}

/** A VM exit whose basic reason the wait passes over (`skipReasons`). */
const skipped = (e: { kind: number; p: ArrayLike<number> }, skip: readonly number[]): boolean =>
  e.kind === EventKind.VMEXIT && skip.includes(e.p[1] & 0xffff);

/**
 * Has an event of the step's kinds been shown since `fromSeq` (the position when the step was entered)? VM exits
 * with a reason in `skipReasons` do not count.
 */
export function waitSatisfied(step: TourStep, fromSeq: number): boolean {
  if (step.waitFor === undefined) return true;
  const pos = useApp.getState().status?.position.seq ?? 0;
  if (pos <= fromSeq) return false;
  const kinds = kindNumbers(step.waitFor.kinds);
  const skip = step.waitFor.skipReasons ?? [];
  for (let at = pos - 1; ; ) {
    const e = eventLog.findBack(at, kinds);
    if (e === undefined || e.seq < fromSeq) return false;
    if (!skipped(e, skip)) return true;
    at = e.seq - 1;
  }
}

/**
 * Runs the simulation to the step's awaited event (the "do it for me" of a waiting step), through the VM exits it
 * passes over (each is handled and the guest resumed, as when the user presses x again).
 */
export async function runToAwaited(step: TourStep): Promise<void> {
  if (step.waitFor === undefined) return;
  await runPastSkipped(kindNumbers(step.waitFor.kinds), step.waitFor.skipReasons ?? []);
}

type Reached = { event: NonNullable<ReturnType<typeof eventLog.get>> } | { failure: 'not-started' | 'not-stopped' | 'ended' | 'too-many' };

/**
 * Runs to the next event of `kinds`, again and again while it is a VM exit whose basic reason is in `skip`: the
 * loop a waiting step and a live question share. runTo starts a run in the worker and returns; the stop reaches the
 * store with a later drain, so each pass waits for it.
 */
async function runPastSkipped(kinds: number[], skip: readonly number[]): Promise<Reached> {
  for (let n = 0; n < 500; n++) {
    const from = useApp.getState().status?.position.seq ?? 0;
    if ((await commands.runTo({ to: 'kind', kinds })) === null) return { failure: 'not-started' };
    const to = await runStopped(from);
    if (to === null) return { failure: 'not-stopped' };
    const e = await eventIn(from, to, kinds);
    if (e === undefined) return { failure: 'ended' };
    if (!skipped(e, skip)) return { event: e };
  }
  return { failure: 'too-many' };
}

/** The newest event of `kinds` in [from, to) once the UI has received up to `to` (the drain runs once per frame). */
async function eventIn(from: number, to: number, kinds: number[]): Promise<ReturnType<typeof eventLog.get>> {
  for (let k = 0; k < 120 && eventLog.endSeq < to; k++) await frame();
  const e = eventLog.findBack(to - 1, kinds);
  return e !== undefined && e.seq >= from ? e : undefined;
}

const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));

/**
 * The position once a run from `from` has stopped past it, or at the end (null after about 20 s). A status
 * from before the run (a drain already under way) is not taken for its stop.
 */
async function runStopped(from: number): Promise<number | null> {
  for (let k = 0; k < 1200; k++) {
    const st = useApp.getState().status;
    if (st !== null && st.state !== 'running' && st.state !== 'playing' && (st.position.seq > from || st.position.atEnd)) return st.position.seq;
    await frame();
  }
  return null;
}

/** What the simulation does for a live question: the basic exit reason it reaches, named. */
export async function askSimulation(q: TourQuestion): Promise<{ reason: number; name: string } | { error: string }> {
  const live = q.live;
  if (live === undefined) return { error: t('tours.run.thisQuestionHasNo') };
  await openLink(live.link);
  const r = await runPastSkipped(kindNumbers(live.kinds), live.skipReasons ?? []);
  if ('failure' in r) {
    if (r.failure === 'not-started') return { error: t('tours.run.theSimulatorDidNot') };
    if (r.failure === 'not-stopped') return { error: t('tours.run.theSimulatorDidNot2') };
    if (r.failure === 'ended') return { error: t('tours.run.theRunEndedBefore') };
    return { error: t('tours.run.noSuchEventIn') };
  }
  const e = r.event;
  if (e.kind !== EventKind.VMEXIT) return { error: t('tours.run.theRunEndedBefore') };
  const reason = e.p[1] & 0xffff;
  return { reason, name: exitReasonInfo(reason)?.sdmName ?? `reason ${reason}` };
}
