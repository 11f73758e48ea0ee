/**
 * An embed's only chrome: what this is, and a link to open the same scene in the full app. In a read-only
 * embed the lab is a figure: it shows the scene at the link's moment, nothing in it can be changed.
 */
import { useApp } from '../../state/store.ts';
import { labInfo } from '../../state/labs.ts';
import { viewUrl } from '../../state/view-mode.ts';
import { currentLink } from '../shell/link-sync.ts';
import './present.css';
import { t } from '../../i18n/t.ts';

export function EmbedBar() {
  const lab = useApp((s) => s.lab);
  const mode = useApp((s) => s.viewMode);
  useApp((s) => s.status?.position.seq);
  return (
    <header className="embed-bar">
      <span>
        <strong>{t('present.embedBar.vtLab')}</strong> · {labInfo(lab).title}
        {mode === 'embed-readonly' && t('present.embedBar.readOnly')}
      </span>
      <a href={viewUrl('app', currentLink(), location)} target="_blank" rel="noopener">
        {t('present.embedBar.openInVtLab')}
      </a>
    </header>
  );
}
