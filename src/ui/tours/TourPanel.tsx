/**
 * The open tour: the step's narration beside the live lab, a progress bar, Previous / Next (also PageUp,
 * PageDown, Space and "." from a clicker), a step that waits for a simulation event until it happens (Next
 * runs to it), then the questions. Where the user is is saved, so the tour resumes there.
 */
import { useEffect, useRef, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { tourById, type Tour } from '../../tours/index.ts';
import { enterStep, runToAwaited, waitSatisfied } from './tour-run.ts';
import { QuestionView } from './QuestionView.tsx';
import { forwardKey } from '../present/channel.ts';
import './tour.css';
import { t } from '../../i18n/t.ts';
import { Icon } from '../shell/Icon.tsx';
import { T } from '../../i18n/react.tsx';

export function TourPanel() {
  const pos = useApp((s) => s.tour);
  const tour = pos === null ? undefined : tourById(pos.id);
  if (pos === null || tour === undefined) return null;
  return <TourBody tour={tour} index={pos.step} />;
}

/** How many places a tour has: its steps, then its questions. */
export const tourLength = (t: Tour): number => t.steps.length + t.questions.length;

function TourBody({ tour, index }: { tour: Tour; index: number }) {
  const setStep = useApp((s) => s.setTourStep);
  const finish = useApp((s) => s.finishTour);
  const close = useApp((s) => s.closeTour);
  const total = tourLength(tour);
  const step = index < tour.steps.length ? tour.steps[index] : undefined;
  // Only a step that waits for an event re-renders as events arrive (the others need not scan the log each frame).
  const watching = step?.waitFor !== undefined;
  useApp((s) => (watching ? s.logVersion : 0));
  useApp((s) => (watching ? s.status?.position.seq : 0));
  const question = step === undefined ? tour.questions[index - tour.steps.length] : undefined;
  const [fromSeq, setFromSeq] = useState<number | null>(null);
  const viewMode = useApp((s) => s.viewMode);
  // The audience window shows what the presenter's window opened; it does not open scenes itself.
  const follower = viewMode === 'audience';
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let live = true;
    setFromSeq(null);
    if (step === undefined) return;
    if (follower) {
      setFromSeq(0);
      return;
    }
    void enterStep(step).then(() => {
      if (live) setFromSeq(useApp.getState().status?.position.seq ?? 0);
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tour.id, index]);

  useEffect(() => {
    headingRef.current?.focus({ preventScroll: true });
  }, [tour.id, index]);

  const waiting = step !== undefined && step.waitFor !== undefined && (fromSeq === null || !waitSatisfied(step, fromSeq));
  const last = index === total - 1;

  const next = (): void => {
    if (follower) {
      forwardKey('tour-next');
      return;
    }
    if (step !== undefined && waiting) {
      void runToAwaited(step);
      return;
    }
    if (last) finish();
    else setStep(index + 1, total);
  };
  const prev = (): void => (follower ? forwardKey('tour-prev') : setStep(index - 1, total));
  const nextStep = index + 1 < tour.steps.length ? tour.steps[index + 1] : undefined;
  // The clicker keys reach the tour through the action registry (actions.ts: tour-next / tour-prev).
  tourKeys.next = next;
  tourKeys.prev = prev;

  return (
    <aside className="tour" aria-label={t('tours.panel.tour', { title: tour.title })}>
      <header className="tour-head">
        <p className="tour-title"><T k="tours.panel.tour2" parts={{ strong: <strong>{tour.title}</strong>, span: <span className="tour-paper">({tour.paper})</span> }} />
        </p>
        <button type="button" className="btn" onClick={close} aria-label={t('tours.panel.closeTheTour')} title={t('tours.panel.closeTheTourYour')}>
          {t('tours.panel.close')}
        </button>
      </header>
      <div className="tour-progress">
        <span>
          {step !== undefined ? t('tours.panel.stepOf', { step: index + 1, total: tour.steps.length }) : t('tours.panel.questionOf', { question: index - tour.steps.length + 1, total: tour.questions.length })}
          {/* The bar counts the questions after the steps too: say so, or "Step 4 of 4" beside a half-full bar misleads. */}
          {tour.questions.length > 0 && step !== undefined && <span className="tour-then">{t('tours.panel.thenQuestions', { count: tour.questions.length })}</span>}
        </span>
        <progress max={total} value={index + 1} aria-label={t('tours.panel.tourProgressOf', { position: index + 1, total })} />
      </div>
      <div className="tour-body">
        {step !== undefined ? (
          <>
            <h2 ref={headingRef} tabIndex={-1}>
              {step.title}
            </h2>
            {step.body.map((p, k) => (
              <p key={k}>{p}</p>
            ))}
            {viewMode === 'presenter' && (
              <>
                <div className="tour-notes">
                  <h3>{t('tours.panel.notesOnlyYouSee')}</h3>
                  <p>{step.notes ?? t('tours.panel.noNotesForThis')}</p>
                </div>
                <p className="tour-next">
                  <strong>{t('tours.panel.next2')}</strong> {nextStep !== undefined ? nextStep.title : index + 1 < total ? t('tours.panel.theQuestions') : t('tours.panel.theEndOfThe')}
                </p>
              </>
            )}
            {step.waitFor !== undefined && !follower && (
              <p className={`tour-wait ${waiting ? 'is-waiting' : 'is-done'}`} role="status">
                {waiting ? (
                  <>
                    <Icon name="wait" />{' '}
                    {step.waitFor.prompt} <em>{t('tours.panel.orPressNextAnd')}</em>
                  </>
                ) : (
                  <>
                    <T k="tours.panel.doneTheEventHappened" parts={{ span: <span aria-hidden="true">✓ </span> }} /></>
                )}
              </p>
            )}
          </>
        ) : question !== undefined ? (
          <QuestionView key={question.id} question={question} headingRef={headingRef} />
        ) : null}
      </div>
      <footer className="tour-nav">
        <button type="button" className="btn" onClick={prev} disabled={index === 0}>
          {t('tours.panel.previous')}
        </button>
        <button type="button" className="btn primary" onClick={next}>
          {waiting ? t('tours.panel.runToIt') : last ? t('tours.panel.finish') : t('tours.panel.next')}
        </button>
      </footer>
    </aside>
  );
}

/** The open tour's Next and Previous, for the keyboard actions (null when no tour is open). */
export const tourKeys: { next: (() => void) | null; prev: (() => void) | null } = { next: null, prev: null };
