; @mode guest
;
; io-heavy.s — port I/O in a loop: every IN and OUT is a VM exit.
;
; The VMM emulates the PC's devices in software, so its I/O bitmaps trap every port: each access
; exits (reason 30), the handler decodes the exit qualification (port, size, direction), runs the
; device model and resumes the guest after the instruction. Per round this program makes
;   - 2 accesses to the UART's scratch register (write, read back),
;   - 3 accesses to the PIT (latch channel 0, read the count low and high byte),
;   - 2 accesses to print a dot (poll LSR, write THR),
; i.e. 7 exits per round. At the end one REP OUTSB sends a whole string: a single exit, because the
; VMM emulates all repetitions at once (the "string I/O" optimisation every VMM makes).

ROUNDS          equ 200
DOTS_PER_LINE   equ 50
COM1            equ 0x3F8
COM1_LSR        equ COM1 + 5
COM1_SCR        equ COM1 + 7        ; scratch register: a byte of storage, no side effects
COM1_FCR        equ COM1 + 2

start:
        mov     dx, COM1_FCR
        mov     al, 0x07            ; enable and clear the FIFOs (16-byte transmit FIFO)
        out     dx, al
        mov     ecx, ROUNDS
        xor     ebx, ebx            ; EBX = sum of the PIT counts read (just to use them)
loop_begin:
        ; UART scratch register: write and read back
        mov     dx, COM1_SCR
        mov     al, cl
        out     dx, al
        in      al, dx
        cmp     al, cl
        jne     io_wrong
        ; PIT channel 0: counter-latch command, then the latched count, low byte first
        mov     al, 0x00            ; control word: channel 0, latch
        out     0x43, al
        in      al, 0x40
        mov     ah, al
        in      al, 0x40
        xchg    al, ah
        movzx   eax, ax
        add     ebx, eax
        ; a dot on the console (and a newline every DOTS_PER_LINE rounds)
        mov     al, '.'
        call    putc
        mov     eax, ecx
        xor     edx, edx
        push    ebx
        mov     ebx, DOTS_PER_LINE
        div     ebx
        pop     ebx
        cmp     edx, 1
        jne     .next
        mov     al, 10
        call    putc
.next:
        dec     ecx
        jnz     loop_begin
loop_end:
        ; ---- one REP OUTSB for the final message (16 bytes: fits the transmit FIFO)
        mov     dx, COM1_LSR
.wait_empty:
        in      al, dx
        test    al, 0x20            ; THRE: the FIFO is empty
        jz      .wait_empty
        mov     esi, final
        mov     ecx, final_len
        mov     dx, COM1
        cld
        rep outsb                   ; one VM exit for all 16 bytes
        cli
        hlt
io_wrong:
        mov     al, '!'
        call    putc
        cli
        hlt

putc:                               ; AL = character
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

final:          db "I/O rounds done", 10
final_len       equ $ - final
