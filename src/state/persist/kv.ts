/**
 * Where the user's data is kept: IndexedDB (idb-keyval, database "vt-lab", store "user-data"); if the browser
 * has no usable IndexedDB (some private modes, a blocked profile), localStorage; if neither works, memory only
 * (the data lasts for this visit, and the UI says so: see storageKind in user-data.ts).
 *
 * IndexedDB is preferred because it does not block the page while writing, has a far larger quota than
 * localStorage's few megabytes, and keeps structured values (https://developer.mozilla.org/en-US/docs/Web/API/IndexedDB_API).
 */
import { createStore, del, entries, set, type UseStore } from 'idb-keyval';

export type StorageKind = 'indexeddb' | 'localstorage' | 'memory';

export interface KvBackend {
  kind: StorageKind;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  entries(): Promise<[unknown, unknown][]>;
}

export const IDB_NAME = 'vt-lab';
export const IDB_STORE = 'user-data';
/** localStorage fallback keys: this prefix + the IndexedDB key. */
export const LS_PREFIX = 'vt-lab.kv.';

/** How long opening IndexedDB may take before the fallback is used (a blocked upgrade can hang forever). */
const OPEN_TIMEOUT_MS = 3000;

function idbBackend(store: UseStore): KvBackend {
  return {
    kind: 'indexeddb',
    set: (k, v) => set(k, v, store),
    del: (k) => del(k, store),
    entries: () => entries(store),
  };
}

function localStorageBackend(ls: Storage): KvBackend {
  return {
    kind: 'localstorage',
    set: async (k, v) => ls.setItem(LS_PREFIX + k, JSON.stringify(v)),
    del: async (k) => ls.removeItem(LS_PREFIX + k),
    entries: async () => {
      const out: [unknown, unknown][] = [];
      for (let i = 0; i < ls.length; i++) {
        const k = ls.key(i);
        if (k === null || !k.startsWith(LS_PREFIX)) continue;
        try {
          out.push([k.slice(LS_PREFIX.length), JSON.parse(ls.getItem(k) ?? 'null')]);
        } catch {
          // a damaged value: skipped (fromEntries would drop it anyway)
        }
      }
      return out;
    },
  };
}

export function memoryBackend(): KvBackend {
  const m = new Map<string, unknown>();
  return {
    kind: 'memory',
    set: async (k, v) => void m.set(k, structuredClone(v)),
    del: async (k) => void m.delete(k),
    entries: async () => [...m.entries()].map(([k, v]): [unknown, unknown] => [k, structuredClone(v)]),
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timed out')), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** The first backend that works, with the entries it holds (read once, at start). */
export async function openBackend(): Promise<{ backend: KvBackend; entries: [unknown, unknown][] }> {
  if (typeof indexedDB !== 'undefined') {
    try {
      const b = idbBackend(createStore(IDB_NAME, IDB_STORE));
      return { backend: b, entries: await withTimeout(b.entries(), OPEN_TIMEOUT_MS) };
    } catch {
      // fall through to localStorage
    }
  }
  try {
    const ls = globalThis.localStorage;
    if (ls !== undefined) {
      const probe = LS_PREFIX + 'probe';
      ls.setItem(probe, '1');
      ls.removeItem(probe);
      const b = localStorageBackend(ls);
      return { backend: b, entries: await b.entries() };
    }
  } catch {
    // fall through to memory
  }
  return { backend: memoryBackend(), entries: [] };
}
