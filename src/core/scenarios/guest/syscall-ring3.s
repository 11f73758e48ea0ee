; @mode guest
;
; syscall-ring3.s — from ring 0 to ring 3 and back: IRET down, INT 0x80 up.
;
; The program starts at CPL 0, fills one IDT gate (vector 0x80, DPL 3) and IRETs to a ring-3 task.
; The task asks the "kernel" to print a line with INT 0x80, then to exit. On each INT 0x80 the CPU
; checks the gate's DPL against CPL, loads SS0:ESP0 from the TSS (the standard TSS at 0x1100 has
; ESP0 = 0x90000) and pushes the user's SS, ESP, EFLAGS, CS and EIP on the kernel stack.
;
; None of this is a VM exit under VT-x: a guest's system calls run at native speed (the `exception`
; records show CPL 3 -> 0, and no vmexit sits between them). Before VT-x, a VMM that ran the guest
; kernel deprivileged at ring 1 had to intercept exactly these transitions.
;
; Try GATE_DPL equ 0: INT 0x80 from CPL 3 then raises #GP (error code 0x80 * 8 + 2 = 0x402), and with
; no #GP handler the fault escalates to a double fault and a triple fault.

GATE_DPL        equ 3               ; the gate's DPL: 3 lets ring 3 use INT 0x80
IDT             equ 0x3000          ; free low memory
SYSCALL_VECTOR  equ 0x80
USER_CS         equ 0x1B            ; standard GDT: user code, RPL 3
USER_DS         equ 0x23            ; standard GDT: user data, RPL 3
USER_STACK      equ 0x70000
SYS_WRITE       equ 1               ; EBX = zero-terminated string
SYS_EXIT        equ 2
COM1            equ 0x3F8

start:
        ; ---- IDT[0x80]: a 32-bit trap gate, present, DPL = GATE_DPL, handler syscall_entry
        mov     eax, syscall_entry
        mov     [IDT + SYSCALL_VECTOR * 8 + 0], ax
        mov     word [IDT + SYSCALL_VECTOR * 8 + 2], 0x08
        mov     word [IDT + SYSCALL_VECTOR * 8 + 4], 0x8F00 | (GATE_DPL << 13)
        shr     eax, 16
        mov     [IDT + SYSCALL_VECTOR * 8 + 6], ax
        lidt    [idt_descriptor]

        mov     esi, msg_kernel
        call    puts

        ; ---- IRET to ring 3: the frame is SS, ESP, EFLAGS, CS, EIP (pushed in that order)
        mov     ax, USER_DS
        mov     ds, ax
        mov     es, ax
        push    dword USER_DS
        push    dword USER_STACK
        push    dword 0x002                 ; EFLAGS (interrupts stay off: nothing to take)
        push    dword USER_CS
        push    dword user_task
        iretd

; ---------------------------------------------------------------- ring 3
user_task:
        mov     ebx, msg_user
        mov     eax, SYS_WRITE
        int     0x80                        ; ring 3 -> ring 0 -> ring 3
        mov     eax, SYS_EXIT
        int     0x80                        ; does not return
        jmp     $

; ---------------------------------------------------------------- ring 0: the system-call handler
syscall_entry:
        cmp     eax, SYS_WRITE
        jne     .not_write
        mov     esi, ebx
        call    puts
        iretd                               ; back to CPL 3 (the CS on the stack has RPL 3)
.not_write:
        ; SYS_EXIT: stay in ring 0 (the user's frame is simply abandoned on the kernel stack) and stop
        mov     esi, msg_exit
        call    puts
        cli
        hlt

puts:
        push    eax
        push    edx
.next:
        lodsb
        test    al, al
        jz      .end
        mov     ah, al
        mov     dx, COM1 + 5
.wait:
        in      al, dx
        test    al, 0x20                    ; LSR.THRE
        jz      .wait
        mov     al, ah
        mov     dx, COM1
        out     dx, al
        jmp     .next
.end:
        pop     edx
        pop     eax
        ret

idt_descriptor:
        dw      (SYSCALL_VECTOR + 1) * 8 - 1
        dd      IDT
msg_kernel:     db "ring 0: dropping to ring 3 with IRET", 10, 0
msg_user:       db "ring 3: hello, via INT 0x80", 10, 0
msg_exit:       db "ring 0: the task called exit", 10, 0
