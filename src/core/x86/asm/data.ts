// DB/DW/DD/DQ: strings and values laid out little-endian (NASM §3.2.1 "DB and Friends").

// Messages come from the catalogue (issue 8: every user-visible string in one catalogue).
import '../../../i18n/en/asm.ts';
import { t } from '../../../i18n/t.ts';
import { littleEndian } from './ea.ts';
import { evaluate, usesHere, utf8, type EvalEnv } from './expr.ts';
import type { DataItem } from './parser.ts';

/** Size in bytes of a data directive; it never depends on symbol values. */
export function dataSize(unit: number, items: DataItem[]): number {
  let n = 0;
  for (const it of items) n += it.k === 'str' ? padded(utf8(it.text).length, unit) : unit;
  return n;
}

function padded(len: number, unit: number): number {
  // A string in DW/DD/DQ is padded with zeros to a whole number of units (NASM §3.2.1).
  return Math.ceil(len / unit) * unit;
}

/** Encodes data items. Byte and word values must fit (-128..255, -32768..65535); dword and qword
 *  values wrap to their width, as the brief asks for 32-bit data. */
export function encodeData(unit: 1 | 2 | 4 | 8, items: DataItem[], env: EvalEnv, out: number[]): void {
  for (const it of items) {
    if (it.k === 'str') {
      const b = utf8(it.text);
      for (const x of b) out.push(x);
      for (let i = b.length; i < padded(b.length, unit); i++) out.push(0);
      continue;
    }
    let v = evaluate(it.e, env) ?? 0n;
    if (unit <= 2) {
      const bits = BigInt(unit * 8);
      const lo = -(1n << (bits - 1n));
      const hi = (1n << bits) - 1n;
      if (v < lo || v > hi) {
        env.error(it.span, t(unit === 1 ? 'asm.data.valueNotByte' : 'asm.data.valueNotWord', { value: String(v) }));
        v = 0n;
      }
    }
    littleEndian(v, unit, out);
  }
}

/** Does any value use `$` (so each TIMES repetition differs)? */
export function dataUsesHere(items: DataItem[]): boolean {
  return items.some((it) => it.k === 'expr' && usesHere(it.e));
}
