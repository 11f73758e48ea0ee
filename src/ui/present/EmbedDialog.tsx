/** "Embed": the iframe snippet for the current scene, interactive or read-only, to copy into a page or slide. */
import { useId, useState } from 'react';
import { useModal } from '../shell/use-modal.ts';
import { viewUrl } from '../../state/view-mode.ts';
import { currentLink } from '../shell/link-sync.ts';
import { t } from '../../i18n/t.ts';

export function embedSnippet(url: string, title: string): string {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  // i18n-ignore: the HTML snippet a user pastes (its title is filled from the catalogue)
  return `<iframe src="${esc(url)}" title="${esc(title)}" width="960" height="600" style="border:1px solid #8a94a3" loading="lazy"></iframe>`;
}

export function EmbedDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const [readOnly, setReadOnly] = useState(false);
  const [copied, setCopied] = useState(false);
  const id = useId();
  const ref = useModal(open, () => setCopied(false));
  const url = open ? viewUrl(readOnly ? 'embed-readonly' : 'embed', currentLink(), location) : '';
  const snippet = embedSnippet(url, t('present.embed.vtLab'));
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(snippet);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <dialog ref={ref} className="help" aria-labelledby={`${id}-t`} onClose={onClose} onCancel={onClose}>
      <header>
        <h2 id={`${id}-t`}>{t('present.embed.embedThisScene')}</h2>
        <button className="btn" type="button" onClick={onClose} autoFocus>
          {t('present.embed.close')}
        </button>
      </header>
      <div className="help-body embed-body">
        <p>{t('present.embed.pasteThisIntoA')}</p>
        <label>
          <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} />{' '}{t('present.embed.readOnlyAFigure')}
        </label>
        <label htmlFor={`${id}-s`}>{t('present.embed.iframeCode')}</label>
        <textarea id={`${id}-s`} readOnly rows={4} value={snippet} onFocus={(e) => e.currentTarget.select()} />
        <div>
          <button className="btn primary" type="button" onClick={() => void copy()}>
            {t('present.embed.copyEmbedCode')}
          </button>{' '}
          <span role="status">{copied ? t('present.embed.copied') : ''}</span>
        </div>
      </div>
    </dialog>
  );
}
