/** The selected event (or the newest): what it was, every field, and a way to go back to it. */
import { useApp } from '../../state/store.ts';
import { eventLog } from '../../state/event-log.ts';
import { commands } from '../engine/client.ts';
import { describeEvent, formatCount, formatSimTime, kindFamily, kindLabel } from '../viz/format-event.ts';
import { t } from '../../i18n/t.ts';

export function EventDetails() {
  const selected = useApp((s) => s.selectedSeq);
  const seq = useApp((s) => s.status?.position.seq ?? 0);
  const hz = useApp((s) => s.status?.clockHz ?? 1);
  useApp((s) => s.logVersion);
  const at = selected ?? seq - 1;
  const e = at >= 0 ? eventLog.get(at) : undefined;
  return (
    <section className="panel" aria-labelledby="details-title">
      <header>
        <h2 id="details-title">{selected === null ? t('rings.eventDetails.latest') : t('rings.eventDetails.selected')}</h2>
      </header>
      <div className="panel-body" data-testid="event-details">
        {e === undefined ? (
          <p style={{ margin: 0, color: 'var(--fg-2)' }}>{t('rings.eventDetails.empty')}</p>
        ) : (
          <>
            <p style={{ marginTop: 0 }}>
              <span className={`badge fam-${kindFamily(e.kind)}`}>{kindLabel(e.kind)}</span> {describeEvent(e)}
            </p>
            <dl className="detail-fields">
              <dt>{t('rings.eventDetails.event')}</dt>
              <dd>#{formatCount(e.seq + 1)}</dd>
              <dt>{t('rings.eventDetails.cycle')}</dt>
              <dd>
                {formatCount(e.cycle)} ({formatSimTime(e.cycle, hz)})
              </dd>
              <dt>{t('rings.eventDetails.instructions')}</dt>
              <dd>{formatCount(e.instret)}</dd>
            </dl>
            {selected !== null && selected + 1 !== seq && (
              <button className="btn" type="button" style={{ marginTop: '0.5rem' }} onClick={() => void commands.seek(selected + 1)}>
                {t('rings.eventDetails.goTo')}
              </button>
            )}
          </>
        )}
      </div>
    </section>
  );
}
