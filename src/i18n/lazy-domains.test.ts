/**
 * The labs' own string domains load with the lab, not with the first view (catalogue.ts, `English`): a key of
 * such a domain resolves only once its domain file has been evaluated. Every source file that names one of their
 * keys must therefore import the domain file itself, so it is evaluated before that file's code runs, whichever
 * route (lab tab, tour, embed, presenter window, a unit test) loaded the file.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { LAZY_DOMAINS } from './catalogue.ts';
import { enAll } from './all.ts';
import { t } from './t.ts';

const root = resolve(__dirname, '..', '..');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.tsx?$/.test(name) && !/\.(test|spec|bench)\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

/** The lazy domains whose keys a file names: a quoted `domain.key`, or the head of a template (`domain.prefix${`). */
export function lazyDomainsUsed(text: string): string[] {
  const used = new Set<string>();
  for (const m of text.matchAll(/['"`]([a-zA-Z]+)\.([A-Za-z][\w.]*)(['"`]|\$\{)/g)) {
    const domain = m[1] as (typeof LAZY_DOMAINS)[number];
    if (!(LAZY_DOMAINS as readonly string[]).includes(domain)) continue;
    const keys = Object.keys(enAll[domain]);
    const rest = m[2];
    if (m[3] === '${' ? keys.some((k) => k.startsWith(rest)) : keys.includes(rest)) used.add(domain);
  }
  return [...used];
}

describe('lazily loaded string domains', () => {
  it('finds a key use, so the check below can fail', () => {
    expect(lazyDomainsUsed(`t('io.path.interrupt')`)).toEqual(['io']);
    expect(lazyDomainsUsed('t(`io.path.${which}`)')).toEqual(['io']);
    expect(lazyDomainsUsed(`const lab = 'io.notAKey';`)).toEqual([]);
  });

  it('are imported by every file that uses one of their keys', () => {
    const missing: string[] = [];
    for (const path of sources(join(root, 'src'))) {
      const file = relative(root, path);
      if (file.startsWith('src/i18n/')) continue;
      const text = readFileSync(path, 'utf8');
      for (const domain of lazyDomainsUsed(text)) {
        if (!new RegExp(`import\\s+(?:[^'"]*from\\s+)?['"][./]*i18n/en/${domain}\\.ts['"]`).test(text)) missing.push(`${file}: ${domain}`);
      }
    }
    expect(missing, "add `import '…/i18n/en/<domain>.ts';` to these files").toEqual([]);
  });

  it('resolve once their file is loaded', () => {
    expect(t('io.path.interrupt')).toBe('Interrupt');
  });
});
