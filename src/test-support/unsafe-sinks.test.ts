// Issue 9 item 1: untrusted files and links are never run as code (`eval`, `new Function`, string timers) nor
// rendered as HTML (`innerHTML`, `dangerouslySetInnerHTML`, …). This scans every source file under src/ and fails
// on any such sink outside the allowlist below, where each entry says why it is safe. Comments are ignored.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

const SINKS: { name: string; re: RegExp }[] = [
  { name: 'eval', re: /(?<![\w.$])eval\s*\(/ },
  { name: 'new Function', re: /\bnew\s+Function\s*\(/ },
  { name: 'Function constructor call', re: /(?<![\w.$]|new\s+)Function\s*\(\s*['"`]/ },
  { name: 'string timer', re: /\bset(?:Timeout|Interval)\s*\(\s*['"`]/ },
  { name: 'innerHTML / outerHTML', re: /\.(?:inner|outer)HTML\b/ },
  { name: 'dangerouslySetInnerHTML', re: /dangerouslySetInnerHTML/ },
  { name: 'insertAdjacentHTML', re: /insertAdjacentHTML/ },
  { name: 'document.write', re: /document\.write(?:ln)?\s*\(/ },
  { name: 'createContextualFragment', re: /createContextualFragment/ },
  { name: 'srcdoc', re: /\bsrcdoc\b/ },
  { name: 'javascript: URL', re: /['"`]javascript:/i },
];

/** file (relative to src/) → sink names allowed there, with the reason. Keep it empty if you can. */
const ALLOWLIST: Record<string, { sinks: string[]; why: string }> = {
  'test-support/unsafe-sinks.test.ts': { sinks: SINKS.map((s) => s.name), why: 'this file lists the patterns' },
  'core/scenarios/scenarios.test.ts': { sinks: ['new Function'], why: 'a test evaluates the generated sources.generated.ts literal it wrote itself (build-time data, never user input, never shipped)' },
  'tours/schema.fuzz.test.ts': { sinks: ['javascript: URL'], why: 'test data: a javascript: link the tour schema must refuse' },
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx|mts|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

/** The code without comments (block and line), so that a comment explaining why eval is absent is no finding. */
function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/(^|[^:\\'"`])\/\/.*$/gm, '$1');
}

export function findSinks(code: string): string[] {
  const c = stripComments(code);
  return SINKS.filter((s) => s.re.test(c)).map((s) => s.name);
}

describe('no code or HTML sinks for untrusted data', () => {
  it('the scanner finds each sink and ignores comments', () => {
    expect(findSinks('const x = eval(s);')).toEqual(['eval']);
    expect(findSinks('el.innerHTML = t;')).toEqual(['innerHTML / outerHTML']);
    expect(findSinks('<div dangerouslySetInnerHTML={{ __html: s }} />')).toEqual(['dangerouslySetInnerHTML']);
    expect(findSinks('const f = new Function("return 1");')).toEqual(['new Function']);
    expect(findSinks('setTimeout("alert(1)", 1)')).toEqual(['string timer']);
    expect(findSinks('// never eval(x) here\n/* no innerHTML */ const y = 1;')).toEqual([]);
    expect(findSinks('retrieval(x); medieval(y); z.evaluate()')).toEqual([]);
  });

  it('no source file under src/ uses one outside the allowlist', () => {
    const found: string[] = [];
    for (const file of sourceFiles(ROOT)) {
      const rel = relative(ROOT, file).split('\\').join('/');
      const allowed = ALLOWLIST[rel]?.sinks ?? [];
      for (const sink of findSinks(readFileSync(file, 'utf8'))) if (!allowed.includes(sink)) found.push(`${rel}: ${sink}`);
    }
    expect(found, 'use textContent / React text, zod, and data, never code or HTML from a file or link').toEqual([]);
  });

  it('zod runs jitless in the app (no new Function under the CSP)', () => {
    expect(readFileSync(join(ROOT, 'state/zod-config.ts'), 'utf8')).toMatch(/z\.config\(\{\s*jitless:\s*true\s*\}\)/);
    expect(readFileSync(join(ROOT, 'ui/main.tsx'), 'utf8')).toMatch(/import '\.\.\/state\/zod-config\.ts'/);
  });
});
