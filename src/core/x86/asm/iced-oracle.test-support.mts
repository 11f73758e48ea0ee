// Test-only oracle: decodes bytes with iced-x86 (an independent, well-tested x86 decoder) so the
// assembler's tests compare against real decodings rather than against the assembler's own output.
//
// The `.mts` extension is deliberate: tsconfig.core.json compiles `src/core/**/*.ts` for the browser
// and must never see iced-x86 (a Node build that loads wasm with fs), and Vitest only collects
// `*.test.ts`. The Node test project still type-checks this file through the tests that import it.

import { Decoder, DecoderOptions, Formatter, FormatterSyntax, MemorySizeOptions } from 'iced-x86';

export interface Decoded {
  /** Formatted instruction (NASM syntax, decimal numbers, sizes shown only where needed). */
  text: string;
  /** Same, with every memory operand's size shown (`mov eax, dword [ebx]`). */
  sized: string;
  length: number;
  invalid: boolean;
}

let fmtDefault: Formatter | null = null;
let fmtSized: Formatter | null = null;

function formatter(sizes: MemorySizeOptions): Formatter {
  const f = new Formatter(FormatterSyntax.Nasm);
  f.memorySizeOptions = sizes;
  f.spaceAfterOperandSeparator = true;
  f.numberBase = 10;
  f.showBranchSize = false;
  f.uppercaseMnemonics = false;
  f.uppercaseRegisters = false;
  f.uppercaseKeywords = false;
  return f;
}

/** Decodes every instruction in `bytes` as code of the given size loaded at `ip`. */
export function decodeAll(bytes: Uint8Array, bits: 16 | 32 = 32, ip = 0x1000): Decoded[] {
  fmtDefault ??= formatter(MemorySizeOptions.Default);
  fmtSized ??= formatter(MemorySizeOptions.Always);
  const d = new Decoder(bits, bytes, DecoderOptions.None);
  d.ip = BigInt(ip);
  const out: Decoded[] = [];
  try {
    while (d.canDecode) {
      const i = d.decode();
      try {
        out.push({ text: fmtDefault.format(i), sized: fmtSized.format(i), length: i.length, invalid: i.isInvalid });
      } finally {
        i.free();
      }
    }
  } finally {
    d.free();
  }
  return out;
}

/** Decodes the first instruction. */
export function decodeOne(bytes: Uint8Array, bits: 16 | 32 = 32, ip = 0x1000): Decoded {
  return decodeAll(bytes, bits, ip)[0] ?? { text: '(empty)', sized: '(empty)', length: 0, invalid: true };
}

/** Canonical spelling for comparing instruction text: lower case, single spaces, ", " between
 *  operands, no `ptr`, `xmmword` as `oword`, and every number in decimal. */
export function normalize(s: string): string {
  return s
    .toLowerCase()
    .replace(/\bptr\b/g, ' ')
    .replace(/\bxmmword\b/g, 'oword')
    .replace(/\s*,\s*/g, ', ')
    .replace(/\s*([[\]+*:-])\s*/g, '$1')
    .replace(/\b0x([0-9a-f_]+)\b/g, (_, h: string) => BigInt('0x' + h.replace(/_/g, '')).toString())
    .replace(/\b([0-9][0-9a-f_]*)h\b/g, (_, h: string) => BigInt('0x' + h.replace(/_/g, '')).toString())
    .replace(/\s+/g, ' ')
    .replace(/ ,/g, ',')
    .trim();
}
