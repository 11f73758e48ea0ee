/**
 * Finds user-visible English left in components, and in src/state, src/worker and src/core (MESSAGE_FOLDERS: link,
 * import and worker messages, everything the core says), so the catalogue stays complete (issue 8). Used by src/i18n/catalogue.test.ts;
 * `npx tsx src/test-support/i18n-scan.ts [src/state]` prints every finding with file:line:column (`--counts`
 * prints a count per file).
 *
 * What counts as user-visible: JSX text; string attributes that become accessible names, tooltips or
 * placeholders; string literals rendered straight from a JSX expression (`{x ? 'On' : 'Off'}`); and, anywhere
 * in the scanned folders, literals that read as a phrase (two words or more) outside class names, styles, test ids, imports,
 * comparisons and developer errors. A `// i18n-ignore: <why>` comment on the line or the line above exempts a
 * string that is code or a name (a PNG keyword, SVG path data, an SDM name); `// i18n-ignore-file: <why>` in a
 * file's first 40 lines exempts a file that is all code (an encoding table in its own notation). Parsed with @babel/parser (TypeScript 7's compiler has no JS API).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from '@babel/parser';
import type { Node } from '@babel/types';

export interface Finding {
  file: string;
  line: number;
  column: number;
  text: string;
}

/** Attributes and props whose string value is read or shown to the user. */
const VISIBLE_ATTRIBUTES = new Set([
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-valuetext',
  'title',
  'placeholder',
  'alt',
  'label',
  'hint',
  'caption',
  'summary',
  'unit',
  'heading',
  'description',
  'legend',
  'text',
  'message',
]);

/** Properties and attributes whose strings are code, not prose. */
const CODE_NAMES = new Set([
  'className',
  'class',
  'style',
  'testid',
  'testId',
  'id',
  'key',
  'role',
  'type',
  'href',
  'src',
  'd',
  'transform',
  'viewBox',
  'fill',
  'stroke',
  'font',
  'textAnchor',
  'dominantBaseline',
  'inputMode',
  'autoComplete',
  'pattern',
  'lang',
  'rel',
  'target',
  'method',
  'accept',
  'download',
  'mode',
  'kind',
  'name',
  'htmlFor',
  'width',
  'height',
  'aria-describedby',
  'aria-labelledby',
  'aria-controls',
  'aria-owns',
  'aria-activedescendant',
  'aria-errormessage',
]);

const WORDS = /[A-Za-z]{2,}/;
const PHRASE = /[A-Za-z]{2,}[^\n]*\s[^\n]*[A-Za-z]{2,}/;

type Path = readonly Node[];

function attrName(n: Node): string {
  if (n.type !== 'JSXAttribute') return '';
  return n.name.type === 'JSXIdentifier' ? n.name.name : `${n.name.namespace.name}:${n.name.name.name}`;
}

function keyName(n: Node): string | undefined {
  if (n.type !== 'ObjectProperty') return undefined;
  const k = n.key;
  return k.type === 'Identifier' ? k.name : k.type === 'StringLiteral' ? k.value : undefined;
}

function calleeText(n: Node): string {
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') {
    const prop = n.property.type === 'Identifier' ? n.property.name : '';
    return `${calleeText(n.object)}.${prop}`;
  }
  return '';
}

const CODE_CALL = /(^|\.)(attr|style|classed|select|selectAll|querySelector|querySelectorAll|getElementById|addEventListener|removeEventListener|matchMedia|setProperty|getPropertyValue|postMessage|startsWith|endsWith|includes|split|join|replace|test|match|indexOf|get|getItem|setItem|removeItem|set|has|delete|createElement|setAttribute|getAttribute|closest|dispatchEvent|toLocaleString|toLocaleTimeString|toLocaleDateString|padStart|padEnd)$/;
const CODE_FUNCTION = /^(console\.\w+|require|import|URL|URLSearchParams|Intl\.\w+|RegExp|Symbol|useApp)$/;

/** The literal is code when the first telling ancestor says so. */
function isCode(path: Path): boolean {
  for (let i = path.length - 2, depth = 0; i >= 0 && depth < 5; i--, depth++) {
    const p = path[i];
    const child = path[i + 1];
    switch (p.type) {
      case 'ExportNamedDeclaration':
        if (p.source !== null && p.source !== undefined) return true;
        return false;
      case 'ArrowFunctionExpression':
      case 'FunctionExpression':
      case 'FunctionDeclaration':
      case 'ReturnStatement':
      case 'VariableDeclarator':
        // A function's result or a constant's value is judged by itself, not by where the function is used.
        return false;
      case 'ImportDeclaration':
      case 'ExportAllDeclaration':
      case 'TSLiteralType':
      case 'TSEnumMember':
      case 'ImportExpression':
        return true;
      case 'JSXAttribute': {
        const n = attrName(p);
        return CODE_NAMES.has(n) || n.startsWith('data-') || (n.startsWith('on') && !VISIBLE_ATTRIBUTES.has(n));
      }
      case 'ObjectProperty': {
        if (child === p.key) return true;
        const k = keyName(p);
        if (k !== undefined && (CODE_NAMES.has(k) || k.startsWith('data-'))) return true;
        break;
      }
      case 'CallExpression':
      case 'OptionalCallExpression':
      case 'NewExpression': {
        // Only a literal passed to the call is judged by the callee (not one inside a callback of a .map().join()).
        if (!(p.arguments as Node[]).includes(child)) return false;
        const c = calleeText(p.callee);
        if (CODE_CALL.test(c) || CODE_FUNCTION.test(c)) return true;
        if (p.type === 'NewExpression' && /Error$/.test(c)) return true;
        break;
      }
      case 'BinaryExpression':
        if (['===', '!==', '==', '!=', 'in', 'instanceof'].includes(p.operator)) return true;
        break;
      case 'SwitchCase':
        if (child === p.test) return true;
        break;
      case 'MemberExpression':
      case 'OptionalMemberExpression':
        if (child === p.property) return true;
        break;
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'ArrayExpression':
        break;
      default:
        break;
    }
  }
  return false;
}

/** True when the literal flows straight into JSX output (through conditionals, fallbacks, templates). */
function rendersInJsx(path: Path): boolean {
  for (let i = path.length - 2; i >= 0; i--) {
    const p = path[i];
    if (p.type === 'JSXExpressionContainer') {
      const parent = path[i - 1];
      return parent === undefined || parent.type !== 'JSXAttribute' || VISIBLE_ATTRIBUTES.has(attrName(parent));
    }
    if (p.type === 'ConditionalExpression' || p.type === 'LogicalExpression' || p.type === 'TemplateLiteral' || p.type === 'BinaryExpression' || p.type === 'ParenthesizedExpression') continue;
    return false;
  }
  return false;
}

function children(node: Node): Node[] {
  const out: Node[] = [];
  for (const key of Object.keys(node) as (keyof Node)[]) {
    if (key === 'loc' || key === 'leadingComments' || key === 'trailingComments' || key === 'innerComments' || key === 'extra') continue;
    const v = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(v)) {
      for (const x of v) if (x !== null && typeof x === 'object' && typeof (x as Node).type === 'string') out.push(x as Node);
    } else if (v !== null && typeof v === 'object' && typeof (v as Node).type === 'string') out.push(v as Node);
  }
  return out;
}

export function scanSource(file: string, source: string): Finding[] {
  // `// i18n-ignore-file: <why>` near the top marks a whole file of code that reads like words (an encoding table
  // in a notation of its own, a developer-only command-line tool's console output).
  if (/^\s*\/\/ i18n-ignore-file: \S/m.test(source.split('\n').slice(0, 40).join('\n'))) return [];
  const ast = parse(source, { sourceType: 'module', plugins: ['typescript', ...(file.endsWith('x') ? (['jsx'] as const) : [])] });
  const found: Finding[] = [];
  const lines = source.split('\n');
  const add = (node: Node, text: string) => {
    const start = node.loc?.start;
    // `// i18n-ignore: <why>` on the line or the line above marks a string that is code or a name, not prose.
    const at = (start?.line ?? 1) - 1;
    // (the line above counts only when it holds nothing but the comment, so an end-of-line comment exempts its own line only)
    if ((lines[at] ?? '').includes('i18n-ignore') || /^\s*(\/\/|\/\*|\{\/\*).*i18n-ignore/.test(lines[at - 1] ?? '')) return;
    found.push({ file, line: start?.line ?? 0, column: (start?.column ?? 0) + 1, text: text.trim().replace(/\s+/g, ' ').slice(0, 80) });
  };
  const path: Node[] = [];
  const visit = (node: Node) => {
    path.push(node);
    try {
      if (node.type === 'JSXText') {
        if (WORDS.test(node.value)) add(node, node.value);
        return;
      }
      if (node.type === 'JSXAttribute' && node.value?.type === 'StringLiteral') {
        if (VISIBLE_ATTRIBUTES.has(attrName(node)) && WORDS.test(node.value.value)) add(node, node.value.value);
        return;
      }
      if (node.type === 'TSTypeAnnotation' || node.type === 'TSTypeAliasDeclaration' || node.type === 'TSInterfaceDeclaration' || node.type === 'TSTypeParameterInstantiation') return;
      const text = node.type === 'StringLiteral' ? node.value : node.type === 'TemplateLiteral' ? node.quasis.map((q) => q.value.cooked ?? q.value.raw).join(' ') : undefined;
      if (text !== undefined && !isCode(path)) {
        if (rendersInJsx(path) ? WORDS.test(text) : PHRASE.test(text)) {
          add(node, text);
          return; // a template's own expressions were judged with it
        }
      }
      for (const c of children(node)) visit(c);
    } finally {
      path.pop();
    }
  };
  visit(ast.program as Node);
  return found;
}

/** Every source file under src/<folder> (tests excluded). */
export function sourceFiles(root: string, folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name) && !/\.(test|spec)\.tsx?$/.test(name)) out.push(path);
    }
  };
  walk(join(root, 'src', folder));
  return out.sort();
}

/** Every component and view-model file under src/ui (tests excluded). */
export function uiFiles(root: string): string[] {
  return sourceFiles(root, 'ui');
}

/**
 * Folders outside src/ui whose words reach the user: a bad link, a refused import, the worker's replies (state,
 * worker), and everything the simulation core says (assembler diagnostics, exit explanations, SDM descriptions,
 * stories, figures' sources).
 */
export const MESSAGE_FOLDERS = ['state', 'worker', 'core'] as const;

export function scanFolders(root: string, folders: readonly string[]): Finding[] {
  return folders.flatMap((folder) => sourceFiles(root, folder)).flatMap((path) => scanSource(relative(root, path), readFileSync(path, 'utf8')));
}

export function scanUi(root: string): Finding[] {
  return scanFolders(root, ['ui']);
}

if (process.argv[1]?.endsWith('i18n-scan.ts')) {
  const findings = scanFolders(process.cwd(), ['ui', ...MESSAGE_FOLDERS]);
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const shown = findings.filter((f) => only.length === 0 || only.some((o) => f.file.includes(o)));
  if (process.argv.includes('--counts')) {
    const byFile = new Map<string, number>();
    for (const f of shown) byFile.set(f.file, (byFile.get(f.file) ?? 0) + 1);
    for (const [file, n] of byFile) console.log(`${n}\t${file}`);
  } else for (const f of shown) console.log(`${f.file}:${f.line}:${f.column}  ${f.text}`);
  console.log(`${shown.length} strings outside the catalogue`);
}
