/**
 * The string catalogue (issue 8, item 7): one place for every user-visible string, ready for translation.
 */
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { Catalogue } from './catalogue.ts';
import { enAll } from './all.ts';
import { fill, setCatalogue, t } from './t.ts';
import { MESSAGE_FOLDERS, scanFolders, scanSource, scanUi } from '../test-support/i18n-scan.ts';
import pending from './pending.json' with { type: 'json' };

const root = resolve(__dirname, '..', '..');

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

describe('the catalogue', () => {
  it('has no empty message and plural forms that agree on their placeholders', () => {
    for (const [domain, table] of Object.entries(enAll)) {
      for (const [key, message] of Object.entries(table as Record<string, unknown>)) {
        const where = `${domain}.${key}`;
        if (typeof message === 'string') {
          expect(message.trim(), where).not.toBe('');
        } else {
          const forms = message as Record<string, string>;
          expect(Object.keys(forms), where).toContain('other');
          const expected = placeholders(forms.other);
          for (const form of Object.values(forms)) expect(placeholders(form), where).toEqual(expected);
        }
      }
    }
  });

  it('fills placeholders and leaves an unknown one visible', () => {
    expect(fill('{n} exits in {lab}', { n: 3, lab: 'Rings' })).toBe('3 exits in Rings');
    expect(fill('{n} exits', {})).toBe('{n} exits');
  });

  it('uses a translation when one is set and falls back to English for a missing key', () => {
    const pseudo = structuredClone(enAll) as unknown as Record<string, Record<string, unknown>>;
    pseudo.common.close = 'Schließen';
    delete pseudo.common.cancel;
    setCatalogue(pseudo as unknown as Catalogue, 'de');
    try {
      expect(t('common.close')).toBe('Schließen');
      expect(t('common.cancel')).toBe('Cancel');
    } finally {
      setCatalogue(null, 'en');
    }
  });
});

describe('components take their words from the catalogue', () => {
  it('finds the kinds of strings a user sees (so the check below can fail)', () => {
    const found = scanSource(
      'x.tsx',
      `export const A = ({ on }: { on: boolean }) => <button title="Run it" aria-label={on ? 'Pause' : 'Play'} className="btn primary">Start the guest</button>;
       const note = 'two words'; const code = x === 'two words';`,
    ).map((f) => f.text);
    expect(found).toEqual(['Run it', 'Pause', 'Play', 'Start the guest', 'two words']);
    const more = scanSource(
      'y.ts',
      `export function verdict(ok: boolean) { return ok ? 'Call kept' : 'Call dropped'; }
       export const LABELS = { a: 'First fit' };
       const list = xs.map((x) => \`\${x} cycles, \${x} ns\`).join('; ');
       // i18n-ignore: a PNG keyword
       const keyword = 'VT Lab link';`,
    ).map((f) => f.text);
    expect(more).toEqual(['Call kept', 'Call dropped', 'First fit', 'cycles, ns']);
  });

  it('leaves no English in any component beyond the recorded backlog (now empty)', () => {
    const counts = new Map<string, number>();
    const examples = new Map<string, string>();
    for (const f of scanUi(root)) {
      counts.set(f.file, (counts.get(f.file) ?? 0) + 1);
      if (!examples.has(f.file)) examples.set(f.file, `${f.file}:${f.line}:${f.column} "${f.text}"`);
    }
    const allowed = pending as Record<string, number>;
    const over = [...counts].filter(([file, n]) => n > (allowed[file] ?? 0)).map(([file, n]) => `${examples.get(file)} (${n} > ${allowed[file] ?? 0})`);
    expect(over, 'move these strings into src/i18n/en/<domain>.ts and use t()').toEqual([]);
  });

  it('leaves no English in src/state, src/worker or src/core (links, imports, worker replies and everything the core says)', () => {
    const found = scanFolders(root, MESSAGE_FOLDERS).map((f) => `${f.file}:${f.line}:${f.column} "${f.text}"`);
    expect(found, 'use t() with a key in src/i18n/en/<domain>.ts, or mark a code string `// i18n-ignore: <why>`').toEqual([]);
  });
});
