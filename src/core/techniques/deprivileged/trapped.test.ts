/**
 * One test per class of trapped instruction: a small program whose guest kernel (at CPL 1) executes it, the
 * SW_TRAP / SW_RESUME pair it causes, and the emulated effect on the guest's virtual state — checked against
 * the bare machine where the two can be compared.
 */
import { describe, expect, it } from 'vitest';
import { Cr0, Flag } from '../../x86/arch.ts';
import type { TraceRecord } from '../../trace/json.ts';
import type { TrapAndEmulateVmm } from './vmm.ts';
import { StreamRecorder, assembleProgram, bareFor, runToEnd, softwareVmmFor } from './test-support.ts';
import { VMM_LDT_SEL } from './layout.ts';

interface SwRun {
  vmm: TrapAndEmulateVmm;
  records: TraceRecord[];
  traps: TraceRecord[];
  resumes: TraceRecord[];
  end: string;
  symbols: Record<string, number>;
}

function sw(source: string): SwRun {
  const rec = new StreamRecorder(false, true);
  const vmm = softwareVmmFor(source, rec);
  const r = runToEnd(vmm);
  return {
    vmm,
    records: rec.records,
    traps: rec.records.filter((x) => x.type === 'sw-trap'),
    resumes: rec.records.filter((x) => x.type === 'sw-resume'),
    end: r.reason,
    symbols: assembleProgram(source).symbols,
  };
}

/** The emulated-instruction names of the traps, in order. */
const emulated = (r: SwRun): unknown[] => r.traps.map((x) => x.emulated);
/** The SW_RESUME right after the trap at `eip`. */
function resumeAfter(r: SwRun, eip: number): TraceRecord {
  const k = r.records.findIndex((x) => x.type === 'sw-trap' && Number(x.guestEip) === eip);
  expect(k, `a trap at 0x${eip.toString(16)}`).toBeGreaterThanOrEqual(0);
  const resume = r.records.slice(k).find((x) => x.type === 'sw-resume');
  return resume!;
}

/** An IDT at 0x3000 with 32-bit interrupt gates (DPL 0 unless given) for the listed vectors. */
const IDT_SETUP = `
IDT     equ 0x3000
; set_gate: EAX = vector, EBX = handler, EDX = type/DPL bits
set_gate:
        push    ecx
        lea     ecx, [IDT + eax * 8]
        push    ebx
        and     ebx, 0xFFFF
        or      ebx, 0x08 << 16
        mov     [ecx], ebx
        pop     ebx
        push    ebx
        and     ebx, 0xFFFF0000
        or      ebx, edx
        mov     [ecx + 4], ebx
        pop     ebx
        pop     ecx
        ret
idtr:   dw 0x100 * 8 - 1
        dd IDT
`;

/** The PIC at 0x20 with only IRQ0 unmasked, and the PIT at about 10 kHz. */
const TIMER_SETUP = `
timer_on:
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
        ret
`;

describe('CLI and STI (CPL 1 > IOPL 0: #GP)', () => {
  it('change the virtual IF only; STI sets the interrupt shadow', () => {
    const seen: { vif: boolean; shadow: number; realIf: number }[] = [];
    const rec = new StreamRecorder();
    const vmm = softwareVmmFor('start:\n  sti\n  nop\n  cli\n  hlt\n', rec);
    const emit = rec.emit.bind(rec);
    rec.emit = (kind, cycle, ...p) => {
      emit(kind, cycle, ...p);
      if (kind === 21) seen.push({ vif: vmm.v.vif, shadow: vmm.cpu.intShadow, realIf: vmm.cpu.getEflags() & Flag.IF });
    };
    expect(runToEnd(vmm).reason).toBe('halted');
    expect(seen.slice(0, 2)).toEqual([
      { vif: true, shadow: 1, realIf: Flag.IF },
      { vif: false, shadow: 0, realIf: Flag.IF },
    ]);
    expect(vmm.guestRegisters().eflags & Flag.IF).toBe(0);
  });

  it('lists CLI and STI as the emulated instructions, with the guest EIP before and after', () => {
    const r = sw('start:\n  sti\n  cli\n  hlt\n');
    expect(emulated(r)).toEqual(['STI', 'CLI', 'HLT']);
    expect(r.traps[0]).toMatchObject({ vector: 13, errorCode: 0, guestEip: '0x00010000', guestCpl: 0 });
    expect(r.resumes[0]).toMatchObject({ guestEip: '0x00010001', cpl: 1, guestCpl: 0, reflected: null });
  });
});

describe('HLT (CPL > 0: #GP)', () => {
  const program = `
start:
        mov     eax, 0x20
        mov     ebx, tick
        mov     edx, 0x8E00
        call    set_gate
        lidt    [idtr]
        call    timer_on
        sti
        hlt                             ; sleeps until the timer
        cli
        hlt                             ; IF = 0: sleeps forever
tick:   inc     dword [0x4000]
        mov     al, 0x20
        out     0x20, al
        iretd
${IDT_SETUP}${TIMER_SETUP}`;

  it('idles until the guest\'s timer interrupt, which is reflected through the guest\'s IDT', () => {
    const r = sw(program);
    expect(r.end).toBe('halted');
    expect(r.vmm.gm.read32(0x4000)).toBe(1);
    const kinds = r.records.map((x) => x.type);
    const halt = kinds.indexOf('halt');
    expect(halt).toBeGreaterThan(0);
    expect(kinds[halt + 1]).toBe('sw-resume');
    expect(kinds.slice(halt + 2, halt + 6)).toEqual(['wake', 'interrupt', 'sw-trap', 'sw-resume']);
    expect(r.records[halt + 4]).toMatchObject({ name: 'IRQ 0', vector: 0x100, emulated: null });
    expect(r.records[halt + 5]).toMatchObject({ reflected: 0x20, cpl: 1, guestCpl: 0 });
    expect(r.vmm.stats().idleCycles).toBeGreaterThan(0);
    // the last HLT, with the virtual IF = 0, ends the run
    expect(emulated(r).filter((x) => x === 'HLT').length).toBe(2);
  });
});

describe('IN, OUT, INS, OUTS (CPL > IOPL: #GP)', () => {
  it('reach the VM\'s own devices: the console, the UART status', () => {
    const src = `
start:
        mov     dx, 0x3FD
        in      al, dx                  ; LSR: transmitter empty
        mov     [0x4000], eax
        mov     dx, 0x3F8
        mov     al, 'A'
        out     dx, al
        cli
        hlt
`;
    const r = sw(src);
    const bare = bareFor(src);
    bare.run(1000);
    expect(r.vmm.consoleText).toBe('A');
    expect(r.vmm.gm.read32(0x4000) & 0xff).toBe(bare.mem.read32(0x4000) & 0xff);
    expect(emulated(r)).toEqual(['IN', 'OUT', 'CLI', 'HLT']);
    const io = r.records.filter((x) => x.type === 'io');
    expect(io.map((x) => [x.port, x.direction, x.vmx])).toEqual([
      ['0x03FD', 'in', 'none'],
      ['0x03F8', 'out', 'none'],
    ]);
  });

  it('emulate a whole REP OUTSB / REP INSB in one trap', () => {
    const src = `
start:
        mov     dx, 0x3FA
        mov     al, 0xC7                ; FIFOs on
        out     dx, al
        cld
        mov     esi, msg
        mov     ecx, 5
        mov     dx, 0x3F8
        rep outsb
        mov     [0x4000], ecx
        mov     [0x4004], esi
        mov     edi, 0x4010
        mov     ecx, 3
        mov     dx, 0x3FD
        rep insb
        mov     [0x4008], edi
        cli
        hlt
msg:    db "hello"
`;
    const r = sw(src);
    const bare = bareFor(src);
    bare.run(1000);
    expect(r.vmm.consoleText).toBe('hello');
    expect(r.vmm.consoleText).toBe(bare.consoleText);
    for (const a of [0x4000, 0x4004, 0x4008, 0x4010]) expect(r.vmm.gm.read32(a), `0x${a.toString(16)}`).toBe(bare.mem.read32(a));
    expect(emulated(r)).toEqual(['OUT', 'OUTS', 'INS', 'CLI', 'HLT']);
  });
});

describe('LGDT, LIDT, LLDT, LTR (CPL > 0: #GP)', () => {
  const src = `
start:
        mov     eax, ldt
        mov     [gdt + 0x30 + 2], ax
        shr     eax, 16
        mov     [gdt + 0x30 + 4], al
        mov     [gdt + 0x30 + 7], ah
        lgdt    [gdtr]
        lidt    [idtr]
        mov     ax, 0x30
        lldt    ax
        mov     ax, 0x28
        ltr     ax
        mov     ax, 0x04                ; LDT selector 0, RPL 0
        mov     es, ax
        mov     dword [es:0x4000], 0x1DE
        cli
        hlt
        align 8
gdt:    dq 0
        dq 0x00CF9A000000FFFF           ; 0x08 code DPL 0
        dq 0x00CF92000000FFFF           ; 0x10 data DPL 0
        dq 0x00CFFA000000FFFF           ; 0x18 code DPL 3
        dq 0x00CFF2000000FFFF           ; 0x20 data DPL 3
        dq 0x0000890011000067           ; 0x28 TSS at 0x1100
        dq 0x0000820000000007           ; 0x30 LDT (base patched)
gdt_end:
gdtr:   dw gdt_end - gdt - 1
        dd gdt
idtr:   dw 0x7FF
        dd 0x3000
        align 8
ldt:    dq 0x00CF92000000FFFF
`;

  it('load the virtual registers; the processor keeps the VMM\'s tables with compressed copies', () => {
    const r = sw(src);
    const { vmm } = r;
    expect(r.end).toBe('halted');
    expect(emulated(r)).toEqual(['LGDT', 'LIDT', 'LLDT', 'LTR', 'CLI', 'HLT']);
    expect([vmm.v.gdtrBase, vmm.v.gdtrLimit]).toEqual([r.symbols.gdt, 0x37]);
    expect([vmm.v.idtrBase, vmm.v.idtrLimit]).toEqual([0x3000, 0x7ff]);
    expect(vmm.v.ldtr).toEqual({ sel: 0x30, base: r.symbols.ldt, limit: 7 });
    expect(vmm.v.tr).toEqual({ sel: 0x28, base: 0x1100, limit: 0x67 });
    // the processor: the VMM's GDT, IDT, TSS; the LDT is the VMM's shadow slot
    expect(vmm.cpu.gdtrBase >>> 0).toBe(0xffc10000);
    expect(vmm.cpu.idtrBase >>> 0).toBe(0xffc00000);
    expect(vmm.cpu.segSel[6]).toBe(VMM_LDT_SEL);
    expect(vmm.cpu.segSel[7]).toBe(0xfff8);
    // the shadow GDT: DPL 0 became 1 and the limit stops below the hole; DPL 3 stays
    const shadowHi = (sel: number): number => vmm.mem.read32(0x10000 + sel + 4);
    expect((shadowHi(0x08) >>> 13) & 3).toBe(1);
    expect((shadowHi(0x18) >>> 13) & 3).toBe(3);
    // LTR marked the guest's TSS descriptor busy, in the guest's GDT
    expect((vmm.gm.read32(r.symbols.gdt + 0x28 + 4) >>> 8) & 0xf).toBe(0xb);
    // the LDT works: ES came from it, and the store landed
    expect(vmm.gm.read32(0x4000)).toBe(0x1de);
  });
});

describe('MOV to/from CR0, CR3, CR4 (CPL > 0: #GP)', () => {
  const src = `
PD equ 0x30000
start:
        mov     dword [PD], 0x00000083  ; one 4-MiB page: linear 0 = physical 0
        mov     eax, cr4
        or      eax, 0x10               ; PSE
        mov     cr4, eax
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        mov     eax, cr0
        mov     [0x4000], eax
        mov     eax, 0xC0DE
        mov     cr2, eax
        mov     ebx, cr2
        mov     [0x4004], ebx
        mov     eax, cr3
        mov     [0x4008], eax
        cli
        hlt
`;
  it('change the virtual registers; the processor runs on the shadow page tables', () => {
    const r = sw(src);
    const { vmm } = r;
    expect(r.end).toBe('halted');
    expect(vmm.gm.read32(0x4000) >>> 0).toBe(0x80000031); // what the guest wrote, not the real CR0
    expect(vmm.gm.read32(0x4004)).toBe(0xc0de);
    expect(vmm.gm.read32(0x4008)).toBe(0x30000);
    expect(vmm.v.cr0 >>> 0).toBe(0x80000031);
    expect(vmm.v.cr3).toBe(0x30000);
    expect(vmm.v.cr4).toBe(0x10);
    expect(vmm.cpu.cr3).toBe(vmm.shadowPd);
    expect(vmm.cpu.cr0 & Cr0.WP).toBe(Cr0.WP);
    expect(vmm.stats().shadowFills).toBeGreaterThan(0);
    expect(vmm.stats().shadowFlushes).toBeGreaterThanOrEqual(2);
    expect(r.records.filter((x) => x.type === 'cr-write').map((x) => [x.cr, x.value])).toEqual([
      [4, '0x00000010'],
      [3, '0x00030000'],
      [0, '0x80000031'],
    ]);
    expect(emulated(r).filter((x) => x === 'MOV to CR' || x === 'MOV from CR')).toHaveLength(9);
  });
});

describe('MOV DR, CLTS, LMSW, WBINVD, INVD (CPL > 0: #GP)', () => {
  it('MOV DR reads and writes virtual debug registers', () => {
    const r = sw('start:\n  mov eax, 0x12345678\n  mov dr0, eax\n  mov ebx, dr0\n  mov [0x4000], ebx\n  cli\n  hlt\n');
    expect(r.vmm.gm.read32(0x4000)).toBe(0x12345678);
    expect(r.vmm.v.dr[0]).toBe(0x12345678);
    expect(r.vmm.cpu.dr[0]).toBe(0); // not armed on the processor
    expect(emulated(r)).toEqual(['MOV DR', 'MOV DR', 'CLI', 'HLT']);
  });

  it('LMSW sets CR0.TS and CLTS clears it, in the virtual CR0 and the real one', () => {
    const r = sw('start:\n  mov eax, 0x09\n  lmsw ax\n  mov ebx, cr0\n  mov [0x4000], ebx\n  clts\n  mov ebx, cr0\n  mov [0x4004], ebx\n  wbinvd\n  invd\n  cli\n  hlt\n');
    expect(r.vmm.gm.read32(0x4000) & Cr0.TS).toBe(Cr0.TS);
    expect(r.vmm.gm.read32(0x4004) & Cr0.TS).toBe(0);
    expect(r.vmm.cpu.cr0 & Cr0.TS).toBe(0);
    expect(emulated(r)).toEqual(['LMSW', 'MOV from CR', 'CLTS', 'MOV from CR', 'WBINVD', 'INVD', 'CLI', 'HLT']);
  });
});

describe('INVLPG (CPL > 0: #GP)', () => {
  it('drops the stale shadow entry of a page the guest remapped', () => {
    const src = `
PD equ 0x30000
PT equ 0x31000
start:
        mov     edi, PT                 ; identity-map 0-4 MiB with 4-KiB pages
        mov     eax, 3
        mov     ecx, 1024
.pte:   mov     [edi], eax
        add     edi, 4
        add     eax, 0x1000
        loop    .pte
        mov     dword [PD], PT | 3
        mov     dword [0x5000], 0xAAAA
        mov     dword [0x6000], 0xBBBB
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        mov     eax, [0x5000]           ; fills the shadow for page 5
        mov     dword [PT + 5 * 4], 0x6003 ; linear 0x5000 -> physical 0x6000
        mov     ebx, [0x5000]           ; the shadow (a TLB) may still say 0xAAAA
        invlpg  [0x5000]
        mov     ecx, [0x5000]           ; now 0xBBBB
        mov     [0x4000], eax
        mov     [0x4004], ecx
        cli
        hlt
`;
    const r = sw(src);
    expect(r.end).toBe('halted');
    expect(r.vmm.gm.read32(0x4000)).toBe(0xaaaa);
    expect(r.vmm.gm.read32(0x4004)).toBe(0xbbbb);
    expect(emulated(r)).toContain('INVLPG');
    const bare = bareFor(src);
    bare.run(10_000);
    expect(bare.mem.read32(0x4004)).toBe(0xbbbb);
  });
});

describe('RDMSR, WRMSR, RDPMC, RDTSC (CPL > 0: #GP)', () => {
  it('virtual MSRs: the guest\'s SYSENTER_CS is not the processor\'s', () => {
    const r = sw('start:\n  mov ecx, 0x174\n  mov eax, 0x08\n  xor edx, edx\n  wrmsr\n  xor eax, eax\n  rdmsr\n  mov [0x4000], eax\n  cli\n  hlt\n');
    expect(r.vmm.gm.read32(0x4000)).toBe(8);
    expect(r.vmm.v.msrs['372']).toEqual([8, 0]);
    expect(r.vmm.cpu.msrLo.get(0x174) ?? 0).toBe(0);
    expect(emulated(r)).toEqual(['WRMSR', 'RDMSR', 'CLI', 'HLT']);
  });

  it('RDPMC with CR4.PCE = 0 and RDTSC with CR4.TSD = 1 fault at CPL 1 and are emulated', () => {
    const r = sw('start:\n  xor ecx, ecx\n  rdpmc\n  rdtsc\n  mov eax, cr4\n  or eax, 4\n  mov cr4, eax\n  rdtsc\n  mov [0x4000], eax\n  cli\n  hlt\n');
    expect(emulated(r)).toEqual(['RDPMC', 'MOV from CR', 'MOV to CR', 'RDTSC', 'CLI', 'HLT']);
    expect(r.vmm.gm.read32(0x4000)).not.toBe(0);
  });
});

describe('IRET and far RET to the guest\'s ring 0 (RPL 0 < CPL 1: #GP(selector))', () => {
  it('IRET from a reflected interrupt restores the virtual IF the interrupt gate cleared', () => {
    const src = `
start:
        mov     eax, 0x81
        mov     ebx, handler
        mov     edx, 0x8E00
        call    set_gate
        lidt    [idtr]
        sti
        int     0x81
        mov     [0x4000], eax
        cli
        hlt
handler:
        mov     eax, 0x5A
        iretd
${IDT_SETUP}`;
    const r = sw(src);
    expect(r.end).toBe('halted');
    expect(r.vmm.gm.read32(0x4000)).toBe(0x5a);
    const iret = r.traps.find((x) => x.emulated === 'IRET')!;
    expect(iret).toMatchObject({ vector: 13, errorCode: 0x08, guestCpl: 0 });
    // the frame the VMM pushed: virtual CS 0x08 and virtual EFLAGS with IF = 1
    const int = r.traps.find((x) => x.emulated === 'INT n')!;
    expect(int.errorCode).toBe((0x81 << 3) | 2);
    expect(resumeAfter(r, Number(int.guestEip)).reflected).toBe(0x81);
    const stack = 0x90000 - 12;
    expect(r.vmm.gm.read32(stack + 4)).toBe(0x08);
    expect(r.vmm.gm.read32(stack + 8) & Flag.IF).toBe(Flag.IF);
    expect(emulated(r)).toEqual(['LIDT', 'STI', 'INT n', 'IRET', 'CLI', 'HLT']);
  });

  it('RETF with CS RPL 0 lands at the guest\'s ring 0 (really CPL 1)', () => {
    const r = sw('start:\n  push dword 0x08\n  push dword there\n  retf\nthere:\n  mov ax, cs\n  mov [0x4000], eax\n  cli\n  hlt\n');
    expect(r.end).toBe('halted');
    expect(r.traps[0]).toMatchObject({ emulated: 'RETF', errorCode: 0x08 });
    expect(r.vmm.gm.read32(0x4000) & 0xffff).toBe(0x09);
  });
});

describe('MOV SS, POP SS, LSS with RPL 0 (SS needs RPL = CPL: #GP(selector))', () => {
  it('load SS with RPL 1 after checking the guest\'s descriptor', () => {
    const r = sw(`
start:
        mov     ax, 0x10
        mov     ss, ax
        push    dword 0x10
        pop     ss
        lss     esp, [far_ptr]
        mov     [0x4000], esp
        mov     ax, ss
        mov     [0x4004], eax
        cli
        hlt
far_ptr: dd 0x8F000
        dw 0x10
`);
    expect(r.end).toBe('halted');
    expect(emulated(r)).toEqual(['load SS', 'load SS', 'load SS', 'CLI', 'HLT']);
    expect(r.traps.slice(0, 3).every((x) => x.errorCode === 0x10)).toBe(true);
    expect(r.vmm.gm.read32(0x4000)).toBe(0x8f000);
    expect(r.vmm.gm.read32(0x4004) & 0xffff).toBe(0x11);
  });
});

describe('INT n, INT3, INTO (the VMM\'s DPL-0 gates: #GP(n × 8 + 2))', () => {
  const program = (gateDpl: number): string => `
USER_STACK equ 0x70000
start:
        mov     eax, 0x80
        mov     ebx, syscall
        mov     edx, 0x8E00 | (${gateDpl} << 13)
        call    set_gate
        mov     eax, 13
        mov     ebx, gp
        mov     edx, 0x8E00
        call    set_gate
        mov     eax, 3
        mov     ebx, breakpoint
        mov     edx, 0xEE00
        call    set_gate
        lidt    [idtr]
        push    dword 0x23
        push    dword USER_STACK
        push    dword 0x002
        push    dword 0x1B
        push    dword user
        iretd
user:   int3
        int     0x80
        jmp     $
breakpoint:
        push    ds
        push    eax
        mov     ax, 0x10                ; DS was nulled on the way to ring 3
        mov     ds, ax
        inc     dword [0x4008]
        pop     eax
        pop     ds
        iretd
syscall:
        mov     ax, 0x10
        mov     ds, ax
        mov     dword [0x4000], 0x5C
        cli
        hlt
gp:     mov     ax, 0x10
        mov     ds, ax
        mov     eax, [esp]
        mov     [0x4004], eax
        cli
        hlt
${IDT_SETUP}`;

  it('from ring 3 through a DPL-3 gate: reflected into the guest\'s handler at its ring 0', () => {
    const src = program(3);
    const r = sw(src);
    const bare = bareFor(src);
    bare.run(10_000);
    expect(r.end).toBe('halted');
    expect(r.vmm.gm.read32(0x4000)).toBe(0x5c);
    expect(r.vmm.gm.read32(0x4008)).toBe(bare.mem.read32(0x4008));
    const int = r.traps.find((x) => x.emulated === 'INT n')!;
    expect(int).toMatchObject({ vector: 13, errorCode: 0x402, guestCpl: 3 });
    expect(resumeAfter(r, Number(int.guestEip))).toMatchObject({ reflected: 0x80, cpl: 1, guestCpl: 0 });
    expect(r.traps.find((x) => x.emulated === 'INT3')).toMatchObject({ errorCode: 0x1a, guestCpl: 3 });
  });

  it('from ring 3 through a DPL-0 gate: the guest gets the #GP(0x402) the hardware would give it', () => {
    const src = program(0);
    const r = sw(src);
    const bare = bareFor(src);
    bare.run(10_000);
    expect(bare.mem.read32(0x4004)).toBe(0x402);
    expect(r.vmm.gm.read32(0x4004)).toBe(0x402);
    expect(r.vmm.gm.read32(0x4000)).toBe(0);
    const int = r.traps.find((x) => x.emulated === 'INT n')!;
    expect(resumeAfter(r, Number(int.guestEip)).reflected).toBe(13);
  });
});

describe('SYSENTER and SYSEXIT (#GP(0): the real SYSENTER_CS is 0 / CPL > 0)', () => {
  it('go through the guest\'s virtual MSRs, between its ring 3 and its ring 0', () => {
    const src = `
start:
        mov     ecx, 0x174
        mov     eax, 0x08
        xor     edx, edx
        wrmsr
        mov     ecx, 0x175
        mov     eax, 0x88000
        wrmsr
        mov     ecx, 0x176
        mov     eax, kernel_entry
        wrmsr
        mov     ecx, 0x70000            ; user ESP
        mov     edx, user               ; user EIP
        sysexit
user:   mov     ax, cs
        mov     [0x4000], eax
        sysenter
kernel_entry:
        mov     ax, cs
        mov     [0x4004], eax
        mov     [0x4008], esp
        cli
        hlt
`;
    const r = sw(src);
    const bare = bareFor(src);
    bare.run(10_000);
    expect(r.end).toBe('halted');
    expect(r.vmm.gm.read32(0x4000) & 0xffff).toBe(0x1b);
    expect(r.vmm.gm.read32(0x4004) & 0xffff).toBe(0x09); // bare: 0x08 — the RPL shows CPL 1
    expect(bare.mem.read32(0x4004) & 0xffff).toBe(0x08);
    expect(r.vmm.gm.read32(0x4008)).toBe(0x88000);
    expect(emulated(r)).toEqual(['WRMSR', 'WRMSR', 'WRMSR', 'SYSEXIT', 'SYSENTER', 'CLI', 'HLT']);
  });
});

describe('exceptions meant for the guest are reflected', () => {
  it('#DE at the guest\'s ring 0, and a #PF its own page tables cause (with CR2)', () => {
    const src = `
PD equ 0x30000
start:
        mov     eax, 0
        mov     ebx, de
        mov     edx, 0x8E00
        call    set_gate
        mov     eax, 14
        mov     ebx, pf
        call    set_gate
        lidt    [idtr]
        xor     ecx, ecx
        div     ecx                     ; #DE
        mov     dword [PD], 0x00000083
        mov     eax, cr4
        or      eax, 0x10
        mov     cr4, eax
        mov     eax, PD
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        mov     eax, [0x00800000]       ; not mapped: #PF
        cli
        hlt
de:     mov     dword [0x4000], 0xDE
        add     dword [esp], 2          ; skip the DIV
        iretd
pf:     mov     eax, cr2
        mov     [0x4004], eax
        mov     eax, [esp]
        mov     [0x4008], eax
        cli
        hlt
${IDT_SETUP}`;
    const r = sw(src);
    expect(r.end).toBe('halted');
    expect(r.vmm.gm.read32(0x4000)).toBe(0xde);
    expect(r.vmm.gm.read32(0x4004) >>> 0).toBe(0x00800000);
    expect(r.vmm.gm.read32(0x4008)).toBe(0); // not present, read, supervisor
    const de = r.traps.find((x) => x.vector === 0)!;
    expect(de).toMatchObject({ name: '#DE', emulated: null, guestCpl: 0 });
    expect(resumeAfter(r, Number(de.guestEip)).reflected).toBe(0);
    const s = r.vmm.stats();
    expect(s.trapsByCause['guest page fault'].count).toBe(1);
    expect(s.trapsByCause['shadow page fill'].count).toBeGreaterThan(0);
  });
});
