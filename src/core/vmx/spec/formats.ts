/**
 * Pure encode/decode of every formatted VMCS field (vmx.md §4, §5): exit qualifications, interruption
 * information, VM-exit instruction information, guest access rights, interruptibility and activity state,
 * pending debug exceptions, the EPTP and EPT entries. Encoders (numbers in, number out, no allocation) are
 * for the VM-exit code; decoders (returning `{ parts, summary }`) are for the UI's VMCS inspector and the CLI.
 */
export * from './formats/parts.ts';
export * from './formats/qualification.ts';
export * from './formats/interruption.ts';
export * from './formats/instruction-info.ts';
export * from './formats/segment.ts';
export * from './formats/guest-state.ts';
export * from './formats/ept.ts';
