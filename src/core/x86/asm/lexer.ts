// Splits one source line into tokens. NASM lexical rules (NASM manual §3.1 "Layout of a NASM Source
// Line", §3.4.1 "Numeric Constants", §3.4.2 "Character Strings").

// `tr` is the catalogue's `t` (issue 8: every user-visible string in one catalogue); `t` names a token here.
import '../../../i18n/en/asm.ts';
import { t as tr } from '../../../i18n/t.ts';
import { quote, type ErrorSink } from './diagnostics.ts';

export type TokKind =
  | 'id' // identifier, keyword, mnemonic or register (the parser decides)
  | 'num' // numeric literal, value in `value`
  | 'str' // quoted string, contents in `str` (already unescaped)
  | 'op' // punctuation or operator
  | 'here' // $
  | 'base'; // $$

export interface Token {
  kind: TokKind;
  /** Source text for id/op; for strings the raw text including quotes. */
  text: string;
  /** 1-based start column and exclusive end column (UTF-16 units). */
  col: number;
  end: number;
  value: bigint;
  /** Unescaped contents of a string token. */
  str: string;
}

const MULTI_OPS = ['<<', '>>', '//', '%%'];
const SINGLE_OPS = '+-*/%&|^~!()[],:=';

function isIdStart(c: number): boolean {
  return (
    (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 /* _ */ || c === 46 /* . */ || c === 63 /* ? */ || c === 64 /* @ */
  );
}
function isIdChar(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57) || c === 36 /* $ */;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13 || c === 0xa0 || c === 0xfeff;
}

/** Largest literal accepted: 64 bits, the width NASM evaluates expressions in. */
const MAX_LITERAL = (1n << 64n) - 1n;

/** Parses a numeric literal in any NASM spelling: 0x1F, 1Fh, 0b1010, 1010b, 0o17, 17q, 17o, 0d99,
 *  99d, with `_` separators. Returns the value, or an error message. */
export function parseNumber(raw: string): bigint | string {
  let s = raw.replace(/_/g, '').toLowerCase();
  if (s.includes('.') || /^[0-9]+e[0-9]+$/.test(s)) return tr('asm.lexer.floatUnsupported', { text: quote(raw) });
  let radix = 10;
  let digits = s;
  const prefix = s.slice(0, 2);
  // A trailing 'h' means hex even if the text also looks like it has a prefix (NASM §3.4.1).
  if (s.length > 1 && s.endsWith('h') && /^[0-9][0-9a-f]*$/.test(s.slice(0, -1))) {
    radix = 16;
    digits = s.slice(0, -1);
  } else if (prefix === '0x' || prefix === '0h') {
    radix = 16;
    digits = s.slice(2);
  } else if (prefix === '0b' || prefix === '0y') {
    radix = 2;
    digits = s.slice(2);
  } else if (prefix === '0o' || prefix === '0q') {
    radix = 8;
    digits = s.slice(2);
  } else if (prefix === '0d' || prefix === '0t') {
    radix = 10;
    digits = s.slice(2);
  } else if (s.length > 1 && (s.endsWith('b') || s.endsWith('y'))) {
    radix = 2;
    digits = s.slice(0, -1);
  } else if (s.length > 1 && (s.endsWith('q') || s.endsWith('o'))) {
    radix = 8;
    digits = s.slice(0, -1);
  } else if (s.length > 1 && (s.endsWith('d') || s.endsWith('t'))) {
    radix = 10;
    digits = s.slice(0, -1);
  }
  s = digits;
  if (s.length === 0) return tr('asm.lexer.malformedNumber', { text: quote(raw) });
  const valid = radix === 16 ? /^[0-9a-f]+$/ : radix === 10 ? /^[0-9]+$/ : radix === 8 ? /^[0-7]+$/ : /^[01]+$/;
  if (!valid.test(s)) return tr('asm.lexer.malformedNumber', { text: quote(raw) });
  const significant = s.replace(/^0+/, '');
  // Bound the work before handing a possibly enormous digit string to BigInt.
  const maxDigits = radix === 16 ? 16 : radix === 10 ? 20 : radix === 8 ? 22 : 64;
  if (significant.length > maxDigits) return tr('asm.lexer.numberTooLarge', { text: quote(raw) });
  if (significant.length === 0) return 0n;
  let v: bigint;
  if (radix === 10) v = BigInt(significant);
  else v = BigInt((radix === 16 ? '0x' : radix === 8 ? '0o' : '0b') + significant);
  if (v > MAX_LITERAL) return tr('asm.lexer.numberTooLarge', { text: quote(raw) });
  return v;
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  e: '\x1b',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '`': '`',
  '?': '?',
};

function tok(kind: TokKind, text: string, start: number, end: number): Token {
  return { kind, text, col: start + 1, end: end + 1, value: 0n, str: '' };
}

/** Tokenizes one line. Stops at a `;` comment. Reports bad characters and unterminated strings to
 *  `sink` and returns null for such a line, so that one bad line does not cascade into more errors. */
export function lexLine(text: string, line: number, sink: ErrorSink): Token[] | null {
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 59 /* ; */) break;
    const start = i;
    if (isIdStart(c)) {
      i++;
      while (i < n && isIdChar(text.charCodeAt(i))) i++;
      out.push(tok('id', text.slice(start, i), start, i));
      continue;
    }
    if (isDigit(c)) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (isIdChar(d) && d !== 36 && d !== 64 && d !== 63) i++;
        else break;
      }
      const raw = text.slice(start, i);
      const t = tok('num', raw, start, i);
      const v = parseNumber(raw);
      if (typeof v === 'string') {
        sink.add(line, { col: start + 1, end: i + 1 }, v);
        return null;
      }
      t.value = v;
      out.push(t);
      continue;
    }
    if (c === 36 /* $ */) {
      if (i + 1 < n && text.charCodeAt(i + 1) === 36) {
        out.push(tok('base', '$$', start, i + 2));
        i += 2;
      } else {
        out.push(tok('here', '$', start, i + 1));
        i += 1;
      }
      continue;
    }
    if (c === 39 || c === 34 || c === 96 /* ' " ` */) {
      const q = text[i];
      i++;
      let s = '';
      let closed = false;
      let segStart = i;
      while (i < n) {
        const ch = text[i];
        if (ch === q) {
          s += text.slice(segStart, i);
          closed = true;
          i++;
          break;
        }
        if (q === '`' && ch === '\\' && i + 1 < n) {
          s += text.slice(segStart, i);
          const e = text[i + 1];
          if (e === 'x' || e === 'X') {
            const m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 2, i + 4));
            if (m) {
              s += String.fromCharCode(parseInt(m[0], 16));
              i += 2 + m[0].length;
            } else {
              s += 'x';
              i += 2;
            }
          } else if (e >= '0' && e <= '7') {
            const m = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4))!;
            s += String.fromCharCode(parseInt(m[0], 8) & 0xff);
            i += 1 + m[0].length;
          } else {
            s += ESCAPES[e] ?? e;
            i += 2;
          }
          segStart = i;
          continue;
        }
        i++;
      }
      if (!closed) {
        sink.add(line, { col: start + 1, end: n + 1 }, tr('asm.lexer.unterminatedString', { quote: q }));
        return null;
      }
      const t = tok('str', text.slice(start, i), start, i);
      t.str = s;
      out.push(t);
      continue;
    }
    const two = text.slice(i, i + 2);
    if (MULTI_OPS.includes(two)) {
      out.push(tok('op', two, start, i + 2));
      i += 2;
      continue;
    }
    if (SINGLE_OPS.includes(text[i])) {
      out.push(tok('op', text[i], start, i + 1));
      i++;
      continue;
    }
    // Report the whole code point (a surrogate pair is one character to the user).
    const cp = text.codePointAt(i) ?? c;
    const ch = String.fromCodePoint(cp);
    const shown = cp < 32 || cp === 127 ? `\\x${cp.toString(16).padStart(2, '0')}` : ch;
    const message = tr(c === 35 /* # */ ? 'asm.lexer.unexpectedHash' : 'asm.lexer.unexpectedCharacter', { char: shown });
    sink.add(line, { col: start + 1, end: start + 1 + ch.length }, message);
    return null;
  }
  return out;
}
