/**
 * Fault reason codes of Intel VT-d remapping hardware and the text an OS prints for each.
 *
 * Codes and meanings: Intel VT-d Architecture Specification (Rev. 5.10, D51397-018) 7.1.3 "Fault Conditions and
 * Remapping Hardware Behavior for Various Requests" and 5.1.4.1 "Interrupt Remapping Fault Conditions". The texts are the strings Linux
 * prints, `dma_remap_fault_reasons[]` and `irq_remap_fault_reasons[]` in drivers/iommu/intel/dmar.c, also listed in
 * /work/shared/reference/usage-models.md §E. QEMU hw/i386/intel_iommu_internal.h `enum VTDFaultReason` names
 * the same codes (VTD_FR_ROOT_ENTRY_P = 1 … VTD_FR_CONTEXT_ENTRY_TT, VTD_FR_IR_REQ_RSVD = 0x20 … VTD_FR_IR_SID_ERR = 0x26).
 */
import { t } from '../../i18n/t.ts';
import '../../i18n/en/vtd.ts';

/** DMA-remapping fault reasons 0h–Dh (legacy-mode translation). */
export const DMA_FAULT = {
  /** Reserved for advanced fault logging; hardware never reports it for a primary fault. */
  SOFTWARE: 0x0,
  ROOT_ENTRY_NOT_PRESENT: 0x1,
  CONTEXT_ENTRY_NOT_PRESENT: 0x2,
  /** Context entry programmed with an AW or TT the hardware does not support, or SLPTPTR not accessible. */
  INVALID_CONTEXT_ENTRY: 0x3,
  /** Input address above 2^X − 1, X = min(MGAW, the context entry's AW). */
  BEYOND_MGAW: 0x4,
  WRITE_NOT_ALLOWED: 0x5,
  READ_NOT_ALLOWED: 0x6,
  /** Accessing a next-level second-level paging entry (through a previous entry's ADDR) failed. */
  NEXT_TABLE_INVALID: 0x7,
  ROOT_TABLE_INVALID: 0x8,
  CONTEXT_TABLE_INVALID: 0x9,
  ROOT_ENTRY_RESERVED: 0xa,
  CONTEXT_ENTRY_RESERVED: 0xb,
  PTE_RESERVED: 0xc,
  /** Translation request or translated request blocked by the context entry's Translation Type (TT). */
  TT_BLOCKED: 0xd,
} as const;

/** Interrupt-remapping fault reasons 20h–26h. */
export const IR_FAULT = {
  REQUEST_RESERVED: 0x20,
  INDEX_BEYOND_TABLE: 0x21,
  IRTE_NOT_PRESENT: 0x22,
  IRT_ACCESS_ERROR: 0x23,
  IRTE_RESERVED: 0x24,
  COMPATIBILITY_BLOCKED: 0x25,
  SOURCE_ID_CHECK: 0x26,
} as const;

/** Linux drivers/iommu/intel/dmar.c `dma_remap_fault_reasons[]`, index = reason code. */
export const DMA_FAULT_TEXT: readonly string[] = [
  'Software',
  'Present bit in root entry is clear', // i18n-ignore: verbatim Linux dmesg text
  'Present bit in context entry is clear', // i18n-ignore: verbatim Linux dmesg text
  'Invalid context entry', // i18n-ignore: verbatim Linux dmesg text
  'Access beyond MGAW', // i18n-ignore: verbatim Linux dmesg text
  'PTE Write access is not set', // i18n-ignore: verbatim Linux dmesg text
  'PTE Read access is not set', // i18n-ignore: verbatim Linux dmesg text
  'Next page table ptr is invalid', // i18n-ignore: verbatim Linux dmesg text
  'Root table address invalid', // i18n-ignore: verbatim Linux dmesg text
  'Context table ptr is invalid', // i18n-ignore: verbatim Linux dmesg text
  'non-zero reserved fields in RTP', // i18n-ignore: verbatim Linux dmesg text
  'non-zero reserved fields in CTP', // i18n-ignore: verbatim Linux dmesg text
  'non-zero reserved fields in PTE', // i18n-ignore: verbatim Linux dmesg text
  'PCE for translation request specifies blocking', // i18n-ignore: verbatim Linux dmesg text
];

/** Linux drivers/iommu/intel/dmar.c `irq_remap_fault_reasons[]`, index = reason code − 0x20. */
export const IR_FAULT_TEXT: readonly string[] = [
  'Detected reserved fields in the decoded interrupt-remapped request', // i18n-ignore: verbatim Linux dmesg text
  'Interrupt index exceeded the interrupt-remapping table size', // i18n-ignore: verbatim Linux dmesg text
  'Present field in the IRTE entry is clear', // i18n-ignore: verbatim Linux dmesg text
  'Error accessing interrupt-remapping table pointed by IRTA_REG', // i18n-ignore: verbatim Linux dmesg text
  'Detected reserved fields in the IRTE entry', // i18n-ignore: verbatim Linux dmesg text
  'Blocked a compatibility format interrupt request', // i18n-ignore: verbatim Linux dmesg text
  'Blocked an interrupt request due to source-id verification failure', // i18n-ignore: verbatim Linux dmesg text
];

/** What each code means in the spec's words (shortened), for the decoded fault record. */
export const FAULT_MEANING: Readonly<Record<number, string>> = {
  0x1: t('vtd.reasons.thePresentFieldOfThe'),
  0x2: t('vtd.reasons.thePresentFieldOfThe2'),
  0x3: t('vtd.reasons.theContextEntryAsksFor'),
  0x4: t('vtd.reasons.theInputAddressIsAbove'),
  0x5: t('vtd.reasons.aWriteToAnAddress'),
  0x6: t('vtd.reasons.aReadFromAnAddress'),
  0x7: t('vtd.reasons.readingANextLevelSecond'),
  0x8: t('vtd.reasons.readingTheRootTableThrough'),
  0x9: t('vtd.reasons.readingTheContextTableThrough'),
  0xa: t('vtd.reasons.aPresentRootEntryHas'),
  0xb: t('vtd.reasons.aPresentContextEntryHas'),
  0xc: t('vtd.reasons.aSecondLevelPagingEntry'),
  0xd: t('vtd.reasons.aTranslationRequestOrTranslated'),
  0x20: t('vtd.reasons.theRemappableFormatRequestHas'),
  0x21: t('vtd.reasons.theInterruptIndexIsNot'),
  0x22: t('vtd.reasons.theIrteTheIndexSelects'),
  0x23: t('vtd.reasons.readingTheInterruptRemappingTable'),
  0x24: t('vtd.reasons.thePresentIrteHasNon'),
  0x25: t('vtd.reasons.aCompatibilityFormatInterruptArrived'),
  0x26: t('vtd.reasons.theRequesterSSourceId'),
};

export type FaultKind = 'dma' | 'ir' | 'unknown';

/** The reason's text and family as Linux's `dmar_get_fault_reason` classifies it (0x20.. interrupt, 0.. DMA). */
export function faultReason(code: number): { kind: FaultKind; text: string } {
  if (code >= 0x20 && code - 0x20 < IR_FAULT_TEXT.length) return { kind: 'ir', text: IR_FAULT_TEXT[code - 0x20] };
  if (code >= 0 && code < DMA_FAULT_TEXT.length) return { kind: 'dma', text: DMA_FAULT_TEXT[code] };
  return { kind: 'unknown', text: 'Unknown' };
}
