/**
 * Fault reason codes of Intel VT-d remapping hardware and the text an OS prints for each.
 *
 * Codes and meanings: Intel VT-d Architecture Specification (Rev. 5.10, D51397-018) 7.1.3 "Fault Conditions and
 * Remapping Hardware Behavior for Various Requests" and 5.1.4.1 "Interrupt Remapping Fault Conditions". The texts are the strings Linux
 * prints, `dma_remap_fault_reasons[]` and `irq_remap_fault_reasons[]` in drivers/iommu/intel/dmar.c, also listed in
 * /work/shared/reference/usage-models.md §E. QEMU hw/i386/intel_iommu_internal.h `enum VTDFaultReason` names
 * the same codes (VTD_FR_ROOT_ENTRY_P = 1 … VTD_FR_CONTEXT_ENTRY_TT, VTD_FR_IR_REQ_RSVD = 0x20 … VTD_FR_IR_SID_ERR = 0x26).
 */

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
  'Present bit in root entry is clear',
  'Present bit in context entry is clear',
  'Invalid context entry',
  'Access beyond MGAW',
  'PTE Write access is not set',
  'PTE Read access is not set',
  'Next page table ptr is invalid',
  'Root table address invalid',
  'Context table ptr is invalid',
  'non-zero reserved fields in RTP',
  'non-zero reserved fields in CTP',
  'non-zero reserved fields in PTE',
  'PCE for translation request specifies blocking',
];

/** Linux drivers/iommu/intel/dmar.c `irq_remap_fault_reasons[]`, index = reason code − 0x20. */
export const IR_FAULT_TEXT: readonly string[] = [
  'Detected reserved fields in the decoded interrupt-remapped request',
  'Interrupt index exceeded the interrupt-remapping table size',
  'Present field in the IRTE entry is clear',
  'Error accessing interrupt-remapping table pointed by IRTA_REG',
  'Detected reserved fields in the IRTE entry',
  'Blocked a compatibility format interrupt request',
  'Blocked an interrupt request due to source-id verification failure',
];

/** What each code means in the spec's words (shortened), for the decoded fault record. */
export const FAULT_MEANING: Readonly<Record<number, string>> = {
  0x1: 'The Present field of the root entry for the requester’s bus is 0.',
  0x2: 'The Present field of the context entry for the requester’s device/function is 0.',
  0x3: 'The context entry asks for an address width or translation type the hardware does not support, or its SLPTPTR cannot be read.',
  0x4: 'The input address is above 2^X − 1, X = min(MGAW, the context entry’s address width).',
  0x5: 'A write to an address whose W bit is 0 in one of the second-level paging entries used to translate it.',
  0x6: 'A read from an address whose R bit is 0 in one of the second-level paging entries used to translate it.',
  0x7: 'Reading a next-level second-level paging entry through the ADDR field of the entry before it failed.',
  0x8: 'Reading the root table through RTADDR_REG failed.',
  0x9: 'Reading the context table through the root entry’s CTP failed.',
  0xa: 'A present root entry has non-zero reserved bits.',
  0xb: 'A present context entry has non-zero reserved bits.',
  0xc: 'A second-level paging entry with R or W set has non-zero reserved bits.',
  0xd: 'A translation request or translated request is blocked by the context entry’s Translation Type.',
  0x20: 'The remappable-format request has reserved fields set.',
  0x21: 'The interrupt index is not below the table size in IRTA_REG.',
  0x22: 'The IRTE the index selects has Present = 0.',
  0x23: 'Reading the interrupt-remapping table through IRTA_REG failed.',
  0x24: 'The present IRTE has non-zero reserved bits.',
  0x25: 'A compatibility-format interrupt arrived while they are blocked (GSTS.CFIS = 0).',
  0x26: 'The requester’s source-id fails the IRTE’s SVT/SQ/SID check.',
};

export type FaultKind = 'dma' | 'ir' | 'unknown';

/** The reason's text and family as Linux's `dmar_get_fault_reason` classifies it (0x20.. interrupt, 0.. DMA). */
export function faultReason(code: number): { kind: FaultKind; text: string } {
  if (code >= 0x20 && code - 0x20 < IR_FAULT_TEXT.length) return { kind: 'ir', text: IR_FAULT_TEXT[code - 0x20] };
  if (code >= 0 && code < DMA_FAULT_TEXT.length) return { kind: 'dma', text: DMA_FAULT_TEXT[code] };
  return { kind: 'unknown', text: 'Unknown' };
}
