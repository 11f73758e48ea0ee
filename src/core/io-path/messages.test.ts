/**
 * The I/O path's narration comes from the catalogue (issue 8 item 7): under a pseudo-translation of the `iopath`
 * domain every step the run produces, and every validation message, is the translated text with its placeholders
 * filled; switching back gives the English run again, byte for byte.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setCatalogue } from '../../i18n/t.ts';
import { DEFAULT_IO_PARAMS, validateIoPathParams } from './params.ts';
import { runIoPath } from './run.ts';
import type { IoPathKind } from './types.ts';
import { marked, pseudo } from '../../test-support/pseudo-catalogue.ts';

const params = { ...DEFAULT_IO_PARAMS, packets: 2, batch: 2 };

afterEach(() => setCatalogue(null, 'en'));

describe('I/O path messages follow the active catalogue', () => {
  it.each<IoPathKind>(['emulated', 'paravirtual', 'assigned'])('every step of the %s path is translated, and English comes back', (path) => {
    const english = runIoPath(path, params);
    setCatalogue(pseudo('iopath'), 'xx');
    const translated = runIoPath(path, params);
    expect(translated.steps.map((s) => s.hop)).toEqual(english.steps.map((s) => s.hop));
    for (const s of translated.steps) {
      expect(marked(s.title), s.title).toBe(true);
      expect(marked(s.detail), s.detail).toBe(true);
    }
    setCatalogue(null, 'en');
    expect(runIoPath(path, params)).toEqual(english);
  });

  it('validation messages are translated, one per bad field', () => {
    setCatalogue(pseudo('iopath'), 'xx');
    const r = validateIoPathParams({ ...params, packets: 0, bytes: 7, lineRateMbit: -1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.field)).toEqual(['packets', 'bytes', 'lineRateMbit']);
    for (const e of r.errors) expect(marked(e.message), e.message).toBe(true);
  });
});
