/**
 * Joins the stored user data (user-data.ts) and the app store: once the stored data has been read, the tour
 * progress comes back into the store and the tour that was open reopens at its step (after the first scene
 * has loaded, so the tour's own scene is the one that stays); from then on, opening, moving through or closing
 * a tour is written as it happens. An import (replaceUserData) refreshes the store the same way.
 *
 * The audience and embed windows follow someone else's tour or show a fixed scene: they neither restore nor
 * record the open tour.
 */
import { useApp } from '../store.ts';
import { tourById } from '../../tours/index.ts';
import { getOpenTour, getTours, onUserDataChange, putOpenTour, userDataReady } from './user-data.ts';

let installed = false;

const recordsTours = (): boolean => {
  const m = useApp.getState().viewMode;
  return m === 'app' || m === 'presenter';
};

/** The open tour's step, if that tour still exists and has that step (tours change between versions). */
function validOpenTour(): { id: string; step: number } | null {
  const t = getOpenTour();
  if (t === null) return null;
  const tour = tourById(t.id);
  if (tour === undefined) return null;
  return t.step < tour.steps.length + tour.questions.length ? t : null;
}

function whenFirstSceneLoaded(fn: () => void): void {
  const loaded = (): boolean => {
    const s = useApp.getState();
    return s.health === 'ready' && s.status !== null;
  };
  if (loaded()) {
    fn();
    return;
  }
  const off = useApp.subscribe(() => {
    if (!loaded()) return;
    off();
    fn();
  });
}

export function installUserDataSync(): void {
  if (installed) return;
  installed = true;
  void userDataReady().then(() => {
    useApp.setState({ tourProgress: getTours() });
    onUserDataChange(() => useApp.setState({ tourProgress: getTours() }));
    const open = recordsTours() ? validOpenTour() : null;
    const record = (): void => {
      useApp.subscribe((s, prev) => {
        if (s.tour !== prev.tour && recordsTours()) putOpenTour(s.tour);
      });
    };
    if (open === null) {
      record();
      return;
    }
    whenFirstSceneLoaded(() => {
      // A tour the user opened meanwhile, or the tour list they are looking at, wins over the one remembered.
      const s = useApp.getState();
      if (s.tour === null && !s.tourPickerOpen) s.startTour(open.id, open.step);
      record();
      putOpenTour(useApp.getState().tour);
    });
  });
}
