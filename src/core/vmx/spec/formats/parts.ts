/**
 * Shared shape of every decoder's result: the fields of a formatted value as the UI lists them.
 */

// Words come from the string catalogue (issue 8); SDM names and mnemonics stay here as data.
import { t } from '../../../../i18n/t.ts';

export interface DecodedPart {
  /** Field name, e.g. "Access type". */
  readonly name: string;
  /** Bit range as the SDM writes it: "5:4", or "6" for one bit. */
  readonly bits: string;
  /** The field's value (unsigned). */
  readonly value: number;
  /** What the value means, e.g. "MOV to CR". */
  readonly meaning: string;
}

export interface Decoded {
  readonly parts: readonly DecodedPart[];
  /** One-line human summary, e.g. "MOV to CR3 from EAX". */
  readonly summary: string;
}

/** Unsigned value of bits hi:lo of a 32-bit number. */
export function bitsOf(value: number, hi: number, lo: number): number {
  const width = hi - lo + 1;
  const shifted = value >>> lo;
  return width >= 32 ? shifted >>> 0 : (shifted & ((2 ** width - 1) | 0)) >>> 0;
}

export function part(name: string, hi: number, lo: number, value: number, meaning: string): DecodedPart {
  return { name, bits: hi === lo ? `${hi}` : `${hi}:${lo}`, value, meaning };
}

/** A part read from `word`, with a meaning computed from the field value. */
export function field(word: number, name: string, hi: number, lo: number, meaning: (v: number) => string): DecodedPart {
  const v = bitsOf(word, hi, lo);
  return part(name, hi, lo, v, meaning(v));
}

export const yesNo = (v: number): string => (v ? t('sdm.yes') : t('sdm.no'));

export function hex(v: number, digits = 0): string {
  const s = (v >>> 0).toString(16).toUpperCase();
  return '0x' + (digits ? s.padStart(digits, '0') : s);
}

/**
 * General-purpose register numbers as the exit-qualification and instruction-information formats use them
 * (SDM Vol. 3C Table 27-3: 0 = RAX … 7 = RDI, 8–15 = R8–R15). VT Lab is IA-32, so the 32-bit names are shown;
 * 8–15 exist only in 64-bit mode.
 */
export const GPR_NAMES: readonly string[] = [
  'EAX', 'ECX', 'EDX', 'EBX', 'ESP', 'EBP', 'ESI', 'EDI',
  'R8', 'R9', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15',
];

export function gprName(n: number): string {
  return GPR_NAMES[n & 15]!;
}

/** Segment-register numbers (SDM Vol. 3C Tables 27-8..27-14: 0 ES, 1 CS, 2 SS, 3 DS, 4 FS, 5 GS). */
export const SEGMENT_NAMES: readonly string[] = ['ES', 'CS', 'SS', 'DS', 'FS', 'GS', t('sdm.part.reservedN', { n: 6 }), t('sdm.part.reservedN', { n: 7 })];

/** Address-size encoding of the instruction-information field (0 16-bit, 1 32-bit, 2 64-bit). */
export const ADDRESS_SIZE_NAMES: readonly string[] = ['16-bit', '32-bit', '64-bit', ...[3, 4, 5, 6, 7].map((n) => t('sdm.part.reservedN', { n }))];

export function summaryOf(parts: readonly DecodedPart[], summary: string): Decoded {
  return { parts, summary };
}
