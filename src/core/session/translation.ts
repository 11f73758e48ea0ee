/**
 * "The EPT walk" for the Engineer view: how an address translates at the current moment of a run, as plain data.
 * Reads the machine's state — the guest's CR0/CR3/CR4 and CPL (from the processor in VMX non-root operation, else
 * the VMCS guest-state area, SDM Vol. 3C §24.4.1), the EPTP (VMCS 0x201A, §24.6.11) and the last exit's
 * guest-physical address, guest-linear address and qualification (§27.2.1, Table 27-7 in the 2016 edition) — and
 * walks with vmx/ept-walk.ts. Nothing here changes the machine.
 */
import type { Cpu } from '../x86/cpu.ts';
import { VO, vr, vrHi } from '../vmx/vmcs.ts';
import { ProcBased, ProcBased2 } from '../vmx/spec/controls.ts';
import { VmExitReason, exitReasonInfo } from '../vmx/spec/exit-reasons.ts';
import { decodeEptViolationQualification } from '../vmx/spec/formats/qualification.ts';
import type { Decoded } from '../vmx/spec/formats/parts.ts';
import type { U64 } from '../vmx/spec/u64.ts';
import { getCpuModel } from '../cpu-models/index.ts';
// Messages come from the catalogue (issue 8: every user-visible string in one catalogue).
import { t } from '../../i18n/t.ts';
import {
  accessOfQualification,
  eptCapsOf,
  eptpView,
  guestPagingMode,
  walkGuestPhysical,
  walkLinear,
  type EptCaps,
  type EptpView,
  type GuestPaging,
  type PhysReader,
  type TwoDimensionalWalk,
  type WalkAccess,
} from '../vmx/ept-walk.ts';

export type TranslationRequest =
  /** The address of the last VM exit, when it was an EPT violation (48) or misconfiguration (49). */
  | { of: 'exit' }
  /** The guest's next instruction (CS base + EIP), fetched. */
  | { of: 'pc' }
  /** An address the user typed. */
  | { of: 'address'; space: 'linear' | 'guest-physical'; address: number; access: WalkAccess };

export interface EptExitInfo {
  /** Basic exit reason: 48 EPT violation or 49 EPT misconfiguration. */
  reason: number;
  name: string;
  /** Exit qualification (VMCS 0x6400); null for a misconfiguration, whose qualification is undefined. */
  qualification: number | null;
  decoded: Decoded | null;
  /** Guest-physical address (VMCS 0x2400). */
  gpa: number;
  /** Guest-linear address (VMCS 0x640A) when qualification bit 7 says it is valid. */
  gla: number | null;
  access: WalkAccess | null;
  /** Qualification bit 8 (meaningful with bit 7): the access was to the final translation, not a guest paging-structure entry. */
  finalTranslation: boolean | null;
}

export type UnavailableReason = 'native' | 'no-ept' | 'ept-off' | 'no-vmcs' | 'no-exit' | 'bad-request';

export type TranslationView =
  | { kind: 'unavailable'; reason: UnavailableReason; message: string }
  | {
      kind: 'walk';
      request: TranslationRequest;
      exit: EptExitInfo | null;
      walk: TwoDimensionalWalk;
      /** The guest's paging registers the walk used, and where they were read. */
      guest: GuestPaging & { source: 'processor' | 'vmcs' };
      eptp: EptpView;
      caps: EptCaps;
      /** 'exit': EPT as it was when the exit happened (before the VMM's handler); 'now': the tables at the position. */
      asOf: 'exit' | 'now';
      /** For asOf 'exit': the same walk with the EPT at the position (after the VMM handled the exit). */
      afterHandler: TwoDimensionalWalk | null;
      /** For an exit: the walk stops where the exit says (same kind, same guest-physical address). */
      matchesExit: boolean | null;
      /**
       * The guest sees paging off (its CR0 read shadow has PG = 0, and the VMM owns PG) while the processor pages:
       * without unrestricted guest VMX needs CR0.PG = 1 (SDM Vol. 3C §26.3.1.1), so the VMM runs such a guest on
       * an identity map of its own, and the guest steps below walk that map.
       */
      vmmIdentityMap: boolean;
    };

/** What the walk reads from a session. */
export interface TranslationMachine {
  cpu: Cpu;
  /** The VMCS to read (the VMM's vCPU in guest mode, the program's current VMCS on the bare machine), or -1. */
  vmcsPtr: number;
  /** The session's platform ('bare', 'guest', …). */
  mode: string;
  cpuModel: string;
  /** Linear address of the program's next instruction (Session.currentPc). */
  pc: number;
}

const MAX_GPA = 2 ** 48 - 1; // a 4-level EPT translates guest-physical bits 47:0 (SDM Vol. 3C §28.2.2)

function unavailable(reason: UnavailableReason, message: string): TranslationView {
  return { kind: 'unavailable', reason, message };
}

/** Physical-address width of 4-MByte pages, as x86/mmu.ts `pse36Width`: min(40, MAXPHYADDR) with PSE-36 (CPUID.01H:EDX[17]), else 32. */
function pse36Width(c: Cpu): number {
  if ((c.model.cpuid(1, 0)[3] & (1 << 17)) === 0) return 32;
  return Math.max(32, Math.min(40, c.model.maxPhysAddr));
}

/**
 * The walk for `req` on the machine now. `eptAtExit`, when given, holds the EPT paging structures as they were
 * when the last VM exit happened (see timeline/translation-at.ts); the guest's registers and the exit's
 * addresses are always the VMCS's.
 */
export function translationView(m: TranslationMachine, req: TranslationRequest, eptAtExit?: PhysReader): TranslationView {
  const c = m.cpu;
  const modelName = getCpuModel(m.cpuModel)?.name ?? m.cpuModel;
  const caps = eptCapsOf(c.model);
  const ptr = m.vmcsPtr;
  if (ptr < 0 || !c.vmx.on) {
    if (m.mode === 'bare') return unavailable('native', t('session.translation.native'));
    if (m.mode === 'guest') return unavailable('no-vmcs', t('session.translation.noVmcs'));
    return unavailable('native', t('session.translation.noVtx'));
  }
  if (caps === null) {
    return unavailable('no-ept', t('session.translation.noEpt', { model: modelName }));
  }
  // Live state while this VMCS's guest runs (VMX non-root operation); otherwise the guest-state area.
  const live = c.vmx.nonRoot && c.vmx.vmcsPtr === ptr;
  const eptOn = live
    ? c.vmx.eptEnabled
    : (vr(c, ptr, VO.CPU_BASED_VM_EXEC_CONTROL) & ProcBased.ACTIVATE_SECONDARY_CONTROLS) !== 0 && (vr(c, ptr, VO.SECONDARY_VM_EXEC_CONTROL) & ProcBased2.ENABLE_EPT) !== 0;
  if (!eptOn) {
    return unavailable('ept-off', t('session.translation.eptOff'));
  }
  const eptp: U64 = live ? { lo: c.vmx.eptpLo >>> 0, hi: c.vmx.eptpHi >>> 0 } : { lo: vr(c, ptr, VO.EPT_POINTER) >>> 0, hi: vrHi(c, ptr, VO.EPT_POINTER) >>> 0 };
  const guest: GuestPaging & { source: 'processor' | 'vmcs' } = live
    ? { cr0: c.cr0 >>> 0, cr3: c.cr3 >>> 0, cr4: c.cr4 >>> 0, cpl: c.cpl, pse36Width: pse36Width(c), source: 'processor' }
    : {
        cr0: vr(c, ptr, VO.GUEST_CR0) >>> 0,
        cr3: vr(c, ptr, VO.GUEST_CR3) >>> 0,
        cr4: vr(c, ptr, VO.GUEST_CR4) >>> 0,
        // The guest's CPL is the DPL of its SS (access rights bits 6:5, SDM Vol. 3C §24.4.1).
        cpl: (vr(c, ptr, VO.GUEST_SS_AR_BYTES) >>> 5) & 3,
        pse36Width: pse36Width(c),
        source: 'vmcs',
      };
  // CR0 guest/host mask and read shadow (SDM Vol. 3C §24.6.6): bits the VMM owns read from the shadow.
  const pgOwned = (vr(c, ptr, VO.CR0_GUEST_HOST_MASK) & 0x80000000) !== 0;
  const vmmIdentityMap = pgOwned && (vr(c, ptr, VO.CR0_READ_SHADOW) & 0x80000000) === 0 && (guest.cr0 & 0x80000000) !== 0;
  const now = { ept: c.mem, guest: c.mem };
  const then = eptAtExit !== undefined ? { ept: eptAtExit, guest: c.mem } : now;
  const base = { kind: 'walk' as const, request: req, guest, eptp: eptpView(eptp, caps.maxPhysAddr), caps, vmmIdentityMap };

  if (req.of === 'pc') {
    return { ...base, exit: null, walk: walkLinear(now, eptp, caps, guest, m.pc, 'fetch'), asOf: 'now', afterHandler: null, matchesExit: null };
  }
  if (req.of === 'address') {
    const a = req.address;
    const max = req.space === 'linear' ? 0xffffffff : MAX_GPA;
    if (!Number.isInteger(a) || a < 0 || a > max) {
      return unavailable('bad-request', t(req.space === 'linear' ? 'session.translation.badLinear' : 'session.translation.badPhysical', { max: max.toString(16).toUpperCase() }));
    }
    if (req.access !== 'read' && req.access !== 'write' && req.access !== 'fetch') return unavailable('bad-request', t('session.translation.unknownAccess', { access: String(req.access) }));
    const walk = req.space === 'linear' ? walkLinear(now, eptp, caps, guest, a, req.access) : walkGuestPhysical(now, eptp, caps, a, req.access);
    return { ...base, exit: null, walk, asOf: 'now', afterHandler: null, matchesExit: null };
  }

  // ---- the last VM exit (its fields stay in the VMCS until the next exit, SDM Vol. 3C §27.2)
  const reason = vr(c, ptr, VO.VM_EXIT_REASON) & 0xffff;
  if (reason !== VmExitReason.EPT_VIOLATION && reason !== VmExitReason.EPT_MISCONFIGURATION) {
    const info = exitReasonInfo(reason);
    return unavailable('no-exit', info !== undefined ? t('session.translation.notEptExitNamed', { reason, name: info.shortName }) : t('session.translation.notEptExit', { reason }));
  }
  const exit = exitInfo(c, ptr, reason);
  const walkWith = (mem: { ept: PhysReader; guest: PhysReader }): TwoDimensionalWalk =>
    exit.gla !== null && guestPagingMode(guest) !== 'pae'
      ? walkLinear(mem, eptp, caps, guest, exit.gla, exit.access ?? 'read')
      : walkGuestPhysical(mem, eptp, caps, exit.gpa, exit.access ?? 'read');
  const walk = walkWith(then);
  const o = walk.outcome;
  const want = reason === VmExitReason.EPT_VIOLATION ? 'ept-violation' : 'ept-misconfig';
  const matchesExit = o.kind === want && o.gpa === exit.gpa;
  return {
    ...base,
    exit,
    walk,
    asOf: eptAtExit !== undefined ? 'exit' : 'now',
    afterHandler: eptAtExit !== undefined ? walkWith(now) : null,
    matchesExit,
  };
}

/** The exit's addresses and qualification, decoded (SDM Vol. 3C §27.2.1 Table 27-7, 2016 numbering; Table 28-7 in later editions). */
function exitInfo(c: Cpu, ptr: number, reason: number): EptExitInfo {
  const gpa = (vr(c, ptr, VO.GUEST_PHYSICAL_ADDRESS) >>> 0) + (vrHi(c, ptr, VO.GUEST_PHYSICAL_ADDRESS) >>> 0) * 0x100000000;
  const name = exitReasonInfo(reason)?.shortName ?? `reason ${reason}`;
  if (reason === VmExitReason.EPT_MISCONFIGURATION) {
    // An EPT misconfiguration has no qualification and no guest-linear address (SDM Vol. 3C §27.2.1).
    return { reason, name, qualification: null, decoded: null, gpa, gla: null, access: null, finalTranslation: null };
  }
  const q = vr(c, ptr, VO.EXIT_QUALIFICATION) >>> 0;
  const glaValid = (q & 0x80) !== 0; // bit 7: the guest-linear-address field is valid
  return {
    reason,
    name,
    qualification: q,
    decoded: decodeEptViolationQualification(q),
    gpa,
    gla: glaValid ? vr(c, ptr, VO.GUEST_LINEAR_ADDRESS) >>> 0 : null,
    access: accessOfQualification(q),
    finalTranslation: glaValid ? (q & 0x100) !== 0 : null, // bit 8
  };
}
