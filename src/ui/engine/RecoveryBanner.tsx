/**
 * What the user reads while the simulator is being restarted after a crash, and after (recovery.ts): a status,
 * not an alert (nothing is lost and nothing needs doing), with a way to restart at once when it stops answering.
 */
import { useRecovery, installRecovery, restartNow } from './recovery.ts';
import { t } from '../../i18n/t.ts';

// Recovery watches every worker from the first: it is installed when the shell's banners are loaded, which
// the app does before it starts the engine (main.tsx imports App, which imports Banners, before startEngine()).
installRecovery();

export function RecoveryBanner() {
  const phase = useRecovery((s) => s.phase);
  const message = useRecovery((s) => s.message);
  const dismiss = useRecovery((s) => s.dismiss);
  if (phase === 'idle') return null;
  return (
    <div className="banner info" role="status" data-testid="recovery-banner" data-phase={phase}>
      <span className="grow">{message}</span>
      {phase === 'unresponsive' && (
        <button className="btn primary" type="button" onClick={() => void restartNow()}>
          {t('recovery.engine.restartNow')}
        </button>
      )}
      {(phase === 'recovered' || phase === 'unresponsive') && (
        <button className="btn" type="button" onClick={dismiss}>
          {t('recovery.engine.dismiss')}
        </button>
      )}
    </div>
  );
}
