/**
 * The translator's view of one decoded guest instruction: copied (IDENT), a near control transfer the
 * translation chains through, or a sensitive instruction replaced by a callout into the VMM.
 *
 * Sensitive means: its result or effect depends on privilege state the VMM virtualizes (CPL, IF, IOPL, the
 * descriptor-table and task registers, CR0–CR4, DR0–DR7, MSRs, the segment descriptors the processor really
 * uses) — the privileged instructions (SDM Vol. 2: "#GP(0) if CPL > 0") and the sensitive unprivileged ones
 * of Robin & Irvine (2000), which deprivileged execution gets wrong without a trap (../deprivileged/
 * instructions.ts). Everything else behaves identically at the real CPL 1 the translated code runs at.
 *
 * PUSH/MOV of DS, ES, FS and GS stay IDENT: every segment load is a callout that loads the guest's own
 * selector, so those registers always hold what they would hold natively. CS and SS do not (the processor
 * holds RPL 1 for the guest's ring 0), so reading them is a callout. RDTSC and RDPMC stay IDENT: the VMM does
 * not virtualize time, and the real CR4.TSD/PCE mirror the guest's, so they fault exactly when they would
 * natively (then the trap path emulates them).
 */
import { InsnFlow, type Insn } from '../../x86/insn.ts';
import { Seg } from '../../x86/arch.ts';
import { BtCallout as B, OpKind } from './kinds.ts';

/** The callout that replaces `i`, or NONE when it is not sensitive. */
export function calloutOf(i: Insn): B {
  switch (i.opcode) {
    case 0xfa: return B.CLI;
    case 0xfb: return B.STI;
    case 0x9c: return B.PUSHF;
    case 0x9d: return B.POPF;
    case 0xf4: return B.HLT;
    case 0xe4: case 0xe5: case 0xec: case 0xed: return B.IN;
    case 0xe6: case 0xe7: case 0xee: case 0xef: return B.OUT;
    case 0x6c: case 0x6d: return B.INS;
    case 0x6e: case 0x6f: return B.OUTS;
    case 0x0f01:
      switch (i.reg) {
        case 0: return i.mod !== 3 ? B.SGDT : B.NONE; // mod 3: VMCALL and friends (#UD outside VMX)
        case 1: return i.mod !== 3 ? B.SIDT : B.NONE; // mod 3: MONITOR/MWAIT
        case 2: return i.mod !== 3 ? B.LGDT : B.NONE; // mod 3: XGETBV/XSETBV
        case 3: return i.mod !== 3 ? B.LIDT : B.NONE;
        case 4: return B.SMSW;
        case 6: return B.LMSW;
        case 7: return i.mod !== 3 ? B.INVLPG : B.NONE; // mod 3: RDTSCP
        default: return B.NONE;
      }
    case 0x0f00:
      switch (i.reg) {
        case 0: return B.SLDT;
        case 1: return B.STR;
        case 2: return B.LLDT;
        case 3: return B.LTR;
        case 4: return B.VERR;
        case 5: return B.VERW;
        default: return B.NONE;
      }
    case 0x0f02: return B.LAR;
    case 0x0f03: return B.LSL;
    case 0x0f06: return B.CLTS;
    case 0x0f08: return B.INVD;
    case 0x0f09: return B.WBINVD;
    case 0x0f20: return B.MOV_FROM_CR;
    case 0x0f22: return B.MOV_TO_CR;
    case 0x0f21: case 0x0f23: return B.MOV_DR;
    case 0x0f30: return B.WRMSR;
    case 0x0f32: return B.RDMSR;
    case 0x0fa2: return B.CPUID;
    case 0x0f34: return B.SYSENTER;
    case 0x0f35: return B.SYSEXIT;
    case 0x0e: case 0x16: return B.PUSH_SREG; // PUSH CS, PUSH SS
    case 0x8c: return i.reg === Seg.CS || i.reg === Seg.SS ? B.MOV_FROM_SREG : B.NONE;
    case 0x8e: case 0x07: case 0x17: case 0x1f: case 0x0fa1: case 0x0fa9: // MOV Sreg, POP ES/SS/DS/FS/GS
    case 0xc4: case 0xc5: case 0x0fb2: case 0x0fb4: case 0x0fb5: // LES, LDS, LSS, LFS, LGS
      return B.LOAD_SREG;
    case 0x9a: case 0xea: return i.opcode === 0x9a ? B.FAR_CALL : B.FAR_JMP;
    case 0xff: return i.reg === 3 ? B.FAR_CALL : i.reg === 5 ? B.FAR_JMP : B.NONE;
    case 0xca: case 0xcb: return B.FAR_RET;
    case 0xcf: return B.IRET;
    case 0xcd: return B.INT;
    case 0xcc: return B.INT3;
    case 0xce: return B.INTO;
    default: return B.NONE;
  }
}

/** How `i` appears in a translation. */
export function opKindOf(i: Insn): OpKind {
  if (calloutOf(i) !== B.NONE) return OpKind.CALLOUT;
  const op = i.opcode;
  if ((op >= 0x70 && op <= 0x7f) || (op >= 0x0f80 && op <= 0x0f8f) || op === 0xeb || op === 0xe9 || op === 0xe8 || (op >= 0xe0 && op <= 0xe3)) return OpKind.BRANCH;
  if (op === 0xc3 || op === 0xc2 || (op === 0xff && (i.reg === 2 || i.reg === 4))) return OpKind.INDIRECT;
  return OpKind.IDENT;
}

/** True when `i` ends a translation unit after itself: a control transfer or a callout. */
export function endsUnit(i: Insn, kind: OpKind): boolean {
  return kind !== OpKind.IDENT || i.flow === InsnFlow.END_BLOCK;
}
