/**
 * What the CPU needs from the world around it: port I/O, the INTR line of an interrupt controller,
 * and the description of the processor model it is (capability MSRs, CPUID, clock).
 */
export type IoSize = 1 | 2 | 4;

export interface IoBus {
  read(port: number, size: IoSize, now: number): number;
  write(port: number, size: IoSize, value: number, now: number): void;
}

/** The CPU side of an interrupt controller (the INTR pin and the INTA cycle). */
export interface InterruptSource {
  hasInterrupt(): boolean;
  /** The interrupt-acknowledge cycle: returns the vector and marks it in service. */
  acknowledge(): number;
}

/** A 64-bit MSR value as two 32-bit halves. */
export interface Msr64 {
  lo: number;
  hi: number;
}

/** What the CPU needs to know about the processor model it emulates. */
export interface ProcessorModel {
  readonly id: string;
  readonly name: string;
  readonly coreClockHz: number;
  /** Physical-address width (CPUID.80000008H:EAX[7:0], or 32/36 on parts without that leaf). */
  readonly maxPhysAddr: number;
  readonly features: {
    readonly vmx: boolean;
    readonly secondaryControls: boolean;
    readonly trueControls: boolean;
    readonly ept: boolean;
    readonly vpid: boolean;
    readonly unrestrictedGuest: boolean;
    readonly preemptionTimer: boolean;
    readonly pae: boolean;
    readonly nx: boolean;
    readonly rdtscp: boolean;
    readonly invpcid: boolean;
    readonly rdrand: boolean;
    readonly rdseed: boolean;
    readonly xsave: boolean;
    readonly monitor: boolean;
  };
  /** Read-only capability MSRs (IA32_VMX_*); undefined when the model does not have the MSR. */
  capabilityMsr(index: number): Msr64 | undefined;
  /** CPUID leaf/subleaf → [EAX, EBX, ECX, EDX] as the bare processor reports it. */
  cpuid(leaf: number, subleaf: number): readonly [number, number, number, number];
  /** VMCS revision identifier (IA32_VMX_BASIC[30:0]). */
  readonly vmcsRevisionId: number;
  /** True when the VMCS field with this encoding exists on the model (VMREAD/VMWRITE error 12 otherwise). */
  isVmcsFieldSupported(encoding: number): boolean;
  /** The same by dense field slot (vmx/spec/fields.ts `fieldSlot`): 1 = supported. */
  readonly vmcsSlotSupported: Uint8Array;
}
