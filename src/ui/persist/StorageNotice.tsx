/**
 * Says so when this browser cannot keep the user's work (no IndexedDB and no localStorage: memory only), or
 * when a write failed (quota); and, once after an import's reload, what the import did (transfer.ts).
 */
import { useEffect, useState } from 'react';
import { lastStorageError, onUserDataChange, storageKind, userDataReady } from '../../state/persist/user-data.ts';
import { showPendingImportReport } from './transfer.ts';
import { t } from '../../i18n/t.ts';
import { useApp } from '../../state/store.ts';

export function StorageNotice() {
  const [kind, setKind] = useState(storageKind());
  const [error, setError] = useState<string | null>(null);
  const [dismissed, setDismissed] = useState(false);
  useEffect(() => {
    showPendingImportReport();
    void userDataReady().then(() => setKind(storageKind()));
    // A failed write is checked now and then (writes are many and small; a toast per keystroke would be noise).
    const id = window.setInterval(() => setError(lastStorageError()), 5000);
    const off = onUserDataChange(() => setKind(storageKind()));
    return () => {
      window.clearInterval(id);
      off();
    };
  }, []);
  // An embed in another site's page often gets no storage (third-party), and offers no export: nothing to say there.
  const embedded = useApp((s) => s.viewMode === 'embed' || s.viewMode === 'embed-readonly');
  if (embedded || dismissed || (kind !== 'memory' && error === null)) return null;
  return (
    <div className="banner info" role="status">
      <span className="grow">{kind === 'memory' ? t('recovery.data.memoryOnly') : t('recovery.data.writeFailed', { value: error ?? '' })}</span>
      <button className="btn" type="button" onClick={() => setDismissed(true)}>
        {t('recovery.engine.dismiss')}
      </button>
    </div>
  );
}
