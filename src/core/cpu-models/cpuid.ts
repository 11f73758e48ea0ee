/**
 * CPUID as a model returns it: the real part's signature and feature flags (sourced per model), masked to
 * the CPU features the VT Lab IA-32 core emulates.
 *
 * Bit positions: SDM Vol. 2A CPUID, Tables 3-10/3-11 (leaf 1 ECX/EDX), Table 3-8 (leaf 7, 80000001H, 80000008H).
 */
import type { CpuFeatureFlags, CpuidLeaf } from './types.ts';

export const Cpuid1Edx = Object.freeze({
  FPU: 1 << 0, VME: 1 << 1, DE: 1 << 2, PSE: 1 << 3, TSC: 1 << 4, MSR: 1 << 5, PAE: 1 << 6, MCE: 1 << 7,
  CX8: 1 << 8, APIC: 1 << 9, SEP: 1 << 11, MTRR: 1 << 12, PGE: 1 << 13, MCA: 1 << 14, CMOV: 1 << 15,
  PAT: 1 << 16, PSE36: 1 << 17, CLFSH: 1 << 19, DS: 1 << 21, ACPI: 1 << 22, MMX: 1 << 23, FXSR: 1 << 24,
  SSE: 1 << 25, SSE2: 1 << 26, SS: 1 << 27, HTT: 1 << 28, TM: 1 << 29, PBE: 1 << 31,
} as const);

export const Cpuid1Ecx = Object.freeze({
  SSE3: 1 << 0, MONITOR: 1 << 3, VMX: 1 << 5, SMX: 1 << 6, SSSE3: 1 << 9, CX16: 1 << 13, PCID: 1 << 17,
  SSE4_1: 1 << 19, SSE4_2: 1 << 20, X2APIC: 1 << 21, POPCNT: 1 << 23, XSAVE: 1 << 26, AVX: 1 << 28, RDRAND: 1 << 30,
} as const);

export const Cpuid7Ebx = Object.freeze({ FSGSBASE: 1 << 0, SMEP: 1 << 7, INVPCID: 1 << 10, RDSEED: 1 << 18, SMAP: 1 << 20 } as const);
export const CpuidExt1Edx = Object.freeze({ SYSCALL: 1 << 11, NX: 1 << 20, PDPE1GB: 1 << 26, RDTSCP: 1 << 27, LM: 1 << 29 } as const);

/**
 * MODEL ASSUMPTION (to be kept in step with the x86 core, src/core/x86): the CPUID feature bits VT Lab
 * advertises when the real part has them. Deliberately absent: x87/MMX/SSE/FXSR (no floating-point or SIMD
 * unit), VME (CR4 virtual-8086 extensions), MCA/MCE, PSE-36, CLFLUSH, HTT, thermal/power bits, and
 * LM/SYSCALL (IA-32 only: no long mode yet). MTRR is reported because IA32_MTRRCAP and IA32_MTRR_DEF_TYPE exist
 * (x86/msr.ts): MTRRCAP says there are no variable-range or fixed-range MTRRs and no write-combining type (VCNT = 0,
 * FIX = 0, WC = 0; SDM Vol. 3A §11.11.1), so the default type is the only one, and the range MSRs are absent (#GP).
 */
export const EMULATED_CPUID_MASK = Object.freeze({
  leaf1Edx:
    Cpuid1Edx.DE | Cpuid1Edx.PSE | Cpuid1Edx.TSC | Cpuid1Edx.MSR | Cpuid1Edx.PAE | Cpuid1Edx.CX8 | Cpuid1Edx.APIC |
    Cpuid1Edx.SEP | Cpuid1Edx.MTRR | Cpuid1Edx.PGE | Cpuid1Edx.CMOV | Cpuid1Edx.PAT,
  leaf1Ecx: Cpuid1Ecx.MONITOR | Cpuid1Ecx.VMX | Cpuid1Ecx.XSAVE | Cpuid1Ecx.RDRAND,
  leaf7Ebx: Cpuid7Ebx.INVPCID | Cpuid7Ebx.RDSEED,
  ext1Edx: CpuidExt1Edx.NX | CpuidExt1Edx.RDTSCP,
});

export interface RealCpuid {
  /** CPUID.1:EAX (family/model/stepping signature). */
  readonly signature: number;
  readonly leaf1Ecx: number;
  readonly leaf1Edx: number;
  /** CPUID.(7,0):EBX, or 0 for parts without leaf 7. */
  readonly leaf7Ebx: number;
  readonly ext1Ecx: number;
  readonly ext1Edx: number;
  /** Physical (7:0) and linear (15:8) address bits: CPUID.80000008H:EAX. */
  readonly ext8Eax: number;
}

const GENUINE_INTEL = [0x756e6547, 0x6c65746e, 0x49656e69] as const; // "Genu", "ntel", "ineI" (EBX, ECX, EDX)

function leaf(leafNo: number, eax: number, ebx: number, ecx: number, edx: number, subleaf = 0): CpuidLeaf {
  return Object.freeze({ leaf: leafNo, subleaf, eax: eax >>> 0, ebx: ebx >>> 0, ecx: ecx >>> 0, edx: edx >>> 0 });
}

/** Brand string (48 bytes, NUL-padded) as leaves 80000002H–80000004H. */
function brandLeaves(brand: string): CpuidLeaf[] {
  const bytes = new Array<number>(48).fill(0);
  for (let i = 0; i < Math.min(47, brand.length); i++) bytes[i] = brand.charCodeAt(i) & 0x7f;
  const dword = (i: number): number => (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
  const out: CpuidLeaf[] = [];
  for (let l = 0; l < 3; l++) {
    const b = l * 16;
    out.push(leaf(0x80000002 + l, dword(b), dword(b + 4), dword(b + 8), dword(b + 12)));
  }
  return out;
}

/** The real part's leaves (0, 1, 7 if any, 80000000H, 80000001H, 80000008H), unmasked. */
export function realCpuidLeaves(real: RealCpuid, maxBasicLeaf: number): CpuidLeaf[] {
  const out = [
    leaf(0, maxBasicLeaf, GENUINE_INTEL[0], GENUINE_INTEL[1], GENUINE_INTEL[2]),
    leaf(1, real.signature, 0, real.leaf1Ecx, real.leaf1Edx),
  ];
  if (maxBasicLeaf >= 7) out.push(leaf(7, 0, real.leaf7Ebx, 0, 0));
  out.push(leaf(0x80000000, 0x80000008, 0, 0, 0));
  out.push(leaf(0x80000001, 0, 0, real.ext1Ecx, real.ext1Edx));
  out.push(leaf(0x80000008, real.ext8Eax, 0, 0, 0));
  return out;
}

/**
 * What the model returns. EBX of leaf 1 is 0 (one logical processor, APIC ID 0, no brand index, no CLFLUSH
 * line size since CLFSH is not advertised). Leaf 0 reports 7 as the highest basic leaf if any leaf-7 feature
 * survives the mask, else 1. Leaves 80000002H–80000004H carry a VT Lab brand string naming the model.
 */
export function modelCpuidLeaves(real: RealCpuid, brand: string): CpuidLeaf[] {
  const m = EMULATED_CPUID_MASK;
  const leaf7Ebx = real.leaf7Ebx & m.leaf7Ebx;
  const maxBasic = leaf7Ebx !== 0 ? 7 : 1;
  const out = [
    leaf(0, maxBasic, GENUINE_INTEL[0], GENUINE_INTEL[1], GENUINE_INTEL[2]),
    leaf(1, real.signature, 0, real.leaf1Ecx & m.leaf1Ecx, real.leaf1Edx & m.leaf1Edx),
  ];
  if (maxBasic >= 7) out.push(leaf(7, 0, leaf7Ebx, 0, 0));
  out.push(leaf(0x80000000, 0x80000008, 0, 0, 0));
  out.push(leaf(0x80000001, 0, 0, 0, real.ext1Edx & m.ext1Edx));
  out.push(...brandLeaves(brand));
  out.push(leaf(0x80000008, real.ext8Eax & 0xffff, 0, 0, 0));
  return out.sort((a, b) => a.leaf - b.leaf || a.subleaf - b.subleaf);
}

function find(leaves: readonly CpuidLeaf[], l: number): CpuidLeaf | undefined {
  return leaves.find((x) => x.leaf === l && x.subleaf === 0);
}

/** Non-VMX CPU features offered, read back from the model's leaves. */
export function cpuFeaturesOf(leaves: readonly CpuidLeaf[]): CpuFeatureFlags {
  const l1 = find(leaves, 1);
  const l7 = find(leaves, 7);
  const e1 = find(leaves, 0x80000001);
  const edx = l1?.edx ?? 0;
  const ecx = l1?.ecx ?? 0;
  const ebx7 = l7?.ebx ?? 0;
  const eedx = e1?.edx ?? 0;
  return Object.freeze({
    vmx: (ecx & Cpuid1Ecx.VMX) !== 0,
    pse: (edx & Cpuid1Edx.PSE) !== 0,
    tsc: (edx & Cpuid1Edx.TSC) !== 0,
    msr: (edx & Cpuid1Edx.MSR) !== 0,
    pae: (edx & Cpuid1Edx.PAE) !== 0,
    apic: (edx & Cpuid1Edx.APIC) !== 0,
    sep: (edx & Cpuid1Edx.SEP) !== 0,
    pge: (edx & Cpuid1Edx.PGE) !== 0,
    pat: (edx & Cpuid1Edx.PAT) !== 0,
    nx: (eedx & CpuidExt1Edx.NX) !== 0,
    monitor: (ecx & Cpuid1Ecx.MONITOR) !== 0,
    rdtscp: (eedx & CpuidExt1Edx.RDTSCP) !== 0,
    invpcid: (ebx7 & Cpuid7Ebx.INVPCID) !== 0,
    rdrand: (ecx & Cpuid1Ecx.RDRAND) !== 0,
    rdseed: (ebx7 & Cpuid7Ebx.RDSEED) !== 0,
    xsave: (ecx & Cpuid1Ecx.XSAVE) !== 0,
  });
}

/**
 * CR4 bits the model supports (its IA32_VMX_CR4_FIXED1), from its CPUID (SDM Vol. 3A §2.5, each CR4 bit's
 * CPUID enumeration): TSD with TSC, DE, PSE, PAE, PGE, PCE (always on P6 and later), VMXE with VMX,
 * OSXSAVE with XSAVE.
 */
export function cr4BitsOf(f: CpuFeatureFlags, leaf1Edx: number): number {
  let v = 1 << 8; // PCE
  if (f.tsc) v |= 1 << 2; // TSD
  if (leaf1Edx & Cpuid1Edx.DE) v |= 1 << 3; // DE
  if (f.pse) v |= 1 << 4;
  if (f.pae) v |= 1 << 5;
  if (f.pge) v |= 1 << 7;
  if (f.vmx) v |= 1 << 13; // VMXE
  if (f.xsave) v |= 1 << 18; // OSXSAVE
  return v >>> 0;
}

/**
 * CPUID lookup with Intel's out-of-range rule (SDM Vol. 2A CPUID: an input above the highest basic or
 * extended leaf returns the data of the highest basic leaf). Leaves inside the range that the model does
 * not list return zeros; so do subleaves other than 0.
 */
export function lookupCpuid(leaves: readonly CpuidLeaf[], leafNo: number, subleaf: number): readonly [number, number, number, number] {
  const l = leafNo >>> 0;
  const maxBasic = find(leaves, 0)?.eax ?? 0;
  const maxExt = find(leaves, 0x80000000)?.eax ?? 0;
  const inRange = l <= maxBasic || (l >= 0x80000000 && l <= maxExt);
  const target = inRange ? l : maxBasic;
  const hit = leaves.find((x) => x.leaf === target && x.subleaf === (target === 7 ? subleaf >>> 0 : 0));
  return hit ? [hit.eax, hit.ebx, hit.ecx, hit.edx] : [0, 0, 0, 0];
}
