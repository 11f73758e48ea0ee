/**
 * Guest segment access-rights format (VMCS 0x4814–0x4822), SDM Vol. 3C §24.4.1 Table 24-2; Linux VMX_AR_*.
 *
 *   3:0 segment type, 4 S (0 system, 1 code/data), 6:5 DPL, 7 P, 11:8 reserved, 12 AVL,
 *   13 L (64-bit code segment; IA-32e mode only), 14 D/B, 15 G, 16 segment unusable, 31:17 reserved.
 *
 * It is the descriptor's access byte (descriptor bits 47:40) followed by its flags nibble (bits 55:52),
 * with the limit bits 51:48 squeezed out as the reserved bits 11:8.
 */
// Words come from the string catalogue (issue 8); SDM names and mnemonics stay here as data.
import { t } from '../../../../i18n/t.ts';
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
  t('sdm.seg.dataReadOnly'),
  t('sdm.seg.dataReadOnlyAccessed'),
  t('sdm.seg.dataReadWrite'),
  t('sdm.seg.dataReadWriteAccessed'),
  t('sdm.seg.dataReadOnlyExpandDown'),
  t('sdm.seg.dataReadOnlyExpandDownAccessed'),
  t('sdm.seg.dataReadWriteExpandDown'),
  t('sdm.seg.dataReadWriteExpandDownAccessed'),
  t('sdm.seg.codeExecuteOnly'),
  t('sdm.seg.codeExecuteOnlyAccessed'),
  t('sdm.seg.codeExecuteRead'),
  t('sdm.seg.codeExecuteReadAccessed'),
  t('sdm.seg.codeExecuteOnlyConforming'),
  t('sdm.seg.codeExecuteOnlyConformingAccessed'),
  t('sdm.seg.codeExecuteReadConforming'),
  t('sdm.seg.codeExecuteReadConformingAccessed'),
];
/** System-segment and gate types in IA-32 (SDM Vol. 3A Table 3-2). */
const SYSTEM_TYPES = [
  t('sdm.part.reservedLower'),
  t('sdm.seg.16BitTssAvailable'),
  'LDT',
  t('sdm.seg.16BitTssBusy'),
  t('sdm.seg.16BitCallGate'),
  t('sdm.seg.taskGate'),
  t('sdm.seg.16BitInterruptGate'),
  t('sdm.seg.16BitTrapGate'),
  t('sdm.part.reservedLower'),
  t('sdm.seg.32BitTssAvailable'),
  t('sdm.part.reservedLower'),
  t('sdm.seg.32BitTssBusy'),
  t('sdm.seg.32BitCallGate'),
  t('sdm.part.reservedLower'),
  t('sdm.seg.32BitInterruptGate'),
  t('sdm.seg.32BitTrapGate'),
];

export function segmentTypeName(type: number, s: boolean): string {
  return (s ? DATA_TYPES : SYSTEM_TYPES)[type & 0xf]!;
}

export function decodeAccessRights(ar: number): Decoded {
  const type = bitsOf(ar, 3, 0);
  const s = bitsOf(ar, 4, 4);
  const unusable = bitsOf(ar, 16, 16);
  const parts = [
    part(t('sdm.seg.segmentType'), 3, 0, type, segmentTypeName(type, s === 1)),
    part(t('sdm.seg.sDescriptorType'), 4, 4, s, s ? t('sdm.seg.codeOrData') : t('sdm.seg.system')),
    field(ar, 'DPL', 6, 5, (v) => `${v}`),
    field(ar, t('sdm.seg.pPresent'), 7, 7, yesNo),
    field(ar, t('sdm.part.reserved'), 11, 8, (v) => (v ? t('sdm.part.setMustBe0') : '0')),
    field(ar, 'AVL', 12, 12, (v) => `${v}`),
    field(ar, t('sdm.seg.l64BitCode'), 13, 13, yesNo),
    field(ar, t('sdm.seg.dBDefaultSize'), 14, 14, (v) => (v ? '32-bit' : '16-bit')),
    field(ar, t('sdm.seg.gGranularity'), 15, 15, (v) => (v ? '4 KByte' : t('sdm.seg.byte'))),
    part(t('sdm.seg.segmentUnusable'), 16, 16, unusable, unusable ? t('sdm.seg.yesSegmentRegisterIsUnusable') : t('sdm.no')),
    field(ar, t('sdm.part.reserved'), 31, 17, (v) => (v ? t('sdm.part.setMustBe0') : '0')),
  ];
  const summary = unusable
    ? t('sdm.seg.unusable')
    : `${segmentTypeName(type, s === 1)}, DPL ${bitsOf(ar, 6, 5)}${bitsOf(ar, 7, 7) ? '' : t('sdm.seg.notPresent')}${s ? (bitsOf(ar, 14, 14) ? ', 32-bit' : ', 16-bit') : ''}${bitsOf(ar, 15, 15) ? t('sdm.seg.granular4k') : ''}`;
  return { parts, summary };
}
