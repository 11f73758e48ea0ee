/** Messages that must not be missed: a link that could not be opened, an engine failure (with a way out). */
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';

export function Banners() {
  const notice = useApp((s) => s.notice);
  const failure = useApp((s) => s.engineFailure);
  const health = useApp((s) => s.health);
  const setNotice = useApp((s) => s.setNotice);
  const setEngine = useApp((s) => s.setEngine);
  return (
    <div>
      {health === 'starting' && (
        <div className="banner info" role="status">
          Starting the simulator…
        </div>
      )}
      {notice !== null && (
        <div className={`banner ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
          <span className="grow">{notice.text}</span>
          <button className="btn" type="button" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      )}
      {failure !== null && (
        <div className="banner error" role="alert">
          <span className="grow">The simulator reported a problem — {failure}. Your scenario and position are kept.</span>
          <button className="btn primary" type="button" onClick={() => void commands.restart()}>
            Restart the simulator
          </button>
          <button className="btn" type="button" onClick={() => setEngine({ engineFailure: null })}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
