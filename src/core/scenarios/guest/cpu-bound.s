; @mode guest
;
; cpu-bound.s — pure computation: a xorshift32 pseudo-random generator run ITERATIONS times.
;
; The loop uses only registers and ordinary integer instructions, none of which VT-x intercepts, so
; in guest mode it runs with no VM exits at all: virtualization costs nothing here. The only exits
; come at the start (EPT models: the first fetch from the code page is an EPT violation) and at the
; end, when the result is printed through the emulated UART and HLT stops the guest.
; The checksum is the same on every CPU model and in bare mode.

ITERATIONS      equ 50000
SEED            equ 2463534242      ; xorshift32's customary seed (Marsaglia 2003)
COM1            equ 0x3F8

start:
        mov     eax, SEED
        xor     ebx, ebx            ; EBX = running sum of the generated numbers
        mov     ecx, ITERATIONS
loop_begin:
        mov     edx, eax            ; x ^= x << 13
        shl     edx, 13
        xor     eax, edx
        mov     edx, eax            ; x ^= x >> 17
        shr     edx, 17
        xor     eax, edx
        mov     edx, eax            ; x ^= x << 5
        shl     edx, 5
        xor     eax, edx
        add     ebx, eax
        dec     ecx
        jnz     loop_begin
loop_end:

        ; ---- print "checksum 0x........" (the exits start here)
        mov     esi, msg
        call    puts
        mov     ecx, 8
.digit:
        rol     ebx, 4
        mov     eax, ebx
        and     eax, 0x0F
        mov     al, [hex_digits + eax]
        call    putc
        loop    .digit
        mov     al, 10
        call    putc
        cli
        hlt

putc:                               ; AL = character
        push    eax
        mov     dx, COM1 + 5
.wait:
        in      al, dx
        test    al, 0x20            ; LSR.THRE
        jz      .wait
        pop     eax
        mov     dx, COM1
        out     dx, al
        ret
puts:                               ; ESI = zero-terminated string
        lodsb
        test    al, al
        jz      .end
        call    putc
        jmp     puts
.end:
        ret

hex_digits:     db "0123456789ABCDEF"
msg:            db "checksum 0x", 0
