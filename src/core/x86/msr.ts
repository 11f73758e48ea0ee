/**
 * Model-specific registers: RDMSR/WRMSR semantics for the MSRs this core implements (SDM Vol. 4).
 * Unknown MSRs raise #GP(0), as they do on hardware. The VMX capability MSRs come from the CPU model and
 * are read-only (SDM Vol. 3C App. A).
 */
import { Cr4, Efer, FeatureControl, Msr } from './arch.ts';
import type { Cpu } from './cpu.ts';

/** Valid PAT memory types per byte: UC 0, WC 1, WT 4, WP 5, WB 6, UC- 7 (SDM Vol. 3A §11.12.2). */
export function patValid(lo: number, hi: number): boolean {
  for (let k = 0; k < 4; k++) {
    for (const b of [(lo >>> (8 * k)) & 0xff, (hi >>> (8 * k)) & 0xff]) {
      if (b !== 0 && b !== 1 && b !== 4 && b !== 5 && b !== 6 && b !== 7) return false;
    }
  }
  return true;
}

/** Reset values (SDM Vol. 3A Table 9-1 and Vol. 4). */
export function resetMsrs(c: Cpu): void {
  c.msrLo.clear();
  c.msrHi.clear();
  // IA32_APIC_BASE: base FEE00000H, BSP (bit 8) and APIC global enable (bit 11) set after reset (SDM Vol. 3A
  // §10.4.4, Figure 10-5). CPUID.01H:EDX.APIC is reported, so the MSR exists; the local APIC itself is not
  // modelled (MODEL ASSUMPTION: the register holds its value and nothing decodes the APIC page).
  c.msrLo.set(Msr.IA32_APIC_BASE, 0xfee00900 | 0);
  c.msrHi.set(Msr.IA32_APIC_BASE, 0);
  c.msrLo.set(Msr.IA32_PAT, 0x00070406);
  c.msrHi.set(Msr.IA32_PAT, 0x00070406);
  c.msrLo.set(Msr.IA32_FEATURE_CONTROL, 0);
  c.msrLo.set(Msr.IA32_SYSENTER_CS, 0);
  c.msrLo.set(Msr.IA32_SYSENTER_ESP, 0);
  c.msrLo.set(Msr.IA32_SYSENTER_EIP, 0);
  c.msrLo.set(Msr.IA32_DEBUGCTL, 0);
  c.msrLo.set(0x2ff, 0); // IA32_MTRR_DEF_TYPE
  c.msrLo.set(Msr.IA32_TSC_AUX, 0);
  c.tscOffset = 0;
}

function hasEfer(c: Cpu): boolean {
  return c.model.features.nx;
}

/** RDMSR: returns the low half and sets `c.msrReadHi`; false when the MSR does not exist (→ #GP). */
export function readMsr(c: Cpu, index: number, out: { lo: number; hi: number }): boolean {
  index >>>= 0;
  if (index >= Msr.IA32_VMX_BASIC && index <= 0x493) {
    const v = c.model.capabilityMsr(index);
    if (v === undefined) return false;
    out.lo = v.lo;
    out.hi = v.hi;
    return true;
  }
  switch (index) {
    case Msr.IA32_TIME_STAMP_COUNTER: {
      let t = c.tsc;
      if (c.vmx.nonRoot && (c.vmx.proc & 0x8) !== 0) t += c.vmx.tscOffset; // use TSC offsetting (SDM Vol. 3C §25.3)
      out.lo = t % 0x100000000 | 0;
      out.hi = Math.floor(t / 0x100000000) | 0;
      return true;
    }
    case 0x17: // IA32_PLATFORM_ID
    case 0x8b: // IA32_BIOS_SIGN_ID
    case 0xfe: // IA32_MTRRCAP (CPUID.01H:EDX.MTRR = 1): VCNT = 0, FIX = 0, WC = 0 — no range MTRRs (cpuid.ts)
      out.lo = 0;
      out.hi = 0;
      return true;
    case Msr.IA32_EFER:
      if (!hasEfer(c)) return false;
      out.lo = c.efer;
      out.hi = 0;
      return true;
    case Msr.IA32_TSC_AUX:
      if (!c.model.features.rdtscp) return false;
      break;
    default:
      break;
  }
  const lo = c.msrLo.get(index);
  if (lo === undefined) return false;
  out.lo = lo;
  out.hi = c.msrHi.get(index) ?? 0;
  return true;
}

/** The memory types an MTRR may hold (SDM Vol. 3A Table 11-8: UC, WC, WT, WP, WB). */
const MTRR_TYPES: readonly number[] = [0, 1, 4, 5, 6];

/** WRMSR: false when the write must #GP (missing MSR, read-only MSR, reserved bits, locked). */
export function writeMsr(c: Cpu, index: number, lo: number, hi: number): boolean {
  index >>>= 0;
  if (index >= Msr.IA32_VMX_BASIC && index <= 0x493) return false; // capability MSRs are read-only
  switch (index) {
    case 0x8b:
      // IA32_BIOS_SIGN_ID: software writes 0 to it before CPUID leaf 1 and reads the microcode signature back (SDM
      // Vol. 3A §9.11.7.1). No microcode update is loaded here, so the signature reads 0 whatever was written.
      return true;
    case Msr.IA32_TIME_STAMP_COUNTER:
      c.tscOffset = ((hi >>> 0) * 0x100000000 + (lo >>> 0)) - Math.floor(c.cycles);
      return true;
    case Msr.IA32_FEATURE_CONTROL: {
      const cur = c.msrLo.get(index) ?? 0;
      // Once locked, the MSR cannot be written until reset (SDM Vol. 3C §23.7; KUT test_vmx_feature_control).
      if ((cur & FeatureControl.LOCK) !== 0) return false;
      if ((lo & ~0x7) !== 0 || hi !== 0) return false;
      if (!c.model.features.vmx && (lo & 0x6) !== 0) return false;
      // Bit 1, VMX inside SMX operation, needs SMX as well: writing it on a processor without both is #GP (SDM Vol. 3C
      // §23.7). No model here reports SMX (CPUID.1:ECX[6] = 0).
      if ((lo & 0x2) !== 0) return false;
      c.msrLo.set(index, lo);
      return true;
    }
    case Msr.IA32_APIC_BASE: {
      // Reserved: bits 7:0, 9, 10 (x2APIC mode is not enumerated) and bits at or above MAXPHYADDR (KVM
      // kvm_set_apic_base; SDM Vol. 3A Figure 10-5).
      const width = Math.min(c.model.maxPhysAddr, 52);
      const hiReserved = width >= 64 ? 0 : (~((1 << (width - 32)) - 1)) | 0;
      if ((lo & 0x6ff) !== 0 || (hi & hiReserved) !== 0) return false;
      c.msrLo.set(index, lo);
      c.msrHi.set(index, hi);
      return true;
    }
    case Msr.IA32_SYSENTER_CS:
    case Msr.IA32_SYSENTER_ESP:
    case Msr.IA32_SYSENTER_EIP:
      c.msrLo.set(index, lo);
      c.msrHi.set(index, hi);
      return true;
    case Msr.IA32_DEBUGCTL:
      if ((lo & ~0x3) !== 0 || hi !== 0) return false; // LBR and BTF only
      c.msrLo.set(index, lo);
      return true;
    case Msr.IA32_PAT:
      if (!patValid(lo, hi)) return false;
      c.msrLo.set(index, lo);
      c.msrHi.set(index, hi);
      return true;
    case 0x2ff: // IA32_MTRR_DEF_TYPE: type in 7:0, FE bit 10, E bit 11
      if ((lo & ~0xcff) !== 0 || hi !== 0) return false;
      // Memory types 2, 3 and 7–FFH are reserved: "use of these encodings results in #GP" (SDM Vol. 3A §11.11.2,
      // Table 11-8; Bochs isMemTypeValidMTRR accepts UC 0, WC 1, WT 4, WP 5, WB 6).
      if (!MTRR_TYPES.includes(lo & 0xff)) return false;
      c.msrLo.set(index, lo);
      return true;
    case Msr.IA32_EFER: {
      if (!hasEfer(c)) return false;
      // NXE is writable; LME would enter IA-32e mode, which this core does not emulate; SCE has no effect here.
      const allowed = Efer.NXE | Efer.SCE;
      if ((lo & ~allowed) !== 0 || hi !== 0) return false;
      c.efer = lo;
      c.flushTlbAll();
      return true;
    }
    case Msr.IA32_TSC_AUX:
      if (!c.model.features.rdtscp || hi !== 0) return false;
      c.msrLo.set(index, lo);
      return true;
    default:
      return false;
  }
}

/**
 * The CR4 bits MOV to CR4 may set: a bit for a feature the processor does not report is reserved, and setting it
 * is #GP(0) (SDM Vol. 3A §2.5, §2.6.2.1 "CPUID feature flags for CR4 bits"; Bochs get_cr4_allow_mask). The
 * features are those CPUID.01H reports for the model: VME (EDX[1]) for VME and PVI, DE (EDX[2]), PSE (EDX[3]),
 * TSC (EDX[4]) for TSD, PAE (EDX[6]), MCE (EDX[7]), PGE (EDX[13]), FXSR (EDX[24]) for OSFXSR, SSE (EDX[25]) for
 * OSXMMEXCPT, VMX (ECX[5]) and XSAVE (ECX[26]) for OSXSAVE; PCE has no flag of its own (P6 and later).
 */
export function cr4Supported(c: Cpu): number {
  const r = c.model.cpuid(1, 0);
  const edx = r[3];
  const ecx = r[2];
  let m = Cr4.PCE;
  if ((edx & (1 << 1)) !== 0) m |= Cr4.VME | Cr4.PVI;
  if ((edx & (1 << 2)) !== 0) m |= Cr4.DE;
  if ((edx & (1 << 3)) !== 0) m |= Cr4.PSE;
  if ((edx & (1 << 4)) !== 0) m |= Cr4.TSD;
  if ((edx & (1 << 6)) !== 0 && c.model.features.pae) m |= Cr4.PAE;
  if ((edx & (1 << 7)) !== 0) m |= Cr4.MCE;
  if ((edx & (1 << 13)) !== 0) m |= Cr4.PGE;
  if ((edx & (1 << 24)) !== 0) m |= Cr4.OSFXSR;
  if ((edx & (1 << 25)) !== 0) m |= Cr4.OSXMMEXCPT;
  if ((ecx & (1 << 5)) !== 0 && c.model.features.vmx) m |= Cr4.VMXE;
  if ((ecx & (1 << 26)) !== 0 && c.model.features.xsave) m |= Cr4.OSXSAVE;
  return m;
}
