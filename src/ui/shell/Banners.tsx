/** Messages that must not be missed: a link that could not be opened, an engine failure (with a way out). */
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import { RecoveryBanner } from '../engine/RecoveryBanner.tsx';
import { StorageNotice } from '../persist/StorageNotice.tsx';
import { t } from '../../i18n/t.ts';

export function Banners() {
  const notice = useApp((s) => s.notice);
  const failure = useApp((s) => s.engineFailure);
  const health = useApp((s) => s.health);
  const setNotice = useApp((s) => s.setNotice);
  const setEngine = useApp((s) => s.setEngine);
  return (
    <div>
      <RecoveryBanner />
      <StorageNotice />
      {health === 'starting' && (
        <div className="banner info" role="status">
          {t('shell.banners.startingTheSimulator')}
        </div>
      )}
      {notice !== null && (
        <div className={`banner ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
          <span className="grow">{notice.text}</span>
          <button className="btn" type="button" onClick={() => setNotice(null)}>
            {t('shell.banners.dismiss')}
          </button>
        </div>
      )}
      {failure !== null && (
        <div className="banner error" role="alert">
          <span className="grow">{t('shell.banners.theSimulatorReportedA', { failure })}</span>
          <button className="btn primary" type="button" onClick={() => void commands.restart()}>
            {t('shell.banners.restartTheSimulator')}
          </button>
          <button className="btn" type="button" onClick={() => setEngine({ engineFailure: null })}>
            {t('shell.banners.dismiss')}
          </button>
        </div>
      )}
    </div>
  );
}
