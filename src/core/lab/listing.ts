/**
 * The disassembly listing of a lab program: address, bytes, mnemonic and the source line, for the CLI
 * (`npm run -s lab -- disasm FILE.s`) and the app's code panel. Instruction lines are disassembled by the
 * core's own decoder; data directives are shown as their bytes.
 */
import { assemble, type AsmError } from '../x86/asm/index.ts';
import { disassemble } from '../x86/disasm/index.ts';
import { PROGRAM_BASE } from '../machine/layout.ts';

export interface ListingRow {
  address: number;
  bytes: number[];
  text: string;
  line: number;
  source: string;
  data: boolean;
}

const DATA = /^\s*(?:[.\w$@]+:\s*)?(?:times\s+\S+\s+)?(?:db|dw|dd|dq|align|alignb|res[bwdq])\b/i;

export function labListing(source: string): { ok: true; rows: ListingRow[] } | { ok: false; errors: AsmError[] } {
  const a = assemble(source, { origin: PROGRAM_BASE });
  if (!a.ok) return { ok: false, errors: a.errors };
  const rows: ListingRow[] = [];
  // The code size each source line is assembled in: `bits 16` / `bits 32` (and their synonyms) emit no bytes, so the
  // assembler's listing has no row for them; follow them through the source text instead.
  const bitsAt: (16 | 32)[] = [32];
  let mode: 16 | 32 = 32;
  source.split('\n').forEach((text, k) => {
    if (/^\s*\[?\s*(?:bits\s+16|use16|\.code16)\b/i.test(text)) mode = 16;
    else if (/^\s*\[?\s*(?:bits\s+32|use32|\.code32)\b/i.test(text)) mode = 32;
    bitsAt[k + 1] = mode; // listing lines are 1-based
  });
  for (const l of a.listing) {
    if (l.bytes.length === 0) continue;
    const bits = bitsAt[l.line] ?? 32;
    if (DATA.test(l.source)) {
      rows.push({ address: l.address, bytes: Array.from(l.bytes), text: l.source.trim(), line: l.line, source: l.source, data: true });
      continue;
    }
    // Addresses from the line's own (linear) address: a 16-bit decoder's IP wraps at 64 KiB.
    let offset = 0;
    for (const d of disassemble(l.bytes, l.address, bits)) {
      rows.push({ address: (l.address + offset) >>> 0, bytes: Array.from(d.bytes), text: d.text, line: l.line, source: l.source, data: false });
      offset += d.bytes.length;
    }
  }
  return { ok: true, rows };
}

export function formatListing(rows: ListingRow[]): string {
  return rows
    .map((r) => {
      const hexBytes = r.bytes.slice(0, 10).map((b) => b.toString(16).padStart(2, '0')).join(' ') + (r.bytes.length > 10 ? ' …' : '');
      return `${r.address.toString(16).padStart(8, '0')}  ${hexBytes.padEnd(31)} ${r.data ? '' : r.text.padEnd(34)} ; ${r.line}: ${r.source.trim()}`;
    })
    .join('\n');
}
