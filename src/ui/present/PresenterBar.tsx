/**
 * The presenter window's strip: elapsed time, whether an audience window is listening, open one, blank it
 * (b), end presenting. The tour's notes and the next step are in the tour panel below it.
 */
import { useEffect, useState } from 'react';
import { useApp } from '../../state/store.ts';
import { viewUrl } from '../../state/view-mode.ts';
import { currentLink } from '../shell/link-sync.ts';
import { endPresenting, startPresenter } from './channel.ts';
import './present.css';
import { t } from '../../i18n/t.ts';

const mmss = (ms: number): string => {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

export function PresenterBar() {
  const blank = useApp((s) => s.blank);
  const setBlank = useApp((s) => s.setBlank);
  const started = useApp((s) => s.presentStartedAt);
  const setStarted = useApp((s) => s.setPresentStartedAt);
  const setViewMode = useApp((s) => s.setViewMode);
  const [now, setNow] = useState(() => Date.now());
  const [audienceSeen, setAudienceSeen] = useState<number | null>(null);

  useEffect(() => {
    if (started === null) setStarted(Date.now());
    const stop = startPresenter((t) => setAudienceSeen(t));
    const id = window.setInterval(() => setNow(Date.now()), 1000);
    return () => {
      stop();
      window.clearInterval(id);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const openAudience = (): void => {
    window.open(viewUrl('audience', currentLink(), location), 'vt-lab-audience', 'popup');
  };
  const end = (): void => {
    endPresenting();
    setViewMode('app');
    setBlank(false);
    setStarted(null);
    history.replaceState(null, '', `${location.pathname}${location.hash}`);
  };

  return (
    <section className="presenter-bar" aria-label={t('present.presenter.presenter')}>
      <p className="presenter-clock" aria-label={t('present.presenter.elapsed', { mmss: mmss(now - (started ?? now)) })}>
        <span className="presenter-label" aria-hidden="true">{t('present.presenter.elapsed2')}{' '}</span>
        {mmss(now - (started ?? now))}
      </p>
      <p className="presenter-audience" role="status">
        {audienceSeen === null ? t('present.presenter.noAudienceWindowYet') : t('present.presenter.audienceWindowConnected')}
      </p>
      <div className="presenter-buttons">
        <button type="button" className="btn" onClick={openAudience}>
          {t('present.presenter.openAudienceWindow')}
        </button>
        <button type="button" className="btn" aria-pressed={blank} onClick={() => setBlank(!blank)} title={t('present.presenter.blankTheAudienceScreen')}>
          {blank ? t('present.presenter.unblankAudienceB') : t('present.presenter.blankAudienceB')}
        </button>
        <button type="button" className="btn" onClick={end}>
          {t('present.presenter.endPresenting')}
        </button>
      </div>
    </section>
  );
}
