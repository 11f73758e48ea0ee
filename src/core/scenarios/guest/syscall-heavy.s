; @mode guest
;
; syscall-heavy.s — SYSCALLS round trips ring 3 -> ring 0 -> ring 3 through INT 0x80.
;
; A ring-3 loop calls a trivial system call (it returns a counter) over and over. Under VT-x the
; guest's IDT, TSS and privilege levels are real: INT 0x80 and IRET run natively, with no VM exit.
; (A pre-VT-x VMM that ran the guest kernel at ring 1 had to intercept every one of these.) Exits
; happen only at the start (set-up, first touches) and at the end (the UART report).

SYSCALLS        equ 2000            ; system calls the ring-3 loop makes
IDT             equ 0x3000
USER_CS         equ 0x1B
USER_DS         equ 0x23
USER_STACK      equ 0x70000
SYS_COUNT       equ 1               ; -> EAX = how many system calls so far
SYS_EXIT        equ 2
COM1            equ 0x3F8

start:
        ; ---- IDT[0x80]: 32-bit trap gate, DPL 3, handler syscall_entry (the standard TSS has ESP0)
        mov     eax, syscall_entry
        mov     [IDT + 0x80 * 8 + 0], ax
        mov     word [IDT + 0x80 * 8 + 2], 0x08
        mov     word [IDT + 0x80 * 8 + 4], 0xEF00   ; P, DPL 3, trap gate
        shr     eax, 16
        mov     [IDT + 0x80 * 8 + 6], ax
        lidt    [idt_descriptor]

        ; ---- into ring 3
        mov     ax, USER_DS
        mov     ds, ax
        mov     es, ax
        push    dword USER_DS
        push    dword USER_STACK
        push    dword 0x002
        push    dword USER_CS
        push    dword user_loop_setup
        iretd

; ---------------------------------------------------------------- ring 3
user_loop_setup:
        mov     ecx, SYSCALLS
loop_begin:
        mov     eax, SYS_COUNT
        int     0x80
        dec     ecx
        jnz     loop_begin
loop_end:
        mov     ebx, eax            ; the count the kernel returned last
        mov     eax, SYS_EXIT
        int     0x80

; ---------------------------------------------------------------- ring 0
syscall_entry:
        cmp     eax, SYS_COUNT
        jne     .exit
        inc     dword [count]
        mov     eax, [count]
        iretd
.exit:
        ; print "N system calls" and stop
        mov     eax, ebx
        mov     edi, number_end
.digit:
        xor     edx, edx
        mov     ebx, 10
        div     ebx
        add     dl, '0'
        dec     edi
        mov     [edi], dl
        test    eax, eax
        jnz     .digit
        mov     esi, edi
.print:
        lodsb
        test    al, al
        jz      .done
        mov     ah, al
        mov     dx, COM1 + 5
.wait:
        in      al, dx
        test    al, 0x20
        jz      .wait
        mov     al, ah
        mov     dx, COM1
        out     dx, al
        jmp     .print
.done:
        cli
        hlt

idt_descriptor:
        dw      0x81 * 8 - 1
        dd      IDT
        align   4096                ; kernel data on its own page, away from the code
count:          dd 0
number:         times 10 db ' '
number_end:     db " system calls from ring 3", 10, 0
