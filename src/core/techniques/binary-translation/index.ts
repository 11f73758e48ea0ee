/**
 * The binary-translating VMM (VMware's technique before VT-x): see vmm.ts for the design and
 * docs/binary-translation.md for what it fixes, what it costs and what it does not model.
 */
export {
  BinaryTranslationVmm,
  type BinaryTranslationOptions,
  type BinaryTranslationSnapshot,
  type BinaryTranslationStats,
  type BinaryTranslationTcStats,
} from './vmm.ts';
export { BT_CALLOUT_NAMES, BtCallout, OP_KIND_NAMES, OpKind } from './kinds.ts';
export { calloutOf, opKindOf } from './classify.ts';
export { binaryTranslationFigures, calloutCostFor, indirectCostFor, MAX_UNIT_INSNS, translateCostFor } from './costs.ts';
export { runOnBinaryTranslator, type BinaryTranslatorRunOptions, type BinaryTranslatorRunResult } from './lab.ts';
export type { TcListingEntry, TcListingRow, TcState, Translation, TranslatedOp } from './tc.ts';
