/**
 * The sensitive unprivileged instructions: run at ring 1 under the trap-and-emulate VMM they do not trap,
 * and they give the answers the hardware gives at CPL 1 — not the ones the guest kernel gets at CPL 0 on
 * the bare machine (or as a VT-x guest). sensitive.s runs all 18 mnemonics of Robin & Irvine's list and
 * prints one line each.
 */
import { describe, expect, it } from 'vitest';
import { assemble } from '../../x86/asm/index.ts';
import { PROGRAM_BASE } from '../../machine/layout.ts';
import { runLab } from '../../lab/run.ts';
import { JsonSink, type TraceRecord } from '../../trace/json.ts';
import { withMode } from '../../scenarios/index.ts';
import { SCENARIO_SOURCES } from '../../scenarios/sources.generated.ts';
import { SENSITIVE_UNPRIVILEGED } from './instructions.ts';
import { StreamRecorder, bareFor, runToEnd, softwareVmmFor } from './test-support.ts';

const SOURCE = SCENARIO_SOURCES['sensitive.s'];
const asm = assemble(SOURCE, { origin: PROGRAM_BASE });
if (!asm.ok) throw new Error('sensitive.s does not assemble');
const sym = asm.symbols;
const hex = (v: number, digits = 8): string => '0x' + (v >>> 0).toString(16).toUpperCase().padStart(digits, '0');

const bareRecords: TraceRecord[] = [];
const bare = bareFor(withMode(SOURCE, 'bare'), new JsonSink((r) => bareRecords.push(r)));
const bareEnd = bare.run(20_000_000);
const swRec = new StreamRecorder(false, true);
const vmm = softwareVmmFor(SOURCE, swRec);
const swEnd = runToEnd(vmm);

const lineOf = (text: string, prefix: string): string => text.split('\n').find((l) => l.startsWith(prefix)) ?? `(no line ${prefix})`;

/** What each line says on the bare machine (CPL 0) and under the software VMM (CPL 1). */
const EXPECTED: Record<string, { bare: string; ring1: string }> = {
  SGDT: { bare: `SGDT: base ${hex(sym.gdt)}, limit 0x0047`, ring1: 'SGDT: base 0xFFC10000, limit 0xFFFF' },
  SIDT: { bare: `SIDT: base ${hex(sym.idt)}, limit 0x0417`, ring1: 'SIDT: base 0xFFC00000, limit 0x07FF' },
  SLDT: { bare: 'SLDT: 0x0040', ring1: 'SLDT: 0xFFE0' },
  STR: { bare: 'STR: 0x0028', ring1: 'STR: 0xFFF8' },
  SMSW: { bare: 'SMSW after clearing CR0.NE: 0x0011', ring1: 'SMSW after clearing CR0.NE: 0x0031' },
  PUSHF: { bare: 'PUSHF after CLI: IF = 0', ring1: 'PUSHF after CLI: IF = 1' },
  POPF: { bare: 'POPF setting IF: a timer interrupt came in: yes', ring1: 'POPF setting IF: a timer interrupt came in: no' },
  LAR: {
    bare: 'LAR 0x10: ZF = 1, access rights 0x00CF9300; LAR 0x28 (the TSS): ZF = 1',
    ring1: 'LAR 0x10: ZF = 1, access rights 0x00CFB300; LAR 0x28 (the TSS): ZF = 0',
  },
  LSL: { bare: 'LSL 0x10: limit 0xFFFFFFFF', ring1: 'LSL 0x10: limit 0xFFBFFFFF' },
  VERR: { bare: 'VERR 0x11 (RPL 1, DPL 0): ZF = 0', ring1: 'VERR 0x11 (RPL 1, DPL 0): ZF = 1' },
  VERW: { bare: 'VERW 0x11 (RPL 1, DPL 0): ZF = 0', ring1: 'VERW 0x11 (RPL 1, DPL 0): ZF = 1' },
  PUSH: { bare: 'PUSH CS: 0x0008, PUSH SS: 0x0010', ring1: 'PUSH CS: 0x0009, PUSH SS: 0x0011' },
  POP: { bare: 'POP DS with 0x11 (RPL 1, DPL 0): #GP(0x0010)', ring1: 'POP DS with 0x11 (RPL 1, DPL 0): loaded' },
  MOV: { bare: 'MOV AX, SS: 0x0010; MOV DS, 0x11: #GP(0x0010)', ring1: 'MOV AX, SS: 0x0011; MOV DS, 0x11: loaded' },
  CALL: { bare: 'CALL FAR 0x08: pushed CS = 0x0008', ring1: 'CALL FAR 0x08: pushed CS = 0x0009' },
  JMP: { bare: 'JMP FAR 0x31 (DPL-1 code): #GP(0x0030)', ring1: 'JMP FAR 0x31 (DPL-1 code): taken' },
  RET: { bare: 'RETF to ring 1 (0x31) switched to the ring-1 stack: yes', ring1: 'RETF to ring 1 (0x31) switched to the ring-1 stack: no' },
  'INT n': { bare: 'INT 0x82: the handler runs with CS = 0x0008', ring1: 'INT 0x82: the handler runs with CS = 0x0009' },
};

/** Source lines (regex) of each instruction under test, to find their addresses in the listing. */
const SITES: Record<string, RegExp> = {
  SGDT: /^\s*sgdt\b/, SIDT: /^\s*sidt\b/, SLDT: /^\s*sldt\b/, STR: /^\s*str\b/, SMSW: /^\s*smsw\b/,
  PUSHF: /^\s*pushfd\b/, POPF: /^\s*popfd\b/, LAR: /^\s*lar\b/, LSL: /^\s*lsl\b/, VERR: /^\s*verr\b/, VERW: /^\s*verw\b/,
  PUSH: /^\s*push\s+(cs|ss)\b/, POP: /^\s*pop\s+ds\b/, MOV: /^\s*mov\s+(ax, ss|ds, ax)\b/, CALL: /^\s*call\s+KERNEL_CS:/,
  JMP: /^\s*jmp\s+RING1_CS:/, RET: /^\s*retf\b/, 'INT n': /^\s*int\s+0x8[12]\b/,
};
const addressesOf = (mnemonic: string): number[] => asm.listing.filter((l) => SITES[mnemonic].test(l.source)).map((l) => l.address);

describe('sensitive.s', () => {
  it('ends halted everywhere; the VT-x guest sees exactly what the bare machine sees', () => {
    expect(bareEnd.reason).toBe('halted');
    expect(swEnd.reason, vmm.message).toBe('halted');
    const records: TraceRecord[] = [];
    const guest = runLab(withMode(SOURCE, 'guest'), { trace: new JsonSink((r) => records.push(r)) });
    expect(guest.ok && guest.end.reason).toBe('halted');
    expect(records.filter((r) => r.type === 'console').map((r) => r.text).join('')).toBe(bare.consoleText);
    expect(vmm.consoleText.split('\n').length).toBe(bare.consoleText.split('\n').length);
    expect(vmm.consoleText.endsWith('done\n')).toBe(true);
  });

  it('covers the 18 mnemonics of the list (Robin & Irvine\'s "17", as commonly reproduced)', () => {
    expect(SENSITIVE_UNPRIVILEGED.map((s) => s.mnemonic).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(SENSITIVE_UNPRIVILEGED).toHaveLength(18);
    for (const s of SENSITIVE_UNPRIVILEGED) expect(addressesOf(s.mnemonic).length, s.mnemonic).toBeGreaterThan(0);
  });

  it.each(SENSITIVE_UNPRIVILEGED.map((s) => [s.mnemonic, s] as const))('%s: the correct answer at CPL 0, the revealing one at CPL 1', (mnemonic, s) => {
    const e = EXPECTED[mnemonic];
    expect(lineOf(bare.consoleText, s.line)).toBe(e.bare);
    expect(lineOf(vmm.consoleText, s.line)).toBe(e.ring1);
    // it did not trap (INT n does: the VMM owns the IDT, see below)
    const trapsAt = swRec.records.filter((x) => x.type === 'sw-trap' && addressesOf(mnemonic).includes(Number(x.guestEip)));
    if (mnemonic === 'INT n') {
      expect(trapsAt.length).toBe(2);
      expect(trapsAt.every((x) => x.vector === 13 && x.emulated === 'INT n')).toBe(true);
      expect(trapsAt.map((x) => x.errorCode)).toEqual([(0x81 << 3) | 2, (0x82 << 3) | 2]);
      // natively: delivered straight from ring 1 to 0 (0x81) and within ring 0 (0x82)
      const native = bareRecords.filter((x) => x.type === 'interrupt' && (x.vector === 0x81 || x.vector === 0x82));
      expect(native.map((x) => [x.vector, x.cplBefore, x.cplAfter])).toEqual([[0x81, 1, 0], [0x82, 0, 0]]);
    } else {
      expect(trapsAt).toEqual([]);
    }
  });

  it('the bare machine took #GP for POP DS, MOV DS and JMP FAR; the deprivileged kernel took none of them', () => {
    const gp = (records: TraceRecord[]): number => records.filter((x) => x.type === 'exception' && x.vector === 13 && x.cplBefore === 0).length;
    expect(gp(bareRecords)).toBe(3);
    expect(swRec.records.filter((x) => x.type === 'sw-trap' && x.vector === 13 && x.emulated === null)).toEqual([]);
  });
});

describe('CALL through a call gate from ring 3', () => {
  // The kernel changes its TSS.ESP0 after LTR (an ordinary store: it does not trap), then its ring-3 task calls
  // through a call gate. Natively the processor takes the new ESP0. Under the VMM the gate lands at ring 1 and
  // the processor takes the real TSS's ESP1 — the VMM's copy of ESP0, made at LTR, now stale.
  const src = `
start:
        mov     eax, tss
        mov     [gdt + 0x28 + 2], ax
        shr     eax, 16
        mov     [gdt + 0x28 + 4], al
        mov     [gdt + 0x28 + 7], ah
        mov     eax, gate_target
        mov     [gdt + 0x30], ax
        shr     eax, 16
        mov     [gdt + 0x30 + 6], ax
        lgdt    [gdtr]
        mov     ax, 0x28
        ltr     ax
        mov     dword [tss + 4], 0x88000    ; a new ring-0 stack: a plain store
        push    dword 0x23
        push    dword 0x70000
        push    dword 0x002
        push    dword 0x1B
        push    dword user
        iretd
user:   call    0x33:0                      ; through the call gate (RPL 3)
        jmp     $
gate_target:
        mov     [ss:0x4000], esp
        mov     eax, [esp + 4]              ; the caller's CS
        mov     [ss:0x4004], eax
        cli
        hlt
        align 8
gdt:    dq 0
        dq 0x00CF9A000000FFFF
        dq 0x00CF92000000FFFF
        dq 0x00CFFA000000FFFF
        dq 0x00CFF2000000FFFF
        dq 0x0000890000000067               ; 0x28 TSS
        dq 0x0000EC0000080000               ; 0x30 call gate: DPL 3, 32-bit, to 0x08:gate_target
gdt_end:
gdtr:   dw gdt_end - gdt - 1
        dd gdt
tss:    dd 0, 0x90000, 0x10
        times 23 dd 0
        dw 0, 104
`;
  it('switches to the stale stack: 0x8FFF0 instead of 0x87FF0', () => {
    const b = bareFor(src);
    expect(b.run(10_000).reason).toBe('halted');
    const rec = new StreamRecorder(false, true);
    const s = softwareVmmFor(src, rec);
    expect(runToEnd(s).reason).toBe('halted');
    expect(b.mem.read32(0x4000)).toBe(0x88000 - 16);
    expect(s.gm.read32(0x4000)).toBe(0x90000 - 16);
    expect(b.mem.read32(0x4004) & 0xffff).toBe(0x1b);
    expect(s.gm.read32(0x4004) & 0xffff).toBe(0x1b);
    // the transfer itself never trapped: the next trap is the CLI in the gate's target, at ring 1
    const farCall = rec.records.find((x) => x.type === 'far-transfer')!;
    expect(farCall).toMatchObject({ kind: 'call', cplBefore: 3, cplAfter: 1 });
    expect(rec.records.filter((x) => x.type === 'sw-trap').map((x) => x.emulated)).toEqual(['LGDT', 'LTR', 'CLI', 'HLT']);
  });
});

describe('a VMM assumption: user mode runs with interrupts enabled', () => {
  // The kernel IRETs to ring 3 with IF = 0 in the frame. Natively ring 3 then runs with interrupts off. The
  // IRET to ring 3 does not fault at CPL 1 (and ignores IF there: CPL 1 > IOPL), so the VMM cannot see the IF
  // the kernel asked for; it takes the guest's IF to be 1 while the guest is in ring 3.
  const src = `
IDT equ 0x3000
start:
        mov     eax, tick
        mov     [IDT + 0x20 * 8], ax
        mov     word [IDT + 0x20 * 8 + 2], 0x08
        mov     word [IDT + 0x20 * 8 + 4], 0x8E00
        shr     eax, 16
        mov     [IDT + 0x20 * 8 + 6], ax
        lidt    [idtr]
        mov al, 0x11
        out 0x20, al
        mov al, 0x20
        out 0x21, al
        mov al, 0x04
        out 0x21, al
        mov al, 0x01
        out 0x21, al
        mov al, 0xFE
        out 0x21, al
        mov al, 0x34
        out 0x43, al
        mov al, 119
        out 0x40, al
        mov al, 0
        out 0x40, al
        push    dword 0x23
        push    dword 0x70000
        push    dword 0x002                 ; IF = 0
        push    dword 0x1B
        push    dword user
        iretd
user:   mov     ecx, 200000
.spin:  dec     ecx
        jnz     .spin
        hlt                                 ; #GP at ring 3: no handler, so the run ends
tick:   push    eax
        push    ds
        mov     ax, 0x10
        mov     ds, ax
        inc     dword [0x4000]
        mov     al, 0x20
        out     0x20, al
        pop     ds
        pop     eax
        iretd
idtr:   dw 0x21 * 8 - 1
        dd IDT
`;
  it('the timer interrupts the ring-3 task under the VMM, and never natively', () => {
    const b = bareFor(src);
    b.run(1_000_000);
    const s = softwareVmmFor(src);
    runToEnd(s, 1_000_000);
    expect(b.mem.read32(0x4000)).toBe(0);
    expect(s.gm.read32(0x4000)).toBeGreaterThan(0);
  });
});
