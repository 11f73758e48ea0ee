/** The list of guided tours, in the white paper's order, each with Start or Resume (where the user left it). */
import { useModal } from '../shell/use-modal.ts';
import { useApp } from '../../state/store.ts';
import { TOURS } from '../../tours/index.ts';
import { tourLength } from './TourPanel.tsx';
import './tour.css';

export function TourPicker() {
  const open = useApp((s) => s.tourPickerOpen);
  const setOpen = useApp((s) => s.openTourPicker);
  const progress = useApp((s) => s.tourProgress);
  const start = useApp((s) => s.startTour);
  const ref = useModal(open);
  return (
    <dialog ref={ref} className="help tours-dialog" aria-labelledby="tours-title" onClose={() => setOpen(false)} onCancel={() => setOpen(false)}>
      <header>
        <h2 id="tours-title">Guided tours</h2>
        <button className="btn" type="button" onClick={() => setOpen(false)} autoFocus>
          Close
        </button>
      </header>
      <div className="help-body">
        <p>Each tour follows a part of the white paper on the live simulation. Next and Previous: the buttons, or Page Down / Page Up, Space and “.” (a presentation clicker).</p>
        <ol className="tours-list">
          {TOURS.map((t) => {
            const p = progress[t.id];
            const resumable = p !== undefined && p.step > 0 && p.step < tourLength(t);
            return (
              <li key={t.id}>
                <h3>{t.title}</h3>
                <p>{t.summary}</p>
                <p>{t.paper}</p>
                <p className="tour-state">{p?.done ? '✓ Completed' : resumable ? `Stopped at ${p.step + 1} of ${tourLength(t)}` : `${t.steps.length} steps, ${t.questions.length} question${t.questions.length > 1 ? 's' : ''}`}</p>
                <div className="tour-buttons">
                  {resumable ? (
                    <>
                      <button type="button" className="btn primary" onClick={() => start(t.id, p.step)} aria-label={`Resume the tour ${t.title}`}>
                        Resume
                      </button>
                      <button type="button" className="btn" onClick={() => start(t.id, 0)} aria-label={`Restart the tour ${t.title}`}>
                        Restart
                      </button>
                    </>
                  ) : (
                    <button type="button" className="btn primary" onClick={() => start(t.id, 0)} aria-label={`Start the tour ${t.title}`}>
                      Start
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
