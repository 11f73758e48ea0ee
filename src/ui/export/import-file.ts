/**
 * What a file dropped or chosen for import is, checked before anything changes: an image VT Lab exported (its
 * scene link inside), a JSON trace (docs/trace-format.md), or a lab file (assembly with the `; @` header).
 * Anything else, or anything malformed, gives a message that says what and where; nothing is loaded then.
 */
import { z } from 'zod';
import { isPng, PNG_LINK_KEYWORD, readPngText } from './png-text.ts';
import { readSvgLink } from './svg-link.ts';
import { parseLink } from '../../state/url.ts';
import { parseLabHeader } from '../../core/lab/header.ts';
import { t } from '../../i18n/t.ts';

export const MAX_IMPORT_BYTES = 8 * 1024 * 1024;

/** The record types of the JSON trace (src/core/trace/json.ts). */
export const TRACE_TYPES = new Set(['vmexit', 'vmentry', 'vmfail', 'vmx', 'exception', 'interrupt', 'iret', 'far-transfer', 'io', 'halt', 'wake', 'shutdown', 'handler', 'console', 'log', 'vm-state', 'cr-write', 'insn', 'progress', 'end', 'sw-trap', 'sw-resume', 'pv-hypercall', 'pv-domain-crash', 'bt-translate', 'bt-callout', 'bt-invalidate', 'event']);

export interface TraceSummary {
  records: number;
  /** vmexit records by name, most frequent first. */
  exits: { name: string; reason: number; count: number }[];
  console: string;
  end: string | null;
}

export type Imported =
  | { kind: 'link'; link: string; from: 'png' | 'svg' }
  | { kind: 'trace'; summary: TraceSummary }
  | { kind: 'program'; text: string }
  | { kind: 'error'; message: string };

export function classifyImport(name: string, bytes: Uint8Array): Imported {
  if (bytes.length === 0) return { kind: 'error', message: t('export.importFile.isEmpty', { name }) };
  if (bytes.length > MAX_IMPORT_BYTES) return { kind: 'error', message: t('export.importFile.isMiBVtLab', { name, size: (bytes.length / 1048576).toFixed(1), max: MAX_IMPORT_BYTES / 1048576 }) };
  if (isPng(bytes)) {
    const link = readPngText(bytes, PNG_LINK_KEYWORD);
    if (link === null) return { kind: 'error', message: t('export.importFile.isAPngImage', { name }) };
    return checkedLink(name, link, 'png');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { kind: 'error', message: t('export.importFile.isNeitherAVt', { name }) };
  }
  const head = text.trimStart();
  if (head.startsWith('<svg') || head.startsWith('<?xml')) {
    const link = readSvgLink(text);
    if (link === null) return { kind: 'error', message: t('export.importFile.isAnSvgImage', { name }) };
    return checkedLink(name, link, 'svg');
  }
  if (head.startsWith('{')) return parseTrace(name, text);
  // The app's own exit-log CSV (exits-csv.ts) is an export for spreadsheets, not something to open again.
  if (/\.csv$/i.test(name) || head.startsWith('index,')) return { kind: 'error', message: t('export.importFile.csvNotImported', { name }) };
  const header = parseLabHeader(text);
  if (!header.ok) {
    const e = header.errors[0];
    return { kind: 'error', message: t('export.import.atLineColumn', { name, line: e.line, column: e.column, message: e.message }) };
  }
  return { kind: 'program', text };
}

function checkedLink(name: string, link: string, from: 'png' | 'svg'): Imported {
  const r = parseLink(link);
  if (r.kind === 'error') return { kind: 'error', message: t('export.importFile.carriesAVtLab', { name, message: r.message }) };
  if (r.kind === 'empty') return { kind: 'error', message: t('export.importFile.carriesAnEmptyVt', { name }) };
  return { kind: 'link', link, from };
}

/** A trace record (docs/trace-format.md): a known type; a vmexit carries its basic reason and name. Other fields pass. */
const TRACE_RECORD = z.union([
  z.looseObject({ type: z.literal('vmexit'), reason: z.number().int().min(0).max(0xffff), name: z.string().max(200) }),
  z.looseObject({ type: z.enum([...TRACE_TYPES].filter((x) => x !== 'vmexit') as [string, ...string[]]) }),
]);

/** User text inside a message, shortened (a 1 MB type name must give a short message). */
const shortText = (s: string): string => (s.length > 40 ? `${s.slice(0, 37)}...` : s);

export function parseTrace(name: string, text: string): Imported {
  const exits = new Map<string, { name: string; reason: number; count: number }>();
  let records = 0;
  let console = '';
  let end: string | null = null;
  const lines = text.split(/\r?\n/);
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k].trim();
    if (line === '') continue;
    let r: unknown;
    try {
      r = JSON.parse(line);
    } catch (e) {
      return { kind: 'error', message: t('export.importFile.lineNotJson', { name, line: k + 1, error: e instanceof Error ? e.message : String(e) }) };
    }
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return { kind: 'error', message: t('export.importFile.lineATraceRecord', { name, line: k + 1 }) };
    // The record is checked by a schema (zod), as every untrusted file is (issue 9); the messages name the line.
    const checked = TRACE_RECORD.safeParse(r);
    if (!checked.success) {
      const type = (r as Record<string, unknown>).type;
      if (typeof type !== 'string' || !TRACE_TYPES.has(type)) return { kind: 'error', message: t('export.importFile.lineIsNotA', { name, line: k + 1, type: shortText(typeof type === 'string' ? type : JSON.stringify(type) ?? 'nothing') }) };
      return { kind: 'error', message: t('export.importFile.lineAVmexitRecord', { name, line: k + 1 }) };
    }
    const rec = checked.data as Record<string, unknown>;
    records++;
    if (rec.type === 'vmexit') {
      if (typeof rec.reason !== 'number' || typeof rec.name !== 'string') return { kind: 'error', message: t('export.importFile.lineAVmexitRecord', { name, line: k + 1 }) };
      const x = exits.get(rec.name) ?? { name: rec.name, reason: rec.reason, count: 0 };
      x.count++;
      exits.set(rec.name, x);
    } else if (rec.type === 'console' && typeof rec.text === 'string') console += rec.text;
    else if (rec.type === 'end') end = typeof rec.reason === 'string' ? rec.reason : 'end';
  }
  if (records === 0) return { kind: 'error', message: t('export.importFile.holdsNoTraceRecords', { name }) };
  return { kind: 'trace', summary: { records, exits: [...exits.values()].sort((a, b) => b.count - a.count || a.reason - b.reason), console, end } };
}
