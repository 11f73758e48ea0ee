/** The list of guided tours, in the white paper's order, each with Start or Resume (where the user left it). */
import { useModal } from '../shell/use-modal.ts';
import { useApp } from '../../state/store.ts';
import { TOURS } from '../../tours/index.ts';
import { tourLength } from './TourPanel.tsx';
import './tour.css';
import { t } from '../../i18n/t.ts';

export function TourPicker() {
  const open = useApp((s) => s.tourPickerOpen);
  const setOpen = useApp((s) => s.openTourPicker);
  const progress = useApp((s) => s.tourProgress);
  const start = useApp((s) => s.startTour);
  const ref = useModal(open);
  return (
    <dialog ref={ref} className="help tours-dialog" aria-labelledby="tours-title" onClose={() => setOpen(false)} onCancel={() => setOpen(false)}>
      <header>
        <h2 id="tours-title">{t('tours.picker.guidedTours')}</h2>
        <button className="btn" type="button" onClick={() => setOpen(false)} autoFocus>
          {t('tours.picker.close')}
        </button>
      </header>
      <div className="help-body">
        <p>{t('tours.picker.eachTourFollowsA')}</p>
        <ol className="tours-list">
          {TOURS.map((tour) => {
            const p = progress[tour.id];
            const resumable = p !== undefined && p.step > 0 && p.step < tourLength(tour);
            return (
              <li key={tour.id}>
                <h3>{tour.title}</h3>
                <p>{tour.summary}</p>
                <p>{tour.paper}</p>
                <p className="tour-state">{p?.done ? t('tours.picker.completed') : resumable ? t('tours.picker.stoppedAtOf', { step: p.step + 1, length: tourLength(tour) }) : t('tours.picker.stepsQuestions', { steps: tour.steps.length, count: tour.questions.length })}</p>
                <div className="tour-buttons">
                  {resumable ? (
                    <>
                      <button type="button" className="btn primary" onClick={() => start(tour.id, p.step)} aria-label={t('tours.picker.resumeTheTour', { title: tour.title })}>
                        {t('tours.picker.resume')}
                      </button>
                      <button type="button" className="btn" onClick={() => start(tour.id, 0)} aria-label={t('tours.picker.restartTheTour', { title: tour.title })}>
                        {t('tours.picker.restart')}
                      </button>
                    </>
                  ) : (
                    <button type="button" className="btn primary" onClick={() => start(tour.id, 0)} aria-label={t('tours.picker.startTheTour', { title: tour.title })}>
                      {t('tours.picker.start')}
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ol>
      </div>
    </dialog>
  );
}
