// Public API of the VT Lab assembler: Intel-syntax (NASM-flavoured) IA-32 source → machine code.
// Pure TypeScript (docs/CONVENTIONS.md): runs in the browser worker and in the Node CLI.

// Messages come from the catalogue (issue 8: every user-visible string in one catalogue).
import '../../../i18n/en/asm.ts';
import { t } from '../../../i18n/t.ts';
import { ErrorSink, formatAsmError, type AsmError } from './diagnostics.ts';
import { Layout } from './layout.ts';
import { parseSource } from './parser.ts';
import { STRING_OPERAND_MNEMONICS } from './strings.ts';
import { FORMS } from './tables.ts';

export type { AsmError };
export { formatAsmError };

export interface ListingLine {
  /** 1-based source line. */
  line: number;
  /** Address of the line's first byte. */
  address: number;
  /** The bytes the line produced (a view into the output, not a copy). */
  bytes: Uint8Array;
  /** The source line as written. */
  source: string;
}

export type AssembleResult =
  | { ok: true; bytes: Uint8Array; origin: number; symbols: Record<string, number>; listing: ListingLine[]; entry: number }
  | { ok: false; errors: AsmError[] };

export interface AssembleOptions {
  /** Load address when the source has no `org` (default 0x1000). */
  origin?: number;
  /** Initial code size; `bits` directives in the source change it (default 32). */
  bits?: 16 | 32;
}

/** Every instruction mnemonic the assembler accepts (for editor highlighting and completion). */
export const MNEMONICS: readonly string[] = [...new Set([...FORMS.keys(), ...STRING_OPERAND_MNEMONICS])].sort();

/** The default load address of a lab program (the brief's choice; `org` overrides it). */
export const DEFAULT_ORIGIN = 0x1000;

/** Assembles a whole program. Never throws: every problem comes back as an error value. */
export function assemble(source: string, options?: AssembleOptions): AssembleResult {
  const sink = new ErrorSink();
  try {
    const text = typeof source === 'string' ? source.replace(/^\uFEFF/, '') : '';
    const lines = text.split(/\r\n|\n|\r/);
    const bits = options?.bits === 16 ? 16 : 32;
    const o = options?.origin;
    const origin = typeof o === 'number' && Number.isInteger(o) && o >= 0 && o <= 0xffffffff ? o : DEFAULT_ORIGIN;
    const parsed = parseSource(lines, bits, sink);
    const out = new Layout(parsed.lines, sink, origin).run();
    if (!out || sink.count > 0) return { ok: false, errors: sink.result() };
    const symbols: Record<string, number> = Object.fromEntries([...out.symbols].map(([k, v]) => [k, Number(v)]));
    const listing: ListingLine[] = out.placed.map((p) => ({
      line: p.line,
      address: p.address,
      bytes: out.bytes.subarray(p.start, p.end),
      source: p.source,
    }));
    const start = out.symbols.get('start') ?? out.symbols.get('_start');
    return { ok: true, bytes: out.bytes, origin: out.origin, symbols, listing, entry: start !== undefined ? Number(start) : out.origin };
  } catch (e) {
    // A bug must not take the editor down; report it like any other error.
    const message = e instanceof RangeError ? t('asm.assembler.tooLarge') : t('asm.assembler.internalError', { detail: String(e) });
    return { ok: false, errors: [...sink.result(), { line: 1, column: 1, endColumn: 2, message }].slice(0, 100) };
  }
}
