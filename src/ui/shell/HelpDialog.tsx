/** The keyboard shortcuts, generated from the action registry (so the list is always right). */
import { useModal } from './use-modal.ts';
import { useApp } from '../../state/store.ts';
import { ACTIONS, keyLabel, type ActionGroup } from './actions.ts';
import { t } from '../../i18n/t.ts';

const GROUPS: ActionGroup[] = ['Tour', 'Playback', 'Timeline', 'View', 'Help'];

export function HelpDialog() {
  const open = useApp((s) => s.helpOpen);
  const setOpen = useApp((s) => s.setHelpOpen);
  const ref = useModal(open);
  return (
    <dialog ref={ref} className="help" aria-labelledby="help-title" onClose={() => setOpen(false)} onCancel={() => setOpen(false)}>
      <header>
        <h2 id="help-title">{t('shell.help.keyboardShortcuts')}</h2>
        <button className="btn" type="button" onClick={() => setOpen(false)} autoFocus>
          {t('shell.help.close')}
        </button>
      </header>
      <div className="help-body">
        {GROUPS.map((g) => (
          <section key={g} aria-labelledby={`help-${g}`}>
            <h3 id={`help-${g}`}>{t(`shell.help.group.${g}`)}</h3>
            <table>
              <tbody>
                {ACTIONS.filter((a) => a.group === g).map((a) => (
                  <tr key={a.id}>
                    <td>
                      {a.keys.map((k, i) => (
                        <span key={k}>
                          {i > 0 && t('shell.help.or')}
                          <kbd>{keyLabel(k)}</kbd>
                        </span>
                      ))}
                    </td>
                    <td>
                      <strong>{a.label}</strong> — {a.help}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
        <section aria-labelledby="help-mouse">
          <h3 id="help-mouse">{t('shell.help.timeline')}</h3>
          <p>{t('shell.help.clickOrDragOn')}</p>
        </section>
      </div>
    </dialog>
  );
}
