// Instruction encoding table. Every opcode below is taken from the SDM Vol. 2 instruction pages
// (opcode column) and checked against the iced-x86 decoder by forms.test.ts / roundtrip tests.
//
// One line per encoding form, in a small notation modelled on NASM's insns.dat:
//
//   "mnemonic pattern,pattern : roles : encoding"
//
// patterns  r8 r16 r32           general register of that size
//           rm8 rm16 rm32        register of that size or memory (unsized memory matches)
//           m m8 m16 m32 m64 m128 memory (m: any size); mfar: far pointer in memory (m16:16/m16:32)
//           moffs8/16/32         memory with a plain address (no registers): the A0–A3 forms
//           al ax eax cl dx es cs ss ds fs gs   that exact register
//           sreg cr dr           segment / control / debug register
//           one                  the immediate 1 (the D0–D3 shift forms)
//           imm8 uimm8 simm8 imm16 imm32   immediates; simm8 is a byte sign-extended to the operand size
//           rel8 rel             branch targets (rel: 16 or 32 bits by operand size); far: seg:offset
// roles     one letter per operand: r = ModRM.reg (or the +r opcode field), m = ModRM.rm,
//           b = both reg and rm (imul r, imm), i/j = first/second immediate, o = moffs, - = implicit
// encoding  o16 o32    operand size of the form (0x66 when it differs from the code size)
//           om         operand size follows the code size, a size keyword, or an o16/o32 prefix
//           a16 a32    address size of the form (0x67 when it differs from the code size)
//           P66 PF2 PF3 mandatory prefixes (placed right before the opcode)
//           hex bytes  opcode; XX+r adds the register number; /r or /0–/7 is the ModRM byte
//           ib iw id   immediates; rel8 relv branch displacements; ptr far pointer; ao moffs address
//
// i18n-ignore-file: every string below is an encoding form in the notation above (code, not prose)

export type Pat =
  | 'r8' | 'r16' | 'r32' | 'rm8' | 'rm16' | 'rm32'
  | 'm' | 'm8' | 'm16' | 'm32' | 'm64' | 'm128' | 'mfar'
  | 'moffs8' | 'moffs16' | 'moffs32'
  | 'al' | 'ax' | 'eax' | 'cl' | 'dx' | 'ecx' | 'edx'
  | 'es' | 'cs' | 'ss' | 'ds' | 'fs' | 'gs' | 'sreg' | 'cr' | 'dr'
  | 'one' | 'imm8' | 'uimm8' | 'simm8' | 'imm16' | 'imm32'
  | 'rel8' | 'rel' | 'far';

export type ImmKind = 'ib' | 'iw' | 'id' | 'rel8' | 'relv' | 'ptr' | 'ao';

export interface Form {
  mnem: string;
  pats: Pat[];
  roles: string;
  /** 0: no operand-size attribute; 16/32: fixed; 'mode': follows code size or an explicit size. */
  osz: 0 | 16 | 32 | 'mode';
  /** 0, or the address size the form implies (JCXZ/JECXZ). */
  asz: 0 | 16 | 32;
  mand: number[];
  op: number[];
  plusR: boolean;
  /** ModRM.reg extension digit, -1 for /r, -2 when there is no ModRM byte. */
  ext: number;
  imms: ImmKind[];
  /** 8 when the form works on bytes; else 0 (the size then comes from osz). */
  byteOp: boolean;
}

export const PAT_SIZE: Partial<Record<Pat, number>> = {
  r8: 8, r16: 16, r32: 32, rm8: 8, rm16: 16, rm32: 32, m8: 8, m16: 16, m32: 32, m64: 64, m128: 128,
  moffs8: 8, moffs16: 16, moffs32: 32, al: 8, ax: 16, eax: 32, cl: 8, dx: 16, ecx: 32, edx: 32,
};

/** Human-readable pattern names for "valid forms" hints (SDM notation). */
export const PAT_TEXT: Record<Pat, string> = {
  r8: 'r8', r16: 'r16', r32: 'r32', rm8: 'r/m8', rm16: 'r/m16', rm32: 'r/m32',
  m: 'mem', m8: 'm8', m16: 'm16', m32: 'm32', m64: 'm64', m128: 'm128', mfar: 'far [mem]',
  moffs8: 'moffs8', moffs16: 'moffs16', moffs32: 'moffs32',
  al: 'al', ax: 'ax', eax: 'eax', cl: 'cl', dx: 'dx', ecx: 'ecx', edx: 'edx', es: 'es', cs: 'cs', ss: 'ss', ds: 'ds', fs: 'fs', gs: 'gs',
  sreg: 'sreg', cr: 'crN', dr: 'drN', one: '1', imm8: 'imm8', uimm8: 'imm8', simm8: 'imm8', imm16: 'imm16', imm32: 'imm32',
  rel8: 'short label', rel: 'label', far: 'sel:offset',
};

const specs: string[] = [];
const s = (...lines: string[]): void => {
  specs.push(...lines);
};
const hex = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

/** Condition codes in opcode order, with every alias (SDM Vol. 2 Appendix B.1.4.7, Table B-10). */
export const CONDITIONS: string[][] = [
  ['o'], ['no'], ['b', 'c', 'nae'], ['ae', 'nb', 'nc'], ['e', 'z'], ['ne', 'nz'], ['be', 'na'], ['a', 'nbe'],
  ['s'], ['ns'], ['p', 'pe'], ['np', 'po'], ['l', 'nge'], ['ge', 'nl'], ['le', 'ng'], ['g', 'nle'],
];

// --- Data movement --------------------------------------------------------------------------
s(
  // MOV (SDM Vol. 2B "MOV—Move"); the moffs forms first because they are one byte shorter.
  'mov al,moffs8 : -o : A0 ao',
  'mov ax,moffs16 : -o : o16 A1 ao',
  'mov eax,moffs32 : -o : o32 A1 ao',
  'mov moffs8,al : o- : A2 ao',
  'mov moffs16,ax : o- : o16 A3 ao',
  'mov moffs32,eax : o- : o32 A3 ao',
  'mov rm8,r8 : mr : 88 /r',
  'mov rm16,r16 : mr : o16 89 /r',
  'mov rm32,r32 : mr : o32 89 /r',
  'mov r8,rm8 : rm : 8A /r',
  'mov r16,rm16 : rm : o16 8B /r',
  'mov r32,rm32 : rm : o32 8B /r',
  'mov r8,imm8 : ri : B0+r ib',
  'mov r16,imm16 : ri : o16 B8+r iw',
  'mov r32,imm32 : ri : o32 B8+r id',
  'mov rm8,imm8 : mi : C6 /0 ib',
  'mov rm16,imm16 : mi : o16 C7 /0 iw',
  'mov rm32,imm32 : mi : o32 C7 /0 id',
  // Segment registers (SDM "MOV—Move", 8C /r and 8E /r). As NASM: no 0x66 for the store to memory
  // or for loads, since the processor ignores the operand size there.
  'mov r16,sreg : mr : o16 8C /r',
  'mov r32,sreg : mr : o32 8C /r',
  'mov m16,sreg : mr : 8C /r',
  'mov sreg,r16 : rm : 8E /r',
  'mov sreg,r32 : rm : 8E /r',
  'mov sreg,m16 : rm : 8E /r',
  // Control and debug registers (SDM "MOV—Move to/from Control Registers" 0F 20/0F 22, "MOV—Move
  // to/from Debug Registers" 0F 21/0F 23). The operand is always 32 bits outside 64-bit mode.
  'mov r32,cr : mr : 0F 20 /r',
  'mov cr,r32 : rm : 0F 22 /r',
  'mov r32,dr : mr : 0F 21 /r',
  'mov dr,r32 : rm : 0F 23 /r',
  'movzx r16,rm8 : rm : o16 0F B6 /r',
  'movzx r32,rm8 : rm : o32 0F B6 /r',
  'movzx r32,rm16 : rm : o32 0F B7 /r',
  'movsx r16,rm8 : rm : o16 0F BE /r',
  'movsx r32,rm8 : rm : o32 0F BE /r',
  'movsx r32,rm16 : rm : o32 0F BF /r',
  'lea r16,m : rm : o16 8D /r',
  'lea r32,m : rm : o32 8D /r',
  // XCHG: the 90+r short form with the accumulator, but never for xchg eax,eax (that is NOP).
  'xchg ax,r16 : -r : o16 90+r',
  'xchg r16,ax : r- : o16 90+r',
  'xchg eax,r32 : -r : o32 90+r',
  'xchg r32,eax : r- : o32 90+r',
  // Register pairs use the r, r/m order so a disassembler prints them as written.
  'xchg r8,rm8 : rm : 86 /r',
  'xchg rm8,r8 : mr : 86 /r',
  'xchg r16,rm16 : rm : o16 87 /r',
  'xchg rm16,r16 : mr : o16 87 /r',
  'xchg r32,rm32 : rm : o32 87 /r',
  'xchg rm32,r32 : mr : o32 87 /r',
  'xadd rm8,r8 : mr : 0F C0 /r',
  'xadd rm16,r16 : mr : o16 0F C1 /r',
  'xadd rm32,r32 : mr : o32 0F C1 /r',
  'cmpxchg rm8,r8 : mr : 0F B0 /r',
  'cmpxchg rm16,r16 : mr : o16 0F B1 /r',
  'cmpxchg rm32,r32 : mr : o32 0F B1 /r',
  'cmpxchg8b m64 : m : 0F C7 /1',
  'bswap r32 : r : o32 0F C8+r',
  // Stack (SDM "PUSH", "POP"). simm8 before the full immediate: push 5 is 6A 05.
  'push r16 : r : o16 50+r',
  'push r32 : r : o32 50+r',
  'push rm16 : m : o16 FF /6',
  'push rm32 : m : o32 FF /6',
  'push simm8 : i : o16 6A ib',
  'push simm8 : i : o32 6A ib',
  'push imm16 : i : o16 68 iw',
  'push imm32 : i : o32 68 id',
  'push es : - : om 06',
  'push cs : - : om 0E',
  'push ss : - : om 16',
  'push ds : - : om 1E',
  'push fs : - : om 0F A0',
  'push gs : - : om 0F A8',
  'pop r16 : r : o16 58+r',
  'pop r32 : r : o32 58+r',
  'pop rm16 : m : o16 8F /0',
  'pop rm32 : m : o32 8F /0',
  'pop es : - : om 07',
  'pop ss : - : om 17',
  'pop ds : - : om 1F',
  'pop fs : - : om 0F A1',
  'pop gs : - : om 0F A9',
  'pusha : : om 60',
  'pushaw : : o16 60',
  'pushad : : o32 60',
  'popa : : om 61',
  'popaw : : o16 61',
  'popad : : o32 61',
  'pushf : : om 9C',
  'pushfw : : o16 9C',
  'pushfd : : o32 9C',
  'popf : : om 9D',
  'popfw : : o16 9D',
  'popfd : : o32 9D',
  'cbw : : o16 98',
  'cwde : : o32 98',
  'cwd : : o16 99',
  'cdq : : o32 99',
  'lahf : : 9F',
  'sahf : : 9E',
  'xlat : : D7',
  'xlatb : : D7',
  // Far pointer loads (SDM "LDS/LES/LFS/LGS/LSS").
  'lds r16,m : rm : o16 C5 /r',
  'lds r32,m : rm : o32 C5 /r',
  'les r16,m : rm : o16 C4 /r',
  'les r32,m : rm : o32 C4 /r',
  'lfs r16,m : rm : o16 0F B4 /r',
  'lfs r32,m : rm : o32 0F B4 /r',
  'lgs r16,m : rm : o16 0F B5 /r',
  'lgs r32,m : rm : o32 0F B5 /r',
  'lss r16,m : rm : o16 0F B2 /r',
  'lss r32,m : rm : o32 0F B2 /r',
);

// --- Arithmetic and logic -------------------------------------------------------------------
['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'].forEach((m, i) => {
  const b = i * 8;
  s(
    `${m} rm16,simm8 : mi : o16 83 /${i} ib`,
    `${m} rm32,simm8 : mi : o32 83 /${i} ib`,
    `${m} al,imm8 : -i : ${hex(b + 4)} ib`,
    `${m} ax,imm16 : -i : o16 ${hex(b + 5)} iw`,
    `${m} eax,imm32 : -i : o32 ${hex(b + 5)} id`,
    `${m} rm8,imm8 : mi : 80 /${i} ib`,
    `${m} rm16,imm16 : mi : o16 81 /${i} iw`,
    `${m} rm32,imm32 : mi : o32 81 /${i} id`,
    `${m} rm8,r8 : mr : ${hex(b)} /r`,
    `${m} rm16,r16 : mr : o16 ${hex(b + 1)} /r`,
    `${m} rm32,r32 : mr : o32 ${hex(b + 1)} /r`,
    `${m} r8,rm8 : rm : ${hex(b + 2)} /r`,
    `${m} r16,rm16 : rm : o16 ${hex(b + 3)} /r`,
    `${m} r32,rm32 : rm : o32 ${hex(b + 3)} /r`,
  );
});
s(
  'test al,imm8 : -i : A8 ib',
  'test ax,imm16 : -i : o16 A9 iw',
  'test eax,imm32 : -i : o32 A9 id',
  'test rm8,imm8 : mi : F6 /0 ib',
  'test rm16,imm16 : mi : o16 F7 /0 iw',
  'test rm32,imm32 : mi : o32 F7 /0 id',
  'test rm8,r8 : mr : 84 /r',
  'test rm16,r16 : mr : o16 85 /r',
  'test rm32,r32 : mr : o32 85 /r',
  'test r8,rm8 : rm : 84 /r',
  'test r16,rm16 : rm : o16 85 /r',
  'test r32,rm32 : rm : o32 85 /r',
);
[['not', 2], ['neg', 3], ['mul', 4], ['imul', 5], ['div', 6], ['idiv', 7]].forEach(([m, d]) => {
  s(`${m} rm8 : m : F6 /${d}`, `${m} rm16 : m : o16 F7 /${d}`, `${m} rm32 : m : o32 F7 /${d}`);
});
s(
  'imul r16,rm16 : rm : o16 0F AF /r',
  'imul r32,rm32 : rm : o32 0F AF /r',
  'imul r16,rm16,simm8 : rmi : o16 6B /r ib',
  'imul r32,rm32,simm8 : rmi : o32 6B /r ib',
  'imul r16,rm16,imm16 : rmi : o16 69 /r iw',
  'imul r32,rm32,imm32 : rmi : o32 69 /r id',
  'imul r16,simm8 : bi : o16 6B /r ib',
  'imul r32,simm8 : bi : o32 6B /r ib',
  'imul r16,imm16 : bi : o16 69 /r iw',
  'imul r32,imm32 : bi : o32 69 /r id',
  'inc r16 : r : o16 40+r',
  'inc r32 : r : o32 40+r',
  'inc rm8 : m : FE /0',
  'inc rm16 : m : o16 FF /0',
  'inc rm32 : m : o32 FF /0',
  'dec r16 : r : o16 48+r',
  'dec r32 : r : o32 48+r',
  'dec rm8 : m : FE /1',
  'dec rm16 : m : o16 FF /1',
  'dec rm32 : m : o32 FF /1',
  'aaa : : 37',
  'aas : : 3F',
  'daa : : 27',
  'das : : 2F',
  'aam : : D4 0A',
  'aam uimm8 : i : D4 ib',
  'aad : : D5 0A',
  'aad uimm8 : i : D5 ib',
);
// Shifts and rotates (SDM "RCL/RCR/ROL/ROR", "SAL/SAR/SHL/SHR"): by 1 (D0/D1), by CL, by imm8.
[['rol', 0], ['ror', 1], ['rcl', 2], ['rcr', 3], ['shl', 4], ['sal', 4], ['shr', 5], ['sar', 7]].forEach(([m, d]) => {
  s(
    `${m} rm8,one : m- : D0 /${d}`,
    `${m} rm16,one : m- : o16 D1 /${d}`,
    `${m} rm32,one : m- : o32 D1 /${d}`,
    `${m} rm8,cl : m- : D2 /${d}`,
    `${m} rm16,cl : m- : o16 D3 /${d}`,
    `${m} rm32,cl : m- : o32 D3 /${d}`,
    `${m} rm8,imm8 : mi : C0 /${d} ib`,
    `${m} rm16,imm8 : mi : o16 C1 /${d} ib`,
    `${m} rm32,imm8 : mi : o32 C1 /${d} ib`,
  );
});
[['shld', 0xa4], ['shrd', 0xac]].forEach(([m, o]) => {
  const op = o as number;
  s(
    `${m} rm16,r16,imm8 : mri : o16 0F ${hex(op)} /r ib`,
    `${m} rm32,r32,imm8 : mri : o32 0F ${hex(op)} /r ib`,
    `${m} rm16,r16,cl : mr- : o16 0F ${hex(op + 1)} /r`,
    `${m} rm32,r32,cl : mr- : o32 0F ${hex(op + 1)} /r`,
  );
});
[['bt', 0xa3, 4], ['bts', 0xab, 5], ['btr', 0xb3, 6], ['btc', 0xbb, 7]].forEach(([m, o, d]) => {
  s(
    `${m} rm16,r16 : mr : o16 0F ${hex(o as number)} /r`,
    `${m} rm32,r32 : mr : o32 0F ${hex(o as number)} /r`,
    `${m} rm16,imm8 : mi : o16 0F BA /${d} ib`,
    `${m} rm32,imm8 : mi : o32 0F BA /${d} ib`,
  );
});
s(
  'bsf r16,rm16 : rm : o16 0F BC /r',
  'bsf r32,rm32 : rm : o32 0F BC /r',
  'bsr r16,rm16 : rm : o16 0F BD /r',
  'bsr r32,rm32 : rm : o32 0F BD /r',
);
CONDITIONS.forEach((names, cc) => {
  for (const n of names) {
    s(
      `j${n} rel8 : i : ${hex(0x70 + cc)} rel8`,
      `j${n} rel : i : om 0F ${hex(0x80 + cc)} relv`,
      `set${n} rm8 : m : 0F ${hex(0x90 + cc)} /0`,
      `cmov${n} r16,rm16 : rm : o16 0F ${hex(0x40 + cc)} /r`,
      `cmov${n} r32,rm32 : rm : o32 0F ${hex(0x40 + cc)} /r`,
    );
  }
});

// --- Control transfer ------------------------------------------------------------------------
s(
  'jmp rel8 : i : EB rel8',
  'jmp rel : i : om E9 relv',
  'jmp rm16 : m : o16 FF /4',
  'jmp rm32 : m : o32 FF /4',
  'jmp far : i : om EA ptr',
  'jmp mfar : m : om FF /5',
  'call rel : i : om E8 relv',
  'call rm16 : m : o16 FF /2',
  'call rm32 : m : o32 FF /2',
  'call far : i : om 9A ptr',
  'call mfar : m : om FF /3',
  'ret : : om C3',
  'ret imm16 : i : om C2 iw',
  'retn : : om C3',
  'retn imm16 : i : om C2 iw',
  'retf : : om CB',
  'retf imm16 : i : om CA iw',
  'loop rel8 : i : E2 rel8',
  'loope rel8 : i : E1 rel8',
  'loopz rel8 : i : E1 rel8',
  'loopne rel8 : i : E0 rel8',
  'loopnz rel8 : i : E0 rel8',
  'jecxz rel8 : i : a32 E3 rel8',
  'jcxz rel8 : i : a16 E3 rel8',
  'int uimm8 : i : CD ib',
  'int3 : : CC',
  'int1 : : F1',
  'icebp : : F1',
  'into : : CE',
  'iret : : om CF',
  'iretw : : o16 CF',
  'iretd : : o32 CF',
  'enter imm16,uimm8 : ij : om C8 iw ib',
  'leave : : om C9',
  'sysenter : : 0F 34',
  'sysexit : : 0F 35',
);

// --- Strings and I/O ---------------------------------------------------------------------------
s(
  'movsb : : A4', 'movsw : : o16 A5', 'movsd : : o32 A5',
  'cmpsb : : A6', 'cmpsw : : o16 A7', 'cmpsd : : o32 A7',
  'stosb : : AA', 'stosw : : o16 AB', 'stosd : : o32 AB',
  'lodsb : : AC', 'lodsw : : o16 AD', 'lodsd : : o32 AD',
  'scasb : : AE', 'scasw : : o16 AF', 'scasd : : o32 AF',
  'insb : : 6C', 'insw : : o16 6D', 'insd : : o32 6D',
  'outsb : : 6E', 'outsw : : o16 6F', 'outsd : : o32 6F',
  'in al,uimm8 : -i : E4 ib',
  'in ax,uimm8 : -i : o16 E5 ib',
  'in eax,uimm8 : -i : o32 E5 ib',
  'in al,dx : -- : EC',
  'in ax,dx : -- : o16 ED',
  'in eax,dx : -- : o32 ED',
  'out uimm8,al : i- : E6 ib',
  'out uimm8,ax : i- : o16 E7 ib',
  'out uimm8,eax : i- : o32 E7 ib',
  'out dx,al : -- : EE',
  'out dx,ax : -- : o16 EF',
  'out dx,eax : -- : o32 EF',
);

// --- Flags and miscellaneous -----------------------------------------------------------------
s(
  'clc : : F8', 'stc : : F9', 'cmc : : F5', 'cld : : FC', 'std : : FD', 'cli : : FA', 'sti : : FB',
  'nop : : 90',
  'nop rm16 : m : o16 0F 1F /0',
  'nop rm32 : m : o32 0F 1F /0',
  // PAUSE is F3 90 (SDM Vol. 2B "PAUSE").
  'pause : : PF3 90',
  'hlt : : F4',
  'ud2 : : 0F 0B',
  'wait : : 9B',
  'fwait : : 9B',
  'cpuid : : 0F A2',
  'rdtsc : : 0F 31',
  'rdtscp : : 0F 01 F9',
  'rdmsr : : 0F 32',
  'wrmsr : : 0F 30',
  'rdpmc : : 0F 33',
  'bound r16,m : rm : o16 62 /r',
  'bound r32,m : rm : o32 62 /r',
  'arpl rm16,r16 : mr : 63 /r',
  'lfence : : 0F AE E8',
  'mfence : : 0F AE F0',
  'sfence : : 0F AE F8',
  'clflush m8 : m : 0F AE /7',
  'rdrand r16 : m : o16 0F C7 /6',
  'rdrand r32 : m : o32 0F C7 /6',
  'rdseed r16 : m : o16 0F C7 /7',
  'rdseed r32 : m : o32 0F C7 /7',
);

// --- System ------------------------------------------------------------------------------------
s(
  'lgdt m : m : 0F 01 /2',
  'lidt m : m : 0F 01 /3',
  'sgdt m : m : 0F 01 /0',
  'sidt m : m : 0F 01 /1',
  'lldt rm16 : m : 0F 00 /2',
  'ltr rm16 : m : 0F 00 /3',
  'verr rm16 : m : 0F 00 /4',
  'verw rm16 : m : 0F 00 /5',
  'sldt m16 : m : 0F 00 /0',
  'sldt r16 : m : o16 0F 00 /0',
  'sldt r32 : m : o32 0F 00 /0',
  'str m16 : m : 0F 00 /1',
  'str r16 : m : o16 0F 00 /1',
  'str r32 : m : o32 0F 00 /1',
  'smsw m16 : m : 0F 01 /4',
  'smsw r16 : m : o16 0F 01 /4',
  'smsw r32 : m : o32 0F 01 /4',
  'lmsw rm16 : m : 0F 01 /6',
  'clts : : 0F 06',
  'invlpg m : m : 0F 01 /7',
  'invd : : 0F 08',
  'wbinvd : : 0F 09',
  'lar r16,m16 : rm : o16 0F 02 /r',
  'lar r16,r16 : rm : o16 0F 02 /r',
  'lar r16,r32 : rm : o16 0F 02 /r',
  'lar r32,m16 : rm : o32 0F 02 /r',
  'lar r32,r16 : rm : o32 0F 02 /r',
  'lar r32,r32 : rm : o32 0F 02 /r',
  'lsl r16,m16 : rm : o16 0F 03 /r',
  'lsl r16,r16 : rm : o16 0F 03 /r',
  'lsl r16,r32 : rm : o16 0F 03 /r',
  'lsl r32,m16 : rm : o32 0F 03 /r',
  'lsl r32,r16 : rm : o32 0F 03 /r',
  'lsl r32,r32 : rm : o32 0F 03 /r',
  'xsetbv : : 0F 01 D1',
  'xgetbv : : 0F 01 D0',
  'monitor : : 0F 01 C8',
  'monitor eax,ecx,edx : --- : 0F 01 C8',
  'mwait : : 0F 01 C9',
  'mwait eax,ecx : -- : 0F 01 C9',
  'clac : : 0F 01 CA',
  'stac : : 0F 01 CB',
  'getsec : : 0F 37',
  'rsm : : 0F AA',
  'invpcid r32,m128 : rm : P66 0F 38 82 /r',
);

// --- VMX (SDM Vol. 3C Chapter 31 "VMX Instruction Reference") ---------------------------------
s(
  'vmxon m64 : m : PF3 0F C7 /6',
  'vmxoff : : 0F 01 C4',
  'vmclear m64 : m : P66 0F C7 /6',
  'vmptrld m64 : m : 0F C7 /6',
  'vmptrst m64 : m : 0F C7 /7',
  // Outside 64-bit mode VMREAD/VMWRITE always use 32-bit operands (SDM "VMREAD"/"VMWRITE").
  'vmread rm32,r32 : mr : 0F 78 /r',
  'vmwrite r32,rm32 : rm : 0F 79 /r',
  'vmlaunch : : 0F 01 C2',
  'vmresume : : 0F 01 C3',
  'vmcall : : 0F 01 C1',
  'vmfunc : : 0F 01 D4',
  'invept r32,m128 : rm : P66 0F 38 80 /r',
  'invvpid r32,m128 : rm : P66 0F 38 81 /r',
  // AMD SVM instructions, so lessons can show they raise #UD on an Intel processor (AMD APM Vol. 3).
  'vmmcall : : 0F 01 D9',
  'vmrun : : 0F 01 D8',
  'vmload : : 0F 01 DA',
  'vmsave : : 0F 01 DB',
  'stgi : : 0F 01 DC',
  'clgi : : 0F 01 DD',
);

/** Mnemonics whose memory and immediate operands default to the code size when unsized (NASM does
 *  the same for PUSH/POP/JMP/CALL: `push [x]` in BITS 32 pushes a dword). */
export const DEFAULT_SIZE_MNEMONICS = new Set(['push', 'pop', 'jmp', 'call']);

function parseSpec(line: string): Form {
  const [head, roles, enc] = line.split(':').map((x) => x.trim());
  const sp = head.indexOf(' ');
  const mnem = sp < 0 ? head : head.slice(0, sp);
  const pats = (sp < 0 ? [] : head.slice(sp + 1).split(',')).map((p) => p.trim()) as Pat[];
  if (roles.length !== pats.length) throw new Error(`table: roles/patterns mismatch in '${line}'`);
  const f: Form = { mnem, pats, roles, osz: 0, asz: 0, mand: [], op: [], plusR: false, ext: -2, imms: [], byteOp: false };
  for (const t of enc.split(/\s+/)) {
    if (t === 'o16') f.osz = 16;
    else if (t === 'o32') f.osz = 32;
    else if (t === 'om') f.osz = 'mode';
    else if (t === 'a16') f.asz = 16;
    else if (t === 'a32') f.asz = 32;
    else if (t.startsWith('P')) f.mand.push(parseInt(t.slice(1), 16));
    else if (t === '/r') f.ext = -1;
    else if (/^\/[0-7]$/.test(t)) f.ext = Number(t[1]);
    else if (/^[0-9A-F]{2}\+r$/.test(t)) {
      f.op.push(parseInt(t.slice(0, 2), 16));
      f.plusR = true;
    } else if (/^[0-9A-F]{2}$/.test(t)) f.op.push(parseInt(t, 16));
    else if (['ib', 'iw', 'id', 'rel8', 'relv', 'ptr', 'ao'].includes(t)) f.imms.push(t as ImmKind);
    else throw new Error(`table: bad token '${t}' in '${line}'`);
  }
  f.byteOp = pats.some((p) => PAT_SIZE[p] === 8 && p !== 'cl');
  return f;
}

/** All forms by mnemonic, in preference order. Built once at module load from the table above. */
export const FORMS: ReadonlyMap<string, readonly Form[]> = (() => {
  const m = new Map<string, Form[]>();
  for (const line of specs) {
    const f = parseSpec(line);
    let list = m.get(f.mnem);
    if (!list) m.set(f.mnem, (list = []));
    list.push(f);
  }
  return m;
})();

/** "mov r/m32, imm32" */
export function describeForm(f: Form): string {
  return f.pats.length === 0 ? f.mnem : `${f.mnem} ${f.pats.map((p) => PAT_TEXT[p]).join(', ')}`;
}
