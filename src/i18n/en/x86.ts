/**
 * Why the decoder calls an encoding invalid (#UD or #GP at execution), shown beside it in the disassembly and in
 * the exit narration (src/core/x86/decoder.ts, disasm). CPUID bit names and SDM names are names: keep them.
 */
import { registerEnglish } from '../t.ts';

export const x86 = {
  'decode.noRtm': 'TSX/RTM is not supported by this processor (CPUID.7:EBX.RTM = 0)',
  'decode.noSmap': 'SMAP is not supported by this processor (CPUID.7:EBX.SMAP = 0)',
  'decode.svm': 'AMD SVM instruction: #UD on Intel processors',
  'decode.rsmOutsideSmm': 'not in system-management mode',
  'decode.tooLong': 'instruction longer than 15 bytes',
  'decode.invalidOpcode': 'invalid or unimplemented opcode',
  'decode.lockNotAllowed': 'LOCK prefix not allowed here',
  'decode.undecodable': 'undecodable',
  'disasm.truncated': 'the bytes end inside the instruction',
} as const;

// Loaded with the decoder (the worker, the CLI), not with the first view (catalogue.ts, `English`).
registerEnglish('x86', x86);
