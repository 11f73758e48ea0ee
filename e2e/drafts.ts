/** Reads what the app keeps in the browser, for tests that must wait until a write has landed. */
import type { Page } from './fixtures.ts';

/** A record as stored in IndexedDB (database vt-lab, store user-data), read straight from the browser. */
export async function stored(page: Page, key: string): Promise<unknown> {
  return page.evaluate(
    (k) =>
      new Promise<unknown>((resolve) => {
        const open = indexedDB.open('vt-lab');
        open.onerror = () => resolve(undefined);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('user-data')) return resolve(undefined);
          const get = db.transaction('user-data', 'readonly').objectStore('user-data').get(k);
          get.onsuccess = () => resolve(get.result);
          get.onerror = () => resolve(undefined);
        };
      }),
    key,
  );
}

/** A draft's text as stored in IndexedDB (key draft:<preset>). */
export async function storedDraft(page: Page, preset: string): Promise<string | null> {
  return ((await stored(page, `draft:${preset}`)) as { text?: string } | undefined)?.text ?? null;
}
