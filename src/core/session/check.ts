/**
 * Checks a lab program without running it (the guest editor's live feedback): the `; @` header and the
 * assembly, every error with its line and column.
 */
import { parseLabHeader } from '../lab/header.ts';
import { assemble } from '../x86/asm/index.ts';
import { PROGRAM_BASE } from '../machine/layout.ts';
import type { SpecError } from './session.ts';
// Messages come from the catalogue (issue 8: every user-visible string in one catalogue).
import { t } from '../../i18n/t.ts';

export const MAX_PROGRAM_CHARS = 200_000;

export function checkProgram(source: string): SpecError[] {
  if (typeof source !== 'string') return [{ field: 'program', message: t('session.check.notText') }];
  if (source.length > MAX_PROGRAM_CHARS) return [{ field: 'program', message: t('session.check.tooLong', { max: MAX_PROGRAM_CHARS.toLocaleString('en-US') }) }];
  const h = parseLabHeader(source);
  const errors: SpecError[] = [];
  if (!h.ok) for (const e of h.errors) errors.push({ field: 'program', message: e.message, line: e.line, column: e.column });
  const a = assemble(source, { origin: PROGRAM_BASE });
  if (!a.ok) for (const e of a.errors) errors.push({ field: 'program', message: e.message, line: e.line, column: e.column });
  if (errors.length === 0 && a.ok && a.bytes.length === 0) errors.push({ field: 'program', message: t('session.check.empty'), line: 1, column: 1 });
  return errors;
}
