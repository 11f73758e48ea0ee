/**
 * Checks a lab program without running it (the guest editor's live feedback): the `; @` header and the
 * assembly, every error with its line and column.
 */
import { parseLabHeader } from '../lab/header.ts';
import { assemble } from '../x86/asm/index.ts';
import { PROGRAM_BASE } from '../machine/layout.ts';
import type { SpecError } from './session.ts';

export const MAX_PROGRAM_CHARS = 200_000;

export function checkProgram(source: string): SpecError[] {
  if (typeof source !== 'string') return [{ field: 'program', message: 'the program must be text' }];
  if (source.length > MAX_PROGRAM_CHARS) return [{ field: 'program', message: `the program is longer than ${MAX_PROGRAM_CHARS.toLocaleString('en-US')} characters` }];
  const h = parseLabHeader(source);
  const errors: SpecError[] = [];
  if (!h.ok) for (const e of h.errors) errors.push({ field: 'program', message: e.message, line: e.line, column: e.column });
  const a = assemble(source, { origin: PROGRAM_BASE });
  if (!a.ok) for (const e of a.errors) errors.push({ field: 'program', message: e.message, line: e.line, column: e.column });
  if (errors.length === 0 && a.ok && a.bytes.length === 0) errors.push({ field: 'program', message: 'the program is empty: there is no instruction to run', line: 1, column: 1 });
  return errors;
}
