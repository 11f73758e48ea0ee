/**
 * One "check your understanding" question: choose, check, read why. A live question can also be put to the
 * simulation: the tour opens the scene and runs it to the event, and says what the processor did.
 */
import { useId, useState, type RefObject } from 'react';
import type { TourQuestion } from '../../tours/index.ts';
import { askSimulation } from './tour-run.ts';
import { t } from '../../i18n/t.ts';

export function QuestionView({ question: q, headingRef }: { question: TourQuestion; headingRef: RefObject<HTMLHeadingElement | null> }) {
  const [choice, setChoice] = useState<number | null>(null);
  const [checked, setChecked] = useState(false);
  const [sim, setSim] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const name = useId();
  const right = checked && choice === q.answer;

  const ask = async (): Promise<void> => {
    setAsking(true);
    const r = await askSimulation(q);
    setAsking(false);
    setSim('error' in r ? t('tours.question.theSimulationCouldNot', { error: r.error }) : t('tours.question.theSimulationSaysExit', { reason: r.reason, name: r.name }));
  };

  return (
    <div className="tour-question">
      <h2 ref={headingRef} tabIndex={-1}>
        {t('tours.question.checkYourUnderstanding')}
      </h2>
      <fieldset>
        <legend>{q.prompt}</legend>
        {q.choices.map((c, k) => (
          <label key={k} className={checked && k === q.answer ? 'is-answer' : undefined}>
            <input type="radio" name={name} checked={choice === k} onChange={() => { setChoice(k); setChecked(false); }} />
            {c}
            {checked && k === q.answer && <span className="tour-mark">{' '}{t('tours.question.correctAnswer')}</span>}
          </label>
        ))}
      </fieldset>
      <div className="tour-actions">
        <button type="button" className="btn" disabled={choice === null} onClick={() => setChecked(true)}>
          {t('tours.question.checkAnswer')}
        </button>
        {q.live !== undefined && (
          <button type="button" className="btn" disabled={asking} onClick={() => void ask()}>
            {asking ? t('tours.question.running') : t('tours.question.askTheSimulation')}
          </button>
        )}
      </div>
      <div role="status" className="tour-feedback">
        {checked && (
          <p className={right ? 'is-right' : 'is-wrong'}>
            <strong>{right ? t('tours.question.right') : t('tours.question.notQuite')}</strong> {q.explanation}
          </p>
        )}
        {sim !== null && <p>{sim}</p>}
      </div>
    </div>
  );
}
