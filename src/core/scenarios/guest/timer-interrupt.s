; @mode guest
;
; timer-interrupt.s — a busy guest that never exits by itself, and still gets timer interrupts.
;
; The guest programs the 8254 PIT (10 kHz) and the 8259A PIC, then spins in a loop that causes no
; VM exits. How can the VMM inject the virtual timer's interrupt into a guest that never gives
; control back? It arms a deadline before VM entry:
;   - the VMX-preemption timer where the CPU model offers it: exit reason 52 at the deadline;
;   - otherwise its own host timer: the host interrupt is an "external interrupt" exit (reason 1).
; At the next VM entry it injects vector 0x20 (VM-entry interruption-information field), and the
; guest's handler runs as if the interrupt had arrived natively.

TICKS           equ 5               ; interrupts to wait for
TIMER_HZ        equ 10000           ; fast, to keep the run short (an OS would use 100-1000 Hz)
PIT_DIVISOR     equ (1193182 + TIMER_HZ / 2) / TIMER_HZ
IDT             equ 0x3000
TIMER_VECTOR    equ 0x20
COM1            equ 0x3F8

start:
        ; ---- IDT with one interrupt gate at 0x20
        mov     eax, timer_isr
        mov     [IDT + TIMER_VECTOR * 8 + 0], ax
        mov     word [IDT + TIMER_VECTOR * 8 + 2], 0x08
        mov     word [IDT + TIMER_VECTOR * 8 + 4], 0x8E00
        shr     eax, 16
        mov     [IDT + TIMER_VECTOR * 8 + 6], ax
        lidt    [idt_descriptor]

        ; ---- PIC: vectors 0x20/0x28, only IRQ0 unmasked
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
        ; ---- PIT channel 0, mode 2, TIMER_HZ
        mov     al, 0x34
        out     0x43, al
        mov     al, PIT_DIVISOR & 0xFF
        out     0x40, al
        mov     al, PIT_DIVISOR >> 8
        out     0x40, al

        sti
.spin:                              ; no exits in here: only the timer can interrupt us
        inc     dword [spins]
        cmp     dword [ticks], TICKS
        jb      .spin

        cli
        mov     esi, message
        call    puts
        hlt

timer_isr:
        inc     dword [ticks]
        push    eax
        mov     al, 0x20            ; EOI
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
        dw      (TIMER_VECTOR + 1) * 8 - 1
        dd      IDT

; The counters get a page of their own: writing to the page that holds the code being run makes
; the processor (and this emulator) check for self-modifying code.
        align   4096
ticks:          dd 0
spins:          dd 0
message:        db "took 5 timer interrupts while spinning", 10, 0
