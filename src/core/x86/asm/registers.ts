// IA-32 register names and their encodings (SDM Vol. 2A §2.1.5, Table 2-1 "16-Bit Addressing Forms"
// and Table 2-2 "32-Bit Addressing Forms", Figure 2-x register numbering; §3.4.3 for Sreg numbers).

// Messages come from the catalogue (issue 8: every user-visible string in one catalogue).
import '../../../i18n/en/asm.ts';
import { t } from '../../../i18n/t.ts';

export type RegClass = 'gpr' | 'sreg' | 'cr' | 'dr';

export interface Reg {
  /** Lower-case canonical name. */
  name: string;
  cls: RegClass;
  /** Width in bits (control and debug registers are 32 bits in IA-32). */
  size: 8 | 16 | 32;
  /** Number placed in ModRM.reg / ModRM.rm / the +r opcode field. */
  num: number;
}

const table = new Map<string, Reg>();

function add(names: string[], cls: RegClass, size: 8 | 16 | 32): void {
  names.forEach((name, num) => table.set(name, { name, cls, size, num }));
}

add(['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'], 'gpr', 8);
add(['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'], 'gpr', 16);
add(['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'], 'gpr', 32);
// SDM Vol. 2A §3.4.3 (MOV—Move to/from Segment Registers): ES=0 CS=1 SS=2 DS=3 FS=4 GS=5.
add(['es', 'cs', 'ss', 'ds', 'fs', 'gs'], 'sreg', 16);
// CR0–CR8 by number; the ones with no register behind them are rejected with an explanation.
add(['cr0', 'cr1', 'cr2', 'cr3', 'cr4', 'cr5', 'cr6', 'cr7', 'cr8'], 'cr', 32);
add(['dr0', 'dr1', 'dr2', 'dr3', 'dr4', 'dr5', 'dr6', 'dr7'], 'dr', 32);

/** The register called `name` (any case), or undefined. */
export function lookupRegister(name: string): Reg | undefined {
  if (name.length > 4) return undefined;
  return table.get(name.toLowerCase());
}

/** Why a register that parses cannot be encoded in IA-32, or null when it can. */
export function unusableRegister(r: Reg): string | null {
  if (r.cls === 'cr') {
    if (r.num === 8) return t('asm.register.cr8');
    if (r.num === 1 || r.num >= 5) return t('asm.register.crReserved', { name: r.name });
  }
  return null;
}

/** Register names that look like registers of a kind this assembler does not model. */
export function unsupportedRegisterKind(name: string): string | null {
  const n = name.toLowerCase();
  if (/^(r[0-9]+[dwb]?|r[a-d]x|r[sb]p|r[sd]i|rip|spl|bpl|sil|dil)$/.test(n)) return t('asm.register.is64Bit', { name: n });
  if (/^(xmm|ymm|zmm|mm)[0-9]+$/.test(n)) return t('asm.register.isSimd', { name: n });
  if (/^st[0-7]?$/.test(n)) return t('asm.register.isX87', { name: n });
  if (/^(cr(9|1[0-5])|dr([89]|1[0-5]))$/.test(n)) return t('asm.register.only64Bit', { name: n });
  if (/^tr[0-7]$/.test(n)) return t('asm.register.testRegister', { name: n });
  return null;
}

export const SREG_PREFIX: Record<string, number> = { es: 0x26, cs: 0x2e, ss: 0x36, ds: 0x3e, fs: 0x64, gs: 0x65 };
