/**
 * What a file dropped or chosen for import is, checked before anything changes: an image VT Lab exported (its
 * scene link inside), a JSON trace (docs/trace-format.md), or a lab file (assembly with the `; @` header).
 * Anything else, or anything malformed, gives a message that says what and where; nothing is loaded then.
 */
import { isPng, PNG_LINK_KEYWORD, readPngText } from './png-text.ts';
import { readSvgLink } from './svg-link.ts';
import { parseLink } from '../../state/url.ts';
import { parseLabHeader } from '../../core/lab/header.ts';

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
  if (bytes.length === 0) return { kind: 'error', message: `${name} is empty.` };
  if (bytes.length > MAX_IMPORT_BYTES) return { kind: 'error', message: `${name} is ${(bytes.length / 1048576).toFixed(1)} MiB; VT Lab imports files up to ${MAX_IMPORT_BYTES / 1048576} MiB.` };
  if (isPng(bytes)) {
    const link = readPngText(bytes, PNG_LINK_KEYWORD);
    if (link === null) return { kind: 'error', message: `${name} is a PNG image, but not one VT Lab exported (it carries no VT Lab link).` };
    return checkedLink(name, link, 'png');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { kind: 'error', message: `${name} is neither a VT Lab image, a JSON trace nor a lab file (it is not UTF-8 text).` };
  }
  const head = text.trimStart();
  if (head.startsWith('<svg') || head.startsWith('<?xml')) {
    const link = readSvgLink(text);
    if (link === null) return { kind: 'error', message: `${name} is an SVG image, but not one VT Lab exported (it carries no VT Lab link).` };
    return checkedLink(name, link, 'svg');
  }
  if (head.startsWith('{')) return parseTrace(name, text);
  const header = parseLabHeader(text);
  if (!header.ok) {
    const e = header.errors[0];
    return { kind: 'error', message: `${name}, line ${e.line}, column ${e.column}: ${e.message}` };
  }
  return { kind: 'program', text };
}

function checkedLink(name: string, link: string, from: 'png' | 'svg'): Imported {
  const r = parseLink(link);
  if (r.kind === 'error') return { kind: 'error', message: `${name} carries a VT Lab link that cannot be opened: ${r.message}` };
  if (r.kind === 'empty') return { kind: 'error', message: `${name} carries an empty VT Lab link.` };
  return { kind: 'link', link, from };
}

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
      return { kind: 'error', message: `${name}, line ${k + 1}: not JSON (${e instanceof Error ? e.message : String(e)}).` };
    }
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return { kind: 'error', message: `${name}, line ${k + 1}: a trace record must be a JSON object.` };
    const rec = r as Record<string, unknown>;
    if (typeof rec.type !== 'string' || !TRACE_TYPES.has(rec.type)) return { kind: 'error', message: `${name}, line ${k + 1}: '${String(rec.type)}' is not a record type of the VT Lab trace format.` };
    records++;
    if (rec.type === 'vmexit') {
      if (typeof rec.reason !== 'number' || typeof rec.name !== 'string') return { kind: 'error', message: `${name}, line ${k + 1}: a vmexit record needs a numeric reason and a name.` };
      const x = exits.get(rec.name) ?? { name: rec.name, reason: rec.reason, count: 0 };
      x.count++;
      exits.set(rec.name, x);
    } else if (rec.type === 'console' && typeof rec.text === 'string') console += rec.text;
    else if (rec.type === 'end') end = typeof rec.reason === 'string' ? rec.reason : 'end';
  }
  if (records === 0) return { kind: 'error', message: `${name} holds no trace records.` };
  return { kind: 'trace', summary: { records, exits: [...exits.values()].sort((a, b) => b.count - a.count || a.reason - b.reason), console, end } };
}
