/**
 * Cost classes: each decoded instruction belongs to one, and the cost model gives each class a number of
 * cycles per CPU model (src/core/cost). Kept separate from the decoder so the cost model can name them.
 */
export const enum CostClass {
  SIMPLE = 0,
  MUL = 1,
  DIV = 2,
  BRANCH = 3,
  CALL_RET = 4,
  STRING = 5,
  IO = 6,
  CPUID = 7,
  RDTSC = 8,
  MSR = 9,
  CR_ACCESS = 10,
  INVLPG = 11,
  SOFTWARE_INTERRUPT = 12,
  IRET = 13,
  HLT = 14,
  SEGMENT_LOAD = 15,
  FAR_TRANSFER = 16,
  DESCRIPTOR_TABLE = 17,
  FLAGS = 18,
  VMX = 19,
  X87 = 20,
  CACHE = 21,
  PUSHF_POPF = 22,
  CLI_STI = 23,
}
export const COST_CLASS_COUNT = 24;
