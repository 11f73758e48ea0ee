/**
 * A pseudo-translation for tests that check a kind of message follows the active catalogue (issue 8 item 7):
 * every message of the given domains wrapped in ‹ › (plural forms too), every other domain English. Switch back
 * with `setCatalogue(null, 'en')`.
 */
import type { Catalogue, English } from '../i18n/catalogue.ts';
import { enAll } from '../i18n/all.ts';

export function pseudo(...domains: (keyof English)[]): Catalogue {
  const out = structuredClone(enAll) as unknown as Record<string, Record<string, unknown>>;
  for (const d of domains) {
    for (const [k, v] of Object.entries(out[d])) {
      out[d][k] = typeof v === 'string' ? `‹${v}›` : Object.fromEntries(Object.entries(v as Record<string, string>).map(([c, s]) => [c, `‹${s}›`]));
    }
  }
  return out as unknown as Catalogue;
}

/** Whether a message came from the pseudo-translation. */
export const marked = (s: string | undefined): boolean => s !== undefined && s.startsWith('‹') && s.endsWith('›');
