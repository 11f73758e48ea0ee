/**
 * Structure of a VMCS component encoding: the 32-bit value VMREAD/VMWRITE take in their register operand.
 *
 * SDM Vol. 3C §24.11.2 "VMREAD, VMWRITE, and Encodings of VMCS Fields" (Table 24-21) and App. B;
 * Bochs `bochs/cpu/vmx.h` (VMCS_FIELD_* macros, VMCS_ENCODING_RESERVED_BITS); KUT `x86/vmx.h`.
 *
 *   bit 0      access type: 0 = full, 1 = high (upper 32 bits of a 64-bit field; 64-bit fields only)
 *   bits 9:1   index
 *   bits 11:10 type: 0 control, 1 VM-exit information (read-only), 2 guest state, 3 host state
 *   bit 12     reserved (0)
 *   bits 14:13 width: 0 16-bit, 1 64-bit, 2 32-bit, 3 natural-width
 *   bits 31:15 reserved (0)
 */

export type FieldWidth = 16 | 32 | 64 | 'natural';
export type FieldType = 'control' | 'exit-info' | 'guest' | 'host';

/** Bits that must be 0 in an encoding (Bochs `VMCS_ENCODING_RESERVED_BITS`). SDM Vol. 3C §24.11.2. */
export const VMCS_ENCODING_RESERVED_MASK = 0xffff9000;

/** Width field values (bits 14:13). SDM Vol. 3C Table 24-21. */
export const WIDTH_BITS: { readonly [K in FieldWidth as `${K}`]: number } = {
  '16': 0,
  '64': 1,
  '32': 2,
  natural: 3,
};
const WIDTH_FROM_BITS: readonly FieldWidth[] = [16, 64, 32, 'natural'];

/** Type field values (bits 11:10). SDM Vol. 3C Table 24-21. */
export const TYPE_BITS: { readonly [K in FieldType]: number } = {
  control: 0,
  'exit-info': 1,
  guest: 2,
  host: 3,
};
const TYPE_FROM_BITS: readonly FieldType[] = ['control', 'exit-info', 'guest', 'host'];

export function encodingWidth(encoding: number): FieldWidth {
  return WIDTH_FROM_BITS[(encoding >>> 13) & 3]!;
}

export function encodingType(encoding: number): FieldType {
  return TYPE_FROM_BITS[(encoding >>> 10) & 3]!;
}

export function encodingIndex(encoding: number): number {
  return (encoding >>> 1) & 0x1ff;
}

/** Bit 0 = 1: the "high" access type, which names bits 63:32 of a 64-bit field. */
export function isHighAccess(encoding: number): boolean {
  return (encoding & 1) === 1;
}

/** True when the value is a 32-bit unsigned integer with no reserved encoding bit set. */
export function hasValidEncodingShape(encoding: number): boolean {
  return (
    Number.isInteger(encoding) &&
    encoding >= 0 &&
    encoding <= 0xffffffff &&
    (encoding & VMCS_ENCODING_RESERVED_MASK) === 0
  );
}

/**
 * The structural rules of SDM Vol. 3C §24.11.2 that do not depend on which fields exist: reserved bits 0,
 * and the high access type only with 64-bit width ("A high access is only legal for 64-bit fields").
 */
export function isWellFormedEncoding(encoding: number): boolean {
  if (!hasValidEncodingShape(encoding)) return false;
  return !isHighAccess(encoding) || encodingWidth(encoding) === 64;
}

/** Build an encoding from its parts. */
export function makeEncoding(width: FieldWidth, type: FieldType, index: number, high = false): number {
  return (
    (WIDTH_BITS[`${width}`] << 13) | (TYPE_BITS[type] << 10) | ((index & 0x1ff) << 1) | (high ? 1 : 0)
  );
}

/** The full-access encoding of the field an encoding addresses (clears bit 0). */
export function fullEncodingOf(encoding: number): number {
  return encoding & ~1 & 0x7fff;
}

/** Size in bytes a field occupies for a model with 32-bit natural width (IA-32; no Intel 64 yet). */
export function fieldByteSize(width: FieldWidth): 2 | 4 | 8 {
  return width === 16 ? 2 : width === 64 ? 8 : 4;
}
