/**
 * The lab-file header: comment lines of the form `; @key value` (README "Lab files").
 *
 *   ; @mode guest   (default) the program is a guest under the built-in VMM, starting at CPL 0 in VMX
 *                   non-root operation with the VMM's documented default controls
 *   ; @mode bare    the program runs on the bare processor at CPL 0, outside VMX operation
 *   ; @cpu NAME     the CPU model (see `cpuModelIds()`); default nehalem
 *
 * Anything else after `; @` is an error with its line and column, so a typo is never silently ignored.
 */
import { DEFAULT_CPU_MODEL_ID, cpuModelIds, getCpuModel } from '../cpu-models/index.ts';
// Messages come from the catalogue (issue 8: every user-visible string in one catalogue).
import { t } from '../../i18n/t.ts';

export type LabMode = 'guest' | 'bare';

export interface LabHeader {
  mode: LabMode;
  cpu: string;
}

export interface HeaderError {
  line: number;
  column: number;
  endColumn: number;
  message: string;
}

const KEYS = ['mode', 'cpu'] as const;

/** User text quoted in a message, shortened: a 100 kB header line must give a message that fits beside it. */
function quoted(text: string): string {
  return `'${text.length > 40 ? `${text.slice(0, 37)}...` : text}'`;
}

export function parseLabHeader(source: string): { ok: true; header: LabHeader } | { ok: false; errors: HeaderError[] } {
  const header: LabHeader = { mode: 'guest', cpu: DEFAULT_CPU_MODEL_ID };
  const errors: HeaderError[] = [];
  const lines = source.split(/\r\n|\n|\r/);
  lines.forEach((text, k) => {
    // `; @key value`, optionally followed by a comment of its own (`; @mode guest   ; or: bare`, as in the README).
    const m = /^(\s*;\s*)@(\S*)\s*([^;]*?)\s*(;.*)?$/.exec(text);
    if (m === null) return;
    const line = k + 1;
    const keyCol = m[1].length + 1;
    const key = m[2].toLowerCase();
    const value = m[3];
    const afterKey = m[1].length + 1 + m[2].length;
    const rest = text.slice(afterKey);
    const valueCol = afterKey + (rest.length - rest.trimStart().length) + 1;
    if (!(KEYS as readonly string[]).includes(key)) {
      errors.push({ line, column: keyCol, endColumn: keyCol + 1 + m[2].length, message: t('session.header.unknownKey', { key: quoted('@' + m[2]), known: KEYS.map((x) => '@' + x).join(', ') }) });
      return;
    }
    if (key === 'mode') {
      const v = value.toLowerCase();
      if (v !== 'guest' && v !== 'bare') {
        errors.push({ line, column: valueCol, endColumn: valueCol + Math.max(1, value.length), message: t('session.header.badMode', { value: quoted(value) }) });
      } else header.mode = v;
    } else {
      const model = getCpuModel(value);
      if (model === undefined) {
        errors.push({ line, column: valueCol, endColumn: valueCol + Math.max(1, value.length), message: t('session.header.unknownCpu', { value: quoted(value), known: cpuModelIds().join(', ') }) });
      } else header.cpu = model.id;
    }
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, header };
}
