/** The audience window's extras: it follows the presenter, and a blanked screen is black with nothing on it. */
import { useEffect } from 'react';
import { useApp } from '../../state/store.ts';
import { startAudience } from './channel.ts';
import './present.css';
import { t } from '../../i18n/t.ts';

export function AudienceFollower() {
  useEffect(() => startAudience(), []);
  const blank = useApp((s) => s.blank);
  const ended = useApp((s) => s.presentationEnded);
  if (ended) {
    return (
      <p className="audience-ended" role="status">
        {t('present.audience.presentationEnded')}
      </p>
    );
  }
  if (!blank) return null;
  return (
    <div className="audience-blank" role="status" aria-label={t('present.audience.thePresenterHasBlanked')}>
      <span className="visually-hidden">{t('present.audience.thePresenterHasBlanked2')}</span>
    </div>
  );
}
