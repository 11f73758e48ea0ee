/**
 * The generated classification of every instruction form against an independent expected table: Robin &
 * Irvine's (USENIX Security 2000, §4) seventeen sensitive unprivileged Pentium instructions, written out here
 * by hand from the paper (not from the core's tables), each with the form that shows it. Plus the privileged
 * instructions the SDM says fault at CPL > 0 (Vol. 2: "#GP(0) if the current privilege level is not 0") and a
 * few innocuous ones, so the three classes are each checked in both directions.
 */
import { describe, expect, it } from 'vitest';
import { classCounts, classifyInstructions, type InstructionClass, type InstructionFormClass } from './instruction-classes.ts';
import { FORMS } from '../x86/asm/tables.ts';

const rows = classifyInstructions('nehalem');
const row = (form: string): InstructionFormClass => {
  const r = rows.find((x) => x.form === form);
  if (r === undefined) throw new Error(`no row for '${form}'`);
  return r;
};

/**
 * Robin & Irvine 2000, §4.1–4.2: SGDT, SIDT, SLDT, SMSW, PUSHF, POPF (register-sensitive) and LAR, LSL, VERR, VERW,
 * POP, PUSH, CALL, JMP, INT n, RET, STR, MOV (protection-sensitive). The expected class is the paper's
 * ("sensitive, unprivileged"), except where this VMM's design makes the processor fault, each with why:
 */
const ROBIN_IRVINE: readonly [form: string, expected: InstructionClass, why?: string][] = [
  ['sgdt mem', 'sensitive-unprivileged'],
  ['sidt mem', 'sensitive-unprivileged'],
  ['sldt m16', 'sensitive-unprivileged'],
  ['smsw m16', 'sensitive-unprivileged'],
  ['pushf', 'sensitive-unprivileged'],
  ['popf', 'sensitive-unprivileged'],
  ['lar r32, r32', 'sensitive-unprivileged'],
  ['lsl r32, m16', 'sensitive-unprivileged'],
  ['verr r/m16', 'sensitive-unprivileged'],
  ['verw r/m16', 'sensitive-unprivileged'],
  ['pop ds', 'sensitive-unprivileged'],
  ['push cs', 'sensitive-unprivileged'],
  ['call sel:offset', 'sensitive-unprivileged'],
  ['jmp sel:offset', 'sensitive-unprivileged'],
  ['str r16', 'sensitive-unprivileged'],
  ['mov r16, cs', 'sensitive-unprivileged'],
  ['mov sreg, r16'.replace('sreg', 'ds'), 'sensitive-unprivileged'],
  // The VMM's IDT has DPL-0 gates, so INT n faults (#GP(n·8+2)) and is reflected: it traps, though the handler
  // then runs at ring 1 (instructions.ts, INT n).
  ['int imm8', 'privileged', 'the VMM made its gates DPL 0'],
  // A far RET to RPL 0 is a return to an inner level at CPL 1: #GP, emulated; to RPL 1–3 it runs unseen.
  ['retf', 'privileged', 'to RPL 0 only'],
];

describe('every instruction form the core implements, classified', () => {
  it('covers every mnemonic of the assembler table (none skipped)', () => {
    const mnemonics = new Set(rows.map((r) => r.mnemonic));
    const missing = [...FORMS.keys()].filter((m) => !mnemonics.has(m));
    expect(missing).toEqual([]);
    expect(rows.length).toBeGreaterThan(600);
  });

  it.each(ROBIN_IRVINE)("Robin & Irvine's %s is %s", (form, expected) => {
    const r = row(form);
    expect(r.cls).toBe(expected);
    expect(r.sensitive).toBe(true);
    expect(r.robinIrvine).toBe(true);
  });

  it('far RET, IRET and POP SS fault only for a selector with RPL 0; CLI, HLT, LGDT, MOV CR3 always', () => {
    for (const f of ['retf', 'iret', 'pop ss']) expect(row(f).privileged, f).toBe('rpl0');
    expect(row('retf').trapAndEmulate).toMatch(/with RPL 1–3 it runs at ring 1 unseen/);
    // MOV CS is no instruction at all: #UD at ring 0 as at ring 1, so it is not counted as sensitive.
    expect(row('mov cs, r16')).toMatchObject({ cls: 'innocuous', faultAtRing1: '#UD' });
    for (const f of ['cli', 'sti', 'hlt', 'lgdt mem', 'lidt mem', 'mov cr3, r32', 'mov r32, cr0', 'invlpg mem', 'rdmsr', 'wrmsr', 'out imm8, al', 'in al, dx', 'lldt r/m16', 'ltr r/m16', 'clts', 'int imm8']) {
      const r = row(f);
      expect(r.privileged, f).toBe('always');
      expect(r.cls, f).toBe('privileged');
      expect(r.faultAtRing1, f).toBe('#GP');
      expect(r.trapAndEmulate, f).toMatch(/emulates it/);
    }
  });

  it('innocuous instructions run directly everywhere and are copied by the translator', () => {
    for (const f of ['add r/m32, r32', 'mov r32, r/m32', 'mov r16, ds', 'push r32', 'nop', 'xor r/m32, r32', 'inc r32']) {
      const r = row(f);
      expect(r.cls, f).toBe('innocuous');
      expect(r.faultAtRing1, f).toBeNull();
      expect(r.binaryTranslation, f).toBe('copied unchanged into the translation');
    }
  });

  it('what each technique does follows the class: trap-and-emulate misses exactly the sensitive unprivileged forms', () => {
    for (const r of rows) {
      if (r.cls === 'sensitive-unprivileged') expect(r.trapAndEmulate, r.form).toMatch(/never sees it/);
      if (r.sensitive) expect(r.binaryTranslation, r.form).toMatch(/^callout/);
      if (r.cls === 'privileged') expect(r.paravirt, r.form).toMatch(/crashed/);
    }
    const c = classCounts(rows);
    expect(c.privileged.forms + c['sensitive-unprivileged'].forms + c.innocuous.forms).toBe(rows.length);
    expect(c['sensitive-unprivileged'].mnemonics).toBeGreaterThanOrEqual(15);
  });

  it('the fast memory reset between forms gives exactly the table that copying all memory gives', () => {
    expect(classifyInstructions('nehalem', { fullReset: true })).toEqual(rows);
  }, 120_000);
});
