/** Reads what the app keeps in the browser, for tests that must wait until a write has landed. */
import type { Page } from './fixtures.ts';

/** A draft's text as stored in IndexedDB (key draft:<preset>). */
export async function storedDraft(page: Page, preset: string): Promise<string | null> {
  return page.evaluate(
    (key) =>
      new Promise<string | null>((resolve) => {
        const open = indexedDB.open('vt-lab');
        open.onerror = () => resolve(null);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('user-data')) return resolve(null);
          const get = db.transaction('user-data', 'readonly').objectStore('user-data').get(key);
          get.onsuccess = () => resolve((get.result as { text?: string } | undefined)?.text ?? null);
          get.onerror = () => resolve(null);
        };
      }),
    `draft:${preset}`,
  );
}
