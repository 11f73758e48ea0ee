/**
 * Guest segment access-rights format (VMCS 0x4814–0x4822), SDM Vol. 3C §24.4.1 Table 24-2; Linux VMX_AR_*.
 *
 *   3:0 segment type, 4 S (0 system, 1 code/data), 6:5 DPL, 7 P, 11:8 reserved, 12 AVL,
 *   13 L (64-bit code segment; IA-32e mode only), 14 D/B, 15 G, 16 segment unusable, 31:17 reserved.
 *
 * It is the descriptor's access byte (descriptor bits 47:40) followed by its flags nibble (bits 55:52),
 * with the limit bits 51:48 squeezed out as the reserved bits 11:8.
 */
import { type Decoded, bitsOf, field, part, yesNo } from './parts.ts';

export const AccessRights = Object.freeze({
  TYPE_MASK: 0x0000f,
  S: 0x00010,
  DPL_MASK: 0x00060,
  DPL_SHIFT: 5,
  P: 0x00080,
  AVL: 0x01000,
  L: 0x02000,
  DB: 0x04000,
  G: 0x08000,
  UNUSABLE: 0x10000,
} as const);

/** Bits 11:8 and 31:17: reserved, must be 0 for a usable segment (SDM Vol. 3C §26.3.1.2). */
export const ACCESS_RIGHTS_RESERVED_MASK = 0xfffe0f00;
/** The bits some processors keep on VMWRITE (KVM nested.c handle_vmwrite masks AR writes with 0x1F0FF). */
export const ACCESS_RIGHTS_WRITABLE_MASK = 0x1f0ff;

/**
 * AR value from a descriptor's access byte (bits 47:40: type, S, DPL, P) and flags nibble (bits 55:52:
 * AVL, L, D/B, G).
 */
export function accessRightsFromDescriptor(accessByte: number, flagsNibble: number): number {
  return ((accessByte & 0xff) | ((flagsNibble & 0xf) << 12)) >>> 0;
}

/** AR value from the high dword of a segment descriptor (the dword at descriptor address + 4). */
export function accessRightsFromDescriptorHigh(descriptorHigh: number): number {
  return accessRightsFromDescriptor((descriptorHigh >>> 8) & 0xff, (descriptorHigh >>> 20) & 0xf);
}

const DATA_TYPES = [
  'data, read-only',
  'data, read-only, accessed',
  'data, read/write',
  'data, read/write, accessed',
  'data, read-only, expand-down',
  'data, read-only, expand-down, accessed',
  'data, read/write, expand-down',
  'data, read/write, expand-down, accessed',
  'code, execute-only',
  'code, execute-only, accessed',
  'code, execute/read',
  'code, execute/read, accessed',
  'code, execute-only, conforming',
  'code, execute-only, conforming, accessed',
  'code, execute/read, conforming',
  'code, execute/read, conforming, accessed',
];
/** System-segment and gate types in IA-32 (SDM Vol. 3A Table 3-2). */
const SYSTEM_TYPES = [
  'reserved',
  '16-bit TSS (available)',
  'LDT',
  '16-bit TSS (busy)',
  '16-bit call gate',
  'task gate',
  '16-bit interrupt gate',
  '16-bit trap gate',
  'reserved',
  '32-bit TSS (available)',
  'reserved',
  '32-bit TSS (busy)',
  '32-bit call gate',
  'reserved',
  '32-bit interrupt gate',
  '32-bit trap gate',
];

export function segmentTypeName(type: number, s: boolean): string {
  return (s ? DATA_TYPES : SYSTEM_TYPES)[type & 0xf]!;
}

export function decodeAccessRights(ar: number): Decoded {
  const type = bitsOf(ar, 3, 0);
  const s = bitsOf(ar, 4, 4);
  const unusable = bitsOf(ar, 16, 16);
  const parts = [
    part('Segment type', 3, 0, type, segmentTypeName(type, s === 1)),
    part('S (descriptor type)', 4, 4, s, s ? 'code or data' : 'system'),
    field(ar, 'DPL', 6, 5, (v) => `${v}`),
    field(ar, 'P (present)', 7, 7, yesNo),
    field(ar, 'Reserved', 11, 8, (v) => (v ? 'set (must be 0)' : '0')),
    field(ar, 'AVL', 12, 12, (v) => `${v}`),
    field(ar, 'L (64-bit code)', 13, 13, yesNo),
    field(ar, 'D/B (default size)', 14, 14, (v) => (v ? '32-bit' : '16-bit')),
    field(ar, 'G (granularity)', 15, 15, (v) => (v ? '4 KByte' : 'byte')),
    part('Segment unusable', 16, 16, unusable, unusable ? 'yes (segment register is unusable)' : 'no'),
    field(ar, 'Reserved', 31, 17, (v) => (v ? 'set (must be 0)' : '0')),
  ];
  const summary = unusable
    ? 'unusable'
    : `${segmentTypeName(type, s === 1)}, DPL ${bitsOf(ar, 6, 5)}${bitsOf(ar, 7, 7) ? '' : ', not present'}${s ? (bitsOf(ar, 14, 14) ? ', 32-bit' : ', 16-bit') : ''}${bitsOf(ar, 15, 15) ? ', 4K granular' : ''}`;
  return { parts, summary };
}
