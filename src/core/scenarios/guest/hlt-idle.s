; @mode guest
;
; hlt-idle.s — an idle loop: sleep with HLT until the timer wakes us, TICKS times.
;
; This is what an operating system does when it has nothing to run. Natively the processor stops
; until the next interrupt. Under VT-x, HLT is a VM exit (reason 12) when the VMM sets "HLT exiting":
; the VMM marks the vCPU halted and gives the physical CPU to someone else (or skips time) until the
; VM's virtual timer fires, then injects the interrupt (vector 0x20) at the next VM entry. The EOI
; write to the PIC is one more exit (reason 30) per tick.
; Compare with timer-interrupt.s, which spins instead of halting.

TICKS           equ 10              ; how many timer interrupts to sleep through
TIMER_HZ        equ 100
PIT_DIVISOR     equ (1193182 + TIMER_HZ / 2) / TIMER_HZ
IDT             equ 0x3000          ; free low memory (machine/layout.ts)
TIMER_VECTOR    equ 0x20            ; IRQ0 after the PIC remap below
COM1            equ 0x3F8

start:
        ; ---- one interrupt gate, for the timer: IDT[0x20] -> timer_isr (32-bit interrupt gate, DPL 0)
        mov     eax, timer_isr
        mov     [IDT + TIMER_VECTOR * 8 + 0], ax            ; offset 15:0
        mov     word [IDT + TIMER_VECTOR * 8 + 2], 0x08     ; code selector
        mov     word [IDT + TIMER_VECTOR * 8 + 4], 0x8E00   ; P, DPL 0, interrupt gate
        shr     eax, 16
        mov     [IDT + TIMER_VECTOR * 8 + 6], ax            ; offset 31:16
        lidt    [idt_descriptor]

        ; ---- 8259A: ICW1-ICW4 on both chips (vectors 0x20 / 0x28), then unmask IRQ0 only
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
        ; ---- 8254 channel 0: mode 2 (rate generator), TIMER_HZ
        mov     al, 0x34
        out     0x43, al
        mov     al, PIT_DIVISOR & 0xFF
        out     0x40, al
        mov     al, PIT_DIVISOR >> 8
        out     0x40, al

        ; ---- the idle loop
.idle:
        sti                         ; STI delays interrupts by one instruction, so the HLT
        hlt                         ; is reached before the timer can interrupt: no lost wake-up
        inc     dword [wakeups]
        cmp     dword [ticks], TICKS
        jb      .idle

        cli
        mov     esi, message
        call    puts
        hlt                         ; IF = 0: the end

timer_isr:
        inc     dword [ticks]
        push    eax
        mov     al, 0x20            ; non-specific EOI to the master PIC
        out     0x20, al
        pop     eax
        iretd

puts:
        lodsb
        test    al, al
        jz      .end
        mov     ah, al
        mov     dx, COM1 + 5
.wait:
        in      al, dx
        test    al, 0x20
        jz      .wait
        mov     al, ah
        mov     dx, COM1
        out     dx, al
        jmp     puts
.end:
        ret

idt_descriptor:
        dw      (TIMER_VECTOR + 1) * 8 - 1  ; limit: gates 0..0x20 (only 0x20 is present)
        dd      IDT
ticks:          dd 0
wakeups:        dd 0
message:        db "slept through 10 timer ticks with HLT", 10, 0
