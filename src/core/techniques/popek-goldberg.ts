/**
 * Popek & Goldberg's requirements and theorem, and the instructions this core implements classified by them —
 * generated from the trap-and-emulate VMM's own tables (deprivileged/instructions.ts), so the classification
 * cannot drift from what the VMM does. For the Software vs hardware lab (issue 5, item 4).
 *
 * Source: G. J. Popek and R. P. Goldberg, "Formal Requirements for Virtualizable Third Generation
 * Architectures", Communications of the ACM 17(7):412–421, July 1974. The IA-32 rows: J. S. Robin and
 * C. E. Irvine, "Analysis of the Intel Pentium's Ability to Support a Secure Virtual Machine Monitor",
 * USENIX Security 2000.
 *
 * The demo positions (where each row's link lands) are popek-goldberg-demos.ts, which runs the program; this
 * module is plain data, light enough for the UI bundle.
 */
import { SENSITIVE_UNPRIVILEGED, TRAPPED } from './deprivileged/instructions.ts';
import type { SessionSpec } from '../session/session.ts';
import { t as msg } from '../../i18n/t.ts';
import '../../i18n/en/methods.ts';

export const POPEK_GOLDBERG_CITATION = msg('methods.popek.popekGoldbergCitation');

export interface Requirement {
  name: string;
  /** The property, in Popek & Goldberg's sense. */
  text: string;
}

/** The three properties a VMM must have (Popek & Goldberg 1974, §3 — "equivalence", "resource control", "efficiency"). */
export const REQUIREMENTS: readonly Requirement[] = [
  {
    name: 'Equivalence',
    text: msg('methods.popek.equivalence.text'),
  },
  {
    name: 'Resource control',
    text: msg('methods.popek.resourceControl.text'),
  },
  {
    name: 'Efficiency',
    text: msg('methods.popek.efficiency.text'),
  },
];

/** Popek & Goldberg's Theorem 1 (for "third generation" machines, which IA-32 with paging and rings is). */
export const THEOREM = msg('methods.popek.theorem');

export const DEFINITIONS = {
  privileged: msg('methods.popek.privileged'),
  controlSensitive: msg('methods.popek.controlSensitive'),
  behaviourSensitive: msg('methods.popek.behaviourSensitive'),
} as const;

export type Sensitivity = 'control' | 'behaviour' | 'control and behaviour';

export interface PgRow {
  /** Stable key: the mnemonic of a SENSITIVE_UNPRIVILEGED entry, or the mnemonics of a TRAPPED one. */
  id: string;
  /** What the row names (the mnemonics, as the VMM's tables spell them). */
  instruction: string;
  /** Which list the row comes from. */
  source: 'trapped' | 'sensitive-unprivileged';
  /** Faults at CPL > 0 (in the forms the row covers), so the VMM in ring 0 gets control. */
  privileged: boolean;
  /** Why it is privileged, or why not (the SDM rule). */
  privilegeBasis: string;
  sensitivity: Sensitivity;
  /** Sensitive but not privileged: breaks Popek & Goldberg's condition on IA-32. */
  breaksTheorem: boolean;
  /** What happens when the guest kernel runs it at ring 1 (the VMM's table). */
  atRing1: string;
  /** The SENSITIVE_UNPRIVILEGED mnemonic whose demo in sensitive.s this row links to, or null. */
  demo: string | null;
}

/**
 * How each trapped (privileged) instruction is sensitive, keyed by TRAPPED's `mnemonics` (popek-goldberg.test.ts
 * checks the keys are exactly TRAPPED's). Reads of system state are behaviour-sensitive, writes control-sensitive.
 */
export const TRAPPED_SENSITIVITY: Readonly<Record<string, Sensitivity>> = {
  'CLI, STI': 'control',
  'IN, OUT, INS, OUTS': 'control',
  HLT: 'control',
  'LGDT, LIDT, LLDT, LTR': 'control',
  'MOV to/from CR0, CR2, CR3, CR4; CLTS; LMSW': 'control and behaviour', // i18n-ignore: a Sensitivity value (a type literal the UI maps to its label)
  'MOV DR': 'control and behaviour', // i18n-ignore: a Sensitivity value (a type literal the UI maps to its label)
  INVLPG: 'control',
  'RDMSR, WRMSR': 'control and behaviour', // i18n-ignore: a Sensitivity value (a type literal the UI maps to its label)
  'WBINVD, INVD': 'control',
  'RDPMC, RDTSC': 'behaviour',
  "IRET, RETF to the guest's ring 0": 'control and behaviour', // i18n-ignore: a Sensitivity value (a type literal the UI maps to its label)
  'MOV SS, POP SS, LSS with RPL 0': 'behaviour',
  'INT n, INT3, INTO': 'control',
  'SYSENTER, SYSEXIT': 'control',
};

/** The register group reveals where the VMM put things (location); POPF also tries to change IF (control); the protection group depends on CPL (mode). */
function sensitivityOf(s: (typeof SENSITIVE_UNPRIVILEGED)[number]): Sensitivity {
  if (s.mnemonic === 'POPF') return 'control and behaviour'; // i18n-ignore: a Sensitivity value (a type literal the UI maps to its label)
  return 'behaviour';
}

/** The classification table: the privileged (trapped) instructions first, then the sensitive unprivileged ones. */
export function popekGoldbergRows(): PgRow[] {
  const rows: PgRow[] = [];
  for (const t of TRAPPED) {
    rows.push({
      id: t.mnemonics,
      instruction: t.mnemonics,
      source: 'trapped',
      privileged: true,
      privilegeBasis: t.fault,
      sensitivity: TRAPPED_SENSITIVITY[t.mnemonics] ?? 'control',
      breaksTheorem: false,
      atRing1: msg('methods.popek.atRing1', { emulation: t.emulation }),
      demo: null,
    });
  }
  for (const s of SENSITIVE_UNPRIVILEGED) {
    rows.push({
      id: s.mnemonic,
      instruction: s.mnemonic,
      source: 'sensitive-unprivileged',
      privileged: false,
      privilegeBasis: s.sdm,
      sensitivity: sensitivityOf(s),
      breaksTheorem: true,
      atRing1: s.atRing1,
      demo: s.mnemonic,
    });
  }
  return rows;
}

export const DEMO_SCENARIO = 'sensitive';

/** The Rings & VMX spec of the demos: `sensitive` on the software VMM, every instruction an event. */
export function demoSpec(cpu: string): SessionSpec {
  return { scenario: DEMO_SCENARIO, cpu, seed: 1, insnEvents: true, mode: 'swvmm' };
}

