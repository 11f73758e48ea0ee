; @mode guest
;
; sensitive.s — the sensitive unprivileged instructions (Robin & Irvine 2000), seen from a kernel.
;
; A kernel runs each of the 18 mnemonics of Robin & Irvine's list (SGDT, SIDT, SLDT, SMSW, PUSHF,
; POPF, LAR, LSL, VERR, VERW, PUSH, POP, MOV, CALL, JMP, RET, INT n, STR) once and prints what it
; sees. None of them faults at CPL 1 or 3, so a VMM that runs the kernel deprivileged at ring 1 and
; relies on traps never sees them: they just behave the way the hardware makes them behave at ring
; 1. On the bare machine and as a VT-x guest (CPL 0 in VMX non-root operation) every line shows the
; kernel's own state; under the software VMM (src/core/techniques/deprivileged) they show the VMM's
; tables, RPL 1, the real IF, truncated segment limits, and privilege checks made against CPL 1.
;
; The kernel builds its own GDT (with a ring-1 code/data pair and an LDT), TSS and IDT; a #GP
; handler records faults and skips the faulting instruction, so a line can say "#GP" where the
; instruction is refused. POPF is checked with a fast timer: after CLI, a POPF that sets IF must
; let the timer interrupt in. The run ends halted, with interrupts disabled.

PIT_DIVISOR     equ 119             ; 1.193182 MHz / 119 = about 10 kHz
SPIN_LOOPS      equ 250000          ; how long to wait for a timer interrupt after POPF

KERNEL_CS       equ 0x08
KERNEL_DS       equ 0x10
TSS_SEL         equ 0x28
RING1_CS        equ 0x31            ; GDT entry 6 | RPL 1: a DPL-1 code segment
RING1_DS        equ 0x39            ; GDT entry 7 | RPL 1: a DPL-1 data segment
LDT_SEL         equ 0x40
KERNEL_STACK    equ 0x90000
RING1_STACK     equ 0x60000

COM1            equ 0x3F8
COM1_LSR        equ COM1 + 5

start:
        cli
        mov     esp, KERNEL_STACK
        call    uart_init
        mov     esi, msg_banner
        call    puts

        ; ---- our own GDT, TSS, LDT and IDT
        mov     eax, tss
        mov     [gdt_tss + 2], ax
        shr     eax, 16
        mov     [gdt_tss + 4], al
        mov     [gdt_tss + 7], ah
        mov     eax, ldt
        mov     [gdt_ldt + 2], ax
        shr     eax, 16
        mov     [gdt_ldt + 4], al
        mov     [gdt_ldt + 7], ah
        lgdt    [gdt_descriptor]
        jmp     KERNEL_CS:.reload
.reload:
        mov     ax, KERNEL_DS
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     ss, ax
        mov     esp, KERNEL_STACK
        mov     ax, TSS_SEL
        ltr     ax
        mov     ax, LDT_SEL
        lldt    ax
        call    idt_init
        lidt    [idt_descriptor]

        ; ---- SGDT, SIDT: where the descriptor tables are
        sgdt    [scratch]
        mov     esi, msg_sgdt
        call    print_table_register
        sidt    [scratch]
        mov     esi, msg_sidt
        call    print_table_register

        ; ---- SLDT, STR: the LDT and task-register selectors
        mov     esi, msg_sldt
        call    puts
        xor     eax, eax
        sldt    ax
        call    put_hex16
        call    newline
        mov     esi, msg_str
        call    puts
        xor     eax, eax
        str     ax
        call    put_hex16
        call    newline

        ; ---- SMSW: the low word of CR0, after clearing CR0.NE (x87 errors reported the PC/AT way)
        mov     eax, cr0
        and     eax, ~0x20
        mov     cr0, eax
        mov     esi, msg_smsw
        call    puts
        xor     eax, eax
        smsw    ax
        call    put_hex16
        call    newline
        mov     eax, cr0
        or      eax, 0x20
        mov     cr0, eax

        ; ---- PUSHF after CLI: the IF the kernel just cleared
        cli
        pushfd
        pop     eax
        shr     eax, 9
        and     eax, 1
        mov     esi, msg_pushf
        call    puts
        call    put_dec
        call    newline

        ; ---- POPF: set IF with POPF; a timer interrupt must then arrive
        call    timer_on
        mov     dword [ticks], 0
        pushfd
        or      dword [esp], 0x200
        popfd
        mov     ecx, SPIN_LOOPS
.spin:
        cmp     dword [ticks], 0
        jne     .spun
        dec     ecx
        jnz     .spin
.spun:
        cli
        call    timer_off
        mov     esi, msg_popf
        call    puts
        cmp     dword [ticks], 0
        call    put_yes_no_ne
        call    newline

        ; ---- LAR: access rights of the kernel data segment, and of the TSS (DPL 0)
        mov     esi, msg_lar
        call    puts
        mov     ax, KERNEL_DS
        xor     ebx, ebx
        lar     ebx, eax
        call    put_zf
        mov     esi, msg_lar_rights
        call    puts
        mov     eax, ebx
        call    put_hex
        mov     esi, msg_lar_tss
        call    puts
        mov     ax, TSS_SEL
        lar     ebx, eax
        call    put_zf
        call    newline

        ; ---- LSL: the kernel data segment's limit
        mov     esi, msg_lsl
        call    puts
        mov     ax, KERNEL_DS
        lsl     ebx, eax
        mov     eax, ebx
        call    put_hex
        call    newline

        ; ---- VERR, VERW with RPL 1 on a DPL-0 segment (RPL > DPL: not accessible)
        mov     esi, msg_verr
        call    puts
        mov     ax, KERNEL_DS | 1
        verr    ax
        call    put_zf
        call    newline
        mov     esi, msg_verw
        call    puts
        mov     ax, KERNEL_DS | 1
        verw    ax
        call    put_zf
        call    newline

        ; ---- PUSH CS, PUSH SS: the selectors, with their RPL (= CPL for CS)
        mov     esi, msg_push
        call    puts
        push    cs
        pop     eax
        call    put_hex16
        mov     esi, msg_push_ss
        call    puts
        push    ss
        pop     eax
        call    put_hex16
        call    newline

        ; ---- POP DS with RPL 1 on the DPL-0 data segment: #GP(0x10) at CPL 0
        mov     esi, msg_pop
        call    puts
        mov     dword [gp_count], 0
        mov     dword [skip_len], 1         ; POP DS is one byte (1F)
        mov     ebp, esp
        push    dword KERNEL_DS | 1
        pop     ds
        mov     esp, ebp
        mov     ax, KERNEL_DS
        mov     ds, ax
        call    put_fault_or_loaded
        call    newline

        ; ---- MOV from SS; MOV to DS with RPL 1
        mov     esi, msg_mov
        call    puts
        xor     eax, eax
        mov     ax, ss
        call    put_hex16
        mov     esi, msg_mov_ds
        call    puts
        mov     dword [gp_count], 0
        mov     dword [skip_len], 2         ; MOV DS, AX is two bytes (8E D8)
        mov     ax, KERNEL_DS | 1
        mov     ds, ax
        mov     ax, KERNEL_DS
        mov     ds, ax
        call    put_fault_or_loaded
        call    newline

        ; ---- CALL FAR to our own code segment: the CS it pushes
        call    KERNEL_CS:far_callee
        mov     esi, msg_call
        call    puts
        mov     eax, [call_cs]
        call    put_hex16
        call    newline

        ; ---- JMP FAR to the DPL-1 code segment: #GP at CPL 0 (a non-conforming segment needs DPL = CPL)
        mov     esi, msg_jmp
        call    puts
        mov     dword [gp_count], 0
        mov     dword [skip_len], 7         ; JMP ptr16:32 is seven bytes (EA + offset + selector)
        jmp     RING1_CS:jmp_target
jmp_return:
        call    put_fault_or_taken
        call    newline

        ; ---- RETF to ring 1: an outer-level return also pops SS:ESP
        mov     [saved_esp], esp
        push    dword RING1_DS
        push    dword RING1_STACK
        push    dword RING1_CS
        push    dword in_ring1
        retf
back_in_ring0:
        mov     esi, msg_retf
        call    puts
        cmp     dword [ring1_esp], RING1_STACK
        call    put_yes_no_e
        call    newline

        ; ---- INT n: the CS the handler runs with
        int     0x82
        mov     esi, msg_int
        call    puts
        mov     eax, [int_cs]
        call    put_hex16
        call    newline

        mov     esi, msg_done
        call    puts
        cli
        hlt
        jmp     $ - 1

; ==================================================================== the transfers' other ends
far_callee:
        mov     eax, [esp + 4]              ; the CS pushed by CALL FAR
        mov     [call_cs], eax
        retf

jmp_target:                                 ; reached only when the JMP FAR is allowed
        jmp     KERNEL_CS:jmp_return

in_ring1:                                   ; after the RETF: at ring 1 natively
        mov     ebx, esp
        mov     ax, RING1_DS                ; DS (DPL 0) was nulled by the return to ring 1
        mov     ds, ax
        mov     [ring1_esp], ebx
        int     0x81                        ; back to ring 0 through a DPL-3 gate

ring0_return:                               ; IDT 0x81: forget the frame, restore the kernel stack
        mov     ax, KERNEL_DS
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     esp, [saved_esp]
        jmp     back_in_ring0

int_probe:                                  ; IDT 0x82
        push    eax
        xor     eax, eax
        mov     ax, cs
        mov     [int_cs], eax
        pop     eax
        iretd

; #GP: count it, remember the error code, skip the faulting instruction (skip_len bytes)
gp_handler:
        push    eax
        push    ds
        mov     ax, KERNEL_DS
        mov     ds, ax
        mov     eax, [esp + 8]              ; error code
        mov     [gp_code], eax
        inc     dword [gp_count]
        mov     eax, [skip_len]
        add     [esp + 12], eax             ; the return EIP
        pop     ds
        pop     eax
        add     esp, 4                      ; drop the error code
        iretd

unexpected:
        mov     ax, KERNEL_DS
        mov     ds, ax
        mov     esi, msg_unexpected
        call    puts
        cli
        hlt
        jmp     $ - 1

timer:
        push    eax
        push    ds
        mov     ax, KERNEL_DS
        mov     ds, ax
        inc     dword [ticks]
        mov     al, 0x20
        out     0x20, al
        pop     ds
        pop     eax
        iretd

; ==================================================================== set-up helpers
; set_gate: EAX = vector, EBX = handler, EDX = type/DPL bits
set_gate:
        push    eax
        push    ebx
        push    ecx
        lea     ecx, [idt + eax * 8]
        mov     eax, ebx
        and     eax, 0x0000FFFF
        or      eax, KERNEL_CS << 16
        mov     [ecx], eax
        and     ebx, 0xFFFF0000
        or      ebx, edx
        mov     [ecx + 4], ebx
        pop     ecx
        pop     ebx
        pop     eax
        ret

idt_init:
        xor     eax, eax
        mov     ebx, unexpected
        mov     edx, 0x8E00                 ; present, DPL 0, 32-bit interrupt gate
.exceptions:
        call    set_gate
        inc     eax
        cmp     eax, 32
        jb      .exceptions
        mov     eax, 13
        mov     ebx, gp_handler
        call    set_gate
        mov     eax, 0x20
        mov     ebx, timer
        call    set_gate
        mov     eax, 0x82
        mov     ebx, int_probe
        call    set_gate
        mov     eax, 0x81
        mov     ebx, ring0_return
        mov     edx, 0xEE00                 ; DPL 3: usable from ring 1
        call    set_gate
        ret

; PIC remapped to 0x20/0x28 with only IRQ0 unmasked; PIT channel 0 as a ~10 kHz rate generator
timer_on:
        mov     al, 0x11
        out     0x20, al
        out     0xA0, al
        mov     al, 0x20
        out     0x21, al
        mov     al, 0x28
        out     0xA1, al
        mov     al, 0x04
        out     0x21, al
        mov     al, 0x02
        out     0xA1, al
        mov     al, 0x01
        out     0x21, al
        out     0xA1, al
        mov     al, 0xFE
        out     0x21, al
        mov     al, 0xFF
        out     0xA1, al
        mov     al, 0x34
        out     0x43, al
        mov     al, PIT_DIVISOR & 0xFF
        out     0x40, al
        mov     al, PIT_DIVISOR >> 8
        out     0x40, al
        ret

timer_off:
        mov     al, 0xFF
        out     0x21, al                    ; mask IRQ0 again
        ret

; ==================================================================== output
uart_init:
        mov     dx, COM1 + 3
        mov     al, 0x80
        out     dx, al
        mov     dx, COM1
        mov     al, 1
        out     dx, al
        mov     dx, COM1 + 1
        mov     al, 0
        out     dx, al
        mov     dx, COM1 + 3
        mov     al, 0x03
        out     dx, al
        ret

putc:
        push    edx
        push    eax
        mov     dx, COM1_LSR
.wait:
        in      al, dx
        test    al, 0x20
        jz      .wait
        pop     eax
        mov     dx, COM1
        out     dx, al
        pop     edx
        ret

puts:
        push    eax
        push    esi
.next:
        lodsb
        test    al, al
        jz      .end
        call    putc
        jmp     .next
.end:
        pop     esi
        pop     eax
        ret

newline:
        push    eax
        mov     al, 10
        call    putc
        pop     eax
        ret

put_dec:
        pushad
        mov     ebx, 10
        xor     ecx, ecx
.divide:
        xor     edx, edx
        div     ebx
        push    edx
        inc     ecx
        test    eax, eax
        jnz     .divide
.print:
        pop     eax
        add     al, '0'
        call    putc
        loop    .print
        popad
        ret

; put_hex: EAX as 0x and 8 digits; put_hex16: AX as 0x and 4 digits (registers preserved)
put_hex:
        push    ecx
        push    ebx
        mov     ebx, eax
        mov     ecx, 8
        call    put_digits
        pop     ebx
        pop     ecx
        ret
put_hex16:
        push    ecx
        push    ebx
        mov     ebx, eax
        shl     ebx, 16
        mov     ecx, 4
        call    put_digits
        pop     ebx
        pop     ecx
        ret

; put_digits: "0x", then the top ECX hex digits of EBX (EBX and ECX are clobbered)
put_digits:
        push    eax
        mov     al, '0'
        call    putc
        mov     al, 'x'
        call    putc
.digit:
        rol     ebx, 4
        mov     eax, ebx
        and     eax, 0x0F
        mov     al, [hex_digits + eax]
        call    putc
        loop    .digit
        pop     eax
        ret

; put_zf: "ZF = 1" / "ZF = 0" from the flags at the call
put_zf:
        push    esi
        mov     esi, msg_zf1
        jz      .print
        mov     esi, msg_zf0
.print:
        call    puts
        pop     esi
        ret

; put_yes_no_e: "yes" if ZF = 1; put_yes_no_ne: "yes" if ZF = 0
put_yes_no_e:
        push    esi
        mov     esi, msg_yes
        je      .print
        mov     esi, msg_no
.print:
        call    puts
        pop     esi
        ret
put_yes_no_ne:
        push    esi
        mov     esi, msg_yes
        jne     .print
        mov     esi, msg_no
.print:
        call    puts
        pop     esi
        ret

; put_fault_or_loaded / put_fault_or_taken: "#GP(0x....)" if the #GP handler ran, else "loaded" / "taken"
put_fault_or_loaded:
        push    esi
        mov     esi, msg_loaded
        jmp     put_fault_or
put_fault_or_taken:
        push    esi
        mov     esi, msg_taken
put_fault_or:
        cmp     dword [gp_count], 0
        je      .ok
        mov     esi, msg_gp
        call    puts
        push    eax
        mov     eax, [gp_code]
        call    put_hex16
        pop     eax
        mov     esi, msg_close
.ok:
        call    puts
        pop     esi
        ret

; put a table register stored at [scratch]: "base 0x........, limit 0x...."
print_table_register:
        call    puts
        mov     esi, msg_base
        call    puts
        mov     eax, [scratch + 2]
        call    put_hex
        mov     esi, msg_limit
        call    puts
        movzx   eax, word [scratch]
        call    put_hex16
        call    newline
        ret

; ==================================================================== data
        align   8
gdt:
        dq      0                           ; 0x00
        dq      0x00CF9A000000FFFF          ; 0x08 kernel code, DPL 0
        dq      0x00CF92000000FFFF          ; 0x10 kernel data, DPL 0
        dq      0x00CFFA000000FFFF          ; 0x18 user code, DPL 3
        dq      0x00CFF2000000FFFF          ; 0x20 user data, DPL 3
gdt_tss:
        dq      0x0000890000000067          ; 0x28 TSS (base patched)
        dq      0x00CFBA000000FFFF          ; 0x30 ring-1 code, DPL 1
        dq      0x00CFB2000000FFFF          ; 0x38 ring-1 data, DPL 1
gdt_ldt:
        dq      0x0000820000000007          ; 0x40 LDT of one descriptor (base patched)
gdt_end:
gdt_descriptor:
        dw      gdt_end - gdt - 1
        dd      gdt

        align   8
ldt:
        dq      0x00CF92000000FFFF          ; LDT selector 0x04: a data segment

tss:
        dd      0
        dd      KERNEL_STACK                ; ESP0
        dd      KERNEL_DS                   ; SS0
        times 22 dd 0
        dw      0
        dw      104                         ; no I/O permission bitmap

idt_descriptor:
        dw      0x83 * 8 - 1
        dd      idt

scratch:        times 8 db 0
ticks:          dd 0
gp_count:       dd 0
gp_code:        dd 0
skip_len:       dd 0
call_cs:        dd 0
int_cs:         dd 0
saved_esp:      dd 0
ring1_esp:      dd 0

hex_digits:     db "0123456789ABCDEF"
msg_banner:     db "sensitive.s: the sensitive unprivileged instructions, as the kernel sees them", 10, 0
msg_sgdt:       db "SGDT:", 0
msg_sidt:       db "SIDT:", 0
msg_base:       db " base ", 0
msg_limit:      db ", limit ", 0
msg_sldt:       db "SLDT: ", 0
msg_str:        db "STR: ", 0
msg_smsw:       db "SMSW after clearing CR0.NE: ", 0
msg_pushf:      db "PUSHF after CLI: IF = ", 0
msg_popf:       db "POPF setting IF: a timer interrupt came in: ", 0
msg_lar:        db "LAR 0x10: ", 0
msg_lar_rights: db ", access rights ", 0
msg_lar_tss:    db "; LAR 0x28 (the TSS): ", 0
msg_lsl:        db "LSL 0x10: limit ", 0
msg_verr:       db "VERR 0x11 (RPL 1, DPL 0): ", 0
msg_verw:       db "VERW 0x11 (RPL 1, DPL 0): ", 0
msg_push:       db "PUSH CS: ", 0
msg_push_ss:    db ", PUSH SS: ", 0
msg_pop:        db "POP DS with 0x11 (RPL 1, DPL 0): ", 0
msg_mov:        db "MOV AX, SS: ", 0
msg_mov_ds:     db "; MOV DS, 0x11: ", 0
msg_call:       db "CALL FAR 0x08: pushed CS = ", 0
msg_jmp:        db "JMP FAR 0x31 (DPL-1 code): ", 0
msg_retf:       db "RETF to ring 1 (0x31) switched to the ring-1 stack: ", 0
msg_int:        db "INT 0x82: the handler runs with CS = ", 0
msg_done:       db "done", 10, 0
msg_unexpected: db "unexpected exception", 10, 0
msg_zf1:        db "ZF = 1", 0
msg_zf0:        db "ZF = 0", 0
msg_yes:        db "yes", 0
msg_no:         db "no", 0
msg_loaded:     db "loaded", 0
msg_taken:      db "taken", 0
msg_gp:         db "#GP(", 0
msg_close:      db ")", 0

        align   8
idt:
        times 0x83 dq 0
